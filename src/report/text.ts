/**
 * The default, human-readable report: a summary table of clients, then the findings grouped by client
 * (above LARGE_REPORT_CLIENTS: a count per verdict first, problem clients first, findings by cause).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { severityRank, type Finding, type Severity } from '../diagnose/finding.js';
import type { AnalysisJson, ClientJson } from './schema.js';
import type { VerdictClient } from './json.js';
import Table from 'cli-table3';
import { clientVerdict, verdictKind, VERDICT_RANK } from './verdict.js';
import { displayWidth } from './display-width.js';

export interface TextOptions {
  color: boolean;
  /** Fit the report in this many columns (default 100): the table collapses, below TABLE_MIN_WIDTH it becomes blocks. */
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

/** Clients of one verdict that a report counts but does not list (TextClients, past MAX_TABLE_ROWS). */
export interface UnlistedVerdict {
  verdict: string;
  ok: boolean;
  n: number;
}

/** An analysis as the text report reads it (full clients are TextClients too). */
export type TextAnalysis = Omit<AnalysisJson, 'clients'> & { clients: TextClient[]; unlisted?: UnlistedVerdict[] };

/** The optional fields of a client that TextClient keeps as they are (absent stays absent). */
const TEXT_CLIENT_OPTIONAL = ['guid', 'arch', 'archName', 'vendorClass', 'bootServer', 'bootFile', 'methods', 'closestMethod'] as const satisfies readonly (keyof TextClient)[];

/** The part of a client the text report reads (without its timeline). */
export function textClient(c: ClientJson): TextClient {
  const t: TextClient = {
    mac: c.mac,
    ok: c.ok,
    stage: c.stage,
    verdict: c.verdict,
    offers: c.offers.map((o) => ({ kind: o.kind })),
    transfers: c.transfers.map((x) => ({ outcome: x.outcome })),
  };
  const kept = t as Record<string, unknown>;
  for (const k of TEXT_CLIENT_OPTIONAL) if (c[k] !== undefined) kept[k] = c[k];
  return t;
}

/**
 * The clients of a plain text report as `analyze` streams them: each is kept (as a TextClient)
 * while its verdict group has fewer than MAX_TABLE_ROWS, and only counted by verdict past that
 * (the report never lists more). A flood of 100 000 MACs keeps 10 000 clients.
 */
export class TextClients {
  readonly kept: TextClient[] = [];
  count = 0;
  private readonly perRank = new Map<number, number>();
  private readonly counts = new Map<string, UnlistedVerdict>();

  push(c: ClientJson, findings: readonly Finding[]): void {
    this.count++;
    const v = clientVerdict(c, findings as Finding[]);
    const rank = VERDICT_RANK[verdictKind(v)];
    const n = this.perRank.get(rank) ?? 0;
    if (n < MAX_TABLE_ROWS) {
      this.perRank.set(rank, n + 1);
      this.kept.push(textClient(c));
      return;
    }
    const e = this.counts.get(v);
    if (e) e.n++;
    else this.counts.set(v, { verdict: v, ok: c.ok, n: 1 });
  }

