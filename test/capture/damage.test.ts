/**
 * Damaged and foreign input: files cut at every offset, corrupt lengths, corrupt pcapng blocks,
 * and streams that are not captures at all. The rules: frames before the damage are delivered,
 * the damage becomes one CaptureWarning (byte offset + frame number) and reading stops there;
 * only a stream that is not a capture (or is cut inside its file header) throws CaptureFormatError.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/open.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { buildPcap, collector, parseBytes, payload, PcapngBuilder, PUBLIC } from './helpers.js';
import { mulberry32 } from '../helpers/prng.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxa-damage-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Unit {
  start: number;
  end: number;
  packet: boolean;
}

/** Record/block boundaries of a well-formed file, found independently of the parser. */
function units(b: Uint8Array): { header: number; units: Unit[] } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Unit[] = [];
  if (v.getUint32(0, false) === 0x0a0d0d0a) {
    let pos = 0;
    let le = true;
    while (pos + 12 <= b.length) {
      const type = v.getUint32(pos, le);
      if (type === 0x0a0d0d0a) le = v.getUint32(pos + 8, true) === 0x1a2b3c4d;
      const len = v.getUint32(pos + 4, le);
      out.push({ start: pos, end: pos + len, packet: type === 2 || type === 3 || type === 6 });
      pos += len;
    }
    return { header: (out[0] as Unit).end, units: out };
  }
  const le = v.getUint32(0, true) === 0xa1b2c3d4 || v.getUint32(0, true) === 0xa1b23c4d;
  let pos = 24;
  while (pos + 16 <= b.length) {
    const end = pos + 16 + v.getUint32(pos + 8, le);
    out.push({ start: pos, end, packet: true });
    pos = end;
  }
  return { header: 24, units: out };
}

/** One string per frame: deep-comparing thousands of byte arrays is what made this test slow. */
const signature = (fs: ReturnType<typeof parseBytes>['frames']): string[] =>
  fs.map((f) => `${f.index} ${f.ts} ${f.linkType} ${f.interfaceId} ${f.origLen} ${Buffer.from(f.data).toString('hex')}`);

function checkEveryCut(name: string, bytes: Uint8Array): void {
  const whole = parseBytes(bytes);
  const wholeFrames = signature(whole.frames);
  expect(whole.error).toBeUndefined();
  expect(whole.warnings).toEqual([]);
  const { header, units: us } = units(bytes);
  expect(us[us.length - 1]?.end).toBe(bytes.length);
  for (let cut = 0; cut < bytes.length; cut++) {
    const r = parseBytes(bytes.subarray(0, cut));
    if (cut < header) {
      expect(r.error, `${name} cut at ${cut}`).toBeInstanceOf(CaptureFormatError);
      expect(r.frames).toEqual([]);
      continue;
    }
    expect(r.error, `${name} cut at ${cut}: ${r.error?.message}`).toBeUndefined();
    const complete = us.filter((u) => u.packet && u.end <= cut).length;
    expect(signature(r.frames), `${name} cut at ${cut}`).toEqual(wholeFrames.slice(0, complete));
    const broken = us.find((u) => u.start < cut && cut < u.end);
    if (broken === undefined) {
      expect(r.warnings, `${name} cut at ${cut}`).toEqual([]);
    } else {
      expect(r.warnings.length, `${name} cut at ${cut}`).toBe(1);
      const w = r.warnings[0];
      expect(w?.offset, `${name} cut at ${cut}`).toBe(broken.start);
      expect(w?.frame).toBe(complete + 1);
      expect(w?.message).toMatch(/^truncated (record|block)/);
    }
  }
}

describe('truncated files, cut at every offset', () => {
  for (const rel of ['libslirp/tftp_capture.pcap', 'chrissanders-packets/dhcp_inlease_renewal.pcapng', 'netboot/nsec.pcap', 'tcpdump/dhcp-option-108.pcapng']) {
    it(rel, () => checkEveryCut(rel, new Uint8Array(fs.readFileSync(path.join(PUBLIC, rel)))));
  }

  it('big-endian pcap and a two-section pcapng (second section big-endian)', () => {
    const recs = [0, 1, 2].map((i) => ({ sec: 1000 + i, sub: i * 7, data: payload(30 + i * 11, i) }));
    checkEveryCut('be.pcap', buildPcap({ le: false }, recs));
    const ng = new PcapngBuilder().shb().idb(1).epb(0, 10n, payload(17)).shb({ le: false }).idb(101).isb(0).spb(payload(21)).epb(0, 99n, payload(9)).bytes();
    checkEveryCut('two-section.pcapng', ng);
  });
});

