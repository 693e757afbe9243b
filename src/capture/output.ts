/**
 * Buffered byte output shared by the capture writers: a path (created/truncated, owned and closed
 * by us), a file descriptor (written synchronously, left open for its owner), or a writable stream
 * (ended on close, unless it is stdout/stderr).
 *
 * Bytes are gathered in one buffer and written when it passes `bufferBytes`; close() writes the
 * rest and waits until it is on disk/in the pipe, so a `--write` file is complete after Ctrl-C.
 */
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';

export type CaptureOutputTarget = string | number | fs.WriteStream | Writable;

export interface CaptureWriterOptions {
  /** Flush once this many bytes are buffered (default 64 KiB; 0 = write every packet through). */
  bufferBytes?: number;
  /** Snap length written in the file header / interface block (default 262144). */
  snaplen?: number;
}

export class ByteOutput {
  private readonly fd: number | undefined;
  private readonly ownsFd: boolean;
  private readonly stream: Writable | undefined;
  private readonly limit: number;
  private buf: Uint8Array;
  /** DataView over `buf` for the writers' little-endian fields. */
  view: DataView;
  pos = 0;
  private closed = false;
  private streamError: Error | undefined;

  constructor(out: CaptureOutputTarget, bufferBytes = 64 * 1024) {
    this.limit = bufferBytes;
    this.buf = new Uint8Array(Math.max(bufferBytes, 4096) + 1024);
    this.view = new DataView(this.buf.buffer);
    if (typeof out === 'string') {
      this.fd = fs.openSync(out, 'w');
      this.ownsFd = true;
    } else if (typeof out === 'number') {
      this.fd = out;
      this.ownsFd = false;
    } else {
      this.stream = out;
      this.ownsFd = false;
      out.on('error', (err: Error) => {
        this.streamError = err;
      });
    }
  }

  /** Make room for n more bytes at `pos` (flushing first when that is enough). */
  reserve(n: number): void {
    if (this.closed) throw new Error('capture writer is closed');
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < n) cap *= 2;
    this.buf = new Uint8Array(cap);
    this.view = new DataView(this.buf.buffer);
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  zeros(n: number): void {
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Called by the writers after each record. */
  recordDone(): void {
    if (this.pos >= this.limit) this.flush();
  }

  /** Hand everything buffered to the OS (fd/path) or the stream. */
  flush(): void {
    if (this.pos === 0) return;
    if (this.streamError) throw this.streamError;
    if (this.fd !== undefined) {
      let off = 0;
      while (off < this.pos) off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
    } else if (this.stream) {
      // The stream keeps the chunk until written: give it its own copy.
      this.stream.write(this.buf.slice(0, this.pos));
    }
    this.pos = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.fd !== undefined) {
      if (this.ownsFd) fs.closeSync(this.fd);
      return;
    }
    const s = this.stream as Writable;
    if (this.streamError) throw this.streamError;
    if (s === (process.stdout as unknown) || s === (process.stderr as unknown)) {
      // Never end stdout; just wait until what we wrote has been taken by the pipe.
      await new Promise<void>((resolve, reject) => s.write(new Uint8Array(0), (err) => (err ? reject(err) : resolve())));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.end(() => resolve());
    });
    // fs.WriteStream closes its fd after 'finish'; wait for that so the file is complete for readers.
    if ('closed' in s && s.closed === false && 'fd' in s) await new Promise<void>((resolve) => s.once('close', () => resolve()));
  }
}

/** Split a Unix time in seconds into whole seconds and a fraction in `unitsPerSecond` (rounded). */
export function splitTime(ts: number, unitsPerSecond: number): [number, number] {
  let sec = Math.floor(ts);
  let frac = Math.round((ts - sec) * unitsPerSecond);
  if (frac >= unitsPerSecond) {
    sec += 1;
    frac -= unitsPerSecond;
  }
  return [sec, frac];
}
