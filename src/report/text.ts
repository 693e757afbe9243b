/**
 * The default, human-readable report: a summary table of clients, then the findings grouped by client
 * (above LARGE_REPORT_CLIENTS: a count per verdict first, problem clients first, findings by cause).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { severityRank, type Finding, type Severity } from '../diagnose/finding.js';
import type { AnalysisJson, ClientJson } from './schema.js';
import { verdict, type VerdictClient } from './json.js';
import { drawTable } from './text-table.js';

export interface TextOptions {
  color: boolean;
  /** Wrap finding texts at this many columns (default 100). */
  width?: number;
  /** Show the per-client timeline under the findings. */
  timeline?: boolean;
}

/**
 * What the text report reads of a client. `analyze` without --json, --timeline, --diagram or --html
 * keeps only this of each finished client until the end (textClient()): for 10 000 clients a few
 * MB instead of every offer's and transfer's details.
 */
export type TextClient = VerdictClient &
  Pick<ClientJson, 'guid' | 'archName' | 'bootServer' | 'bootFile'> & {
    offers: Pick<ClientJson['offers'][number], 'kind'>[];
    /** Only with --timeline. */
    timeline?: ClientJson['timeline'];
  };

/** An analysis as the text report reads it (full clients are TextClients too). */
export type TextAnalysis = Omit<AnalysisJson, 'clients'> & { clients: TextClient[] };

/** The optional fields of a client that TextClient keeps as they are (absent stays absent). */
const TEXT_CLIENT_OPTIONAL = ['guid', 'arch', 'archName', 'vendorClass', 'bootServer', 'bootFile', 'methods', 'closestMethod', 'lastStage'] as const satisfies readonly (keyof TextClient)[];

/** The part of a client the text report reads (without its timeline). */
export function textClient(c: ClientJson): TextClient {
  const t: TextClient = {
    mac: c.mac,
    ok: c.ok,
    stage: c.stage,
    offers: c.offers.map((o) => ({ kind: o.kind })),
    transfers: c.transfers.map((x) => ({ outcome: x.outcome })),
  };
  const kept = t as Record<string, unknown>;
  for (const k of TEXT_CLIENT_OPTIONAL) if (c[k] !== undefined) kept[k] = c[k];
  return t;
}

/** Word-wrap `text` to `width` columns; continuation lines get `indent`. */
function wrap(text: string, width: number, first: string, indent: string): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/)) {
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  out.push(line);
  return out;
}

/** Above this many clients the report opens with a count per verdict and lists problem clients first. */
export const LARGE_REPORT_CLIENTS = 50;

const TABLE_HEAD = ['MAC', 'GUID', 'arch', 'vendor class', 'offers', 'boot server', 'boot file', 'stage', 'verdict'];
const NO_PAINT: undefined[] = new Array<undefined>(TABLE_HEAD.length - 1).fill(undefined);

/** Order of the groups in a large table: failed, stopped (or TFTP only), not a PXE client, booted. */
function verdictRank(ok: boolean, v: string): number {
  if (ok) return 3;
  if (v.startsWith('FAILED')) return 0;
  return v === 'not a PXE client' ? 2 : 1;
}

/** "N clients by verdict" lines: problem verdicts first, most frequent first within a group. */
function verdictCounts(rows: Array<{ ok: boolean; verdict: string; rank: number }>, paint: (ok: boolean, v: string) => ((s: string) => string) | undefined): string[] {
  const counts = new Map<string, { ok: boolean; rank: number; n: number }>();
  for (const r of rows) {
    const e = counts.get(r.verdict);
    if (e) e.n++;
    else counts.set(r.verdict, { ok: r.ok, rank: r.rank, n: 1 });
  }
  const entries = [...counts].sort((p, q) => p[1].rank - q[1].rank || q[1].n - p[1].n);
  const digits = String(rows.length).length;
  const out = [`${rows.length} clients by verdict (the table lists the clients that did not boot first):`];
  for (const [v, e] of entries) {
    const p = paint(e.ok, v);
    out.push(`  ${String(e.n).padStart(digits)}  ${p ? p(v) : v}`);
  }
  return out;
}

/**
 * Findings of a large capture, one block per distinct explanation: a rule that hit thousands of
 * clients for the same cause prints its cause and fix once, then one line per client (title, frames).
 * Nothing is dropped: findings whose texts differ form their own blocks.
 */
