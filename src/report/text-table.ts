/**
 * A box-drawn table for the text report, drawn in time linear in the number of cells.
 *
 * It draws what cli-table3 drew for the report's settings (fixed column widths, hard wrap inside a
 * column, one space of padding, a rule between rows), byte for byte on plain text: cli-table3 lays
 * out every cell against every other (quadratic) and measures each string several times, which took
 * about 20 s for 10 000 clients. Colors are applied per wrapped line, after wrapping, so a colored
 * cell wraps where the plain one does (cli-table3 counted the escape codes as text).
 */

export type Paint = (s: string) => string;

export interface TableRow {
  cells: string[];
  /** Per column, a color for the cell's text (applied to each wrapped line, padding excluded). */
  paints?: Array<Paint | undefined>;
}

export interface TableOptions {
  head: string[];
  /** Column widths including the one-space padding on each side. */
  colWidths: number[];
  /** A horizontal rule between data rows (cli-table3's default); without it each row is only its lines. */
  rowRules: boolean;
  border?: Paint;
  headText?: Paint;
}

// cli-table3's default box characters.
const BOX = {
  top: '─', topMid: '┬', topLeft: '┌', topRight: '┐',
  bottom: '─', bottomMid: '┴', bottomLeft: '└', bottomRight: '┘',
  left: '│', leftMid: '├', mid: '─', midMid: '┼', right: '│', rightMid: '┤', middle: '│',
} as const;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/** East Asian wide and fullwidth code points (the ranges string-width uses). */
function isWide(cp: number): boolean {
  return (
    cp >= 0x1100 &&
    (cp <= 0x115f ||
      cp === 0x2329 ||
      cp === 0x232a ||
      (cp >= 0x2e80 && cp <= 0x3247 && cp !== 0x303f) ||
      (cp >= 0x3250 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0xa4c6) ||
      (cp >= 0xa960 && cp <= 0xa97c) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe10 && cp <= 0xfe19) ||
      (cp >= 0xfe30 && cp <= 0xfe6b) ||
      (cp >= 0xff01 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1b000 && cp <= 0x1b001) ||
      (cp >= 0x1f200 && cp <= 0x1f251) ||
      (cp >= 0x20000 && cp <= 0x3fffd))
  );
}

/** Terminal columns taken by `s` (no escape codes in it): control and combining marks 0, wide 2. */
export function displayWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    width += isWide(cp) || PICTOGRAPHIC.test(ch) ? 2 : 1;
  }
  return width;
}

/**
 * Hard-wrap one cell's text at `width` UTF-16 units, as cli-table3 does without word-boundary
 * wrapping: each input line is split into words, whitespace between words is kept unless a line
 * break falls on it, and a word longer than the room left is cut.
 */
export function wrapCell(text: string, width: number): string[] {
  const out: string[] = [];
  for (const input of text.split('\n')) {
    if (input.length <= width && input.length > 0 && !/^\s/.test(input)) {
      out.push(input);
      continue;
    }
    const parts = input.split(/(\s+)/g);
    let line = '';
    for (let i = 0; i < parts.length; i += 2) {
      const ws = i > 0 ? parts[i - 1]! : '';
      if (line.length > 0 && ws) line += ws;
      line += parts[i]!;
      while (line.length > width) {
        out.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    if (line.length > 0) out.push(line);
  }
  return out;
}

/** Fit a wrapped line into `width` columns: cut with '…' when wide characters overflow it, then pad. */
function fit(line: string, width: number): { text: string; pad: number } {
  let w = displayWidth(line);
  if (w > width) {
    while (line.length > 0 && displayWidth(line) > width - 1) line = line.slice(0, -1);
    line += '…';
    w = displayWidth(line);
  }
  return { text: line, pad: Math.max(0, width - w) };
}

/** The table as lines (no trailing newline). */
export function drawTable(rows: TableRow[], opts: TableOptions): string[] {
  const border = opts.border ?? ((s: string) => s);
  const widths = opts.colWidths.map((w) => Math.max(1, w));
  const ncol = widths.length;
  // A rule is drawn per cell (left joint + run), the last cell adds the right end: with a border
  // color, each piece is painted separately, the way cli-table3 painted them.
  const runs = widths.map((w) => BOX.top.repeat(w));
  const rule = (leftEdge: string, joint: string, rightEdge: string): string => {
    let s = '';
    for (let x = 0; x < ncol; x++) s += border((x === 0 ? leftEdge : joint) + runs[x]! + (x === ncol - 1 ? rightEdge : ''));
    return s;
  };
  const topRule = rule(BOX.topLeft, BOX.topMid, BOX.topRight);
  const midRule = rule(BOX.leftMid, BOX.midMid, BOX.rightMid);
  const bottomRule = rule(BOX.bottomLeft, BOX.bottomMid, BOX.bottomRight);
  const leftBar = border(BOX.left);
  const midBar = border(BOX.middle);
  const rightBar = border(BOX.right);
  const blanks = widths.map((w) => ' '.repeat(w));

  const out: string[] = [topRule];
  const drawRow = (cells: string[], paints: Array<Paint | undefined> | undefined, isHead: boolean): void => {
    const wrapped: string[][] = [];
    let height = 1;
    for (let x = 0; x < ncol; x++) {
      const lines = wrapCell(cells[x] ?? '', widths[x]! - 2);
      wrapped.push(lines);
      if (lines.length > height) height = lines.length;
    }
    for (let n = 0; n < height; n++) {
      let s = '';
      for (let x = 0; x < ncol; x++) {
        s += x === 0 ? leftBar : midBar;
        const line = wrapped[x]![n];
        let content: string;
        if (line === undefined) {
          content = blanks[x]!;
        } else {
          const { text, pad } = fit(line, widths[x]! - 2);
          const paint = paints?.[x];
          content = ` ${paint ? paint(text) : text}${' '.repeat(pad)} `;
        }
        s += isHead && opts.headText ? opts.headText(content) : content;
      }
      out.push(s + rightBar);
    }
  };
  drawRow(opts.head, undefined, true);
  for (let y = 0; y < rows.length; y++) {
    if (y === 0 || opts.rowRules) out.push(midRule);
    drawRow(rows[y]!.cells, rows[y]!.paints, false);
  }
  out.push(bottomRule);
  return out;
}
