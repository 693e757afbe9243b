/**
 * `extract`: every client of every lab capture written on its own, re-analysed to the same verdict
 * (ok, stage, findings: docs/extract.md says which finding needs other clients and cannot survive),
 * and read by tshark with no error or warning it did not have in the original.
 */
import { readdirSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/pipeline.js';
import { extractClient } from '../../src/extract/run.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { hasTshark } from '../helpers/analyze-cli.js';
import { addedProblems } from '../helpers/tshark-expert.js';
import { runCli } from '../helpers/run-cli.js';

const LAB = join(import.meta.dirname, '../../fixtures/captures');
const work = mkdtempSync(join(tmpdir(), 'pxd-extract-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Findings about a client's relation to another client: they need that client's frames too. */
const CROSS_CLIENT = new Set(['client-guid-duplicate']);

function verdict(a: AnalysisJson, mac: string): unknown {
  return a.clients
    .filter((c) => c.mac === mac)
    .map((c) => ({ ok: c.ok, stage: c.stage, bootFile: c.bootFile, bootServer: c.bootServer, findings: c.findings.filter((id) => !CROSS_CLIENT.has(id)).sort() }));
}

function findings(a: AnalysisJson, mac: string): string[] {
  return a.findings.filter((f) => f.client === mac && !CROSS_CLIENT.has(f.id)).map((f) => `${f.id}:${f.severity}`).sort();
}

const captures = readdirSync(LAB).filter((n) => /\.(pcap|pcapng)$/.test(n));

describe('extract one client', () => {
  it.each(captures)('%s: each client alone gives the same verdict and findings, and tshark reads it cleanly', async (name) => {
    const input = join(LAB, name);
    const whole = await analyzeCapture(input);
    const macs = [...new Set(whole.clients.map((c) => c.mac))];
    expect(macs.length).toBeGreaterThan(0);
    for (const mac of macs) {
      const out = join(work, `${name}-${mac.replace(/:/g, '')}.pcapng`);
      const fd = openSync(out, 'w');
      const r = await extractClient(input, mac, fd);
      closeSync(fd);
      expect(r.kept).toBeGreaterThan(0);
      expect(r.kept).toBeLessThanOrEqual(r.frames);
      const again = await analyzeCapture(out);
      expect(again.clients.map((c) => c.mac)).toEqual(whole.clients.filter((c) => c.mac === mac).map((c) => c.mac));
      expect(verdict(again, mac)).toEqual(verdict(whole, mac));
      expect(findings(again, mac)).toEqual(findings(whole, mac));
      if (hasTshark) expect(addedProblems(input, out)).toEqual([]);
    }
  });

  it('public captures (fixtures/public): every client, MAC-keyed or known only by its address, extracts to its verdict', async () => {
    const { readdirSync: ls, statSync } = await import('node:fs');
    const walk = (d: string): string[] => ls(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    let clients = 0;
    for (const f of walk(join(LAB, '../public')).filter((x) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(x))) {
      let whole: AnalysisJson;
      try {
        whole = await analyzeCapture(f);
      } catch {
        continue;
      }
      for (const mac of [...new Set(whole.clients.map((c) => c.mac))]) {
        const out = join(work, 'public.pcapng');
        const fd = openSync(out, 'w');
        await extractClient(f, mac, fd);
        closeSync(fd);
        expect(verdict(await analyzeCapture(out), mac), `${f} ${mac}`).toEqual(verdict(whole, mac));
        clients++;
      }
    }
    expect(clients).toBeGreaterThan(50);
  });

  it('keeps only that client: a capture of two booting clients splits in two', async () => {
    const input = join(LAB, 'ok-client-guid-duplicate.pcap');
    const out = join(work, 'one.pcapng');
    const r = runCli(['extract', input, '--client', '52-54-00-EF-00-02', '-w', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote \S+one\.pcapng: \d+ of 1018 frames, client 52:54:00:ef:00:02 booted \(second-stage\)\n$/);
    const a = await analyzeCapture(out);
    expect(a.clients.map((c) => c.mac)).toEqual(['52:54:00:ef:00:02']);
  });

  it('--client ip:ADDRESS: a client known only by its address', async () => {
    const input = join(LAB, '../public/spicy-tftp/tftp_oack.pcap');
    const out = join(work, 'by-address.pcapng');
    const r = runCli(['extract', input, '--client', 'ip:127.0.0.1', '-w', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote \S+by-address\.pcapng: [1-9]\d* of \d+ frames, client ip:127\.0\.0\.1 /);
    expect((await analyzeCapture(out)).clients.map((c) => c.mac)).toEqual(['ip:127.0.0.1']);
  });

  it('usage errors: one line, exit 2', () => {
    const input = join(LAB, 'ok-bios-proxydhcp.pcap');
    const out = join(work, 'none.pcapng');
    const missing = runCli(['extract', input, '--client', '02:00:00:00:00:99', '-w', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`pxe-doctor: client 02:00:00:00:00:99 does not appear in ${input}\n`);
    expect(runCli(['extract', input, '-w', out]).stderr).toMatch(/needs --client MAC/);
    expect(runCli(['extract', input, '--client', 'nope', '-w', out]).stderr).toMatch(/is not a MAC address/);
    expect(runCli(['extract', input, '--client', '52:54:00:be:00:01']).stderr).toMatch(/needs -w OUT\.pcapng/);
  });
});