function groupedFindings(findings: Finding[], width: number, ch: ChalkInstance, sev: Record<Severity, (s: string) => string>): string[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.severity}\0${f.id}\0${f.firmwareMessage ?? ''}\0${f.cause}\0${f.fix}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const ordered = [...groups.values()].sort((p, q) => severityRank[q[0]!.severity] - severityRank[p[0]!.severity] || q.length - p.length);
  const out: string[] = [];
  if (ordered.length > 0) {
    out.push('', ch.bold('Findings by cause'));
  }
  for (const list of ordered) {
    const f = list[0]!;
    const who = new Set(list.map((g) => g.client)).size;
    out.push('');
    out.push(`${sev[f.severity](f.severity.toUpperCase())} ${ch.bold(f.id)}${f.firmwareMessage ? ` (${f.firmwareMessage})` : ''}: ${list.length} finding${list.length === 1 ? '' : 's'}, ${who} client${who === 1 ? '' : 's'}`);
    out.push(...wrap(f.cause, width, '  cause: ', '         '));
    out.push(...wrap(f.fix, width, '  fix:   ', '         '));
    for (const g of list) {
      const head = `  ${g.client === '' ? 'capture-wide' : g.client}${g.time !== undefined ? ` at ${g.time.toFixed(2)} s` : ''}: `;
      for (const l of wrap(`${g.title} [frames ${g.frames.length ? g.frames.join(', ') : '-'}]`, width, head, '      ')) out.push(l);
    }
  }
  return out;
}

