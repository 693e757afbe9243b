/**
 * Several capture files read as one capture, in time order: the files of a ring buffer
 * (`dumpcap -b filesize:N -b files:M`, `tcpdump -C N` / `-G S`), or any set of pieces of one
 * capture. docs/capture.md, "Several files", describes the contract:
 *
 * - Files are ordered by the time of their first frame (not by name: a ring buffer's oldest files
 *   are deleted, and `tcpdump -C` names them x, x1, x2, ... x10), then merged frame by frame on
 *   the timestamp, as `mergecap` does by default. Each file is assumed in time order on its own.
 * - Frames are numbered in the merged order, from 1: frame N is frame N of the file
 *   `mergecap -w all.pcapng FILES...` writes. A FrameLocator turns such a number back into the
 *   file and the frame number inside it (what Wireshark shows when that one file is opened).
 * - pcapng interface ids are kept per file: the files are pieces of a capture on the same
 *   interfaces (a ring buffer), so interface 0 of one file is interface 0 of the next.
 * - Damage inside one file ends that file (with a warning naming it); the others are still read.
 *
 * Memory does not follow the number of files: a file is opened when the merge reaches its first
 * frame and closed at its end, so pieces that follow one another (a ring buffer) are read one at a
 * time, straight from the read buffer to the sink with no copy. Only while files overlap in time
 * are the frames of one read (128 KiB) of each overlapping file copied, to be merged. What is kept
 * per file is its summary and one entry of the frame map (a few numbers).
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { CaptureSummary, CaptureWarning, Clock, Frame, FrameSink } from './frame.js';
import { CaptureParser } from './parser.js';
import { CaptureFormatError } from './errors.js';

const READ_SIZE = 128 * 1024;
/** Reads between two yields to the event loop (as in open.ts). */
const READS_PER_YIELD = 8;

/** One file of a capture read from several. */
export interface CaptureFileSummary {
  /** The path as given (or as found in the directory given). */
  file: string;
  format: CaptureSummary['format'];
  /** Frames in the file. */
  frames: number;
  /** Merged frame numbers of its first and last frame (absent for a file with no frames). */
  firstFrame?: number;
  lastFrame?: number;
  /** Epoch seconds of its first and last frame. */
  firstTs?: number;
  lastTs?: number;
  warnings: CaptureWarning[];
}

export interface MultiCaptureSummary extends CaptureSummary {
  files: CaptureFileSummary[];
  locator: FrameLocator;
}

export interface ReadCapturesOptions {
  /** Bytes read so far over all files (compressed bytes for .gz) and the total size of the files. */
  onProgress?(bytesRead: number, total?: number): void;
}

/** Where a merged frame number comes from. */
export interface FrameLocation {
  file: string;
  /** 1-based frame number inside that file. */
  frame: number;
}

/**
 * Merged frame number -> (file, frame in the file). Kept as runs: a new run starts each time the
 * merge switches files, so a ring buffer costs one run per file.
 */
export class FrameLocator {
  private readonly globalStart: number[] = [];
  private readonly fileIndex: number[] = [];
  private readonly localStart: number[] = [];
  private readonly files: string[];

  constructor(files: string[]) {
    this.files = files;
  }

  /** Record that merged frame `global` is frame `local` of file `file` (called in merged order). */
  note(file: number, local: number, global: number): void {
    const n = this.globalStart.length - 1;
    if (n >= 0 && this.fileIndex[n] === file && local - (this.localStart[n] as number) === global - (this.globalStart[n] as number)) return;
    this.globalStart.push(global);
    this.fileIndex.push(file);
    this.localStart.push(local);
  }

  /** Runs kept (one per switch between files). */
  get runs(): number {
    return this.globalStart.length;
  }

  locate(global: number): FrameLocation | undefined {
    const starts = this.globalStart;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || global < (starts[0] as number)) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= global) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.files[this.fileIndex[lo] as number] as string, frame: (this.localStart[lo] as number) + global - (starts[lo] as number) };
  }

  /** Frames grouped by file, files in the order their first frame appears in `frames`. */
  group(frames: readonly number[]): { file: string; frames: number[] }[] {
    const out: { file: string; frames: number[] }[] = [];
    for (const g of frames) {
      const at = this.locate(g);
      if (!at) continue;
      let entry = out.find((e) => e.file === at.file);
      if (!entry) out.push((entry = { file: at.file, frames: [] }));
      entry.frames.push(at.frame);
    }
    return out;
  }
}

/** True for an existing directory (`analyze DIR` reads the capture files in it as one). */
export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a]);

