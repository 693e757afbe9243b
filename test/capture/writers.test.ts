/**
 * PcapWriter / PcapngWriter: what they write reads back identically with our reader, with the
 * pcap-parser oracle (classic pcap) and with tshark; every output kind (path, fd, stream) writes
 * the same bytes; close() leaves a complete file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pcapp from 'pcap-parser';
import { readCapture } from '../../src/capture/open.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { collector, epochToSeconds, needTool, parseBytes, payload, PUBLIC, tsharkFrames, type CopiedFrame } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxa-writers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SOURCES = ['spicy-tftp/tftp_rrq.pcap', 'PcapPlusPlus/sll.pcap', 'nDPI/tftp.pcap', 'netboot/nsec.pcap', 'tcpdump/tftp-heapoverflow.pcap'].map((f) => path.join(PUBLIC, f));

async function readFrames(file: string): Promise<CopiedFrame[]> {
  const c = collector();
  const s = await readCapture(file, c.sink);
  expect(s.warnings).toEqual([]);
  return c.frames;
}

/** Copy `src` through a writer into `out` (one writer per link type is enough for these files). */
async function copyThrough(src: string, make: (linkType: number) => PcapWriter | PcapngWriter): Promise<CopiedFrame[]> {
  const frames = await readFrames(src);
  const w = make((frames[0] as CopiedFrame).linkType);
  for (const f of frames) w.write(f.ts, f.data, f.origLen);
  await w.close();
  return frames;
}

const key = (f: CopiedFrame) => `${f.index} ${f.ts.toFixed(6)} ${f.linkType} ${f.origLen} ${Buffer.from(f.data).toString('hex')}`;

describe('capture writers', () => {
  for (const src of SOURCES) {
    const name = path.relative(PUBLIC, src);
    it(`${name}: pcap and pcapng copies read back identically`, async () => {
      const pcapOut = path.join(tmp, `${path.basename(src)}.pcap`);
      const ngOut = path.join(tmp, `${path.basename(src)}.pcapng`);
      const frames = await copyThrough(src, (lt) => new PcapWriter(pcapOut, lt));
      await copyThrough(src, (lt) => new PcapngWriter(ngOut, lt));
      expect((await readFrames(pcapOut)).map(key)).toEqual(frames.map(key));
      expect((await readFrames(ngOut)).map(key)).toEqual(frames.map(key));

      // The oracle reads our classic pcap the same way.
      const oracle: string[] = await new Promise((resolve, reject) => {
        const out: string[] = [];
        const p = pcapp.parse(pcapOut);
        p.on('packet', (pkt: { header: { timestampSeconds: number; timestampMicroseconds: number; originalLength: number }; data: Buffer }) =>
          out.push(`${out.length + 1} ${(pkt.header.timestampSeconds + pkt.header.timestampMicroseconds / 1e6).toFixed(6)} ${(frames[0] as CopiedFrame).linkType} ${pkt.header.originalLength} ${pkt.data.toString('hex')}`),
        );
        p.on('error', reject);
        p.on('end', () => resolve(out));
      });
      expect(oracle).toEqual(frames.map(key));
    });
  }

  it('tshark reads what we write (pcap µs, pcap ns, pcapng)', async (ctx) => {
    if (!needTool('tshark')) return ctx.skip();
    const src = path.join(PUBLIC, 'nDPI/tftp.pcap');
    const outs = {
      pcap: path.join(tmp, 'ts.pcap'),
      ns: path.join(tmp, 'ts-ns.pcap'),
      ng: path.join(tmp, 'ts.pcapng'),
    };
    const frames = await copyThrough(src, (lt) => new PcapWriter(outs.pcap, lt));
    await copyThrough(src, (lt) => new PcapWriter(outs.ns, lt, { nanos: true }));
    await copyThrough(src, (lt) => new PcapngWriter(outs.ng, lt));
    for (const out of Object.values(outs)) {
      const theirs = tsharkFrames(out);
      expect(theirs.length, out).toBe(frames.length);
      theirs.forEach(([epoch, caplen, len], i) => {
        const f = frames[i] as CopiedFrame;
        expect(caplen).toBe(f.data.length);
        expect(len).toBe(f.origLen);
        expect(Math.abs(epochToSeconds(epoch) - f.ts)).toBeLessThan(5e-7);
      });
    }
  });

  it('writes the same bytes to a path, an fd and a stream', async () => {
    const write = (w: PcapngWriter | PcapWriter) => {
      w.write(1_700_000_000.5, payload(100));
      w.write(1_700_000_001.25, payload(7, 3), 1514);
    };
    for (const Writer of [PcapWriter, PcapngWriter]) {
      const p1 = path.join(tmp, 'a.cap');
      const p2 = path.join(tmp, 'b.cap');
      const p3 = path.join(tmp, 'c.cap');
      const w1 = new Writer(p1, 1);
      write(w1);
      await w1.close();
      const fd = fs.openSync(p2, 'w');
      const w2 = new Writer(fd, 1);
      write(w2);
      await w2.close();
      fs.closeSync(fd); // the fd stays the caller's
      const w3 = new Writer(fs.createWriteStream(p3), 1);
      write(w3);
      await w3.close();
      const b1 = fs.readFileSync(p1);
      expect(fs.readFileSync(p2).equals(b1)).toBe(true);
      expect(fs.readFileSync(p3).equals(b1)).toBe(true);
      const r = parseBytes(b1);
      expect(r.frames.map((f) => [f.ts, f.data.length, f.origLen])).toEqual([
        [1_700_000_000.5, 100, 100],
        [1_700_000_001.25, 7, 1514],
      ]);
    }
  });

  it('with bufferBytes 0 every packet is in the file at once (a killed live capture loses nothing)', async () => {
    for (const Writer of [PcapWriter, PcapngWriter]) {
      const file = path.join(tmp, 'through.cap');
      const w = new Writer(file, 1, { bufferBytes: 0 });
      for (let i = 1; i <= 3; i++) {
        w.write(1000 + i, payload(50 + i));
        expect(parseBytes(fs.readFileSync(file)).frames.length).toBe(i);
      }
      await w.close();
      await w.close(); // idempotent
      expect(() => w.write(1, payload(1))).toThrow(/closed/);
    }
  });

  it('buffers by default and close() flushes everything', async () => {
    for (const Writer of [PcapWriter, PcapngWriter]) {
      const file = path.join(tmp, 'buffered.cap');
      const w = new Writer(file, 1);
      for (let i = 0; i < 2000; i++) w.write(1000 + i / 1000, payload(60 + (i % 50), i));
      await w.close();
      const r = parseBytes(fs.readFileSync(file));
      expect(r.warnings).toEqual([]);
      expect(r.frames.length).toBe(2000);
      expect(r.frames[1999]?.ts).toBeCloseTo(1001.999, 6);
    }
  });

  it('cuts packets longer than the snap length and keeps the original length', async () => {
    for (const Writer of [PcapWriter, PcapngWriter]) {
      const file = path.join(tmp, 'snap.cap');
      const w = new Writer(file, 1, { snaplen: 64 });
      w.write(5, payload(200));
      await w.close();
      const r = parseBytes(fs.readFileSync(file));
      expect(r.frames.map((f) => [f.data.length, f.origLen])).toEqual([[64, 200]]);
      expect(Array.from(r.frames[0]?.data ?? [])).toEqual(Array.from(payload(64)));
    }
  });
});
