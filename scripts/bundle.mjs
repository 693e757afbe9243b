#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/cli/main.js, from `tsc`) and its npm dependencies into one file,
 * dist/pxe-doctor.mjs, which bin/pxe-doctor.js loads.
 *
 * Why: Node 20's ESM loader resolves and reads each module on its own (resolution, an async file
 * read on libuv's pool, a compile), and `analyze` loaded ~90 of our modules plus commander's and
 * chalk's. From one file, `pxe-doctor analyze` of a small capture starts markedly sooner
 * (docs/performance.md, "Start-up", has the measurements).
 *
 * The input is tsc's output, not src/, so the bundle runs exactly the code the unit tests run.
 * Not minified: `--debug` stack traces stay readable (function names, one statement a line).
 *
 *   node scripts/bundle.mjs        (npm run build runs it after tsc)
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');

const result = await build({
  entryPoints: [path.join(repo, 'dist/cli/main.js')],
  outfile: path.join(repo, 'dist/pxe-doctor.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander is CommonJS and require()s Node's modules; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as pxeDoctorRequire } from 'node:module';\nconst require = pxeDoctorRequire(import.meta.url);" },
  // The licences of bundled packages stay with the code, at the end of the file.
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});

// Their licences ask that the notice travel with copies: the bundle is one, so each bundled
// package's licence file goes beside it.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = path.join(repo, 'node_modules', name);
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e(-mit)?(\.md|\.txt)?$/i.test(f));
  if (!file) throw new Error(`${name}: no licence file to ship with the bundle`);
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return `${name} ${version}\n\n${fs.readFileSync(path.join(dir, file), 'utf8').trim()}\n`;
});
fs.writeFileSync(
  path.join(repo, 'dist/pxe-doctor.mjs.LICENSES.txt'),
  `Packages bundled into pxe-doctor.mjs, with their licences.\n\n${notices.join('\n---\n\n')}`,
);