describe('corrupt lengths', () => {
  /** A pcap of `n` records of `size` bytes each, filled with 0xAA (so a misread header is absurd too). */
  function bigPcap(n: number, size: number, snaplen = 65535): Buffer {
    const rec = 16 + size;
    const b = Buffer.alloc(24 + n * rec, 0xaa);
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeUInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    b.writeUInt32LE(snaplen, 16);
    b.writeUInt32LE(1, 20);
    for (let i = 0; i < n; i++) {
      const p = 24 + i * rec;
      b.writeUInt32LE(1_700_000_000 + i, p);
      b.writeUInt32LE(0, p + 4);
      b.writeUInt32LE(size, p + 8);
      b.writeUInt32LE(size, p + 12);
    }
    return b;
  }

  it('a huge record length in a 40 MB file: quick, frames before it, one warning', async () => {
    const size = 984;
    const b = bigPcap(40_000, size);
    b.writeUInt32LE(0x7fffffff, 24 + 4 * (16 + size) + 8); // record 5
    const file = path.join(tmp, 'huge-length.pcap');
    fs.writeFileSync(file, b);
    const c = collector();
    const t0 = performance.now();
    const summary = await readCapture(file, c.sink);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(c.frames.map((f) => f.index)).toEqual([1, 2, 3, 4]);
    expect(summary.warnings).toEqual([
      { offset: 24 + 4 * (16 + size), frame: 5, message: expect.stringMatching(/^impossible record length 2147483647 bytes/) as unknown as string },
    ]);
    expect(c.warnings).toEqual(summary.warnings);
  });

  it('a record length 64 KiB beyond the snaplen: caught at that record', () => {
    const size = 1000;
    const b = bigPcap(300, size, 65535);
    b.writeUInt32LE(200_000, 24 + 2 * (16 + size) + 8);
    const r = parseBytes(b, 4096);
    expect(r.frames.length).toBe(2);
    expect(r.warnings).toEqual([{ offset: 24 + 2 * (16 + size), frame: 3, message: expect.stringMatching(/^impossible record length 200000 bytes \(maximum 131071, snaplen 65535\)/) }]);
  });

  it('a wrong but possible record length: stops at the garbage that follows, no hang', () => {
    const size = 1000;
    const b = bigPcap(300, size, 262144);
    b.writeUInt32LE(200_000, 24 + 2 * (16 + size) + 8); // record 3 swallows ~196 records
    const r = parseBytes(b, 4096);
    expect(r.error).toBeUndefined();
    expect(r.frames.length).toBe(3); // record 3 is "delivered" with the wrong length: nothing can tell
    expect(r.warnings.length).toBe(1);
    expect(r.warnings[0]?.message).toMatch(/impossible record length/);
    expect(r.warnings[0]?.frame).toBe(4);
  });

  it('a huge length at the very last record of a gzip file', async () => {
    const b = bigPcap(10, 100);
    b.writeUInt32LE(0xffffffff, 24 + 9 * 116 + 8);
    const file = path.join(tmp, 'last.pcap.gz');
    fs.writeFileSync(file, gzipSync(b));
    const c = collector();
    const s = await readCapture(file, c.sink);
    expect(c.frames.length).toBe(9);
    expect(s.warnings.map((w) => [w.offset, w.frame])).toEqual([[24 + 9 * 116, 10]]);
  });
});

