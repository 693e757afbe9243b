/**
 * Layers import in one direction only (docs/architecture.md): capture -> decode -> exchange ->
 * diagnose -> report -> check; net (sockets and interfaces) imports nothing of the project;
 * responder uses decode, capture and net. The command-line layers (cli, live, probe) and
 * src/pipeline.ts may use everything. No module imports itself back through others (no circle),
 * type-only imports included. This reads every import of src/.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** What each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  net: [],
  capture: [],
  decode: ['capture'],
  exchange: ['capture', 'decode'],
  diagnose: ['capture', 'decode', 'exchange'],
  report: ['capture', 'decode', 'exchange', 'diagnose'],
  check: ['capture', 'decode', 'exchange', 'diagnose', 'report', 'pipeline'],
  responder: ['capture', 'decode', 'net'],
};

/** Rooms inside a layer that sit below the rest of it: they import nothing else of their layer. */
const LEAF_ROOMS = ['decode/dhcp/constants.ts', 'decode/tftp/constants.ts', 'decode/dhcp/types.ts', 'decode/tftp/types.ts', 'decode/dhcp6/types.ts'];

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

/** The project files one file imports (static, dynamic and type-only imports and re-exports). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

describe('import direction', () => {
  const all = files(SRC);

  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(50);
    for (const layer of Object.keys(ALLOWED)) expect(all.some((f) => layerOf(f) === layer), layer).toBe(true);
  });

  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`${layer} imports only ${allowed.length ? allowed.join(', ') : 'nothing of the project'}`, () => {
      const wrong: string[] = [];
      for (const file of all.filter((f) => layerOf(f) === layer)) {
        for (const target of importsOf(file)) {
          const to = layerOf(target);
          if (to !== layer && !allowed.includes(to)) wrong.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('the protocol names and message shapes import nothing else of the project', () => {
    const wrong: string[] = [];
    for (const room of LEAF_ROOMS) {
      const file = path.join(SRC, room);
      expect(fs.existsSync(file), room).toBe(true);
      for (const target of importsOf(file)) {
        if (!LEAF_ROOMS.includes(path.relative(SRC, target))) wrong.push(`${room} -> ${path.relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import circle', () => {
    const graph = new Map(all.map((f) => [f, importsOf(f).filter((t) => fs.existsSync(t))]));
    // Depth-first search; a back edge to a module still on the stack closes a circle.
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') circles.push([...stack.slice(stack.indexOf(t)), t].map((x) => path.relative(SRC, x)).join(' -> '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of all) if (!state.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});
