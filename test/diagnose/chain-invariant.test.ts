/**
 * The verdict invariant over every capture in the repository (lab captures in fixtures/captures,
 * public ones in fixtures/public): a client that is not OK has an error finding about its last
 * stage (its evidence frames lie in that stage), or its last stage says the capture ended during
 * it; a client that is OK has no error finding. A plain DHCP client (no PXE option: a PC
 * asking for an address) has no boot to judge.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import { clientVerdict as verdict } from '../../src/report/verdict.js';

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng|cap)$/.test(e)) out.push(p);
  }
  return out.sort();
}

const files = [...captures('fixtures/captures'), ...captures('fixtures/public')];

describe('boot chain verdict invariant on every capture', () => {
  it('finds the captures', () => {
    expect(files.length).toBeGreaterThan(40);
  });
  for (const file of files) {
    it(file, async () => {
      const a = await analyzeCapture(file);
      for (const c of a.clients) {
        const errors = a.findings.filter((f) => f.client === c.mac && f.severity === 'error');
        if (c.ok) {
          expect(errors.map((f) => f.id), `${c.mac} is OK but has errors`).toEqual([]);
          if (c.lastStage) expect(c.lastStage.status).toBe('ok');
          continue;
        }
        const last = c.lastStage;
        if (last?.status === 'capture-ended' && errors.length === 0) {
          expect(verdict(c, a.findings)).toMatch(/^INCOMPLETE at /);
          continue;
        }
        // A plain DHCP client (no PXE option, no boot file, no transfer) has no boot to judge.
        if (!last && (verdict(c, a.findings) === 'NOT A PXE CLIENT' || c.firmware === 'DHCP client (no PXE options)')) continue;
        expect(errors.length, `${c.mac} is not OK (last stage ${last?.kind} ${last?.status}) and has no error finding`).toBeGreaterThan(0);
        if (last?.status === 'failed') {
          // The firmware's DHCP stage is judged by every DHCP/4011 rule, whose evidence is the offers and
          // replies around the stage's own requests.
          const inStage = last.kind === 'firmware-dhcp' || errors.some((f) => f.frames.some((n) => n >= last.firstFrame && n <= last.lastFrame) || f.frames.some((n) => last.frames.includes(n)));
          expect(inStage, `${c.mac}: no error finding names the last stage ${last.kind} (frames ${last.firstFrame}-${last.lastFrame}); errors: ${errors.map((f) => `${f.id} ${f.frames.join(',')}`).join('; ')}`).toBe(true);
        }
      }
    });
  }
});