describe('corrupt pcapng blocks', () => {
  const good = () => new PcapngBuilder().shb().idb(1).epb(0, 1n, payload(20)).epb(0, 2n, payload(21));
  const goodLen = good().bytes().length;
  const cases: [string, (b: PcapngBuilder) => PcapngBuilder, RegExp][] = [
    ['block length not a multiple of 4', (b) => b.epb(0, 3n, payload(20), { blockLen: 54 }), /impossible block length 54/],
    ['block length below the minimum', (b) => b.epb(0, 3n, payload(20), { blockLen: 8 }), /impossible block length 8/],
    ['huge block length', (b) => b.epb(0, 3n, payload(20), { blockLen: 0xfffffff0 }), /impossible block length/],
    ['trailing length differs', (b) => b.epb(0, 3n, payload(20), { trailerLen: 56 }), /trailing length/],
    ['captured length larger than the block', (b) => b.epb(0, 3n, payload(20), { caplen: 200 }), /captured length 200/],
    ['undefined interface', (b) => b.epb(7, 3n, payload(20)), /interface 7 is not defined/],
    ['second section with a bad byte-order magic', (b) => b.raw([0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4]).raw(new Uint8Array(16)), /byte-order magic 0x01020304/],
    ['second section of pcapng 2.0', (b) => b.shb({ major: 2 }), /unsupported pcapng section version 2\.0/],
    ['SPB in a section with no interface', (b) => b.shb().spb(payload(10)), /no interface/],
  ];
  for (const [what, damage, message] of cases) {
    it(`${what}: warning at the block, frames before it kept`, () => {
      const bytes = damage(good()).epb(0, 9n, payload(5)).bytes();
      for (const chunk of [bytes.length, 7]) {
        const r = parseBytes(bytes, chunk);
        expect(r.error).toBeUndefined();
        expect(r.frames.length).toBe(2);
        expect(r.warnings.length).toBe(1);
        expect(r.warnings[0]).toEqual({ offset: what.startsWith('SPB') ? goodLen + 28 : goodLen, frame: 3, message: expect.stringMatching(message) });
      }
    });
  }
});

describe('not a capture', () => {
  const pcapHeader = buildPcap({}, []);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /^empty file/],
    ['text', new TextEncoder().encode('hello world\n'), /^not a pcap or pcapng capture \(starts with 0x68656c6c\)$/],
    ['two bytes', Uint8Array.from([0xd4, 0xc3]), /only 2 bytes/],
    ['pcap header cut short', pcapHeader.subarray(0, 10), /header is cut short \(10 bytes\)/],
    ['pcap version 3', Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 3, 0, 0, 0, ...new Array<number>(16).fill(0)]), /unsupported pcap version 3\.0/],
    ['pcapng with a bad byte-order magic', Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 9, 9, 9, 9, ...new Array<number>(16).fill(0)]), /bad byte-order magic/],
    ['pcapng with an absurd first block length', Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, 0xff, 0xff, 0xff, 0x7f, 0x4d, 0x3c, 0x2b, 0x1a]), /length \d+ is impossible/],
    ['gzip data pushed into the parser', gzipSync(pcapHeader), /gzip-compressed/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`${what}: CaptureFormatError, one line`, () => {
      for (const chunk of [bytes.length || 1, 1]) {
        const r = parseBytes(bytes, chunk);
        expect(r.error).toBeInstanceOf(CaptureFormatError);
        expect(r.error?.message).toMatch(message);
        expect(r.error?.message).not.toContain('\n');
      }
    });
  }
});

describe('mutated files', () => {
  it('5000 mutations (byte flips, extreme 32-bit fields, cuts): only CaptureFormatError, at most one warning', () => {
    const sources = [
      new Uint8Array(fs.readFileSync(path.join(PUBLIC, 'libslirp/tftp_capture.pcap'))),
      new Uint8Array(fs.readFileSync(path.join(PUBLIC, 'tcpdump/dhcp-option-108.pcapng'))),
      new PcapngBuilder().shb().idb(1, { tsresol: 9 }).epb(0, 10n, payload(17)).shb({ le: false }).idb(101).isb(0).spb(payload(21)).opb(0, 99n, payload(9)).bytes(),
      buildPcap({ le: false, nanos: true }, [0, 1, 2].map((i) => ({ sec: i, sub: i, data: payload(40, i) }))),
    ];
    const rand = mulberry32(20261123);
    const extremes = [0, 0xffffffff, 0x7fffffff, 0x80000000, 262144, 262145, 3, 12];
    const t0 = performance.now();
    for (let i = 0; i < 5000; i++) {
      const src = sources[i % sources.length] as Uint8Array;
      let m = src.slice();
      const kind = Math.floor(rand() * 3);
      const at = Math.floor(rand() * m.length);
      if (kind === 0) m[at] = Math.floor(rand() * 256);
      else if (kind === 1) new DataView(m.buffer).setUint32(Math.min(at & ~3, m.length - 4), extremes[Math.floor(rand() * extremes.length)] as number, rand() < 0.5);
      else m = m.subarray(0, at);
      const r = parseBytes(m, 1 + Math.floor(rand() * 64));
      expect(r.warnings.length).toBeLessThanOrEqual(1);
      if (r.warnings.length === 1) expect(r.warnings[0]?.frame).toBe(r.frames.length + 1);
      for (const f of r.frames) expect(f.data.length).toBeLessThanOrEqual(262144);
    }
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
