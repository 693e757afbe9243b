/**
 * Layers import in one direction only (README "Development"): capture -> decode -> exchange ->
 * diagnose -> report -> check; responder uses decode (and capture) only. The command-line layers
 * (cli, live, probe) and src/pipeline.ts may use everything. This reads every import of src/.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** What each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  capture: [],
  decode: ['capture'],
  exchange: ['capture', 'decode'],
  diagnose: ['capture', 'decode', 'exchange'],
  report: ['capture', 'decode', 'exchange', 'diagnose'],
  check: ['capture', 'decode', 'exchange', 'diagnose', 'report', 'pipeline'],
  responder: ['capture', 'decode'],
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? path.basename(rel[0]!, '.ts') : rel[0]!;
}

describe('import direction', () => {
  const all = files(SRC);

  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`${layer} imports only ${allowed.length ? allowed.join(', ') : 'nothing of the project'}`, () => {
      const wrong: string[] = [];
      for (const file of all.filter((f) => layerOf(f) === layer)) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
          const target = layerOf(path.resolve(path.dirname(file), m[1]!));
          if (target !== layer && !allowed.includes(target)) wrong.push(`${path.relative(SRC, file)} -> ${m[1]}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
