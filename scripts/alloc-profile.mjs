#!/usr/bin/env node
/**
 * Where an analysis allocates: V8's sampling heap profiler, counting objects the collector has
 * already freed too (what the default heap profile leaves out, and what garbage collection costs
 * are made of). Runs the built analyzer in this process on CAPTURE, streaming the JSON report to
 * /dev/null as `analyze --json` does, and prints the bytes allocated per function, largest first.
 *
 *   node scripts/alloc-profile.mjs CAPTURE [--warm] [--top N] [--interval BYTES]
 *
 * --warm analyzes the capture once first and profiles a second run only (start-up and the JIT's
 * warm-up left out). Build first (npx tsc -p .). docs/performance.md, "How to profile".
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const capture = args.find((a, i) => !a.startsWith('--') && !['--top', '--interval'].includes(args[i - 1]));
if (!capture) {
  console.error('usage: node scripts/alloc-profile.mjs CAPTURE [--warm] [--top N] [--interval BYTES]');
  process.exit(2);
}
const top = Number(flag('top', '30'));
const interval = Number(flag('interval', '32768'));
const repo = path.resolve(import.meta.dirname, '..');
const { analyzeCapture } = await import(path.join(repo, 'dist/pipeline.js'));
const { JsonReportWriter } = await import(path.join(repo, 'dist/report/json-stream.js'));

async function analyze() {
  const out = fs.openSync('/dev/null', 'w');
  const w = new JsonReportWriter((s) => fs.writeSync(out, s));
  w.end(await analyzeCapture(capture, { onClient: (c) => w.client(c) }));
  fs.closeSync(out);
}

const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
if (args.includes('--warm')) await analyze();
await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', { samplingInterval: interval, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await analyze();
const { profile } = await post('HeapProfiler.stopSampling');

const bytes = new Map();
const walk = (node) => {
  const f = node.callFrame;
  const where = `${f.functionName || '(anonymous)'} ${f.url ? path.relative(repo, f.url.replace(/^file:\/\//, '')) : '(native)'}:${f.lineNumber + 1}`;
  bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
  for (const c of node.children) walk(c);
};
walk(profile.head);
const total = [...bytes.values()].reduce((a, b) => a + b, 0);
console.log(`${capture}: ${(total / 1e6).toFixed(1)} MB allocated (sampled every ${interval} bytes)`);
for (const [where, b] of [...bytes].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${(b / 1e6).toFixed(2).padStart(9)} MB  ${where}`);
