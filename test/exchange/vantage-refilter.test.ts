/**
 * Judge what was seen, never what could not be (issue 22): every lab capture of a working boot,
 * re-filtered with the filter users often type (`udp port 67 or 68 or 69 or 4011`: the TFTP replies
 * on ephemeral ports are lost) and cut at many points after its last DHCP message, must give no
 * error finding; the re-filtered boots stay OK (their later requests show the NBP ran), and a cut
 * one says the capture ended instead of calling the client broken.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../src/capture/open.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { clientVerdict } from '../../src/report/verdict.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { labDir } from '../helpers/analyze-cli.js';

const FILTER = 'udp port 67 or 68 or 69 or 4011';
const DHCP_KINDS = new Set(['DISCOVER', 'OFFER', 'PROXY-OFFER', 'REQUEST', 'ACK', 'NAK', '4011-REQUEST', '4011-ACK', 'BOOTREPLY']);
const hasTcpdump = spawnSync('tcpdump', ['--version'], { encoding: 'utf8' }).status === 0 || Boolean(process.env['CI']);
const working = readdirSync(labDir).filter((f) => /^ok-.*\.pcap$/.test(f) && !f.includes('both-sides'));

interface Rec {
  ts: number;
  data: Uint8Array;
  origLen: number;
  linkType: number;
}

async function frames(file: string): Promise<Rec[]> {
  const out: Rec[] = [];
  await readCapture(file, { frame: (f) => void out.push({ ts: f.ts, data: f.data.slice(), origLen: f.origLen, linkType: f.linkType }) });
  return out;
}

async function writeFirst(recs: Rec[], n: number, file: string): Promise<void> {
  const w = new PcapWriter(file, recs[0]!.linkType);
  for (const r of recs.slice(0, n)) w.write(r.ts, r.data, r.origLen);
  await w.close();
}

function lastDhcpFrame(a: AnalysisJson): number {
  let last = 0;
  for (const c of a.clients) for (const e of c.timeline) if (DHCP_KINDS.has(e.kind) || e.kind.startsWith('4011-')) last = Math.max(last, e.frame);
  return last;
}

/** The verdict invariant for a capture that may be filtered or cut: no error anywhere; a PXE client is OK or the verdict says what the capture missed. */
function judgedFairly(a: AnalysisJson, what: string): void {
  expect(a.findings.filter((f) => f.severity === 'error').map((f) => `${f.id}: ${f.title}`), what).toEqual([]);
  for (const c of a.clients) {
    if (!c.vendorClass?.startsWith('PXEClient')) continue;
    const v = clientVerdict(c, a.findings.filter((f) => f.client === c.mac));
    expect(v, `${what} ${c.mac}`).not.toMatch(/^FAILED/);
    if (!c.ok) expect(c.blindSpots?.length ?? 0, `${what} ${c.mac}: ${v}`).toBeGreaterThan(0);
  }
}

describe('working lab boots seen through a blind capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pxe-doctor-refilter-'));

  it('has working captures', () => expect(working.length).toBeGreaterThan(5));

  for (const name of working) {
    (hasTcpdump ? it : it.skip)(`${name}: re-filtered with "${FILTER}": OK, no error, the blind spot stated; and cut after the last DHCP message`, async () => {
      const filtered = join(dir, name.replace(/\.pcap$/, '.filtered.pcap'));
      const r = spawnSync('tcpdump', ['-r', join(labDir, name), '-w', filtered, FILTER], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const a = await analyzeCapture(filtered);
      judgedFairly(a, `${name} filtered`);
      for (const c of a.clients.filter((x) => x.vendorClass?.startsWith('PXEClient'))) {
        expect(c.ok, `${c.mac} ${c.stage}`).toBe(true);
        expect(c.blindSpots?.map((b) => b.kind)).toContain('tftp-replies-not-captured');
        expect(c.findings).toContain('tftp-replies-not-captured');
      }
      const fix = a.findings.find((f) => f.id === 'tftp-replies-not-captured')!.fix;
      expect(fix).toMatch(/udp port 67 or 68 or 69 or 4011 or \(udp and \(host \d+\.\d+\.\d+\.\d+/);

      // Cuts: every frame after the last DHCP message of the filtered capture.
      const recs = await frames(filtered);
      const from = lastDhcpFrame(a);
      expect(from).toBeGreaterThan(0);
      const cut = join(dir, 'cut.pcap');
      for (let n = from; n < recs.length; n++) {
        await writeFirst(recs, n, cut);
        judgedFairly(await analyzeCapture(cut), `${name} filtered, cut after frame ${n}`);
      }
    }, 120_000);

    it(`${name}: cut at many points after its last DHCP message: no error finding`, async () => {
      const file = join(labDir, name);
      const recs = await frames(file);
      const full = await analyzeCapture(file);
      const from = lastDhcpFrame(full);
      const points = new Set<number>();
      for (let n = from; n < Math.min(recs.length, from + 40); n++) points.add(n);
      for (let k = 1; k < 12; k++) points.add(from + Math.floor(((recs.length - from) * k) / 12));
      const cut = join(dir, 'cut.pcap');
      for (const n of [...points].sort((x, y) => x - y)) {
        if (n >= recs.length) continue;
        await writeFirst(recs, n, cut);
        judgedFairly(await analyzeCapture(cut), `${name} cut after frame ${n}`);
      }
    }, 120_000);
  }

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
