/**
 * The report's table drawer against cli-table3 (which drew the table before the report had its own drawer) as the oracle:
 * for plain text the two must agree byte for byte, on the cells of real analyses and on the cells
 * that stress wrapping (long words, whitespace runs, leading blanks, newlines, empty cells, wide
 * characters).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { analyzeCapture } from '../../src/pipeline.js';
import { displayWidth, drawTable, wrapCell } from '../../src/report/text-table.js';

const captures = join(resolve(import.meta.dirname, '../..'), 'fixtures/captures');

function oracle(head: string[], rows: string[][], colWidths: number[]): string {
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true, wrapOnWordBoundary: false, colWidths });
  for (const r of rows) t.push(r);
  return t.toString();
}

function mine(head: string[], rows: string[][], colWidths: number[]): string {
  return drawTable(
    rows.map((cells) => ({ cells })),
    { head, colWidths, rowRules: true },
  ).join('\n');
}

describe('drawTable', () => {
  it('draws what cli-table3 drew for the clients of every lab capture', async () => {
    const files = readdirSync(captures).filter((f) => /\.pcap(ng)?$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    const head = ['MAC', 'GUID', 'arch', 'vendor class', 'boot server', 'boot file', 'stage'];
    const rows: string[][] = [];
    for (const f of files) {
      const a = await analyzeCapture(join(captures, f));
      for (const c of a.clients) rows.push([c.mac, c.guid ?? '-', c.archName ?? '-', c.vendorClass ?? '-', c.bootServer ?? '-', c.bootFile ?? '-', c.stage]);
    }
    // Narrow columns force wrapping of GUIDs and vendor classes; wide ones leave room.
    for (const widths of [[19, 38, 22, 34, 17, 32, 14], [8, 12, 6, 10, 7, 9, 5]]) {
      expect(mine(head, rows, widths)).toBe(oracle(head, rows, widths));
    }
  });

  it('wraps and pads hard cases exactly as cli-table3', () => {
    const cells = [
      'FAILED: closest PXEv4: no-download (option60-on-dhcp-server)',
      'a  b   c    d',
      '  leading blanks',
      'trailing blank ',
      'one\ntwo lines',
      '',
      'exactlyten',
      'elevenchars',
      'x'.repeat(37),
      'tab\tinside',
      '日本語のブートファイル名',
      'café boot.efi',
      'e\u0301t\u0301e\u0301',
    ];
    const head = ['h1', 'h2'];
    for (const w of [3, 7, 12, 30]) {
      const rows = cells.map((c, i) => [c, cells[(i + 5) % cells.length]!]);
      expect(mine(head, rows, [w + 2, 14]), `width ${w}`).toBe(oracle(head, rows, [w + 2, 14]));
    }
  });

  it('hard-wraps inside a column, and leaves out the rules between rows when asked', () => {
    const out = drawTable(
      [{ cells: ['a', 'b'] }, { cells: ['c', 'long value'] }],
      { head: ['x', 'y'], colWidths: [5, 8], rowRules: false },
    );
    expect(out).toEqual([
      '┌─────┬────────┐',
      '│ x   │ y      │',
      '├─────┼────────┤',
      '│ a   │ b      │',
      '│ c   │ long v │',
      '│     │ alue   │',
      '└─────┴────────┘',
    ]);
  });

  it('paints the wrapped lines of a cell, not its padding, and the borders piece by piece', () => {
    const red = (s: string): string => `<${s}>`;
    const out = drawTable([{ cells: ['abcdefgh'], paints: [red] }], { head: ['h'], colWidths: [7], rowRules: true, border: (s) => `[${s}]` });
    expect(out).toContain('[│] <abcde> [│]');
    expect(out).toContain('[│] <fgh>   [│]');
    expect(out[0]).toBe('[┌───────┐]');
  });

  it('measures terminal columns', () => {
    expect(displayWidth('pxelinux.0')).toBe(10);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('a\tb')).toBe(2);
    expect(wrapCell('', 5)).toEqual([]);
    expect(wrapCell('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
