/** Runs the built CLI (bin/pxe-doctor.js -> dist/pxe-doctor.mjs) the way a user or CI does, without colors. */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/pxe-doctor.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `pxe-doctor ARGS` (NO_COLOR, a clean environment); `input` is its stdin. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: Uint8Array } = {}): CliRun {
  assertBuilt();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let built = false;

/** The bundle the CLI runs must be there and not older than tsc's output it is made from. */
function assertBuilt(): void {
  if (built) return;
  const bundle = path.join(ROOT, 'dist/pxe-doctor.mjs');
  const compiled = path.join(ROOT, 'dist/cli/main.js');
  if (!existsSync(bundle) || !existsSync(compiled)) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  if (statSync(bundle).mtimeMs < statSync(compiled).mtimeMs) throw new Error('dist/pxe-doctor.mjs is older than dist/cli/main.js: run `npm run build`');
  built = true;
}

/** Bad input must be one line on stderr, never a stack trace. */
export function isOneLineError(stderr: string): boolean {
  return /^pxe-doctor: [^\n]+\n$/.test(stderr) && !/\n\s+at /.test(stderr);
}
