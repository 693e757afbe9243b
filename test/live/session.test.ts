/**
 * The analysis half of a live session, fed real captures the way tcpdump's stdout arrives (small
 * chunks that cut records in two): it must reach the same clients and findings as `analyze` on the
 * same file, stream the same events, and its --write output must hold the same frames byte for byte.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureParser } from '../../src/capture/parser.js';
import type { Finding } from '../../src/diagnose/finding.js';
import { LiveAnalysis, type LiveEvent } from '../../src/live/session.js';
import { analyzeCapture } from '../../src/pipeline.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { renderText } from '../../src/report/text.js';
import { REPO } from './lab.js';

const tmp = mkdtempSync(join(tmpdir(), 'pxv-session-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Lab captures from real PXE firmware (fixtures/captures) plus public TFTP/DHCP ones. */
function inputs(): string[] {
  const lab = join(REPO, 'fixtures', 'captures');
  let labFiles: string[] = [];
  try {
    labFiles = readdirSync(lab)
      .filter((f) => /\.(pcap|pcapng)$/.test(f))
      .sort()
      .slice(0, 12)
      .map((f) => join(lab, f));
  } catch {
    // no lab captures in this checkout
  }
  const pub = ['libslirp/tftp_capture.pcap', 'spicy-tftp/tftp_rrq.pcap', 'zeek/dhcp.pcap', 'netboot/nsec.pcap', 'ipfixprobe/mixed.pcap'];
  return [...labFiles, ...pub.map((p) => join(REPO, 'fixtures', 'public', p))];
}

function frames(file: string): { ts: number; origLen: number; data: string }[] {
  const out: { ts: number; origLen: number; data: string }[] = [];
  const p = new CaptureParser({ frame: (f) => void out.push({ ts: f.ts, origLen: f.origLen, data: Buffer.from(f.data).toString('hex') }) });
  p.push(readFileSync(file));
  p.end();
  return out;
}

/** A capture with two interfaces holding byte-identical copies of frames (two ports of one bridge). */
function bridgedCopies(file: string): boolean {
  const seen = new Map<string, number>();
  let copies = false;
  const p = new CaptureParser({
    frame: (f) => {
      const key = Buffer.from(f.data).toString('hex');
      const other = seen.get(key);
      if (other !== undefined && other !== f.interfaceId) copies = true;
      seen.set(key, f.interfaceId);
    },
  });
  p.push(readFileSync(file));
  p.end();
  return copies;
}

/** What must agree between live and analyze (the file name and format legitimately differ). */
function verdicts(a: AnalysisJson) {
  return { clients: a.clients, findings: a.findings, frames: a.capture.frames, duration: a.capture.duration, firstTime: a.capture.firstTime };
}

describe('LiveAnalysis on real captures', () => {
  for (const file of inputs()) {
    const name = file.slice(REPO.length + 1);
    it(`${name}: same verdicts as analyze, same events, --write keeps every frame`, async () => {
      const out = join(tmp, `${name.replace(/[/.]/g, '_')}.pcapng`);
      const fd = openSync(out, 'w');
      const events: LiveEvent[] = [];
      const streamed: Finding[] = [];
      const live = new LiveAnalysis({ iface: 'test0', writePath: out, writeFd: fd, onEvent: (e) => events.push(e), onFinding: (f) => streamed.push(f) });
      const bytes = readFileSync(file);
      // 777-byte chunks: most records straddle two chunks, as with a pipe under load.
      for (let i = 0; i < bytes.length; i += 777) live.push(bytes.subarray(i, i + 777));
      const { analysis } = await live.finish();
      expect(() => closeSync(fd)).toThrow(/EBADF/); // finish() closed the descriptor it was given

      const offlineEvents: string[] = [];
      const offline = await analyzeCapture(file, { onEvent: (e) => offlineEvents.push(`${e.frame} ${e.client} ${e.text}`) });
      expect(verdicts(analysis)).toEqual(verdicts(offline));
      expect(events.map((e) => `${e.frame} ${e.client} ${e.text}`)).toEqual(offlineEvents);
      // Every finding printed early (default --settle) is also in the final verdict: none premature.
      for (const f of streamed) expect(analysis.findings.map((x) => x.id)).toContain(f.id);
      expect(analysis.capture.file).toBe(out);
      expect(analysis.capture.format).toBe('pcapng');

      // The written file: pcapng, the same frames (time, length, bytes), and the same verdicts again.
      const original = frames(file);
      expect(frames(out)).toEqual(original.map((f) => ({ ...f, ts: Math.round(f.ts * 1e6) / 1e6 })));
      // live --write records one interface (a live capture has one); a merged two-vantage pcapng
      // whose copies are identical frames on both interfaces (a bridge, not a router: lab capture
      // fail-offers-dropped.both-sides) then holds each broadcast twice on one interface, and the
      // analysis legitimately differs (the two vantage points are gone).
      if (!bridgedCopies(file)) expect(verdicts(await analyzeCapture(out))).toEqual(verdicts(offline));
    });
  }

  it('textSummary: keeps clients as the text summary reads them, and prints the same summary', async () => {
    for (const file of inputs()) {
      const bytes = readFileSync(file);
      const whole = new LiveAnalysis({ iface: 'test0' });
      const lean = new LiveAnalysis({ iface: 'test0', textSummary: true });
      for (let i = 0; i < bytes.length; i += 777) {
        whole.push(bytes.subarray(i, i + 777));
        lean.push(bytes.subarray(i, i + 777));
      }
      const a = (await whole.finish()).analysis;
      const b = (await lean.finish()).analysis;
      const t = lean.textClients!;
      expect(b.clients).toEqual([]);
      expect(t.count).toBe(a.clients.length);
      expect(renderText({ ...b, clients: t.kept, unlisted: t.unlisted }, { color: false }), file).toBe(renderText(a, { color: false }));
    }
  });

  it('stops analyzing and writing at --count frames', async () => {
    const file = join(REPO, 'fixtures', 'public', 'nDPI', 'tftp.pcap');
    const out = join(tmp, 'count.pcap');
    const fd = openSync(out, 'w');
    let reached = 0;
    const live = new LiveAnalysis({ iface: 'test0', count: 10, writePath: out, writeFd: fd });
    live.onCountReached = () => reached++;
    live.push(readFileSync(file));
    const { analysis } = await live.finish();
    expect(reached).toBe(1);
    expect(live.frameCount).toBe(10);
    expect(analysis.capture.frames).toBe(10);
    expect(analysis.capture.format).toBe('pcap'); // a .pcap name gets classic pcap
    expect(frames(out)).toEqual(frames(file).slice(0, 10));
  });

  it('writes a valid empty capture when nothing was captured', async () => {
    const out = join(tmp, 'empty.pcapng');
    const fd = openSync(out, 'w');
    const live = new LiveAnalysis({ iface: 'test0', writePath: out, writeFd: fd });
    const { analysis, capture } = await live.finish();
    expect(capture).toBeUndefined();
    expect(analysis.clients).toEqual([]);
    expect(frames(out)).toEqual([]);
  });
});
