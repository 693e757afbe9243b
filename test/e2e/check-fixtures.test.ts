import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runCli } from '../helpers/run-cli.js';

/**
 * The project's own regression suite: every lab capture in fixtures/captures against the
 * expectations written by hand from its scenario (x.md beside it), through the built CLI.
 */
describe('pxe-doctor check fixtures/captures', () => {
  const dir = path.join(ROOT, 'fixtures/captures');

  it('every lab capture has expectations', () => {
    const r = runCli(['check', dir], { timeoutMs: 240_000 });
    const unchecked = r.stdout.split('\n').filter((l) => l.startsWith('SKIP'));
    // A new scenario needs its x.expect.yaml (docs/check.md), written from what the scenario is.
    expect(unchecked).toEqual([]);
  }, 300_000);

  it('every expectation holds (exit 0)', () => {
    const r = runCli(['check', dir], { timeoutMs: 240_000 });
    const failures = r.stdout.split('\n').filter((l) => /^(FAIL|ERROR)|^\s+FAIL/.test(l));
    expect(failures).toEqual([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const captures = readdirSync(dir).filter((n) => /\.(pcap|pcapng)(\.gz)?$/.test(n));
    expect(r.stdout).toMatch(new RegExp(`^OK: ${captures.length} captures: ${captures.length} passed, 0 failed; (\\d+) of \\1 expectations passed$`, 'm'));
  }, 300_000);
});
