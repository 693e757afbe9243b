/**
 * --metrics and --save-failures fed by the analysis half of a live session (LiveAnalysis) with real
 * lab captures, chunked as tcpdump's stdout arrives: the exporter (served on 127.0.0.1, an
 * ephemeral port) counts the boots, outcomes and findings the analysis reaches, and each failed
 * client gets a file that re-analyses to its verdict. The real-Prometheus run is in
 * test/live/prometheus-lab.test.ts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFleetOutputs } from '../../src/live/fleet.js';
import { LiveAnalysis } from '../../src/live/session.js';
import { METRIC_NAMES, parseHostPort } from '../../src/live/metrics.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { REPO } from './lab.js';

const tmp = mkdtempSync(join(tmpdir(), 'pxv-fleet-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Exposition text -> "name{labels}" -> value. */
function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

describe('live fleet outputs on real captures', () => {
  it('metrics and saved failures agree with analyze', async () => {
    const names = ['fail-tftp-file-not-found.pcap', 'ok-bios-proxydhcp.pcap', 'fail-option60-on-dhcp.pcap'];
    const dir = join(tmp, 'failures');
    const saved: string[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      const file = join(REPO, 'fixtures/captures', name);
      const before = saved.length;
      const fleet = await startFleetOutputs({ metrics: '127.0.0.1:0', saveFailures: dir, onSaved: (s) => saved.push(s.file) });
      const live = new LiveAnalysis({
        iface: 'test0',
        ...fleet.hooks,
        onEvent: (e) => fleet.event(e),
        onFinding: (f) => fleet.finding(f),
      });
      const bytes = readFileSync(file);
      for (let i = 0; i < bytes.length; i += 777) live.push(bytes.subarray(i, i + 777));
      const { analysis } = await live.finish();
      const res = await fetch(`http://127.0.0.1:${fleet.metricsAddress!.port}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const m = parseMetrics(await res.text());
      await fleet.close();
      const c = analysis.clients[0]!;
      expect(m.get('pxe_doctor_boots_started_total')).toBe(analysis.clients.length);
      expect(m.get('pxe_doctor_boots_in_progress')).toBe(0);
      expect(m.get('pxe_doctor_packets_captured_total')).toBe(analysis.capture.frames);
      const outcome = c.ok ? 'booted' : 'failed';
      expect(m.get(`pxe_doctor_boots_finished_total{outcome="${outcome}",arch="${c.archName}",boot_server="${c.bootServer ?? 'none'}",stage="${c.stage}"}`)).toBe(1);
      for (const f of analysis.findings) expect(m.get(`pxe_doctor_findings_total{id="${f.id}",severity="${f.severity}"}`)).toBeGreaterThanOrEqual(1);
      expect(m.get(`pxe_doctor_boot_duration_seconds_count{outcome="${outcome}",arch="${c.archName}"}`)).toBe(1);
      if (c.ok) expect(m.get(`pxe_doctor_boot_nbp_seconds_count{arch="${c.archName}"}`)).toBe(1);
      for (const k of m.keys()) seen.add(k);
      // Only the failed clients are saved, and each re-analyses to its verdict.
      const mine = saved.slice(before);
      for (const s of mine) expect(s).toContain(c.mac.replace(/:/g, '-'));
      expect(mine.length).toBe(c.ok ? 0 : 1);
      for (const s of mine) {
        const again = await analyzeCapture(s);
        expect(again.clients.map((x) => ({ ok: x.ok, stage: x.stage, findings: x.findings }))).toEqual([{ ok: c.ok, stage: c.stage, findings: c.findings }]);
      }
    }
    // Every metric showed up in one of the runs (the info gauge is set by the session's start).
    for (const n of METRIC_NAMES.filter((n) => n !== 'pxe_doctor_live_info')) expect([...seen].some((k) => k.startsWith(n)), n).toBe(true);
    // The spool is gone; only the failure files stay.
    expect(readdirSync(dir).sort()).toEqual(saved.map((s) => s.slice(dir.length + 1)).sort());
    expect(saved.length).toBe(2);
  });

  it('--metrics HOST:PORT forms, and a port in use is one line', async () => {
    expect(parseHostPort('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseHostPort('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseHostPort(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(() => parseHostPort('9464')).toThrow(/--metrics must be HOST:PORT/);
    const a = await startFleetOutputs({ metrics: '127.0.0.1:0' });
    await expect(startFleetOutputs({ metrics: `127.0.0.1:${a.metricsAddress!.port}` })).rejects.toThrow(/the port is already in use/);
    await a.close();
  });
});
