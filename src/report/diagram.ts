/**
 * Terminal ladder diagrams: one per client, columns for the client and every server it talked to,
 * one arrow per timeline entry, findings marked where they showed. Plain ASCII unless the caller
 * says the terminal is UTF-8; ANSI colors only when asked (the CLI decides from TTY / NO_COLOR).
 */
import type { AnalysisJson, ClientJson } from './schema.js';
import type { Finding, Severity } from '../diagnose/finding.js';
import {
  buildLadder,
  foldedText,
  formatOffset,
  roleTitle,
  type Ladder,
  type LadderArrow,
  type LadderMark,
} from './diagram-layout.js';

export interface DiagramOptions {
  unicode: boolean;
  color: boolean;
  /** Terminal columns; lines are cut to fit. Undefined (piped): nothing is cut. */
  width?: number;
}

interface Glyphs {
  life: string;
  line: string;
  right: string;
  left: string;
  mark: Record<Severity, string>;
  ellipsis: string;
  separator: string;
}
const ASCII: Glyphs = { life: '|', line: '-', right: '>', left: '<', mark: { error: 'X', warning: '!', info: 'i' }, ellipsis: '...', separator: '  -  ' };
const UNICODE: Glyphs = { life: '│', line: '─', right: '▶', left: '◀', mark: { error: '✖', warning: '▲', info: 'ℹ' }, ellipsis: '…', separator: '  ·  ' };

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', blue: '\x1b[34m', cyan: '\x1b[36m' };
type Paint = (style: keyof typeof ANSI, s: string) => string;

const GUTTER = 11;
const WIDEST_COLUMN = 20;
const NARROWEST_COLUMN = 14;

export function renderDiagram(analysis: AnalysisJson, opts: DiagramOptions): string {
  const paint: Paint = opts.color ? (style, s) => `${ANSI[style]}${s}${ANSI.reset}` : (_style, s) => s;
  const g = opts.unicode ? UNICODE : ASCII;
  const out: string[] = [];
  if (analysis.clients.length === 0) out.push('No PXE or DHCP client in this capture: nothing to draw.');
  for (const client of analysis.clients) {
    out.push(...renderClient(buildLadder(client, analysis.findings), g, paint, opts.width), '');
  }
  const wide = analysis.findings.filter((f) => f.client === '' || !analysis.clients.some((c) => c.mac === f.client));
  if (wide.length > 0) {
    out.push(paint('bold', 'Capture-wide findings'));
    for (const f of wide) {
      const plain = `  ${findingText(f, g, (_s, t) => t)}`;
      out.push(opts.width !== undefined && plain.length > opts.width ? `${plain.slice(0, opts.width - g.ellipsis.length)}${g.ellipsis}` : `  ${findingText(f, g, paint)}`);
    }
    out.push('');
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

function renderClient(ladder: Ladder, g: Glyphs, paint: Paint, width?: number): string[] {
  const { client, participants } = ladder;
  const n = participants.length;
  // Columns shrink to leave room for the labels on a narrow terminal, down to a readable minimum.
  const col = width === undefined ? WIDEST_COLUMN : Math.max(NARROWEST_COLUMN, Math.min(WIDEST_COLUMN, Math.floor((width - GUTTER - 24) / n)));
  const center = (i: number): number => i * col + Math.floor(col / 2);
  // Room for the last lifeline and its arrow head; labels follow.
  const span = center(n - 1) + 3;
  const lines: string[] = [];
  const fit = (plain: string, painted: string): string =>
    width === undefined || plain.length <= width ? painted : `${plain.slice(0, Math.max(0, width - g.ellipsis.length))}${g.ellipsis}`;

  lines.push(fit(...clientHeading(client, ladder, paint)));
  const details = clientDetails(client, g);
  if (details) lines.push(fit(details, paint('dim', details)));
  lines.push('');

  const header = (texts: string[]): string => {
    const row = new Array<string>(n * col).fill(' ');
    texts.forEach((t, i) => {
      const s = t.length > col - 1 ? t.slice(0, col - 1) : t;
      const from = Math.max(0, center(i) - Math.floor(s.length / 2));
      for (let k = 0; k < s.length && from + k < row.length; k++) row[from + k] = s[k]!;
    });
    return ' '.repeat(GUTTER) + row.join('').trimEnd();
  };
  const h1 = header(participants.map((p) => p.address));
  const h2 = header(participants.map((p) => roleTitle(p)));
  lines.push(fit(h1, paint('bold', h1)), fit(h2, paint('dim', h2)));

  const lifelines = (): string[] => {
    const row = new Array<string>(span).fill(' ');
    for (let i = 0; i < n; i++) row[center(i)] = g.life;
    return row;
  };
  if (ladder.rows.length === 0) lines.push(`${' '.repeat(GUTTER)}${lifelines().join('').trimEnd()}  (no messages)`);
  for (const row of ladder.rows) {
    if (row.type === 'arrow') lines.push(arrowLine(row, lifelines(), center, g, paint, fit));
    else if (row.type === 'finding') lines.push(markLine(row, lifelines(), g, paint, fit));
    else {
      const text = `${' '.repeat(GUTTER)}${lifelines().join('')}  (${row.messages} more message${row.messages === 1 ? '' : 's'} not drawn: see analyze --json)`;
      lines.push(fit(text, paint('dim', text)));
    }
  }
  return lines;
}

function clientHeading(client: ClientJson, ladder: Ladder, paint: Paint): [string, string] {
  const verdict = client.ok ? 'OK' : ladder.worst === 'error' || ladder.worst === undefined ? 'FAILED' : 'NOT OK';
  const arch = client.archName ? `  ${client.archName}` : '';
  const plain = `Client ${client.mac}${arch}  stage: ${client.stage}  ${verdict}`;
  const painted = `${paint('bold', `Client ${client.mac}`)}${arch}  stage: ${client.stage}  ${paint(client.ok ? 'green' : 'red', verdict)}`;
  return [plain, painted];
}

function clientDetails(client: ClientJson, g: Glyphs): string {
  const parts: string[] = [];
  if (client.vendorClass) parts.push(client.vendorClass);
  if (client.bootFile) parts.push(`boot file ${client.bootFile}${client.bootServer ? ` from ${client.bootServer}` : ''}`);
  else parts.push('no boot file');
  // Size probes and pxelinux's config search misses are normal: count them apart.
  const downloads = client.transfers.filter((t) => !t.outcome.endsWith('probe'));
  const probes = client.transfers.length - downloads.length;
  const done = downloads.filter((t) => t.outcome === 'complete');
  if (client.transfers.length > 0) {
    parts.push(`${done.length} of ${downloads.length} TFTP download${downloads.length === 1 ? '' : 's'} complete${probes ? ` (+${probes} probe${probes === 1 ? '' : 's'})` : ''}`);
  }
  return parts.join(g.separator);
}

function arrowLine(
  a: LadderArrow,
  row: string[],
  center: (i: number) => number,
  g: Glyphs,
  paint: Paint,
  fit: (plain: string, painted: string) => string,
): string {
  const e = a.entry;
  let onArrow = false;
  if (a.from === a.to) {
    // Nobody to draw it to (e.g. a broadcast with no server seen): a stub at the lifeline.
    const c = center(a.from);
    row[c + 1] = g.line;
    row[c + 2] = g.right;
  } else {
    const left = Math.min(center(a.from), center(a.to));
    const right = Math.max(center(a.from), center(a.to));
    for (let x = left + 1; x < right; x++) row[x] = g.line;
    // A collapsed TFTP transfer is a conversation both ways (RRQ out, DATA back): two heads.
    if (a.to > a.from || a.both) row[right - 1] = g.right;
    if (a.to < a.from || a.both) row[left + 1] = g.left;
    // The kind goes on the arrow when it fits with a line segment either side.
    const room = right - left - 5;
    if (e.kind.length <= room) {
      const at = left + 1 + Math.floor((right - left - 1 - e.kind.length) / 2);
      for (let k = 0; k < e.kind.length; k++) row[at + k] = e.kind[k]!;
      onArrow = true;
    }
  }
  const diagram = row.join('').trimEnd();
  const extras: string[] = [];
  const label = arrowLabel(e.kind, e.label, onArrow);
  if (label) extras.push(label);
  if (a.broadcast && a.from === 0) extras.push('(broadcast)');
  if (a.repeatOffsets) extras.push(foldedText(a.repeatOffsets));
  extras.push(frameText(a.frames));
  const time = formatOffset(a.at).padStart(GUTTER - 2) + '  ';
  const text = extras.join('  ');
  const plain = `${time}${diagram.padEnd(row.length)}  ${text}`;
  const style = a.alarming ? 'red' : 'cyan';
  const painted = `${paint('dim', time)}${paint(style, diagram.padEnd(row.length))}  ${text}`;
  return fit(plain.trimEnd(), painted.trimEnd());
}

/** "#17", or "#17 +3" when identical messages were folded into the arrow. */
export function frameText(frames: number[]): string {
  return frames.length > 1 ? `#${frames[0]} +${frames.length - 1}` : `#${frames[0]}`;
}

/** The words beside an arrow: its label without repeating the kind already drawn on the arrow. */
export function arrowLabel(kind: string, label: string, kindShown: boolean): string {
  const text = label.trim();
  if (!kindShown) return text.startsWith(kind) ? text : `${kind} ${text}`.trim();
  return text.startsWith(kind) ? text.slice(kind.length).replace(/^[\s:,-]+/, '') : text;
}

function markLine(m: LadderMark, row: string[], g: Glyphs, paint: Paint, fit: (plain: string, painted: string) => string): string {
  const f = m.finding;
  const c = row.indexOf(g.life);
  if (c >= 0) row[c] = g.mark[f.severity];
  const diagram = row.join('');
  const plain = `${' '.repeat(GUTTER)}${diagram}  ${findingText(f, g, (_s, s) => s)}`;
  const painted = `${' '.repeat(GUTTER)}${paint(severityStyle(f.severity), diagram)}  ${findingText(f, g, paint)}`;
  return fit(plain.trimEnd(), painted.trimEnd());
}

function severityStyle(s: Severity): 'red' | 'yellow' | 'blue' {
  return s === 'error' ? 'red' : s === 'warning' ? 'yellow' : 'blue';
}

function findingText(f: Finding, g: Glyphs, paint: Paint): string {
  const frames = f.frames.length > 0 ? `  [frame${f.frames.length > 1 ? 's' : ''} ${f.frames.join(', ')}]` : '';
  const fw = f.firmwareMessage ? ` (${f.firmwareMessage})` : '';
  return `${paint(severityStyle(f.severity), `${g.mark[f.severity]} ${f.severity} ${f.id}`)}: ${f.title}${fw}${frames}`;
}

/**
 * Whether the terminal can show box-drawing characters: only on a TTY whose locale says UTF-8
 * (LC_ALL, then LC_CTYPE, then LANG, as setlocale(3) resolves them).
 */
export function terminalIsUtf8(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (!isTty) return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** Colors only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function terminalWantsColor(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  return isTty && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}
