/**
 * `analyze --json` streams clients as they finish (src/report/json-stream.ts + Analyzer.onClient).
 * The streamed document must be the same bytes as the one built at the end, on real captures.
 */
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { Analyzer, analyzeCapture } from '../../src/pipeline.js';
import { readCapture } from '../../src/capture/open.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { PacketEvent } from '../../src/decode/events.js';
import { JsonReportWriter, renderJsonDocument } from '../../src/report/json-stream.js';
import type { AnalysisJson, ClientJson } from '../../src/report/schema.js';

const root = resolve(import.meta.dirname, '../..');
// Many clients (a public capture with dozens of DHCP clients), a lab capture with findings, and one
// MAC seen in two sessions.
const captures = [
  'fixtures/captures/fail-option60-on-dhcp.pcap',
  'fixtures/captures/ok-bios-proxydhcp.pcap',
  'fixtures/captures/fail-tftp-replies-blocked.both-sides.pcapng',
  'fixtures/public/netboot/usec.pcap',
  'fixtures/public/zeek/dhcp-unique-xid-join-data-growth.pcapng',
].map((p) => join(root, p));

async function streamed(file: string): Promise<{ text: string; chunks: number; streamedClients: ClientJson[]; rest: AnalysisJson }> {
  let text = '';
  let chunks = 0;
  const streamedClients: ClientJson[] = [];
  const w = new JsonReportWriter((s) => {
    text += s;
    chunks++;
  });
  const rest = await analyzeCapture(file, {
    onClient: (c) => {
      streamedClients.push(c);
      w.client(c);
    },
  });
  w.end(rest);
  return { text, chunks, streamedClients, rest };
}

describe('streamed JSON report', () => {
  for (const file of captures) {
    it(`gives the same document as the one built at the end: ${file.slice(root.length + 1)}`, async () => {
      const whole = await analyzeCapture(file);
      const s = await streamed(file);
      expect(s.rest.clients).toEqual([]);
      expect(s.streamedClients.length).toBe(whole.clients.length);
      expect(s.text).toBe(renderJsonDocument(whole));
      // The documented key order, and nothing lost in the reordering.
      const parsed = JSON.parse(s.text) as AnalysisJson;
      expect(Object.keys(parsed)).toEqual(['schemaVersion', 'clients', 'findings', 'capture']);
      expect(parsed).toEqual(whole);
      expect(s.text).toBe(`${JSON.stringify({ schemaVersion: whole.schemaVersion, clients: whole.clients, findings: whole.findings, capture: whole.capture }, null, 2)}\n`);
    });
  }

  it('holds clients that finish while an earlier-starting client is still in progress', async () => {
    // The zeek capture's 50 DISCOVERs (one per MAC), replayed one per second with a short idle
    // expiry: clients 2..50 expire mid-stream while client 1 (re-sent every 4 s) is still going.
    const events: PacketEvent[] = [];
    const d = new Dissector();
    await readCapture(captures[4]!, { frame: (f) => void events.push(d.dissect(f)!) });
    expect(events.length).toBe(50);
    const replay = (a: Analyzer): void => {
      let frame = 0;
      const push = (ev: PacketEvent, ts: number): void => a.push({ ...ev, meta: { ...ev.meta, ts, frame: ++frame } } as PacketEvent);
      for (let i = 0; i < 50; i++) {
        if (i % 4 === 0) push(events[0]!, 1000 + i);
        if (i > 0) push(events[i]!, 1000 + i);
      }
    };
    const order: number[] = [];
    const kept = new Analyzer({ idleExpiry: 10 });
    replay(kept);
    const whole = kept.finish();
    const streaming = new Analyzer({ idleExpiry: 10, onClient: (c) => order.push(c.firstFrame) });
    replay(streaming);
    // Most clients have finished (expired), yet nothing could be written: client 1 started first
    // and is still in progress.
    expect(streaming.clientCount).toBeGreaterThan(30);
    expect(order).toEqual([]);
    const rest = streaming.finish();
    expect(rest.clients).toEqual([]);
    expect(order).toEqual(whole.clients.map((c) => c.firstFrame));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(order.length).toBe(50);
  });

  it('writes a client as soon as no earlier-starting client is in progress', async () => {
    const events: PacketEvent[] = [];
    const d = new Dissector();
    await readCapture(captures[4]!, { frame: (f) => void events.push(d.dissect(f)!) });
    const written: number[] = [];
    const a = new Analyzer({ idleExpiry: 10, onClient: (c) => written.push(c.firstFrame) });
    // One client per second, each seen once: every client expires 10 s after its packet.
    for (let i = 0; i < 50; i++) a.push({ ...events[i]!, meta: { ...events[i]!.meta, ts: 1000 + i, frame: i + 1 } } as PacketEvent);
    // By t = 1049 the clients of t <= 1034 have expired (ticks run every 5 s of packet time).
    expect(written.length).toBeGreaterThan(25);
    expect(written).toEqual(written.map((_, i) => i + 1));
    a.finish();
    expect(written.length).toBe(50);
  });

  it('writes an empty clients array as JSON.stringify does, and refuses clients after the end', () => {
    let text = '';
    const w = new JsonReportWriter((s) => (text += s));
    const capture = { file: 'x.pcap', frames: 0, duration: 0, warnings: ['no frames'] };
    w.end({ clients: [], findings: [], capture });
    expect(text).toBe(`${JSON.stringify({ schemaVersion: 1, clients: [], findings: [], capture }, null, 2)}\n`);
    expect(() => w.client({} as ClientJson)).toThrow(/after end/);
  });
});
