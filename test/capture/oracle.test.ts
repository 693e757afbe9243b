/**
 * Every public fixture read by our reader and by an independent one:
 * - classic microsecond pcap: pcap-parser@0.2.1 (the dev-dependency oracle), record by record;
 * - pcapng and nanosecond pcap (pcap-parser rejects both): tshark's view, kept as golden JSON by
 *   scripts/golden-capture.sh (so this test needs no tshark);
 * - anything else (solaris.snoop): the one-line "not a pcap or pcapng capture" error.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import pcapp from 'pcap-parser';
import { readCapture } from '../../src/capture/open.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { collector, epochToSeconds, magicOf, needTool, parseBytes, PUBLIC, publicCaptureFiles, ROOT, tsharkFrames } from './helpers.js';

interface OracleRecord {
  sec: number;
  usec: number;
  caplen: number;
  origLen: number;
  data: Buffer;
}

function readWithPcapParser(file: string): Promise<OracleRecord[]> {
  return new Promise((resolve, reject) => {
    const out: OracleRecord[] = [];
    const p = pcapp.parse(file);
    p.on('packet', (pkt: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      out.push({ sec: pkt.header.timestampSeconds, usec: pkt.header.timestampMicroseconds, caplen: pkt.header.capturedLength, origLen: pkt.header.originalLength, data: Buffer.from(pkt.data) });
    });
    p.on('error', reject);
    p.on('end', () => resolve(out));
  });
}

const files = publicCaptureFiles();
const MICRO = new Set(['d4c3b2a1', 'a1b2c3d4']);
const GOLDEN = new Set(['0a0d0d0a', '4d3cb2a1', 'a1b23c4d']);
const goldenPath = (f: string) => path.join(ROOT, 'test/capture/golden', `${path.relative(PUBLIC, f).split(path.sep).join('_')}.json`);

describe('public fixtures', () => {
  it('are all classified (µs pcap, pcapng/ns pcap with a golden, or not a capture)', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const f of files) {
      const m = magicOf(f);
      if (GOLDEN.has(m)) expect(fs.existsSync(goldenPath(f)), `${f} needs scripts/golden-capture.sh`).toBe(true);
    }
  });

  for (const file of files) {
    const name = path.relative(PUBLIC, file);
    const magic = magicOf(file);
    if (MICRO.has(magic)) {
      it(`${name}: same records as pcap-parser`, async () => {
        const oracle = await readWithPcapParser(file);
        const c = collector();
        const summary = await readCapture(file, c.sink);
        expect(summary.warnings).toEqual([]);
        expect(summary.format).toBe('pcap');
        expect(summary.frames).toBe(oracle.length);
        expect(c.frames.length).toBe(oracle.length);
        expect(oracle.length).toBeGreaterThan(0);
        c.frames.forEach((f, i) => {
          const o = oracle[i] as OracleRecord;
          expect(f.index).toBe(i + 1);
          expect(f.data.length).toBe(o.caplen);
          expect(f.origLen).toBe(o.origLen);
          expect(f.ts).toBe(o.sec + o.usec / 1e6);
          expect(Buffer.from(f.data).equals(o.data)).toBe(true);
        });
      });
    } else if (GOLDEN.has(magic)) {
      it(`${name}: same frames as tshark (golden)`, async () => {
        const golden = JSON.parse(fs.readFileSync(goldenPath(file), 'utf8')) as { frames: [string, number, number, number, string][] };
        const c = collector();
        const summary = await readCapture(file, c.sink);
        expect(summary.warnings).toEqual([]);
        expect(summary.format).toBe(magic === '0a0d0d0a' ? 'pcapng' : 'pcap-ns');
        expect(c.frames.length).toBe(golden.frames.length);
        c.frames.forEach((f, i) => {
          const [epoch, caplen, len, ifId, sha1] = golden.frames[i] as [string, number, number, number, string];
          expect(f.index).toBe(i + 1);
          expect(f.data.length).toBe(caplen);
          expect(f.origLen).toBe(len);
          expect(f.interfaceId).toBe(ifId);
          expect(Math.abs(f.ts - epochToSeconds(epoch))).toBeLessThan(5e-7);
          expect(createHash('sha1').update(f.data).digest('hex')).toBe(sha1);
        });
      });
    } else {
      it(`${name}: not a capture, one clear error`, async () => {
        const c = collector();
        const err = await readCapture(file, c.sink).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CaptureFormatError);
        expect((err as Error).message).toBe(`${file}: not a pcap or pcapng capture (starts with 0x${magic})`);
        expect(c.frames).toEqual([]);
      });
    }
  }

  it('gives the same frames whatever the chunk size (1, 3, 13, 4096 bytes)', () => {
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      if (bytes.length > 40_000 || !(MICRO.has(magicOf(file)) || GOLDEN.has(magicOf(file)))) continue;
      const whole = parseBytes(bytes);
      expect(whole.error).toBeUndefined();
      for (const chunk of [1, 3, 13, 4096]) {
        const r = parseBytes(bytes, chunk);
        expect(r.summary, `${file} chunk ${chunk}`).toEqual(whole.summary);
        expect(r.frames, `${file} chunk ${chunk}`).toEqual(whole.frames);
      }
    }
  });
});

/**
 * The lab's own captures from real PXE firmware (fixtures/captures, regenerated by the lab
 * scripts, so no goldens): µs pcap against pcap-parser, everything else against tshark live.
 */
describe('lab captures (fixtures/captures)', () => {
  const dir = path.join(ROOT, 'fixtures/captures');
  const lab = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort() : [];
  for (const name of lab) {
    const file = path.join(dir, name);
    it(`${name}: same frames as ${MICRO.has(magicOf(file)) ? 'pcap-parser' : 'tshark'}`, async (ctx) => {
      const c = collector();
      const summary = await readCapture(file, c.sink);
      expect(summary.warnings).toEqual([]);
      if (MICRO.has(magicOf(file))) {
        const oracle = await readWithPcapParser(file);
        expect(c.frames.map((f) => [f.ts, f.origLen, Buffer.from(f.data).toString('hex')])).toEqual(oracle.map((o) => [o.sec + o.usec / 1e6, o.origLen, o.data.toString('hex')]));
        return;
      }
      if (!needTool('tshark')) return ctx.skip();
      const theirs = tsharkFrames(file);
      expect(c.frames.length).toBe(theirs.length);
      c.frames.forEach((f, i) => {
        const [epoch, caplen, len, ifId] = theirs[i] as [string, number, number, number];
        expect([f.data.length, f.origLen, f.interfaceId]).toEqual([caplen, len, ifId]);
        expect(Math.abs(f.ts - epochToSeconds(epoch))).toBeLessThan(5e-7);
      });
    });
  }
});
