/**
 * Read a capture from a path or stdin ('-') into a FrameSink, gunzipping on the fly when the data
 * starts with the gzip magic (1f 8b), whatever the file is called.
 *
 * Plain files are read with large sequential reads into one reused buffer (the parser copies only a
 * record that straddles two reads), so reading costs no allocation per chunk or per packet.
 */
import * as fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';
import type { CaptureSummary, FrameSink } from './frame.js';
import { CaptureParser } from './parser.js';
import { CaptureFormatError } from './errors.js';

export interface ReadCaptureOptions {
  /** Called after each read: bytes of the input consumed so far (compressed bytes for .gz) and the input size when known. */
  onProgress?(bytesRead: number, total?: number): void;
  /** Read from this stream instead of process.stdin when input is '-' (tests, embedding). */
  stdin?: Readable;
}

const READ_SIZE = 1024 * 1024;

function describeFsError(input: string, err: unknown): CaptureFormatError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === 'ENOENT'
      ? 'no such file'
      : e?.code === 'EISDIR'
        ? 'is a directory'
        : e?.code === 'EACCES' || e?.code === 'EPERM'
          ? 'permission denied'
          : (e?.message ?? String(err));
  return new CaptureFormatError(`cannot read ${input}: ${why}`);
}

/** Put the input's name in front of a format error so the one-line message says which file. */
function named(input: string, err: unknown): unknown {
  if (err instanceof CaptureFormatError && !err.message.startsWith('cannot read ')) {
    return new CaptureFormatError(`${input === '-' ? 'stdin' : input}: ${err.message}`);
  }
  return err;
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export async function readCapture(input: string, sink: FrameSink, opts: ReadCaptureOptions = {}): Promise<CaptureSummary> {
  try {
    if (input === '-') return await readStream('stdin', opts.stdin ?? process.stdin, sink, opts);
    return await readFile(input, sink, opts);
  } catch (err) {
    throw named(input, err);
  }
}

async function readFile(path: string, sink: FrameSink, opts: ReadCaptureOptions): Promise<CaptureSummary> {
  let fh: fs.promises.FileHandle;
  let size: number;
  try {
    fh = await fs.promises.open(path, 'r');
  } catch (err) {
    throw describeFsError(path, err);
  }
  try {
    let st: fs.Stats;
    try {
      st = await fh.stat();
    } catch (err) {
      throw describeFsError(path, err);
    }
    if (st.isDirectory()) throw new CaptureFormatError(`cannot read ${path}: is a directory`);
    size = st.isFile() ? st.size : NaN;
    const total = Number.isNaN(size) ? undefined : size;

    // Two buffers: the next read is already in flight (in libuv's thread pool) while the parser
    // and everything downstream work on the current one, so warm-cache reads cost no waiting.
    // The parser copies a record that straddles two reads, so a buffer is free once push() returns.
    let buf = new Uint8Array(READ_SIZE);
    let spare = new Uint8Array(READ_SIZE);
    let read = 0;
    const parser = new CaptureParser(sink);
    let inFlight: Promise<number> | undefined = readInto(fh, buf, path);
    try {
      const n0 = await inFlight;
      inFlight = undefined;
      if (n0 > 0 && isGzip(buf.subarray(0, n0))) {
        // Hand the already-read bytes and the rest of the file to gunzip.
        const stream = fh.createReadStream({ start: 0, highWaterMark: READ_SIZE, autoClose: false });
        try {
          return await readStream(path, stream, sink, opts, total);
        } finally {
          stream.destroy();
        }
      }
      let n = n0;
      while (n > 0) {
        // Position null = the file position, advanced by each read in order (one read at a time).
        inFlight = readInto(fh, spare, path);
        read += n;
        parser.push(buf.subarray(0, n));
        [buf, spare] = [spare, buf];
        opts.onProgress?.(read, total);
        // Damage stopped the parser: the rest of the file is not needed.
        if (parser.finished) break;
        const next: Promise<number> = inFlight;
        inFlight = undefined;
        n = await next;
      }
    } finally {
      // Never close the file under a read still in flight (a throw from the sink, an early stop).
      if (inFlight) await inFlight.catch(() => 0);
    }
    return parser.end();
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readInto(fh: fs.promises.FileHandle, buf: Uint8Array, path: string): Promise<number> {
  try {
    return (await fh.read(buf, 0, buf.length, null)).bytesRead;
  } catch (err) {
    throw describeFsError(path, err);
  }
}

/** Resolves when the writable wants more, or when it is gone (destroyed after an error). */
function drained(w: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.once('drain', done);
    w.once('close', done);
  });
}

/**
 * Stream input (stdin, or a gzip file): chunks are handed to the parser as they come; if the first
 * chunk has the gzip magic, everything goes through a streaming gunzip first.
 */
async function readStream(label: string, stream: Readable, sink: FrameSink, opts: ReadCaptureOptions, total?: number): Promise<CaptureSummary> {
  const parser = new CaptureParser(sink);
  const source = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // A read error (EIO, a closed pipe) is a one-line "cannot read" too, not an internal error.
  const iter: AsyncIterator<Buffer> = {
    next: () =>
      source.next().catch((err: unknown) => {
        throw (err as NodeJS.ErrnoException)?.syscall !== undefined ? describeFsError(label, err) : err;
      }),
    return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
  };
  let read = 0;
  const firstResult = await iter.next();
  if (firstResult.done) return parser.end();
  const first = firstResult.value;
  read += first.length;
  opts.onProgress?.(read, total);

  if (!isGzip(first)) {
    parser.push(first);
    for (;;) {
      const r = await iter.next();
      if (r.done) break;
      read += r.value.length;
      parser.push(r.value);
      opts.onProgress?.(read, total);
    }
    return parser.end();
  }

  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  let gzipError: Error | undefined;
  let stopFeeding = false;
  // Feed compressed chunks with backpressure; the consumer loop below drains gunzip.
  const feed = (async () => {
    try {
      let chunk: Buffer | undefined = first;
      while (chunk !== undefined && !stopFeeding) {
        if (!gunzip.write(chunk)) await drained(gunzip);
        const r = await iter.next();
        if (r.done) break;
        chunk = r.value;
        read += chunk.length;
        opts.onProgress?.(read, total);
      }
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  try {
    for await (const out of gunzip as AsyncIterable<Buffer>) parser.push(out);
  } catch (err) {
    // A truncated or corrupt gzip stream: keep what was decompressed, say where it broke.
    gzipError = err as Error;
    stopFeeding = true;
  }
  if (gzipError === undefined) await feed;
  else {
    // Do not wait for the feeder (it may be blocked on a slow stdin); stop the source instead.
    void feed.catch(() => undefined);
    void iter.return?.();
  }
  if (gzipError !== undefined) {
    const isIoError = (gzipError as NodeJS.ErrnoException).syscall !== undefined;
    if (isIoError) throw describeFsError(label, gzipError);
    const partial = parser.end();
    const w = {
      offset: partial.bytes,
      frame: partial.frames + 1,
      message: `gzip data is corrupt or cut short (${gzipError.message}); frames after this point are lost`,
    };
    partial.warnings.push(w);
    sink.warning?.(w);
    return partial;
  }
  return parser.end();
}
