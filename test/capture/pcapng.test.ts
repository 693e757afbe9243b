/**
 * pcapng layouts the public fixtures do not have, built byte by byte: several sections (each with
 * its own byte order and interfaces), several interfaces with different link types, if_tsresol as
 * a power of 10 and of 2, if_tsoffset, SPB, the obsolete Packet Block, ISB and unknown blocks.
 * Expected values come from how the file was built; tshark reads the same bytes as a cross-check.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/open.js';
import { collector, epochToSeconds, needTool, parseBytes, payload, PcapngBuilder, tsharkFrames } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxa-pcapng-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Two sections: little-endian with Ethernet + raw IP (ns), then big-endian with 2^-20 s units and an offset. */
function multiSection(): Uint8Array {
  return new PcapngBuilder()
    .shb()
    .idb(1, { name: 'eth0' })
    .epb(0, 1_700_000_000_123_456n, payload(60, 1))
    .spb(payload(70, 2))
    .idb(101, { tsresol: 9 })
    .epb(1, 1_700_000_001_987_654_321n, payload(40, 3))
    .isb(0)
    .other(0x7eadbeef, 20)
    .shb({ le: false })
    .idb(113, { tsresol: 0x94, tsoffset: 100 }) // 0x94: MSB set = 2^-20 s units
    .idb(1)
    .epb(1, 1_600_000_000_000_001n, payload(61, 4), { origLen: 1514 })
    .epb(0, 5n * 1048576n + 524288n, payload(62, 5))
    .opb(0, 3n * 1048576n, payload(33, 6))
    .bytes();
}

const expected = [
  { index: 1, ts: 1_700_000_000.123456, linkType: 1, interfaceId: 0, len: 60, origLen: 60, seed: 1 },
  // SPB: no timestamp in the block; we repeat the previous one (tshark shows none).
  { index: 2, ts: 1_700_000_000.123456, linkType: 1, interfaceId: 0, len: 70, origLen: 70, seed: 2 },
  { index: 3, ts: 1_700_000_001.987654, linkType: 101, interfaceId: 1, len: 40, origLen: 40, seed: 3 },
  // New section: interface ids restart at 0, byte order is big-endian.
  { index: 4, ts: 1_600_000_000.000001, linkType: 1, interfaceId: 1, len: 61, origLen: 1514, seed: 4 },
  { index: 5, ts: 105.5, linkType: 113, interfaceId: 0, len: 62, origLen: 62, seed: 5 },
  { index: 6, ts: 103, linkType: 113, interfaceId: 0, len: 33, origLen: 33, seed: 6 },
];

describe('pcapng', () => {
  it('reads several sections, byte orders, interfaces, link types and timestamp resolutions', () => {
    const r = parseBytes(multiSection());
    expect(r.error).toBeUndefined();
    expect(r.warnings).toEqual([]);
    expect(r.summary?.format).toBe('pcapng');
    expect(r.summary?.linkTypes).toEqual([1, 101, 113]);
    expect(r.frames.length).toBe(expected.length);
    r.frames.forEach((f, i) => {
      const e = expected[i] as (typeof expected)[number];
      expect(f.index).toBe(e.index);
      expect(f.ts).toBeCloseTo(e.ts, 6);
      expect(f.linkType).toBe(e.linkType);
      expect(f.interfaceId).toBe(e.interfaceId);
      expect(f.origLen).toBe(e.origLen);
      expect(Array.from(f.data)).toEqual(Array.from(payload(e.len, e.seed)));
    });
  });

  it('keeps µs precision for nanosecond timestamps beyond 2^53 units', () => {
    // 2^53 ns is only ~104 days after 1970; 2030-01-01 in ns needs exact 64-bit division.
    const units = 1_893_456_000_999_999_499n; // rounds down to .999999
    const r = parseBytes(new PcapngBuilder().shb().idb(1, { tsresol: 9 }).epb(0, units, payload(20)).epb(0, units + 2n, payload(20)).bytes());
    expect(r.frames.map((f) => f.ts)).toEqual([1_893_456_000.999999, 1_893_456_001]);
  });

  it('skips unknown blocks, even large ones, without delivering them', () => {
    const bytes = new PcapngBuilder().shb().other(0x40000bad, 1_100_000).idb(1).other(0x7eadbeef, 0).epb(0, 1n, payload(10)).bytes();
    const r = parseBytes(bytes, 65536);
    expect(r.warnings).toEqual([]);
    expect(r.frames.length).toBe(1);
  });

  it('continues frame numbering across sections, whatever the chunk size', () => {
    const bytes = multiSection();
    const whole = parseBytes(bytes);
    for (const chunk of [1, 2, 5, 64]) {
      const r = parseBytes(bytes, chunk);
      expect(r.frames).toEqual(whole.frames);
      expect(r.summary).toEqual(whole.summary);
    }
  });

  it('agrees with tshark on the same file', async (ctx) => {
    if (!needTool('tshark')) return ctx.skip();
    const file = path.join(tmp, 'multi.pcapng');
    fs.writeFileSync(file, multiSection());
    const theirs = tsharkFrames(file);
    const c = collector();
    const summary = await readCapture(file, c.sink);
    expect(summary.warnings).toEqual([]);
    expect(c.frames.length).toBe(theirs.length);
    c.frames.forEach((f, i) => {
      const [epoch, caplen, len, ifId] = theirs[i] as [string, number, number, number];
      expect(f.data.length).toBe(caplen);
      expect(f.origLen).toBe(len);
      expect(f.interfaceId).toBe(ifId);
      if (epoch !== '') expect(Math.abs(f.ts - epochToSeconds(epoch))).toBeLessThan(5e-7);
    });
  });
});
