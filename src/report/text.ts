/** The default, human-readable report: a summary table of clients, then findings grouped by client. */
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Finding, Severity } from '../diagnose/finding.js';
import type { AnalysisJson, ClientJson } from './schema.js';
import { verdict } from './json.js';

export interface TextOptions {
  color: boolean;
  /** Wrap finding texts at this many columns (default 100). */
  width?: number;
  /** Show the per-client timeline under the findings. */
  timeline?: boolean;
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

function offersSummary(c: ClientJson): string {
  if (c.offers.length === 0) return '-';
  const counts = new Map<string, number>();
  for (const o of c.offers) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

export function renderText(a: AnalysisJson, opts: TextOptions): string {
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
  if (a.clients.length === 0) {
    lines.push('No DHCP, PXE or TFTP client found in this capture.');
  } else {
    const head = ['MAC', 'GUID', 'arch', 'vendor class', 'offers', 'boot server', 'boot file', 'stage', 'verdict'];
    const rows = a.clients.map((c) => {
      const v = verdict(c, a.findings);
      return {
        ok: c.ok,
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
    // Columns as wide as their content (a GUID or vendor class whole), capped so one long value
    // (a garbage file name, a long verdict) wraps instead of pushing the table off the screen.
    const caps = [19, 38, 22, 34, 26, 17, 32, 14, 44];
    const colWidths = head.map((h, i) => Math.min(caps[i] ?? 30, 2 + Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length))));
    const table = new Table({
      head,
      style: { head: opts.color ? ['bold'] : [], border: opts.color ? ['grey'] : [] },
      wordWrap: true,
      wrapOnWordBoundary: false,
      colWidths,
    });
    for (const r of rows) {
      const v = r.cells[8] ?? '';
      table.push([...r.cells.slice(0, 8), r.ok ? ch.green(v) : v.startsWith('FAILED') ? ch.red(v) : v]);
    }
    lines.push(table.toString());
  }
  const byClient = new Map<string, Finding[]>();
  for (const f of a.findings) {
    const list = byClient.get(f.client) ?? [];
    list.push(f);
    byClient.set(f.client, list);
  }
  for (const [mac, list] of byClient) {
    lines.push('');
    lines.push(ch.bold(mac === '' ? 'Capture-wide' : `Client ${mac}`));
    for (const f of list) {
      const tag = sev[f.severity](f.severity.toUpperCase());
      lines.push(`  ${tag} ${ch.bold(f.id)}${f.firmwareMessage ? ` (${f.firmwareMessage})` : ''}${f.time !== undefined ? ` at ${f.time.toFixed(2)} s` : ''}`);
      const width = Math.max(60, opts.width ?? 100);
      lines.push(...wrap(f.title, width, '    ', '    '));
      lines.push(...wrap(f.frames.length ? f.frames.join(', ') : '-', width, '    frames: ', '            '));
      lines.push(...wrap(f.cause, width, '    cause: ', '           '));
      lines.push(...wrap(f.fix, width, '    fix:   ', '           '));
    }
  }
  // Issue 10: a client that tried several boot methods (PXEv6, HTTP boot, BSDP) gets them listed in order.
  for (const c of a.clients) {
    if (!c.methods || c.methods.length === 0) continue;
    lines.push('');
    lines.push(ch.bold(`Boot methods ${c.mac}`) + ` (in the order tried${c.closestMethod ? `; closest: ${c.closestMethod}` : ''})`);
    const width = Math.max(60, opts.width ?? 100);
    c.methods.forEach((m, i) => {
      const head = `  ${i + 1}. ${m.method.padEnd(6)} ${m.outcome.padEnd(15)} `;
      lines.push(...wrap(`${m.detail} [frames ${m.frames.join(', ')}]`, width, head, ' '.repeat(head.length)));
    });
  }
  if (opts.timeline) {
    for (const c of a.clients) {
      lines.push('');
      lines.push(ch.bold(`Timeline ${c.mac}`));
      for (const e of c.timeline) {
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
