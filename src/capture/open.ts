/**
 * Read a capture from a path or stdin ('-') into a FrameSink, gunzipping on the fly when the data
 * starts with the gzip magic (1f 8b), whatever the file is called.
 *
 * Plain files are read in place into one reused buffer (the parser copies only a record that
 * straddles two reads), so reading costs no allocation per chunk or per packet.
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

/**
 * Plain files are read synchronously, 128 KiB at a time, into one reused buffer: the buffer stays
 * in the CPU's cache for the parser that follows, and there is no hand-over between libuv's thread
 * pool and ours. Reads in flight on the thread pool, the earlier way, cost more wall and CPU time
 * (docs/performance.md, "Reading", has the measurements).
 */
const READ_SIZE = 128 * 1024;
/**
 * Reads between two yields to the event loop (1 MiB): signals, a closed stdout and V8's own tasks
 * (the steps of incremental marking) get their turn. Yielding less often raised the peak memory
 * of a large capture and gained no speed (docs/performance.md).
 */
const READS_PER_YIELD = 8;

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
    if (input === '-') return opts.stdin ? await readStream('stdin', opts.stdin, sink, opts) : await readStdin(sink, opts);
    return await readFile(input, sink, opts);
  } catch (err) {
    throw named(input, err);
  }
}

async function readFile(path: string, sink: FrameSink, opts: ReadCaptureOptions): Promise<CaptureSummary> {
  let fh: fs.promises.FileHandle;
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
    const total = st.isFile() ? st.size : undefined;

    const buf = new Uint8Array(READ_SIZE);
    // A pipe or a device given as a path (`<(zcat x.pcap)`) cannot be read at positions, and a
    // synchronous read of it would wait for its writer: it is read as a stream, like gzip data.
    let pos = st.isFile() ? readAt(fh.fd, buf, 0, path) : 0;
    if (!st.isFile() || (pos > 0 && isGzip(buf.subarray(0, pos)))) {
      const stream = fh.createReadStream({ start: st.isFile() ? 0 : undefined, highWaterMark: READ_SIZE, autoClose: false });
      try {
        return await readStream(path, stream, sink, opts, total);
      } finally {
        stream.destroy();
      }
    }
    const parser = new CaptureParser(sink);
    // Until a read comes back empty, not until the size seen at the start: a capture still being
    // written goes on being read.
    let n = pos;
    for (let reads = 1; n > 0; reads++) {
      parser.push(buf.subarray(0, n));
      opts.onProgress?.(pos, total);
      // Damage stopped the parser: the rest of the file is not needed.
      if (parser.finished) break;
      if (reads % READS_PER_YIELD === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      n = readAt(fh.fd, buf, pos, path);
      pos += n;
    }
    return parser.end();
  } finally {
    await fh.close().catch(() => undefined);
  }
}

function readAt(fd: number, buf: Uint8Array, position: number, path: string): number {
  try {
    return fs.readSync(fd, buf, 0, buf.length, position);
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

/** What the stream reader takes over from a reader that already started (readStdin). */
interface StreamStart {
  /** Bytes already read from the input (the progress count). */
  read: number;
  /** The parser already fed with them: the stream is their continuation, plain capture data. */
  parser?: CaptureParser;
  /** Bytes already read and not parsed: they come before the stream's own (gzip data). */
  head?: Uint8Array;
}

/**
 * The process's own stdin (`analyze -`): read like a plain file, with blocking 128 KiB reads of
 * fd 0 into one reused buffer. Through process.stdin (a socket for a pipe, 64 KiB chunks, a new
 * Buffer each) a 1 GiB capture took 1.4-1.8 s against 0.5 s from the file. process.stdin is not
 * touched on this path: for a pipe it would switch fd 0 to non-blocking mode. If fd 0 is
 * non-blocking anyway (its writer set it so), a read finds no data (EAGAIN) and the rest is read
 * through process.stdin. gzip data goes through the stream reader too.
 */
async function readStdin(sink: FrameSink, opts: ReadCaptureOptions): Promise<CaptureSummary> {
  let total: number | undefined;
  try {
    const st = fs.fstatSync(0);
    if (st.isFile()) total = st.size;
  } catch {
    // No usable fd 0 (closed): the stream reader reports it.
    return await readStream('stdin', process.stdin, sink, opts);
  }
  const buf = new Uint8Array(READ_SIZE);
  let n = readStdinChunk(buf);
  if (n === undefined) return await readStream('stdin', process.stdin, sink, opts, total);
  if (n > 0 && isGzip(buf.subarray(0, n))) return await readStream('stdin', process.stdin, sink, opts, total, { read: n, head: buf.slice(0, n) });
  const parser = new CaptureParser(sink);
  let read = 0;
  for (let reads = 1; n > 0; reads++) {
    read += n;
    parser.push(buf.subarray(0, n));
    opts.onProgress?.(read, total);
    if (parser.finished) break;
    if (reads % READS_PER_YIELD === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    n = readStdinChunk(buf);
    if (n === undefined) return await readStream('stdin', process.stdin, sink, opts, total, { read, parser });
  }
  return parser.end();
}

/** One blocking read of fd 0 at its current position: bytes read (0 at the end), undefined for "no data yet" (non-blocking fd). */
function readStdinChunk(buf: Uint8Array): number | undefined {
  try {
    return fs.readSync(0, buf, 0, buf.length, null);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'EAGAIN') return undefined;
    // The end of a terminal's or a closed socket's input.
    if ((err as NodeJS.ErrnoException)?.code === 'EOF') return 0;
    throw describeFsError('stdin', err);
  }
}

/**
 * Stream input (a pipe given as a path, gzip data, a stdin that is not ours to read directly):
 * chunks are handed to the parser as they come; if the first chunk has the gzip magic, everything
 * goes through a streaming gunzip first.
 */
async function readStream(
  label: string,
  stream: Readable,
  sink: FrameSink,
  opts: ReadCaptureOptions,
  total?: number,
  start: StreamStart = { read: 0 },
): Promise<CaptureSummary> {
  const parser = start.parser ?? new CaptureParser(sink);
  const source = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // A read error (EIO, a closed pipe) is a one-line "cannot read" too, not an internal error.
  const iter: AsyncIterator<Buffer> = {
    next: () =>
      source.next().catch((err: unknown) => {
        throw (err as NodeJS.ErrnoException)?.syscall !== undefined ? describeFsError(label, err) : err;
      }),
    return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
  };
  let read = start.read;
  let first: Uint8Array;
  if (start.head !== undefined) first = start.head;
  else {
    const firstResult = await iter.next();
    if (firstResult.done) return parser.end();
    first = firstResult.value;
    read += first.length;
    opts.onProgress?.(read, total);
  }

  if (start.parser !== undefined || !isGzip(first)) {
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
      let chunk: Uint8Array | undefined = first;
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