/** Does the file start like a capture (pcap, pcapng) or gzip data? Reads 4 bytes. */
function looksLikeCapture(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(4);
    if (fs.readSync(fd, b, 0, 4, 0) < 4) return false;
    return MAGICS.has(b.readUInt32BE(0)) || (b[0] === 0x1f && b[1] === 0x8b);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The capture files named on a command line: files as given, directories expanded to the files
 * in them that start like a capture (pcap, pcapng or gzip magic; `tcpdump -C` names its files
 * x.pcap, x.pcap1, ..., so names cannot tell), hidden files skipped, not recursive.
 */
export function captureFiles(inputs: string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') throw new CaptureFormatError("stdin ('-') cannot be one of several captures");
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CaptureFormatError(`cannot read ${input}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err))}`);
    }
    if (!st.isDirectory()) {
      out.push(input);
      continue;
    }
    let names: string[];
    try {
      names = fs.readdirSync(input).sort();
    } catch (err) {
      throw new CaptureFormatError(`cannot read ${input}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const found = names
      .filter((n) => !n.startsWith('.'))
      .map((n) => path.join(input, n))
      .filter((p) => {
        try {
          return fs.statSync(p).isFile() && looksLikeCapture(p);
        } catch {
          return false;
        }
      });
    if (found.length === 0) throw new CaptureFormatError(`no capture files (pcap, pcapng, gzipped or not) in ${input}`);
    out.push(...found);
  }
  return out;
}

/** A frame of a file waiting for the merge (its bytes copied out of the read buffer). */
interface Queued {
  ts: number;
  linkType: number;
  interfaceId: number;
  origLen: number;
  data: Uint8Array;
  local: number;
}

/**
 * Read buffers of closed files, for the next file to open: thousands of ring-buffer files then
 * cost a few buffers, not one each (their memory is outside V8's heap and freed late).
 */
const freeBuffers: Uint8Array[] = [];
/** The same for the parsers' buffers of records that straddle two reads. */
const freePending: Uint8Array[] = [];

/** Chunks of one file: synchronous positional reads for plain files, a gunzip stream for .gz. */
class ChunkSource {
  private fd: number | undefined;
  private pos = 0;
  private buf: Uint8Array = freeBuffers.pop() ?? new Uint8Array(READ_SIZE);
  private gz: AsyncIterator<Buffer> | undefined;
  private stream: fs.ReadStream | undefined;
  /** Bytes read from the file (compressed). */
  read = 0;

  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async next(): Promise<Uint8Array | undefined> {
    if (this.fd === undefined && this.gz === undefined) this.open();
    if (this.gz) {
      try {
        const r = await this.gz.next();
        return r.done ? undefined : r.value;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).syscall !== undefined) throw fsError(this.file, err);
        throw new GzipDamage((err as Error).message);
      }
    }
    let n: number;
    try {
      n = fs.readSync(this.fd as number, this.buf, 0, READ_SIZE, this.pos);
    } catch (err) {
      throw fsError(this.file, err);
    }
    this.pos += n;
    this.read = this.pos;
    return n > 0 ? this.buf.subarray(0, n) : undefined;
  }

  private open(): void {
    try {
      this.fd = fs.openSync(this.file, 'r');
    } catch (err) {
      throw fsError(this.file, err);
    }
    const head = new Uint8Array(2);
    const n = fs.readSync(this.fd, head, 0, 2, 0);
    if (n === 2 && head[0] === 0x1f && head[1] === 0x8b) {
      this.stream = fs.createReadStream(this.file, { fd: this.fd, autoClose: false, start: 0, highWaterMark: READ_SIZE });
      this.stream.on('data', (c) => (this.read += c.length));
      const gunzip = createGunzip({ chunkSize: READ_SIZE });
      this.stream.on('error', (e) => gunzip.destroy(e));
      this.stream.pipe(gunzip);
      this.gz = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    }
  }

  close(): void {
    if (this.buf.length > 0) {
      if (freeBuffers.length < 4) freeBuffers.push(this.buf);
      this.buf = new Uint8Array(0);
    }
    this.stream?.destroy();
    void this.gz?.return?.();
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.fd = undefined;
  }
}

class GzipDamage extends Error {}

function fsError(file: string, err: unknown): CaptureFormatError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : ((err as Error).message ?? String(err));
  return new CaptureFormatError(`cannot read ${file}: ${why}`);
}

/** One file being merged. */
class Cursor implements FrameSink {
  readonly source: ChunkSource;
  readonly parser: CaptureParser;
  private readonly queue: Queued[] = [];
  private head = 0;
  ended = false;
  summary: CaptureSummary | undefined;
  /** Frames with a time up to this go straight to the merge's sink (this file is the only one open). */
  horizon = -Infinity;
  private passIndex = 0;
  private passing = false;
  readonly warnings: CaptureWarning[] = [];
  firstGlobal: number | undefined;
  lastGlobal: number | undefined;
  firstTs: number | undefined;
  lastTs: number | undefined;

  readonly index: number;
  readonly file: string;
  private readonly merge: Merge | undefined;

  constructor(index: number, file: string, merge: Merge | undefined) {
    this.index = index;
    this.file = file;
    this.merge = merge;
    this.source = new ChunkSource(file);
    this.pendingBuf = freePending.pop() ?? new Uint8Array(64 * 1024);
    this.parser = new CaptureParser(this, this.pendingBuf);
  }

  get empty(): boolean {
    return this.head >= this.queue.length;
  }

  get headTs(): number {
    return (this.queue[this.head] as Queued).ts;
  }

  shift(): Queued {
    const q = this.queue[this.head++] as Queued;
    this.queue[this.head - 1] = undefined as unknown as Queued;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return q;
  }

  select(data: Uint8Array, start: number, end: number, linkType: number, clock: Clock, index: number, interfaceId: number): boolean {
    const ts = clock[0] as number;
    this.firstTs ??= ts;
    this.lastTs = ts;
    if (this.merge !== undefined && this.empty && ts <= this.horizon) {
      // Straight through: no copy.
      const g = this.merge.assign(this, index, ts);
      this.passing = true;
      this.passIndex = g;
      const down = this.merge.sink;
      return down.select === undefined || down.select(data, start, end, linkType, clock, g, interfaceId);
    }
    this.passing = false;
    return true;
  }

  frame(f: Frame): void {
    if (this.passing) {
      f.index = this.passIndex;
      this.merge!.sink.frame(f);
      return;
    }
    this.queue.push({ ts: f.ts, linkType: f.linkType, interfaceId: f.interfaceId, origLen: f.origLen, data: f.data.slice(), local: f.index });
  }

  warning(w: CaptureWarning): void {
    // Frame numbers in warnings are merged numbers; the file's own number goes in the message.
    const named = { offset: w.offset, frame: (this.merge?.count ?? 0) + 1, message: `${this.file} (its frame ${w.frame}): ${w.message}` };
    this.warnings.push(w);
    this.merge?.sink.warning?.(named);
  }

  /** Read until a frame waits in the queue or the file ends (frames up to `horizon` pass straight through meanwhile). */
  async fill(): Promise<void> {
    let reads = 0;
    while (this.empty && !this.ended) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await this.source.next();
      } catch (err) {
        if (!(err instanceof GzipDamage)) throw named(this.file, err);
        this.finish();
        this.warning({
          offset: this.summary!.bytes,
          frame: this.summary!.frames + 1,
          message: `gzip data is corrupt or cut short (${err.message}); frames after this point are lost`,
        });
        return;
      }
      if (chunk === undefined) {
        this.finish();
        return;
      }
      try {
        this.parser.push(chunk);
      } catch (err) {
        throw named(this.file, err);
      }
      this.merge?.progress();
      if (this.parser.finished) this.finish();
      if (++reads % READS_PER_YIELD === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.summary = this.parser.end();
    } catch (err) {
      throw named(this.file, err);
    } finally {
      this.source.close();
    }
  }

  private pendingBuf: Uint8Array | undefined;

  close(): void {
    this.source.close();
    // The parser may have grown its own buffer for a big record; the one it was given goes back.
    if (this.pendingBuf !== undefined && freePending.length < 4) freePending.push(this.pendingBuf);
    this.pendingBuf = undefined;
  }
}

function named(file: string, err: unknown): unknown {
  if (err instanceof CaptureFormatError && !err.message.startsWith('cannot read ')) return new CaptureFormatError(`${file}: ${err.message}`);
  return err;
}

/** The merge's shared state, seen by its cursors. */
class Merge {
  count = 0;
  readonly locator: FrameLocator;
  private readonly clock: Clock = new Float64Array(1);
  private doneBytes = 0;
  readonly active: Cursor[] = [];

  readonly sink: FrameSink;
  private readonly total: number;
  private readonly onProgress: ReadCapturesOptions['onProgress'];

  constructor(sink: FrameSink, files: string[], total: number, onProgress?: ReadCapturesOptions['onProgress']) {
    this.sink = sink;
    this.total = total;
    this.onProgress = onProgress;
    this.locator = new FrameLocator(files);
  }

  assign(c: Cursor, local: number, ts: number): number {
    const g = ++this.count;
    this.locator.note(c.index, local, g);
    c.firstGlobal ??= g;
    c.lastGlobal = g;
    void ts;
    return g;
  }

  /** A queued frame's turn. */
  deliver(c: Cursor, q: Queued): void {
    const g = this.assign(c, q.local, q.ts);
    const sink = this.sink;
    this.clock[0] = q.ts;
    if (sink.select !== undefined && !sink.select(q.data, 0, q.data.length, q.linkType, this.clock, g, q.interfaceId)) return;
    sink.frame({ index: g, ts: q.ts, linkType: q.linkType, interfaceId: q.interfaceId, data: q.data, origLen: q.origLen });
  }

  fileDone(c: Cursor): void {
    this.doneBytes += c.source.read;
  }

  progress(): void {
    if (!this.onProgress) return;
    let n = this.doneBytes;
    for (const c of this.active) n += c.source.read;
    this.onProgress(n, this.total);
  }
}

/**
 * The time of a file's first frame (undefined: no frames), reading as little of it as needed.
 * Throws CaptureFormatError (naming the file) for a file that is not a capture.
 */
async function firstTime(file: string): Promise<number | undefined> {
  const c = new Cursor(0, file, undefined);
  try {
    while (c.firstTs === undefined && !c.ended) {
      const chunk = await c.source.next().catch((err: unknown) => {
        if (err instanceof GzipDamage) return undefined;
        throw err;
      });
      if (chunk === undefined) break;
      try {
        c.parser.push(chunk);
      } catch (err) {
        throw named(file, err);
      }
      if (c.parser.finished) break;
    }
    if (c.firstTs === undefined) {
      try {
        c.parser.end();
      } catch (err) {
        throw named(file, err);
      }
    }
    return c.firstTs;
  } finally {
    c.close();
  }
}

/**
 * Read `files` as one capture into `sink`, merged by time (see the top of this file). Throws
 * CaptureFormatError, naming the file, when one of them is not a capture at all.
 */
export async function readCaptures(files: string[], sink: FrameSink, opts: ReadCapturesOptions = {}): Promise<MultiCaptureSummary> {
  if (files.length === 0) throw new CaptureFormatError('no capture files');
  let total = 0;
  for (const f of files) {
    try {
      total += fs.statSync(f).size;
    } catch (err) {
      throw fsError(f, err);
    }
  }
  // Order by the first frame's time; files without frames go last, ties keep the order given.
  const starts: { file: string; ts: number; given: number }[] = [];
  for (let i = 0; i < files.length; i++) starts.push({ file: files[i] as string, ts: (await firstTime(files[i] as string)) ?? Infinity, given: i });
  starts.sort((a, b) => a.ts - b.ts || a.given - b.given);
  const ordered = starts.map((s) => s.file);
  const merge = new Merge(sink, ordered, total, opts.onProgress);
  // A file's reader (its read and parse buffers, ~200 KiB) exists only while the file is open:
  // what stays per file is its summary line.
  const summaries: CaptureFileSummary[] = [];
  const linkTypes: number[] = [];
  let bytes = 0;
  const active = merge.active;
  let next = 0;
  const retire = (c: Cursor): void => {
    c.close();
    summaries[c.index] = {
      file: c.file,
      format: c.summary?.format ?? 'pcap',
      frames: c.summary?.frames ?? 0,
      ...(c.firstGlobal !== undefined ? { firstFrame: c.firstGlobal, lastFrame: c.lastGlobal } : {}),
      ...(c.firstTs !== undefined ? { firstTs: c.firstTs, lastTs: c.lastTs } : {}),
      warnings: c.warnings,
    };
    for (const lt of c.summary?.linkTypes ?? []) if (!linkTypes.includes(lt)) linkTypes.push(lt);
    bytes += c.summary?.bytes ?? 0;
  };
  try {
    for (;;) {
      // Every open file shows its next frame (or has ended); a file alone passes frames up to the
      // next file's start straight through while it reads.
      const nextTs = next < ordered.length ? (starts[next] as { ts: number }).ts : Infinity;
      for (const c of active) {
        if (c.empty && !c.ended) {
          c.horizon = active.length === 1 ? nextTs : -Infinity;
          await c.fill();
          c.horizon = -Infinity;
        }
      }
      for (let i = active.length - 1; i >= 0; i--) {
        const c = active[i] as Cursor;
        if (c.ended && c.empty) {
          merge.fileDone(c);
          active.splice(i, 1);
          retire(c);
        }
      }
      if (active.length === 0 && next >= ordered.length) break;
      let min: Cursor | undefined;
      for (const c of active) if (!c.empty && (min === undefined || c.headTs < min.headTs)) min = c;
      if (next < ordered.length && (min === undefined || nextTs <= min.headTs)) {
        active.push(new Cursor(next, ordered[next] as string, merge));
        next++;
        continue;
      }
      if (min !== undefined) merge.deliver(min, min.shift());
    }
  } finally {
    for (const c of active) c.close();
  }
  const formats = [...new Set(summaries.map((s) => s.format))];
  return {
    format: formats.length === 1 ? (formats[0] as CaptureSummary['format']) : 'pcapng',
    frames: merge.count,
    bytes,
    linkTypes,
    warnings: summaries.flatMap((s) => s.warnings.map((w) => ({ ...w, message: `${s.file}: ${w.message}` }))),
    files: summaries,
    locator: merge.locator,
  };
}
