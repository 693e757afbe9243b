/**
 * Read a capture from a path or stdin ('-') into a FrameSink, gunzipping on the fly when the data
 * starts with the gzip magic (1f 8b), whatever the file is called.
 *
 * Plain files are read with large reads into a few reused buffers (the parser copies only a record
 * that straddles two reads), so reading costs no allocation per chunk or per packet.
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
/**
 * Reads kept in flight ahead of the parser, each at its own file position (libuv's thread pool
 * runs them at once). One read ahead leaves the parser waiting out each read's hand-over between
 * threads when it is faster than the disk cache copy (a capture that is mostly traffic it skips).
 */
const READ_AHEAD = 4;

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

    // READ_AHEAD buffers, each with a read in flight at its own position while the parser and
    // everything downstream work on the oldest one. The parser copies a record that straddles two
    // reads, so a buffer is free for its next read once push() returns.
    const parser = new CaptureParser(sink);
    const slots: ReadSlot[] = [];
    let next = 0;
    // A pipe or a device given as a path (`<(zcat x.pcap)`) cannot be read at positions: one read
    // at a time from its current position then.
    const positional = st.isFile();
    const issue = (slot: ReadSlot): void => {
      slot.pos = next;
      slot.read = readAt(fh, slot.buf, positional ? next : null, path);
      next += slot.buf.length;
    };
    try {
      const first: ReadSlot = { buf: new Uint8Array(READ_SIZE), pos: 0, read: undefined };
      issue(first);
      const n0 = await first.read!;
      first.read = undefined;
      if (n0 > 0 && isGzip(first.buf.subarray(0, n0))) {
        // Hand the already-read bytes and the rest of the file to gunzip.
        const stream = fh.createReadStream({ start: 0, highWaterMark: READ_SIZE, autoClose: false });
        try {
          return await readStream(path, stream, sink, opts, total);
        } finally {
          stream.destroy();
        }
      }
      slots.push(first);
      // The first read came back full: the file is large enough to be worth reading ahead.
      if (positional && n0 === READ_SIZE) {
        for (let k = 1; k < READ_AHEAD; k++) {
          const s: ReadSlot = { buf: new Uint8Array(READ_SIZE), pos: 0, read: undefined };
          issue(s);
          slots.push(s);
        }
      }
      let read = 0;
      let n = n0;
      let k = 0;
      for (;;) {
        const slot = slots[k] as ReadSlot;
        if (slot.read !== undefined) {
          n = await slot.read;
          slot.read = undefined;
        }
        if (n > 0) {
          read += n;
          parser.push(slot.buf.subarray(0, n));
          opts.onProgress?.(read, total);
          // Damage stopped the parser: the rest of the file is not needed.
          if (parser.finished) break;
        }
        if (n < slot.buf.length) {
          // A short read: the end of the file as it was when the reads were issued. Reads issued
          // past it came back empty; a file still being written goes on from here, one read at a time.
          await settle(slots);
          next = slot.pos + n;
          for (;;) {
            issue(slot);
            n = await slot.read!;
            slot.read = undefined;
            if (n <= 0 || parser.finished) break;
            read += n;
            parser.push(slot.buf.subarray(0, n));
            opts.onProgress?.(read, total);
            next = slot.pos + n;
          }
          break;
        }
        issue(slot);
        k = (k + 1) % slots.length;
      }
    } finally {
      // Never close the file under a read still in flight (a throw from the sink, an early stop).
      await settle(slots);
    }
    return parser.end();
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** A read buffer, the file position of its read, and that read while it is in flight. */
interface ReadSlot {
  buf: Uint8Array;
  pos: number;
  read: Promise<number> | undefined;
}

async function readAt(fh: fs.promises.FileHandle, buf: Uint8Array, position: number | null, path: string): Promise<number> {
  try {
    return (await fh.read(buf, 0, buf.length, position)).bytesRead;
  } catch (err) {
    throw describeFsError(path, err);
  }
}

/** Waits for every read still in flight (their results or errors no longer matter). */
async function settle(slots: ReadSlot[]): Promise<void> {
  for (const s of slots) {
    if (s.read === undefined) continue;
    await s.read.catch(() => 0);
    s.read = undefined;
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
