/** Runs the built CLI (bin/pxe-doctor.js -> dist/) the way a user or CI does, without colors. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test builds first)');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Bad input must be one line on stderr, never a stack trace. */
export function isOneLineError(stderr: string): boolean {
  return /^pxe-doctor: [^\n]+\n$/.test(stderr) && !/\n\s+at /.test(stderr);
}
