/**
 * What the end-to-end tests share: the BUILT CLI run on a capture (`npm test` builds first), and
 * tshark, the oracle for evidence frames (skipped where it is missing, never in CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { AnalysisJson } from '../../src/report/schema.js';
import { ROOT, runCli } from './run-cli.js';

export const root = ROOT;
export const labDir = join(root, 'fixtures/captures');

/** `pxe-doctor analyze FILE --json [EXTRA]`: nothing on stderr, the parsed report. */
export function analyzeCli(file: string, extra: string[] = []): { code: number | null; json: AnalysisJson; stderr: string } {
  const r = runCli(['analyze', file, '--json', ...extra]);
  expect(r.stderr, r.stderr).toBe('');
  return { code: r.code, json: JSON.parse(r.stdout) as AnalysisJson, stderr: r.stderr };
}

// In CI (where tshark is installed) the oracle checks must run.
export const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0 || Boolean(process.env['CI']);

/** Fields of the frames tshark selects with a display filter, one row per frame. */
export function tsharkFields(file: string, filter: string, fields: string[]): string[][] {
  const args = ['-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** Frame numbers tshark selects with a display filter (the oracle for evidence frames). */
export function tsharkFrames(file: string, filter: string): number[] {
  return tsharkFields(file, filter, ['frame.number']).map((row) => Number(row[0]));
}

/** A lab capture in fixtures/captures, and `it` when it is there (`it.skip` when not). */
export const lab = (name: string): string => join(labDir, name);
export const present = (name: string) => (existsSync(lab(name)) ? it : it.skip);
