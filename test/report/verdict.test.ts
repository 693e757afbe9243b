/**
 * One vocabulary for a client's outcome (issue 19, src/report/verdict.ts), and the verdict
 * invariant on every lab and public capture: not OK means an error finding says why (FAILED) or
 * the capture ended (INCOMPLETE) or there was no network boot at all (NOT A PXE CLIENT); OK means
 * no error finding.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import { verdictKind, verdictOf } from '../../src/report/verdict.js';

const root = resolve(import.meta.dirname, '../..');

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...captures(join(dir, e.name)));
    else if (/\.(pcap|pcapng)(\.gz)?$/.test(e.name)) out.push(join(dir, e.name));
  }
  return out;
}

describe('verdict', () => {
  it('is decided from ok, stage, the first error and whether the capture ended; any stage flows through', () => {
    expect(verdictOf({ ok: true, stage: 'second-stage', pxe: true, captureEnded: false })).toEqual({ kind: 'ok', text: 'OK' });
    expect(verdictOf({ ok: false, stage: 'tftp', firstError: 'tftp-no-response', pxe: true, captureEnded: true }).text).toBe('FAILED at tftp: tftp-no-response');
    expect(verdictOf({ ok: false, stage: 'grub-config', firstError: 'x-y', pxe: true, captureEnded: false }).text).toBe('FAILED at grub-config: x-y');
    expect(verdictOf({ ok: false, stage: 'kernel', pxe: true, captureEnded: true }).text).toBe('INCOMPLETE at kernel (the capture ended)');
    expect(verdictOf({ ok: false, stage: 'bound', pxe: false, captureEnded: false })).toEqual({ kind: 'not-pxe', text: 'NOT A PXE CLIENT' });
    for (const t of ['OK', 'FAILED at tftp: a', 'INCOMPLETE at tftp (the capture ended)', 'NOT A PXE CLIENT']) expect(verdictOf({ ok: t === 'OK', stage: 'tftp', pxe: t !== 'NOT A PXE CLIENT', captureEnded: t.startsWith('INCOMPLETE'), ...(t.startsWith('FAILED') ? { firstError: 'a' } : {}) }).kind).toBe(verdictKind(t));
  });

  it('holds the invariant on every lab and public capture, in the JSON of every client', async () => {
    const files = [...captures(join(root, 'fixtures/captures')), ...captures(join(root, 'fixtures/public'))];
    expect(files.length).toBeGreaterThan(80);
    const seen = new Set<string>();
    for (const file of files) {
      const a = await analyzeCapture(file);
      for (const c of a.clients) {
        const errors = a.findings.filter((f) => f.client === c.mac && f.severity === 'error');
        const kind = verdictKind(c.verdict);
        seen.add(kind);
        if (c.ok) {
          expect(c.verdict, `${file} ${c.mac}`).toBe('OK');
          expect(errors, `${file} ${c.mac}`).toEqual([]);
        } else if (errors.length > 0) {
          expect(c.verdict, `${file} ${c.mac}`).toBe(`FAILED at ${c.lastStage && c.lastStage.kind !== 'firmware-dhcp' ? c.lastStage.kind : c.stage}: ${errors[0]!.id}`);
        } else {
          expect(['incomplete', 'not-pxe'], `${file} ${c.mac}: ${c.verdict}`).toContain(kind);
        }
      }
    }
    expect([...seen].sort()).toEqual(['failed', 'incomplete', 'not-pxe', 'ok']);
  }, 180_000);
});
