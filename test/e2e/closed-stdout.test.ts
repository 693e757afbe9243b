/**
 * `pxe-doctor ... | head` closes stdout while the report is still being written (analyze --json
 * streams it). The command must end quietly with exit 0, never die with an EPIPE stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/pxe-doctor.js');
const dir = mkdtempSync(join(tmpdir(), 'pxj-epipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 150 boots: a JSON report of ~600 KB and a long text report, far more than a pipe holds.
const gen = spawnSync(process.execPath, [join(root, 'scripts/gen-bench-capture.mjs'), '--size', '16M', '--clients', '150', '--pcap-only', '--out', dir], { encoding: 'utf8', timeout: 60_000 });
const capture = join(dir, 'bench-16M-150c.pcap');

/** Runs `pxe-doctor ARGS | head -c 200`; returns the exit code and stderr of pxe-doctor. */
function intoHead(args: string[]): { code: number; stderr: string; out: string } {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `NO_COLOR=1 '${process.execPath}' '${bin}' ${quoted} 2>'${dir}/err' | head -c 200; echo; echo "code=\${PIPESTATUS[0]}"; cat '${dir}/err'`], { encoding: 'utf8', timeout: 60_000 });
  const m = /code=(\d+)\n([\s\S]*)$/.exec(r.stdout);
  return { code: Number(m?.[1]), stderr: m?.[2] ?? '', out: r.stdout };
}

describe('stdout closed early (| head)', () => {
  it('generated the capture', () => {
    expect(gen.status, gen.stderr).toBe(0);
  });

  for (const args of [
    ['analyze', '--json', capture],
    ['analyze', capture],
    ['analyze', '--timeline', capture],
    ['decode', capture],
    ['check', join(root, 'fixtures/captures')],
  ]) {
    it(`${args.slice(0, -1).join(' ')}: exit 0, nothing on stderr`, () => {
      const r = intoHead(args);
      expect(r.out.length).toBeGreaterThan(100);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});
