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
import { clientVerdict, verdictKind } from './verdict.js';
import { cutAtWord, wrap } from './text.js';

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
    out.push(...renderClient(buildLadder(client, analysis.findings), analysis.findings, g, paint, opts.width), '');
  }
  const wide = analysis.findings.filter((f) => f.client === '' || !analysis.clients.some((c) => c.mac === f.client));
  if (wide.length > 0) {
    out.push(paint('bold', 'Capture-wide findings'));
    for (const f of wide) out.push(...flow(opts.width, '  ', '      ', findingText(f, g, paint)));
    out.push('');
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

function renderClient(ladder: Ladder, findings: Finding[], g: Glyphs, paint: Paint, width?: number): string[] {
  const { client, participants } = ladder;
  const n = participants.length;
  // Columns shrink to leave room for the labels on a narrow terminal, down to a readable minimum.
  const col = width === undefined ? WIDEST_COLUMN : Math.max(NARROWEST_COLUMN, Math.min(WIDEST_COLUMN, Math.floor((width - GUTTER - 24) / n)));
  const center = (i: number): number => i * col + Math.floor(col / 2);
  // Room for the last lifeline and its arrow head; labels follow.
  const span = center(n - 1) + 3;
  const lines: string[] = [];
  // The picture itself (lifelines, arrows) is cut at the terminal's edge; words are wrapped.
  const fit = (plain: string, painted: string): string =>
    width === undefined || plain.length <= width ? painted : `${plain.slice(0, Math.max(0, width - g.ellipsis.length))}${g.ellipsis}`;

  lines.push(...flow(width, '', '    ', clientHeading(client, findings, paint)));
  const details = clientDetails(client, g);
  if (details) lines.push(...flow(width, '', '    ', details.split(' ').map((w) => paint('dim', w)).join(' ')));
  lines.push('');

  // Column titles centred on their lifelines; a longer one (a MAC, an IPv6 address) takes free
  // room beside it (the client's, the time gutter) before anything is cut.
  const header = (texts: string[]): string => {
    const row = new Array<string>(GUTTER + n * col + WIDEST_COLUMN).fill(' ');
    let free = 0; // first column not yet taken (one space between titles)
    texts.forEach((t, i) => {
      const mid = GUTTER + center(i);
      const roomRight = i + 1 < n ? GUTTER + center(i + 1) - Math.floor(Math.min(texts[i + 1]!.length, col - 1) / 2) - 1 : row.length;
      let from = Math.max(free, mid - Math.floor(t.length / 2));
      if (from + t.length > roomRight) from = Math.max(free, roomRight - t.length);
      const s = from + t.length > roomRight && i + 1 < n ? t.slice(0, Math.max(0, roomRight - from)) : t;
      for (let k = 0; k < s.length && from + k < row.length; k++) row[from + k] = s[k]!;
      free = from + s.length + 1;
    });
    return row.join('').trimEnd();
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
    if (row.type === 'arrow') lines.push(...arrowLine(row, lifelines(), center, g, paint, fit, width));
    else if (row.type === 'finding') lines.push(...markLine(row, lifelines(), g, paint, fit, width));
    else {
      const text = `${' '.repeat(GUTTER)}${lifelines().join('')}  (${row.messages} more message${row.messages === 1 ? '' : 's'} not drawn: see analyze --json)`;
      lines.push(fit(text, paint('dim', text)));
    }
  }
  return lines;
}

function clientHeading(client: ClientJson, findings: Finding[], paint: Paint): string {
  const verdict = clientVerdict(client, findings);
  const kind = verdictKind(verdict);
  const arch = client.archName ? `  ${client.archName}` : '';
  const stage = kind === 'ok' ? `  (stage ${client.stage})` : '';
  const style = kind === 'ok' ? 'green' : kind === 'failed' ? 'red' : kind === 'incomplete' ? 'yellow' : 'dim';
  return `${paint('bold', `Client ${client.mac}`)}${arch}  ${verdict.split(' ').map((w) => paint(style, w)).join(' ')}${stage}`;
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
  width?: number,
): string[] {
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
  if (a.multicast && a.from === 0) extras.push('(multicast)');
  if (a.repeatOffsets) extras.push(foldedText(a.repeatOffsets));
  const frames = frameText(a.frames);
  extras.push(frames);
  const time = formatOffset(a.at).padStart(GUTTER - 2) + '  ';
  const text = extras.join('  ');
  const style = a.alarming ? 'red' : 'cyan';
  const prefix = `${paint('dim', time)}${paint(style, diagram.padEnd(row.length))}  `;
  const plainPrefix = `${time}${diagram.padEnd(row.length)}  `;
  // One line per arrow: its words cut at a word boundary (never inside an address or a file name),
  // the frame number kept.
  const room = width === undefined ? 0 : width - plainPrefix.length - frames.length - 2;
  if (width !== undefined && plainPrefix.length + text.length > width && room >= 8) {
    const label = extras.slice(0, -1).join('  ');
    const words = cutAtWord(label, room, g.ellipsis);
    // Not even one word fits beside the arrow: the words go under it, whole.
    if (words.startsWith(g.ellipsis) || words === '') return [`${prefix}${frames}`.trimEnd(), ...flow(width, '      ', '      ', label)];
    return [`${prefix}${words}  ${frames}`.trimEnd()];
  }
  return beside(width, prefix, plainPrefix, continuation(row, g, paint), text, fit);
}

/** The lifelines alone, to carry a label's wrapped lines under its arrow or mark. */
function continuation(row: string[], g: Glyphs, paint: Paint): string {
  const bare = row.map((c) => (c === g.life || c === g.mark.error || c === g.mark.warning || c === g.mark.info ? g.life : ' ')).join('');
  return `${' '.repeat(GUTTER)}${paint('dim', bare)}  `;
}

/**
 * A picture line and its words: the words wrapped beside the picture when there is room for them
 * (at least 36 columns), under it otherwise; never cut inside a word. Without a width, one line.
 */
function beside(width: number | undefined, prefix: string, plainPrefix: string, cont: string, text: string, fit: (plain: string, painted: string) => string): string[] {
  if (text === '') return [fit(plainPrefix.trimEnd(), prefix.trimEnd())];
  if (width === undefined || plainPrefix.length + visibleLength(text) <= width) return [`${prefix}${text}`.trimEnd()];
  if (width - plainPrefix.length >= 36) return flow(width, prefix, cont, text);
  return [fit(plainPrefix.trimEnd(), prefix.trimEnd()), ...flow(width, '      ', '      ', text)];
}

const visibleLength = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** Word-wrap `text` after `first` to `width` columns (colour codes take none); undefined width: one line. */
function flow(width: number | undefined, first: string, indent: string, text: string): string[] {
  if (width === undefined) return [`${first}${text}`];
  return wrap(text, width, first, indent).map((l) => l.trimEnd());
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

function markLine(m: LadderMark, row: string[], g: Glyphs, paint: Paint, fit: (plain: string, painted: string) => string, width?: number): string[] {
  const f = m.finding;
  const cont = continuation(row, g, paint);
  const c = row.indexOf(g.life);
  if (c >= 0) row[c] = g.mark[f.severity];
  const diagram = row.join('');
  const plainPrefix = `${' '.repeat(GUTTER)}${diagram}  `;
  const prefix = `${' '.repeat(GUTTER)}${paint(severityStyle(f.severity), diagram)}  `;
  return beside(width, prefix, plainPrefix, cont, findingText(f, g, paint), fit);
}

function severityStyle(s: Severity): 'red' | 'yellow' | 'blue' {
  return s === 'error' ? 'red' : s === 'warning' ? 'yellow' : 'blue';
}

function findingText(f: Finding, g: Glyphs, paint: Paint): string {
  const frames = f.frames.length > 0 ? `  [frame${f.frames.length > 1 ? 's' : ''} ${f.frames.join(', ')}]` : '';
  const fw = f.firmwareMessage ? ` (${f.firmwareMessage})` : '';
  const st = severityStyle(f.severity);
  // Painted word by word, so that a wrapped line never carries a colour into the next.
  return `${paint(st, g.mark[f.severity])} ${paint(st, f.severity)} ${paint(st, `${f.id}:`)} ${f.title}${fw}${frames}`;
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