function offersSummary(c: TextClient): string {
  if (c.offers.length === 0) return '-';
  const counts = new Map<string, number>();
  for (const o of c.offers) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

export function renderText(a: TextAnalysis, opts: TextOptions): string {
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const sev: Record<Severity, (s: string) => string> = {
    error: (s) => ch.red.bold(s),
    warning: (s) => ch.yellow(s),
    info: (s) => ch.cyan(s),
  };
  const lines: string[] = [];
  const cap = a.capture;
  lines.push(
    `${ch.bold('Capture')} ${cap.file}${cap.format ? ` (${cap.format})` : ''}: ${cap.frames} frames, ${cap.duration.toFixed(1)} s${cap.firstTime ? `, from ${cap.firstTime}` : ''}`,
  );
  for (const w of cap.warnings) lines.push(`  ${ch.yellow('warning:')} ${w}`);
  lines.push('');
  // Findings by client, built once: the verdict and the findings section read a client's own list
  // (scanning all findings per client made rendering quadratic in the number of clients).
  const byClient = new Map<string, Finding[]>();
  for (const f of a.findings) {
    const list = byClient.get(f.client);
    if (list) list.push(f);
    else byClient.set(f.client, [f]);
  }
  if (a.clients.length === 0) {
    lines.push('No DHCP, PXE or TFTP client found in this capture.');
  } else {
    const large = a.clients.length > LARGE_REPORT_CLIENTS;
    const rows = a.clients.map((c) => {
      const v = verdict(c, byClient.get(c.mac) ?? []);
      return {
        ok: c.ok,
        verdict: v,
        rank: verdictRank(c.ok, v),
        cells: [
          c.mac,
          c.guid ?? '-',
          c.archName ?? (c.arch ? c.arch.join(',') : '-'),
          c.vendorClass ?? '-',
          offersSummary(c),
          c.bootServer ?? '-',
          c.bootFile ?? '-',
          c.stage,
          v,
        ],
      };
    });
    const green = (s: string): string => ch.green(s);
    const red = (s: string): string => ch.red(s);
    const paintVerdict = (ok: boolean, v: string): ((s: string) => string) | undefined => (ok ? green : v.startsWith('FAILED') ? red : undefined);
    // Per-column paint lists shared by all rows (only the verdict is colored), not one per row.
    const paintOk = [...NO_PAINT, green];
    const paintFailed = [...NO_PAINT, red];
    if (large) {
      // Thousands of rows: first what a person asks (how many failed, and how), then the clients
      // that did not boot ahead of those that did, each group in capture order.
      lines.push(...verdictCounts(rows, paintVerdict), '');
      rows.sort((p, q) => p.rank - q.rank); // stable: capture order within a group
    }
    // Columns as wide as their content (a GUID or vendor class whole), capped so one long value
    // (a garbage file name, a long verdict) wraps instead of pushing the table off the screen.
    // A large table gives the offers column a whole DHCP + proxy + 4011 exchange and the verdict
    // column a whole "FAILED: closest ..." so the usual client stays on one line (what grep needs).
    const caps = [19, 38, 22, 34, large ? 36 : 26, 17, 32, 14, large ? 64 : 44];
    const colWidths = TABLE_HEAD.map((h, i) => {
      let widest = h.length;
      for (const r of rows) widest = Math.max(widest, (r.cells[i] ?? '').length);
      return Math.min(caps[i] ?? 30, 2 + widest);
    });
    const tableRows = rows.map((r) => ({ cells: r.cells, paints: r.ok ? paintOk : r.verdict.startsWith('FAILED') ? paintFailed : undefined }));
    const table = drawTable(tableRows, {
      head: TABLE_HEAD,
      colWidths,
      // A rule under every row keeps a few wrapped rows apart; thousands read better one line each.
      rowRules: !large,
      border: opts.color ? (s) => ch.grey(s) : undefined,
      headText: opts.color ? (s) => ch.bold(s) : undefined,
    });
    for (const l of table) lines.push(l); // no spread: tens of thousands of lines
  }
  const width = Math.max(60, opts.width ?? 100);
  if (a.clients.length > LARGE_REPORT_CLIENTS) {
    for (const l of groupedFindings(a.findings, width, ch, sev)) lines.push(l);
  } else {
    for (const [mac, list] of byClient) {
      lines.push('');
      lines.push(ch.bold(mac === '' ? 'Capture-wide' : `Client ${mac}`));
      for (const f of list) {
        const tag = sev[f.severity](f.severity.toUpperCase());
        lines.push(`  ${tag} ${ch.bold(f.id)}${f.firmwareMessage ? ` (${f.firmwareMessage})` : ''}${f.time !== undefined ? ` at ${f.time.toFixed(2)} s` : ''}`);
        lines.push(...wrap(f.title, width, '    ', '    '));
        lines.push(...wrap(f.frames.length ? f.frames.join(', ') : '-', width, '    frames: ', '            '));
        lines.push(...wrap(f.cause, width, '    cause: ', '           '));
        lines.push(...wrap(f.fix, width, '    fix:   ', '           '));
      }
    }
  }
  // Issue 10: a client that tried several boot methods (PXEv6, HTTP boot, BSDP) gets them listed in order.
  for (const c of a.clients) {
    if (!c.methods || c.methods.length === 0) continue;
    lines.push('');
    lines.push(ch.bold(`Boot methods ${c.mac}`) + ` (in the order tried${c.closestMethod ? `; closest: ${c.closestMethod}` : ''})`);
    c.methods.forEach((m, i) => {
      const head = `  ${i + 1}. ${m.method.padEnd(6)} ${m.outcome.padEnd(15)} `;
      lines.push(...wrap(`${m.detail} [frames ${m.frames.join(', ')}]`, width, head, ' '.repeat(head.length)));
    });
  }
  if (opts.timeline) {
    for (const c of a.clients) {
      lines.push('');
      lines.push(ch.bold(`Timeline ${c.mac}`));
      for (const e of c.timeline ?? []) {
        const rep = e.repeats?.length ? ` (x${e.repeats.length + 1})` : '';
        lines.push(`  ${e.time.toFixed(3).padStart(9)} s  #${String(e.frame).padEnd(6)} ${e.from} -> ${e.to}  ${e.label}${rep}`);
      }
    }
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of a.findings) counts[f.severity]++;
  lines.push('');
  const okClients = a.clients.filter((c) => c.ok).length;
  lines.push(
    `${a.clients.length} client${a.clients.length === 1 ? '' : 's'} (${okClients} booted), ${sev.error(`${counts.error} error${counts.error === 1 ? '' : 's'}`)}, ${sev.warning(`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`)}, ${counts.info} info`,
  );
  return `${lines.join('\n')}\n`;
}

/** renderText with colors decided from stdout (a TTY and NO_COLOR unset), for callers such as `live`. */
export function renderTextReport(a: AnalysisJson, opts: Partial<TextOptions> = {}): string {
  const color = opts.color ?? (process.stdout.isTTY === true && !('NO_COLOR' in process.env));
  return renderText(a, { ...opts, color });
}
