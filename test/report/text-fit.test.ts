/**
 * The text report fits the terminal it is printed on (issue 19): at 80, 120 and 200 columns, on
 * every lab capture, no line is wider than the terminal and no MAC, finding id or verdict is
 * broken across lines (the table collapses columns, below 100 columns each client is a block).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { renderText, TABLE_MIN_WIDTH } from '../../src/report/text.js';
import { displayWidth } from '../../src/report/display-width.js';
import { renderDiagram } from '../../src/report/diagram.js';

const dir = join(resolve(import.meta.dirname, '../..'), 'fixtures/captures');
const files = readdirSync(dir).filter((n) => /\.(pcap|pcapng)(\.gz)?$/.test(n)).sort();

/** The words of the report, with the table's borders taken as spaces. */
function words(line: string): string[] {
  return line.replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').split(/\s+/).filter(Boolean);
}

describe('text report fits the terminal', () => {
  const analyses = new Map<string, AnalysisJson>();
  beforeAll(async () => {
    for (const f of files) analyses.set(f, await analyzeCapture(join(dir, f)));
  }, 120_000);

  it('has lab captures to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const width of [80, 120, 200]) {
    it(`at ${width} columns: no line wider, no MAC, id or verdict broken`, () => {
      for (const [name, a] of analyses) {
        const text = renderText(a, { color: false, width });
        const lines = text.trimEnd().split('\n');
        for (const l of lines) expect(displayWidth(l), `${name} @${width}: ${l}`).toBeLessThanOrEqual(width);
        const all = new Set(lines.flatMap(words).map((w) => w.replace(/[,.;:()[\]]+$/, '').replace(/^[([]+/, '')));
        // Whole, on one line: each client's MAC and verdict, each finding id.
        for (const c of a.clients) {
          expect(all.has(c.mac), `${name} @${width}: MAC ${c.mac}`).toBe(true);
          for (const w of words(c.verdict)) expect(all.has(w.replace(/[,.;:()[\]]+$/, '').replace(/^[([]+/, '')), `${name} @${width}: ${c.verdict}`).toBe(true);
        }
        for (const f of a.findings) expect(all.has(f.id), `${name} @${width}: id ${f.id}`).toBe(true);
        // The table when there is room, blocks below it.
        if (a.clients.length > 0) expect(lines.some((l) => l.startsWith('┌')), `${name} @${width}`).toBe(width >= TABLE_MIN_WIDTH);
      }
    });
  }

  for (const width of [80, 120]) {
    it(`--diagram at ${width} columns: no line wider, no MAC or finding id cut`, () => {
      for (const [name, a] of analyses) {
        for (const unicode of [false, true]) {
          const lines = renderDiagram(a, { unicode, color: false, width }).trimEnd().split('\n');
          for (const l of lines) expect(displayWidth(l), `${name} @${width}: ${l}`).toBeLessThanOrEqual(width);
          const all = new Set(lines.flatMap((l) => l.split(/\s+/)).map((w) => w.replace(/[,.;:()[\]]+$/, '').replace(/^[([]+/, '')));
          for (const c of a.clients) expect(all.has(c.mac), `${name} @${width}: MAC ${c.mac}`).toBe(true);
          for (const f of a.findings) expect(all.has(f.id), `${name} @${width}: id ${f.id}`).toBe(true);
        }
      }
    });
  }
});