  get unlisted(): UnlistedVerdict[] {
    return [...this.counts.values()];
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;
/** Columns `s` takes on a terminal (colour codes take none). */
const visible = (s: string): number => displayWidth(s.includes('\x1b') ? s.replace(ANSI, '') : s);

/**
 * Word-wrap `text` to `width` columns; continuation lines get `indent`. Words are never split,
 * except one longer than a whole line (a garbage file name), which is cut at the line's end.
 */
export function wrap(text: string, width: number, first: string, indent: string): string[] {
  // Most lines fit as they are (thousands of one-line entries in a large report): no splitting.
  if (!/[\t\n\r]/.test(text) && visible(first) + visible(text) <= width) return [first + text.replace(/^ +/, '')];
  const out: string[] = [];
  let line = first;
  let used = visible(first);
  let empty = true;
  // Words and the spaces between them (a double space, a column gap, is kept inside a line).
  const parts = text.replace(/\s*\n\s*/g, ' ').split(/( +)/);
  for (let p = 0; p < parts.length; p += 2) {
    let word = parts[p]!;
    if (word === '') continue;
    const gap = empty ? '' : (parts[p - 1] ?? ' ');
    let w = visible(word);
    if (!empty && used + gap.length + w > width) {
      out.push(line);
      line = indent;
      used = visible(indent);
      empty = true;
    }
    // A word wider than a whole line: cut it (nothing else can make it fit).
    while (w > width - visible(indent) && used + w > width && !word.includes('\x1b')) {
      const room = width - used - (empty ? 0 : 1);
      if (room <= 0) break;
      out.push(line + (empty ? '' : ' ') + word.slice(0, room));
      word = word.slice(room);
      w = visible(word);
      line = indent;
      used = visible(indent);
      empty = true;
    }
    const sep = empty ? '' : gap;
    line += sep + word;
    used += sep.length + w;
    empty = false;
  }
  out.push(line);
  return out;
}

/** `text` cut at a word boundary to fit `width` columns, with `ellipsis` when anything was left out. */
export function cutAtWord(text: string, width: number, ellipsis: string): string {
  if (visible(text) <= width) return text;
  const room = width - ellipsis.length - 1;
  let cut = text.slice(0, room + 1);
  const space = cut.lastIndexOf(' ');
  // No whole word fits: only the ellipsis (a word is never cut).
  cut = space > 0 ? cut.slice(0, space) : '';
  return `${cut.trimEnd()} ${ellipsis}`.trimStart();
}

/** Above this many clients the report opens with a count per verdict and lists problem clients first. */
export const LARGE_REPORT_CLIENTS = 50;

/** Clients listed at most (a DHCP flood: 100 000 MACs); the verdict counts include every client. */
export const MAX_TABLE_ROWS = 10_000;

/** Below this many columns each client is a short block of `key: value` lines instead of a table row. */
export const TABLE_MIN_WIDTH = 100;

/** The summary table's columns; `drop` = the order in which they give way when the table does not fit (0: never). */
const COLUMNS = [
  { head: 'MAC', drop: 0, wraps: false },
  { head: 'GUID', drop: 1, wraps: false },
  { head: 'arch', drop: 6, wraps: false },
  { head: 'vendor class', drop: 2, wraps: false },
  { head: 'offers', drop: 4, wraps: true },
  { head: 'boot server', drop: 5, wraps: false },
  { head: 'boot file', drop: 0, wraps: true },
  { head: 'stage', drop: 3, wraps: false },
  { head: 'verdict', drop: 0, wraps: true },
] as const;

// cli-table3's default box characters, given explicitly so that they can be painted.
const BOX = {
  top: '─', 'top-mid': '┬', 'top-left': '┌', 'top-right': '┐',
  bottom: '─', 'bottom-mid': '┴', 'bottom-left': '└', 'bottom-right': '┘',
  left: '│', 'left-mid': '├', mid: '─', 'mid-mid': '┼', right: '│', 'right-mid': '┤', middle: '│',
} as const;

/** Terminal columns of a table whose cells (without padding) have these widths: padding 2, a border each, one more. */
function tableWidth(widths: number[]): number {
  return widths.reduce((n, w) => n + w + 3, 1);
}

const longestWord = (s: string): number => s.split(/\s+/).reduce((n, w) => Math.max(n, displayWidth(w)), 0);

/**
 * Which columns to show and how wide (content width), so that the table fits `width` without
 * breaking a word: every column at least as wide as its longest word, the wrapping ones (offers,
 * boot file, verdict) narrower than their longest text when needed, columns dropped in
 * their `drop` order when even that does not fit. Undefined when nothing fits: the caller prints
 * blocks instead.
 */
export function fitColumns(rows: string[][], width: number): { columns: number[]; widths: number[] } | undefined {
  const full = COLUMNS.map((c, i) => rows.reduce((n, r) => Math.max(n, displayWidth(r[i] ?? '')), displayWidth(c.head)));
  const least = COLUMNS.map((c, i) => (c.wraps ? rows.reduce((n, r) => Math.max(n, longestWord(r[i] ?? '')), longestWord(c.head)) : full[i]!));
  const dropOrder = COLUMNS.map((c, i) => ({ i, drop: c.drop })).filter((c) => c.drop > 0).sort((p, q) => p.drop - q.drop).map((c) => c.i);
  const shown = (dropped: number): number[] => COLUMNS.map((_, i) => i).filter((i) => !dropOrder.slice(0, dropped).includes(i));
  // First whole cells, giving up at most GUID, vendor class and stage (the verdict names the stage
  // of a client that did not boot); then wrapped cells, giving up columns as long as needed.
  for (let dropped = 0; dropped <= 3; dropped++) {
    const columns = shown(dropped);
    const widths = columns.map((i) => full[i]!);
    if (tableWidth(widths) <= width) return { columns, widths };
  }
  for (let dropped = 0; dropped <= dropOrder.length; dropped++) {
    const columns = shown(dropped);
    const widths = columns.map((i) => least[i]!);
    if (tableWidth(widths) > width) continue;
    // Share the room left among the wrapping columns: verdict first, then boot file, offers.
    let room = width - tableWidth(widths);
    for (const head of ['verdict', 'boot file', 'offers']) {
      const k = columns.findIndex((i) => COLUMNS[i]!.head === head);
      if (k < 0) continue;
      const grow = Math.min(room, full[columns[k]!]! - widths[k]!);
      widths[k]! += grow;
      room -= grow;
    }
    return { columns, widths };
  }
  return undefined;
}

/** "N clients by verdict" lines: problem verdicts first, most frequent first within a group. */
function verdictCounts(rows: Array<{ verdict: string; rank: number }>, unlisted: UnlistedVerdict[], paint: (v: string) => string): string[] {
  const counts = new Map<string, { rank: number; n: number }>();
  for (const r of rows) {
    const e = counts.get(r.verdict);
    if (e) e.n++;
    else counts.set(r.verdict, { rank: r.rank, n: 1 });
  }
  let total = rows.length;
  for (const u of unlisted) {
    total += u.n;
    const e = counts.get(u.verdict);
    if (e) e.n += u.n;
    else counts.set(u.verdict, { rank: VERDICT_RANK[verdictKind(u.verdict)], n: u.n });
  }
  const entries = [...counts].sort((p, q) => p[1].rank - q[1].rank || q[1].n - p[1].n);
  const digits = String(total).length;
  const out = [`${total} clients by verdict (problem clients first):`];
  for (const [v, e] of entries) out.push(`  ${String(e.n).padStart(digits)}  ${paint(v)}`);
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
    out.push(...wrap(`${sev[f.severity](f.severity.toUpperCase())} ${ch.bold(f.id)}${f.firmwareMessage ? ` (${f.firmwareMessage})` : ''}: ${list.length} finding${list.length === 1 ? '' : 's'}, ${who} client${who === 1 ? '' : 's'}`, width, '', '  '));
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

/** A boot method's outcome in words: PXEv4's "booted" only means its boot file arrived. */
function methodOutcome(method: string, outcome: string): string {
  if (outcome === 'booted') return method.startsWith('PXE') || method === 'BSDP' ? 'boot file downloaded' : 'image downloaded';
  return outcome;
}

export function renderText(a: TextAnalysis, opts: TextOptions): string {
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const sev: Record<Severity, (s: string) => string> = {
    error: (s) => ch.red.bold(s),
    warning: (s) => ch.yellow(s),
    info: (s) => ch.cyan(s),
  };
  const paintVerdict = (v: string): string => {
    const k = verdictKind(v);
    return k === 'ok' ? ch.green(v) : k === 'failed' ? ch.red(v) : k === 'incomplete' ? ch.yellow(v) : v;
  };
  const width = Math.max(40, opts.width ?? 100);
  const lines: string[] = [];
  const cap = a.capture;
  lines.push(
    ...wrap(`${ch.bold('Capture')} ${cap.file}${cap.format ? ` (${cap.format})` : ''}: ${cap.frames} frames, ${cap.duration.toFixed(1)} s${cap.firstTime ? `, from ${cap.firstTime}` : ''}`, width, '', '  '),
  );
  // Several files read as one: each with the merged frame numbers it holds.
  for (const f of cap.files ?? []) lines.push(...wrap(`${f.file}: frames ${f.firstFrame !== undefined ? `${f.firstFrame}-${f.lastFrame}` : '-'} (${f.frames} in the file)${f.firstTime ? `, from ${f.firstTime}` : ''}`, width, '  ', '    '));
  for (const w of cap.warnings) lines.push(...wrap(w, width, `  ${ch.yellow('warning:')} `, '    '));
  lines.push('');
  // Findings by client, built once: the verdict and the findings section read a client's own list
  // (scanning all findings per client made rendering quadratic in the number of clients).
  const byClient = new Map<string, Finding[]>();
  for (const f of a.findings) {
    const list = byClient.get(f.client);
    if (list) list.push(f);
    else byClient.set(f.client, [f]);
  }
  const unlisted = a.unlisted ?? [];
  let unlistedClients = 0;
  let unlistedOk = 0;
  for (const u of unlisted) {
    unlistedClients += u.n;
    if (u.ok) unlistedOk += u.n;
  }
  const totalClients = a.clients.length + unlistedClients;
  /** The clients listed when the report does not list them all (their boot methods are listed too). */
  let listedClients: Set<TextClient> | undefined;
  if (totalClients === 0) {
    lines.push('No DHCP, PXE or TFTP client found in this capture.');
  } else {
    const large = totalClients > LARGE_REPORT_CLIENTS;
    const rows = a.clients.map((c) => {
      const v = clientVerdict(c, byClient.get(c.mac) ?? []);
      return {
        client: c,
        verdict: v,
        rank: VERDICT_RANK[verdictKind(v)],
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
    if (large) {
      // Thousands of clients: first what a person asks (how many failed, and how), then the
      // clients that did not boot ahead of those that did, each group in capture order.
      lines.push(...verdictCounts(rows, unlisted, paintVerdict), '');
      rows.sort((p, q) => p.rank - q.rank); // stable: capture order within a group
    }
    // The table (or the blocks) holds the first LARGE_REPORT_CLIENTS clients; the rest, one line each.
    const shown = large ? rows.slice(0, LARGE_REPORT_CLIENTS) : rows;
    const fit = width >= TABLE_MIN_WIDTH ? fitColumns(shown.map((r) => r.cells), width) : undefined;
    if (fit) {
      // Colours by chalk (the --color decision), not by cli-table3's own terminal detection.
      const border = (c: string): string => (opts.color ? ch.grey(c) : c);
      const table = new Table({
        head: fit.columns.map((i) => ch.bold(COLUMNS[i]!.head)),
        colWidths: fit.widths.map((w) => w + 2),
        wordWrap: true,
        wrapOnWordBoundary: true,
        chars: Object.fromEntries(Object.entries(BOX).map(([k, c]) => [k, border(c)])),
        style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
      });
      for (const r of shown) table.push(fit.columns.map((i) => (COLUMNS[i]!.head === 'verdict' ? paintVerdict(r.cells[i]!) : r.cells[i]!)));
      lines.push(...table.toString().split('\n'));
    } else {
      shown.forEach((r, n) => {
        if (n > 0) lines.push('');
        lines.push(...clientBlock(r.cells, width, paintVerdict, ch));
      });
    }
    // A flood of new MACs makes a hundred thousand clients: the counts above tell it, the list
    // stops at MAX_TABLE_ROWS (those that did not boot first).
    const listed = Math.min(rows.length, MAX_TABLE_ROWS);
    if (listed < rows.length || unlistedClients > 0) listedClients = new Set(rows.slice(0, listed).map((r) => r.client));
    if (shown.length < listed) {
      lines.push('', ch.bold(`The other ${totalClients - shown.length} clients`) + ' (MAC, verdict):');
      for (let n = shown.length; n < listed; n++) {
        const r = rows[n]!;
        for (const l of wrap(paintVerdict(r.verdict), width, `  ${r.cells[0]}  `, '      ')) lines.push(l); // no spread: tens of thousands
      }
    }
    if (totalClients > listed) {
      lines.push(...wrap(`${totalClients - listed} more clients not listed (counted by verdict above): --json lists every client, --client MAC shows one.`, width, '', '  '));
    }
  }
  // Prose (findings, boot methods) reads best at up to 100 columns, however wide the terminal.
  const prose = Math.min(width, 100);
  if (totalClients > LARGE_REPORT_CLIENTS) {
    for (const l of groupedFindings(a.findings, prose, ch, sev)) lines.push(l);
  } else {
    for (const [mac, list] of byClient) {
      lines.push('');
      lines.push(ch.bold(mac === '' ? 'Capture-wide' : `Client ${mac}`));
      for (const f of list) {
        const tag = sev[f.severity](f.severity.toUpperCase());
        lines.push(...wrap(`${tag} ${ch.bold(f.id)}${f.firmwareMessage ? ` (${f.firmwareMessage})` : ''}${f.time !== undefined ? ` at ${f.time.toFixed(2)} s` : ''}`, prose, '  ', '    '));
        lines.push(...wrap(f.title, prose, '    ', '    '));
        lines.push(...wrap(f.frames.length ? f.frames.join(', ') : '-', prose, '    frames: ', '            '));
        // A capture read from several files: which file holds each evidence frame, and its number there.
        if (f.files?.length) lines.push(...wrap(f.files.map((e) => `${e.file} frame${e.frames.length > 1 ? 's' : ''} ${e.frames.join(', ')}`).join('; '), prose, '    in:     ', '            '));
        lines.push(...wrap(f.cause, prose, '    cause: ', '           '));
        lines.push(...wrap(f.fix, prose, '    fix:   ', '           '));
      }
    }
  }
  // A client that tried several boot methods (PXEv6, HTTP boot, BSDP) gets them listed in order.
  for (const c of a.clients) {
    if (!c.methods || c.methods.length === 0 || (listedClients && !listedClients.has(c))) continue;
    lines.push('');
    lines.push(ch.bold(`Boot methods ${c.mac}`) + ' (in the order tried)');
    const outcomes = c.methods.map((m) => methodOutcome(m.method, m.outcome));
    const pad = Math.max(...outcomes.map((o) => o.length));
    c.methods.forEach((m, i) => {
      const head = `  ${i + 1}. ${m.method.padEnd(6)} ${outcomes[i]!.padEnd(pad)}  `;
      const indent = head.length + 20 > prose ? '      ' : ' '.repeat(head.length);
      lines.push(...wrap(`${m.detail} [frames ${m.frames.join(', ')}]`, prose, head, indent));
    });
  }
  if (opts.timeline) for (const l of timelineLines(a.clients, prose, ch)) lines.push(l);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of a.findings) counts[f.severity]++;
  lines.push('');
  const okClients = a.clients.filter((c) => c.ok).length + unlistedOk;
  lines.push(
    ...wrap(
      `${totalClients} client${totalClients === 1 ? '' : 's'} (${okClients} booted), ${sev.error(`${counts.error} error${counts.error === 1 ? '' : 's'}`)}, ${sev.warning(`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`)}, ${counts.info} info`,
      width,
      '',
      '  ',
    ),
  );
  return `${lines.join('\n')}\n`;
}

/** Each client's timeline (--timeline), one line per message, wrapped at `width`. */
export function timelineLines(clients: Array<Pick<TextClient, 'mac' | 'timeline'>>, width: number, ch: ChalkInstance = new Chalk({ level: 0 })): string[] {
  const lines: string[] = [];
  for (const c of clients) {
    lines.push('');
    lines.push(ch.bold(`Timeline ${c.mac}`));
    for (const e of c.timeline ?? []) {
      const rep = e.repeats?.length ? ` (x${e.repeats.length + 1})` : '';
      const head = `  ${e.time.toFixed(3).padStart(9)} s  #${String(e.frame).padEnd(6)} `;
      lines.push(...wrap(`${e.from} -> ${e.to}  ${e.label}${rep}`, width, head, ' '.repeat(Math.min(head.length, 22))));
    }
  }
  return lines;
}

/** One client as a short block for a narrow terminal: MAC and verdict, then `key: value` lines. */
function clientBlock(cells: string[], width: number, paintVerdict: (v: string) => string, ch: ChalkInstance): string[] {
  const [mac, guid, arch, vendor, offers, server, file, stage, v] = cells as [string, string, string, string, string, string, string, string, string];
  const out = wrap(paintVerdict(v), width, `${ch.bold(mac!)}  `, '    ');
  const field = (key: string, value: string): void => {
    if (value === '-') return;
    out.push(...wrap(value, width, `  ${key}: `, '    '));
  };
  field('arch', arch);
  field('boot file', file === '-' ? '-' : `${file}${server !== '-' ? ` from ${server}` : ''}`);
  if (file === '-') field('boot server', server);
  field('offers', offers);
  field('stage', stage);
  field('vendor class', vendor);
  field('GUID', guid);
  return out;
}

/** renderText with colors decided from stdout (a TTY and NO_COLOR unset), for callers such as `live`. */
export function renderTextReport(a: AnalysisJson, opts: Partial<TextOptions> = {}): string {
  const color = opts.color ?? (process.stdout.isTTY === true && !('NO_COLOR' in process.env));
  return renderText(a, { ...opts, color });
}
