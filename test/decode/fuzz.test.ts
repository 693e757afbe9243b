/**
 * Robustness: mutated real packets through the Dissector. No exception may escape, nothing may
 * hang, and the reassembly/conversation tables stay within their bounds. Seeded, so a failure
 * reproduces; the seed and mutation are in the failure message.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCapture } from '../../src/capture/open.js';
import { CaptureParser } from '../../src/capture/parser.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import type { Frame } from '../../src/capture/frame.js';
import { DECODER_THREW, Dissector } from '../../src/decode/dissect.js';
import { NetKind, newLinkInfo, parseLink } from '../../src/decode/link.js';
import { mulberry32 } from '../helpers/prng.js';

const root = resolve(import.meta.dirname, '../..');
const SOURCES = [
  'fixtures/public/netboot/usec.pcap',
  'fixtures/public/nDPI/tftp.pcap',
  'fixtures/public/spicy-tftp/tftp_oack.pcap',
  'fixtures/public/tcpdump/dhcp-rfc4388.pcap',
  'fixtures/public/tcpdump/tftp-heapoverflow.pcap',
  'fixtures/public/suricata-verify/dhcp-option-52-overload-both/input.pcap',
  'fixtures/public/zeek/dhcp_ack_subscriber_id_and_agent_remote_id.pcap',
  'fixtures/public/PcapPlusPlus/Dhcp1.pcap',
  'fixtures/public/PcapPlusPlus/sll.pcap',
  'fixtures/public/PcapPlusPlus/raw_ip.pcap',
  'fixtures/public/libslirp/tftp_get_libslirp-txt.pcap',
  'fixtures/public/ipfixprobe/mixed.pcap',
];

interface Sample {
  linkType: number;
  data: Uint8Array;
  /** Offset of the IPv4 header, for targeted length-field mutations. */
  net: number;
}

async function samples(): Promise<Sample[]> {
  const out: Sample[] = [];
  const link = newLinkInfo();
  for (const rel of SOURCES) {
    const d = new Dissector();
    await readCapture(join(root, rel), {
      frame(f) {
        const ev = d.dissect(f);
        if (!ev || out.length > 400) return;
        parseLink(f.linkType, f.data, link);
        if (link.kind === NetKind.Ipv4) out.push({ linkType: f.linkType, data: f.data.slice(), net: link.netOffset });
      },
    });
  }
  return out;
}

const EXTREMES = [0, 0xff, 0xffff];

function mutate(s: Sample, rnd: () => number): Uint8Array {
  const b = s.data.slice();
  const udp = s.net + (((b[s.net] ?? 0x45) & 0x0f) * 4 || 20);
  const pick = Math.floor(rnd() * 8);
  const setU16 = (o: number, v: number): void => {
    if (o + 1 < b.length) {
      b[o] = v >> 8;
      b[o + 1] = v & 0xff;
    }
  };
  switch (pick) {
    case 0: // random byte flips
    case 1: {
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) {
        const at = Math.floor(rnd() * b.length);
        b[at] = (b[at] ?? 0) ^ (1 + Math.floor(rnd() * 255));
      }
      return b;
    }
    case 2: // truncation anywhere
      return b.subarray(0, Math.floor(rnd() * b.length));
    case 3: // IP total length / IHL extremes
      setU16(s.net + 2, EXTREMES[Math.floor(rnd() * 3)]!);
      if (rnd() < 0.3) b[s.net] = 0x40 | Math.floor(rnd() * 16);
      return b;
    case 4: // UDP length extremes
      setU16(udp + 4, EXTREMES[Math.floor(rnd() * 3)]!);
      return b;
    case 5: {
      // A byte in the payload (DHCP option / TFTP length-ish positions) set to an extreme.
      const at = udp + 8 + Math.floor(rnd() * Math.max(1, b.length - udp - 8));
      if (at < b.length) b[at] = rnd() < 0.5 ? 0 : 0xff;
      if (rnd() < 0.5 && at + 1 < b.length) b[at + 1] = 0xff;
      return b;
    }
    case 6: // turn it into a fragment (exercises reassembly bounds)
      setU16(s.net + 6, (rnd() < 0.5 ? 0x2000 : 0) | Math.floor(rnd() * 0x1fff));
      setU16(s.net + 4, Math.floor(rnd() * 4)); // few ids, so pieces collide and overlap
      return b;
    default: {
      // Link header damage: VLAN tags, ethertype, SLL protocol.
      const at = Math.floor(rnd() * Math.min(b.length, s.net + 2));
      b[at] = [0x81, 0x88, 0x91, 0x00, 0x86, 0xff][Math.floor(rnd() * 6)]!;
      return b;
    }
  }
}

