import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planDirectory, captureStem, siblingExpectations, checkDirectory, totals, exitCodeFor, isCaptureName } from '../../src/check/run.js';
import { sampleAnalysis } from '../report/sample-analysis.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pxg-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['a.pcap', 'b.pcapng.gz', 'c.cap', 'd.pcap', 'notes.txt', 'a.expect.yaml', 'b.expect.json', 'gone.expect.yml']) writeFileSync(path.join(dir, f), '');
mkdirSync(path.join(dir, 'sub.pcap'));

describe('capture discovery', () => {
  it('knows capture names and their expectation stems', () => {
    expect(['x.pcap', 'x.PCAPNG', 'x.pcap.gz', 'x.cap', 'x.ntar'].every(isCaptureName)).toBe(true);
    expect(['x.txt', 'x.pcap.bak', 'x.gz'].some(isCaptureName)).toBe(false);
    expect(captureStem('dir/ok.both-sides.pcapng.gz')).toBe('dir/ok.both-sides');
    expect(siblingExpectations(path.join(dir, 'b.pcapng.gz'))).toBe(path.join(dir, 'b.expect.json'));
    expect(siblingExpectations(path.join(dir, 'c.cap'))).toBeUndefined();
  });

  it('pairs every capture in a directory with its sibling and lists orphaned expectation files', () => {
    const plan = planDirectory(dir);
    expect(plan.captures).toEqual([
      { capture: path.join(dir, 'a.pcap'), expectations: path.join(dir, 'a.expect.yaml') },
      { capture: path.join(dir, 'b.pcapng.gz'), expectations: path.join(dir, 'b.expect.json') },
      { capture: path.join(dir, 'c.cap'), expectations: undefined },
      { capture: path.join(dir, 'd.pcap'), expectations: undefined },
    ]);
    expect(plan.orphans).toEqual([path.join(dir, 'gone.expect.yml')]);
  });
});

describe('checkDirectory', () => {
  it('runs each capture with expectations, skips the others, and turns bad input into errors', async () => {
    writeFileSync(path.join(dir, 'a.expect.yaml'), 'clients:\n  "52:54:00:be:00:01":\n    ok: false\n    findings: [tftp-file-not-found]\n');
    writeFileSync(path.join(dir, 'b.expect.json'), '{"clients": {"52:54:00:ef:00:02": {"ok": false}}}');
    const analyzed: string[] = [];
    const seen: string[] = [];
    const checks = await checkDirectory(
      dir,
      async (capture) => {
        analyzed.push(path.basename(capture));
        return sampleAnalysis();
      },
      (c) => seen.push(c.name),
    );
    expect(analyzed).toEqual(['a.pcap', 'b.pcapng.gz']);
    expect(seen).toEqual(['a.pcap', 'b.pcapng.gz', 'c.cap', 'd.pcap', 'gone.expect.yml']);
    expect(checks[0]!.results?.every((r) => r.passed)).toBe(true);
    expect(checks[1]!.results?.map((r) => r.reason)).toEqual(['expected ok false, got true (OK)']);
    expect(checks[2]!.results).toBeUndefined();
    expect(checks[4]!.error).toMatch(/without a capture/);
    const t = totals(checks);
    expect(t).toEqual({ captures: 5, passed: 1, failed: 1, errors: 1, unchecked: 2, expectations: 3, expectationsPassed: 2 });
    expect(exitCodeFor(t)).toBe(2);
    expect(exitCodeFor({ ...t, errors: 0 })).toBe(1);
    expect(exitCodeFor({ ...t, errors: 0, failed: 0 })).toBe(0);
  });
});

describe('checkCapture', () => {
  it('keeps bad input and internal errors apart', async () => {
    const { checkCapture } = await import('../../src/check/run.js');
    const exp = path.join(dir, 'x.expect.yaml');
    writeFileSync(exp, 'capture-wide:\n  clientCount: 2\n');
    const bad = await checkCapture('x.pcap', exp, async () => {
      throw new Error('not a pcap or pcapng capture');
    });
    expect(bad).toMatchObject({ error: 'not a pcap or pcapng capture' });
    expect(bad.internal).toBeUndefined();
    const bug = Object.assign(new Error('internal error analyzing x.pcap: boom'), { internal: true });
    const crashed = await checkCapture('x.pcap', exp, async () => {
      throw bug;
    });
    expect(crashed.error).toBe('internal error analyzing x.pcap: boom');
    expect(crashed.internal).toBe(bug);
    const missing = await checkCapture('x.pcap', path.join(dir, 'none.expect.yaml'), async () => sampleAnalysis());
    expect(missing.error).toBe(`cannot read expectations file ${path.join(dir, 'none.expect.yaml')}: no such file`);
  });
});
