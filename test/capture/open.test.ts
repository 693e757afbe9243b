/**
 * readCapture(): paths, stdin, gzip by magic, progress, and unreadable input as one-line errors.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/open.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { collector, PUBLIC, ROOT } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxa-open-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const RRQ = path.join(PUBLIC, 'spicy-tftp/tftp_rrq.pcap'); // 99 frames
const NG = path.join(PUBLIC, 'nDPI/tftp.pcap'); // pcapng despite its name, 109 frames

async function framesOf(file: string): Promise<string[]> {
  const c = collector();
  await readCapture(file, c.sink);
  return c.frames.map((f) => `${f.index} ${f.ts} ${f.origLen} ${Buffer.from(f.data).toString('hex')}`);
}

describe('readCapture', () => {
  it('reads a plain file and reports progress up to its size', async () => {
    const calls: [number, number | undefined][] = [];
    const c = collector();
    const s = await readCapture(RRQ, c.sink, { onProgress: (n, total) => calls.push([n, total]) });
    const size = fs.statSync(RRQ).size;
    expect(s).toMatchObject({ format: 'pcap', frames: 99, bytes: size, linkTypes: [1], warnings: [] });
    expect(calls.at(-1)).toEqual([size, size]);
  });

  it('gunzips by magic, whatever the file name, pcap and pcapng', async () => {
    for (const src of [RRQ, NG]) {
      const plain = await framesOf(src);
      for (const name of ['x.pcap.gz', 'x.pcap']) {
        const file = path.join(tmp, name);
        fs.writeFileSync(file, gzipSync(fs.readFileSync(src)));
        const calls: number[] = [];
        const c = collector();
        const s = await readCapture(file, c.sink, { onProgress: (n) => calls.push(n) });
        expect(s.warnings).toEqual([]);
        expect(s.bytes).toBe(fs.statSync(src).size); // decompressed stream length
        expect(c.frames.map((f) => `${f.index} ${f.ts} ${f.origLen} ${Buffer.from(f.data).toString('hex')}`)).toEqual(plain);
        expect(calls.at(-1)).toBe(fs.statSync(file).size); // progress counts compressed bytes
      }
    }
  });

  it('a gzip file cut short: frames before the cut, a warning, no exception', async () => {
    const gz = gzipSync(fs.readFileSync(RRQ));
    const file = path.join(tmp, 'cut.pcap.gz');
    fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const c = collector();
    const s = await readCapture(file, c.sink);
    expect(c.frames.length).toBeGreaterThan(10);
    expect(c.frames.length).toBeLessThan(99);
    expect(s.warnings.some((w) => /gzip data is corrupt or cut short/.test(w.message))).toBe(true);
    expect(c.warnings).toEqual(s.warnings);
  });

  it('reads stdin ("-") from a stream fed in small pieces, gzip too', async () => {
    const plain = await framesOf(RRQ);
    for (const bytes of [fs.readFileSync(RRQ), gzipSync(fs.readFileSync(RRQ))]) {
      const input = new PassThrough();
      const c = collector();
      const done = readCapture('-', c.sink, { stdin: input });
      for (let off = 0; off < bytes.length; off += 777) {
        input.write(bytes.subarray(off, off + 777));
        await new Promise((r) => setImmediate(r));
      }
      input.end();
      const s = await done;
      expect(s.frames).toBe(99);
      expect(c.frames.map((f) => `${f.index} ${f.ts} ${f.origLen} ${Buffer.from(f.data).toString('hex')}`)).toEqual(plain);
    }
  });

  it('reads its real stdin through a pipe (child process, built code)', async (ctx) => {
    const built = path.join(ROOT, 'dist/capture/open.js');
    if (!fs.existsSync(built)) {
      if (process.env.CI) throw new Error('dist/ missing: npm test builds first');
      return ctx.skip();
    }
    const script = `import(${JSON.stringify(built)}).then(async (m) => { let n = 0; const s = await m.readCapture('-', { frame() { n++; } }); console.log(JSON.stringify({ n, frames: s.frames, format: s.format })); })`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    fs.createReadStream(NG).pipe(child.stdin);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ n: 109, frames: 109, format: 'pcapng' });
  });

  it('unreadable input: one-line CaptureFormatError naming the file', async () => {
    const missing = path.join(tmp, 'nope.pcap');
    const empty = path.join(tmp, 'empty.pcap');
    fs.writeFileSync(empty, '');
    const cases: [string, RegExp][] = [
      [missing, /^cannot read .*nope\.pcap: no such file$/],
      [tmp, /^cannot read .*: is a directory$/],
      [empty, /empty\.pcap: empty file/],
      [path.join(PUBLIC, 'PcapPlusPlus/solaris.snoop'), /solaris\.snoop: not a pcap or pcapng capture \(starts with 0x736e6f6f\)$/],
    ];
    for (const [input, message] of cases) {
      const err = await readCapture(input, collector().sink).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureFormatError);
      expect((err as Error).message).toMatch(message);
    }
    const viaStdin = await readCapture('-', collector().sink, { stdin: PassThrough.from([Buffer.from('GET / HTTP/1.1\r\n')]) }).catch((e: unknown) => e);
    expect((viaStdin as Error).message).toBe('stdin: not a pcap or pcapng capture (starts with 0x47455420)');
  });
});
