/**
 * How captures are read (src/capture/open.ts): a plain file with synchronous 128 KiB reads into one
 * reused buffer; the process's own stdin (`analyze -`) the same way from fd 0, falling back to
 * process.stdin when fd 0 is non-blocking; pipes given as a path and gzip data as streams. Files
 * of a few MiB make every path run: records straddling reads, the last short read, a file that
 * grows while it is read, a pipe given as a path, damage in the middle, a read error, and stdin as
 * a file, as a pipe fed in bursts, and as a non-blocking pipe.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';
import pcapp from 'pcap-parser';
import type { Frame } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/open.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { mulberry32 } from '../helpers/prng.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxj-reads-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A classic pcap of `count` records of pseudo-random sizes (60..1514 bytes) and contents. */
async function writeCapture(file: string, count: number, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const w = new PcapWriter(file, 1);
  for (let i = 0; i < count; i++) {
    const len = 60 + Math.floor(rand() * 1455);
    const b = new Uint8Array(len);
    for (let j = 0; j < len; j += 4) b[j] = Math.floor(rand() * 256);
    b[12] = 0x08;
    w.write(1_767_225_600 + i / 1000, b);
  }
  await w.close();
}

/** Digest of every record as our reader sees it: index, time, lengths, bytes. */
async function ourDigest(file: string): Promise<{ frames: number; digest: string; warnings: string[] }> {
  const h = createHash('sha256');
  let frames = 0;
  const warnings: string[] = [];
  await readCapture(file, {
    frame(f: Frame) {
      frames++;
      h.update(`${f.index}|${f.ts.toFixed(6)}|${f.data.length}|${f.origLen}|`);
      h.update(f.data);
    },
    warning: (w) => void warnings.push(w.message),
  });
  return { frames, digest: h.digest('hex'), warnings };
}

/** The same digest through pcap-parser, the independent reader the tests use as oracle. */
function oracleDigest(file: string): Promise<{ frames: number; digest: string }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let frames = 0;
    const p = pcapp.parse(file);
    p.on('packet', (pkt: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      frames++;
      h.update(`${frames}|${(pkt.header.timestampSeconds + pkt.header.timestampMicroseconds / 1e6).toFixed(6)}|${pkt.header.capturedLength}|${pkt.header.originalLength}|`);
      h.update(pkt.data);
    });
    p.on('error', reject);
    p.on('end', () => resolve({ frames, digest: h.digest('hex') }));
  });
}

