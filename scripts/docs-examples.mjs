#!/usr/bin/env node
/**
 * The docs' examples, kept equal to what the built CLI prints. A block is checked when the line
 * before it is `<!-- output of: pxe-doctor ARGS -->`; its content is `$ pxe-doctor ARGS` and the
 * output (stdout, piped: no colour, 100 columns), run from the repository root.
 *
 *   node scripts/docs-examples.mjs           list the blocks that differ (exit 1 if any)
 *   node scripts/docs-examples.mjs --update  rewrite them from the CLI's output
 *
 * test/docs/examples.test.ts runs the check (npm run build first).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
export const DOC_FILES = ['README.md', 'docs/analyze.md', 'docs/pictures.md', 'docs/check.md'];
const MARK = /^<!-- output of: pxe-doctor (.*) -->\n```[a-z]*\n([\s\S]*?)```\n/gm;

/** Split "a b 'c d'" into words (single or double quotes group). */
function words(s) {
  return [...s.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** What the CLI prints for `pxe-doctor ARGS`, as the block shows it. */
export function exampleOutput(args) {
  const env = { ...process.env, NO_COLOR: '1', LANG: 'C.UTF-8' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [path.join(repo, 'bin/pxe-doctor.js'), ...words(args)], { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  return `$ pxe-doctor ${args}\n${r.stdout}${r.stderr}`;
}

/** Every checked block: file, the arguments, what the doc says and what the CLI prints. */
export function examples() {
  const out = [];
  for (const file of DOC_FILES) {
    const text = readFileSync(path.join(repo, file), 'utf8');
    for (const m of text.matchAll(MARK)) out.push({ file, args: m[1], documented: m[2], actual: exampleOutput(m[1]) });
  }
  return out;
}

function update() {
  for (const file of DOC_FILES) {
    const p = path.join(repo, file);
    const text = readFileSync(p, 'utf8');
    const next = text.replace(MARK, (whole, args) => {
      const fence = whole.split('\n')[1];
      return `<!-- output of: pxe-doctor ${args} -->\n${fence}\n${exampleOutput(args)}\`\`\`\n`;
    });
    if (next !== text) {
      writeFileSync(p, next);
      console.log(`updated ${file}`);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  if (process.argv.includes('--update')) update();
  else {
    const bad = examples().filter((e) => e.documented !== e.actual);
    for (const e of bad) console.log(`${e.file}: pxe-doctor ${e.args}: differs from the CLI's output`);
    process.exitCode = bad.length > 0 ? 1 : 0;
  }
}
