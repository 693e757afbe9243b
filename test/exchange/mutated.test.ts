/**
 * Damaged input never breaks the analysis: real captures with random bytes overwritten (fixed seed,
 * bounded count) go through the whole pipeline; the result is either a clean "not a capture" error
 * or a complete AnalysisJson, with no rule failing.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import { CaptureFormatError } from '../../src/capture/errors.js';

const root = resolve(import.meta.dirname, '../..');
const inputs = ['fixtures/public/netboot/usec.pcap', 'fixtures/captures/fail-option60-on-dhcp.pcap', 'fixtures/captures/fail-relay-missing-pxe-helper.both-sides.pcapng']
  .map((p) => join(root, p))
  .filter((p) => existsSync(p));

describe('analysis of mutated captures', () => {
  it('never throws past the pipeline and never loses a rule', async () => {
    expect(inputs.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'pxe-doctor-mut-'));
    let seed = 20261123;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let analyzed = 0;
    try {
      for (const input of inputs) {
        const orig = readFileSync(input);
        for (let i = 0; i < 80; i++) {
          const b = Buffer.from(orig);
          const n = 1 + Math.floor(rnd() * 16);
          for (let k = 0; k < n; k++) b[24 + Math.floor(rnd() * (b.length - 24))] = Math.floor(rnd() * 256);
          const file = join(dir, 'm.pcap');
          writeFileSync(file, b);
          try {
            const a = await analyzeCapture(file);
            analyzed++;
            expect(a.capture.warnings.filter((w) => w.startsWith('rule '))).toEqual([]);
            for (const f of a.findings) expect(f.frames.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
            JSON.stringify(a);
          } catch (err) {
            expect(err).toBeInstanceOf(CaptureFormatError);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(analyzed).toBeGreaterThan(100);
  });
});