describe('Dissector robustness', () => {
  it('takes 120 000 mutated DHCP/TFTP frames without an exception or a hang', async () => {
    const base = await samples();
    expect(base.length).toBeGreaterThan(100);
    const seed = 0x5eed2026;
    const rnd = mulberry32(seed);
    const d = new Dissector({ fragments: { maxDatagrams: 64, maxBytes: 256 * 1024 }, tftp: { maxConversations: 128 } });
    const kinds: Record<string, number> = {};
    const started = process.hrtime.bigint();
    let ts = 1_700_000_000;
    for (let i = 0; i < 120_000; i++) {
      const s = base[Math.floor(rnd() * base.length)]!;
      const data = mutate(s, rnd);
      ts += rnd() * 0.5;
      const f: Frame = { index: i + 1, ts, linkType: s.linkType, interfaceId: 0, data, origLen: data.length };
      let ev;
      try {
        ev = d.dissect(f);
        for (const side of d.drain()) kinds[side.kind] = (kinds[side.kind] ?? 0) + 1;
      } catch (e) {
        throw new Error(`seed ${seed}, packet ${i}: ${(e as Error).stack}`);
      }
      if (ev) kinds[ev.kind] = (kinds[ev.kind] ?? 0) + 1;
      // The dissector shields the run from a throwing codec; the codecs promise never to throw.
      if (ev?.kind === 'malformed' && ev.reason.startsWith(DECODER_THREW)) throw new Error(`seed ${seed}, packet ${i}: ${ev.reason}`);
    }
    for (const ev of d.flush()) kinds[ev.kind] = (kinds[ev.kind] ?? 0) + 1;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The mix really reached every layer.
    expect(kinds.dhcp).toBeGreaterThan(10_000);
    expect(kinds.tftp).toBeGreaterThan(1_000);
    expect(kinds.malformed).toBeGreaterThan(100);
    expect(kinds['fragment-problem']).toBeGreaterThan(100);
    expect(d.stats.frames).toBe(120_000);
    expect(seconds).toBeLessThan(30);
  });

  it('reads captures cut at every offset of the first 4 KB and many more, decoding up to the cut', async () => {
    const file = readFileSync(join(root, 'fixtures/public/netboot/usec.pcap'));
    const whole = new Dissector();
    let wholeEvents = 0;
    const p = new CaptureParser({ frame: (f) => void (whole.dissect(f) && wholeEvents++) });
    p.push(file);
    p.end();
    expect(wholeEvents).toBe(9);
    const rnd = mulberry32(7);
    const cuts = [...Array.from({ length: Math.min(4096, file.length) }, (_, i) => i), ...Array.from({ length: 500 }, () => Math.floor(rnd() * file.length))];
    let formatErrors = 0;
    let maxEvents = 0;
    for (const cut of cuts) {
      const d = new Dissector();
      let events = 0;
      const parser = new CaptureParser({ frame: (f) => void (d.dissect(f) && events++), warning: () => {} });
      try {
        // Push in two pieces so record boundaries straddle chunks too.
        parser.push(file.subarray(0, cut >> 1));
        parser.push(file.subarray(cut >> 1, cut));
        parser.end();
      } catch (e) {
        // Only "not a capture" (a cut inside the 24-byte file header) may be thrown.
        expect(e).toBeInstanceOf(CaptureFormatError);
        expect(cut).toBeLessThan(24);
        formatErrors++;
      }
      d.flush();
      maxEvents = Math.max(maxEvents, events);
      expect(events).toBeLessThanOrEqual(9);
    }
    expect(formatErrors).toBe(cuts.filter((c) => c < 24).length);
    expect(maxEvents).toBeGreaterThan(0);
  });
});
