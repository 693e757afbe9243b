/**
 * FrameSink.select, the reader-side pre-filter: it sees each record's exact bytes, link type and
 * timestamp in the reader's buffer; a rejected record is counted but never delivered, and frame
 * numbers, timestamps and bytes of the delivered ones are what a full read gives. Checked on
 * classic pcap, pcapng EPB/OPB/SPB, on public captures, in any chunking.
 */
import { describe, expect, it } from 'vitest';
import type { FrameSink } from '../../src/capture/frame.js';
import { CaptureParser } from '../../src/capture/parser.js';
import { readCapture } from '../../src/capture/open.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { buildPcap, collector, parseBytes, payload, PcapngBuilder, publicCaptureFiles, type CopiedFrame } from './helpers.js';

interface Seen {
  bytes: Uint8Array;
  linkType: number;
  ts: number;
}

/** Parses with a select() that records what it was shown and keeps frames where keep(i) (0-based call). */
function parseSelected(bytes: Uint8Array, keep: (i: number) => boolean, chunk = bytes.length) {
  const c = collector();
  const seen: Seen[] = [];
  const sink: FrameSink = {
    frame: c.sink.frame,
    warning: c.sink.warning,
    select(data, start, end, linkType, clock) {
      seen.push({ bytes: data.slice(start, end), linkType, ts: clock[0]! });
      return keep(seen.length - 1);
    },
  };
  const p = new CaptureParser(sink);
  for (let off = 0; off < bytes.length; off += chunk) p.push(bytes.subarray(off, Math.min(off + chunk, bytes.length)));
  return { frames: c.frames, seen, summary: p.end() };
}

function expectConsistent(all: CopiedFrame[], r: ReturnType<typeof parseSelected>, keep: (i: number) => boolean): void {
  expect(r.summary.frames).toBe(all.length);
  // select() was asked about every record, with the bytes, link type and time a full read delivers.
  expect(r.seen).toHaveLength(all.length);
  r.seen.forEach((s, i) => {
    const f = all[i]!;
    expect(s.bytes).toEqual(f.data);
    expect(s.linkType).toBe(f.linkType);
    expect(s.ts).toBe(f.ts);
  });
  // Exactly the kept ones arrive, with their own frame numbers.
  expect(r.frames).toEqual(all.filter((_, i) => keep(i)));
}

const every3 = (i: number) => i % 3 === 1;

describe('FrameSink.select', () => {
  it('classic pcap: rejected records keep their numbers, kept ones are unchanged, in any chunking', () => {
    const recs = Array.from({ length: 40 }, (_, i) => ({ sec: 1_700_000_000 + i, sub: i * 1000, data: payload(20 + ((i * 37) % 300), i) }));
    for (const nanos of [false, true]) {
      const file = buildPcap({ nanos }, recs);
      const all = parseBytes(file).frames;
      for (const chunk of [file.length, 1000, 97, 7]) expectConsistent(all, parseSelected(file, every3, chunk), every3);
    }
  });

  it('pcapng EPB, OPB and SPB (the SPB gets the last timestamp, as a full read)', () => {
    const b = new PcapngBuilder().shb().idb(1).idb(101, { tsresol: 9 });
    for (let i = 0; i < 30; i++) {
      if (i % 5 === 4) b.spb(payload(60 + i, i));
      else if (i % 7 === 6) b.opb(1, BigInt(1_700_000_000_000_000_000 + i * 1_000_000), payload(80, i));
      else b.epb(i % 2, BigInt(i % 2 ? 1_700_000_000_000_000_000 + i * 1_000 : 1_700_000_000_000_000 + i), payload(40 + i, i));
    }
    const file = b.bytes();
    const all = parseBytes(file).frames;
    expect(all).toHaveLength(30);
    for (const chunk of [file.length, 64, 13]) expectConsistent(all, parseSelected(file, every3, chunk), every3);
  });

  it('rejecting everything delivers nothing and still counts every record', () => {
    const file = buildPcap({}, [1, 2, 3].map((i) => ({ sec: i, sub: 0, data: payload(50, i) })));
    const r = parseSelected(file, () => false);
    expect(r.frames).toEqual([]);
    expect(r.summary.frames).toBe(3);
  });

  it('public captures through readCapture: the same frames as a full read, filtered', async () => {
    // Ethernet + IPv4 + UDP by raw bytes: an arbitrary, content-based choice.
    const isUdp = (d: Uint8Array, s: number, e: number, lt: number) => lt === 1 && e - s > 23 && d[s + 12] === 8 && d[s + 13] === 0 && d[s + 23] === 17;
    let checked = 0;
    for (const file of publicCaptureFiles()) {
      const full = collector();
      try {
        await readCapture(file, full.sink);
      } catch (err) {
        if (err instanceof CaptureFormatError) continue; // not a capture we read (snoop...)
        throw err;
      }
      const sel = collector();
      const summary = await readCapture(file, { ...sel.sink, select: isUdp });
      expect(summary.frames).toBe(full.frames.length);
      expect(sel.frames).toEqual(full.frames.filter((f) => isUdp(f.data, 0, f.data.length, f.linkType)));
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});