describe('reading plain files', () => {
  const big = path.join(tmp, 'big.pcap');

  it('reads a 7 MiB capture exactly as pcap-parser does (records straddle the 128 KiB reads)', async () => {
    await writeCapture(big, 9000, 7);
    expect(fs.statSync(big).size).toBeGreaterThan(6 << 20);
    const ours = await ourDigest(big);
    const oracle = await oracleDigest(big);
    expect(ours.warnings).toEqual([]);
    expect(ours.frames).toBe(9000);
    expect(ours.digest).toBe(oracle.digest);
  });

  it('goes on reading a file that grows while it is read (a capture still being written)', async () => {
    const growing = path.join(tmp, 'growing.pcap');
    await writeCapture(growing, 6000, 11);
    const head = fs.readFileSync(growing);
    // Cut it to its first 4000 records: the rest is appended when the reader reaches the cut.
    let cut = 24;
    const dv = new DataView(head.buffer, head.byteOffset);
    for (let i = 0; i < 4000; i++) cut += 16 + dv.getUint32(cut + 8, true);
    fs.writeFileSync(growing, head.subarray(0, cut));
    let frames = 0;
    let appended = false;
    await readCapture(growing, {
      frame() {
        frames++;
        if (frames === 4000 && !appended) {
          fs.appendFileSync(growing, head.subarray(cut));
          appended = true;
        }
      },
    });
    expect(appended).toBe(true);
    expect(frames).toBe(6000);
  });

  it('reads a pipe given as a path (no positional reads) completely', async () => {
    const fifo = path.join(tmp, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat '${big}' > '${fifo}'`]);
    try {
      const ours = await ourDigest(fifo);
      expect(ours.frames).toBe(9000);
      expect(ours.digest).toBe((await oracleDigest(big)).digest);
    } finally {
      writer.kill();
    }
  });

  it('stops at damage in the middle with a warning, frames before it intact', async () => {
    const damaged = path.join(tmp, 'damaged.pcap');
    const bytes = new Uint8Array(fs.readFileSync(big));
    const dv = new DataView(bytes.buffer);
    let off = 24;
    for (let i = 0; i < 3000; i++) off += 16 + dv.getUint32(off + 8, true);
    // Record 3001 claims 1 GB of captured bytes: impossible.
    dv.setUint32(off + 8, 1 << 30, true);
    fs.writeFileSync(damaged, bytes);
    const ours = await ourDigest(damaged);
    expect(ours.frames).toBe(3000);
    expect(ours.warnings).toHaveLength(1);
    expect(ours.warnings[0]).toMatch(/impossible record length/);
  });

  it('a read error is the one-line "cannot read" error', async () => {
    // A directory opened as a file fails on read with EISDIR on Linux.
    await expect(readCapture(tmp, { frame() {} })).rejects.toThrow(/cannot read .*is a directory/);
  });
});

/**
 * The digest of ourDigest(), computed by the built reader in a child process whose stdin is `stdin`
 * ('pipe': the test writes to it). `touchStdin` makes the child create process.stdin first, which
 * for a pipe switches fd 0 to non-blocking mode: reads then find no data (EAGAIN) between bursts.
 */
function childDigest(stdin: 'pipe' | number, touchStdin = false): { child: ReturnType<typeof spawn>; result: Promise<{ code: number | null; out: string; err: string }> } {
  const built = path.join(ROOT, 'dist/capture/open.js');
  const script = `
    import { createHash } from 'node:crypto';
    const m = await import(${JSON.stringify(built)});
    ${touchStdin ? 'process.stdin;' : ''}
    const h = createHash('sha256');
    let frames = 0, lastTotal;
    const s = await m.readCapture('-', { frame(f) { frames++; h.update(\`\${f.index}|\${f.ts.toFixed(6)}|\${f.data.length}|\${f.origLen}|\`); h.update(f.data); } },
      { onProgress: (n, total) => { lastTotal = total; } });
    console.log(JSON.stringify({ frames, digest: h.digest('hex'), warnings: s.warnings.map((w) => w.message), total: lastTotal ?? null, ${touchStdin ? 'viaProcessStdin: process.stdin.bytesRead' : ''} }));
    process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: [stdin, 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { child, result };
}

/** Writes `bytes` to the child's stdin in `pieces` bursts `gapMs` apart, then closes it. */
async function feed(child: ReturnType<typeof spawn>, bytes: Uint8Array, pieces: number, gapMs: number): Promise<void> {
  const step = Math.ceil(bytes.length / pieces);
  for (let off = 0; off < bytes.length; off += step) {
    const ok = child.stdin!.write(bytes.subarray(off, off + step));
    if (!ok) await new Promise((resolve) => child.stdin!.once('drain', resolve));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  child.stdin!.end();
}

describe('reading the process stdin', () => {
  const cap = path.join(tmp, 'stdin.pcap');
  let oracle: { frames: number; digest: string };
  const ready = (async () => {
    await writeCapture(cap, 5000, 29);
    oracle = await oracleDigest(cap);
  })();

  it('stdin redirected from a file: every record, and the file size as the progress total', async (ctx) => {
    if (!fs.existsSync(path.join(ROOT, 'dist/capture/open.js'))) return ctx.skip();
    await ready;
    const fd = fs.openSync(cap, 'r');
    try {
      const { result } = childDigest(fd);
      const r = await result;
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = JSON.parse(r.out);
      expect(got).toEqual({ frames: oracle.frames, digest: oracle.digest, warnings: [], total: fs.statSync(cap).size });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a pipe fed in bursts (reads come back short, records straddle them): every record', async (ctx) => {
    if (!fs.existsSync(path.join(ROOT, 'dist/capture/open.js'))) return ctx.skip();
    await ready;
    const { child, result } = childDigest('pipe');
    await feed(child, fs.readFileSync(cap), 7, 30);
    const r = await result;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ frames: oracle.frames, digest: oracle.digest, warnings: [], total: null });
  });

  it('a non-blocking pipe: what was read before the first EAGAIN and the rest through process.stdin, every record once', async (ctx) => {
    if (!fs.existsSync(path.join(ROOT, 'dist/capture/open.js'))) return ctx.skip();
    await ready;
    const { child, result } = childDigest('pipe', true);
    const bytes = fs.readFileSync(cap);
    await feed(child, bytes, 5, 150);
    const r = await result;
    expect(r.code).toBe(0);
    const { viaProcessStdin, ...got } = JSON.parse(r.out);
    expect(got).toEqual({ frames: oracle.frames, digest: oracle.digest, warnings: [], total: null });
    // Both ways were used: the first burst by blocking-style reads, the rest by process.stdin.
    expect(viaProcessStdin).toBeGreaterThan(0);
    expect(viaProcessStdin).toBeLessThan(bytes.length);
  });

  it('gzip data on a pipe: decompressed, every record', async (ctx) => {
    if (!fs.existsSync(path.join(ROOT, 'dist/capture/open.js'))) return ctx.skip();
    await ready;
    const { gzipSync } = await import('node:zlib');
    const { child, result } = childDigest('pipe');
    await feed(child, gzipSync(fs.readFileSync(cap)), 3, 20);
    const r = await result;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ frames: oracle.frames, digest: oracle.digest, warnings: [], total: null });
  });
});
