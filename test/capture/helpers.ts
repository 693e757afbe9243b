/**
 * Shared helpers for the capture tests: collect frames (copied, since Frame is a reused view),
 * run the parser over bytes in chunks of a chosen size, and build pcap/pcapng files byte by byte
 * (so the tests can make layouts the fixtures lack: big-endian sections, several interfaces,
 * if_tsresol, SPB/OPB, unknown blocks, damaged blocks).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaptureSummary, CaptureWarning, Frame, FrameSink } from '../../src/capture/frame.js';
import { CaptureParser } from '../../src/capture/parser.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { captureFiles } from '../helpers/capture-files.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PUBLIC = path.join(ROOT, 'fixtures/public');

export interface CopiedFrame {
  index: number;
  ts: number;
  linkType: number;
  interfaceId: number;
  origLen: number;
  data: Uint8Array;
}

export interface Collected {
  frames: CopiedFrame[];
  warnings: CaptureWarning[];
  sink: FrameSink;
}

export function collector(): Collected {
  const frames: CopiedFrame[] = [];
  const warnings: CaptureWarning[] = [];
  const sink: FrameSink = {
    frame(f: Frame) {
      frames.push({ index: f.index, ts: f.ts, linkType: f.linkType, interfaceId: f.interfaceId, origLen: f.origLen, data: new Uint8Array(f.data) });
    },
    warning(w) {
      warnings.push(w);
    },
  };
  return { frames, warnings, sink };
}

export interface ParseResult extends Collected {
  summary?: CaptureSummary;
  error?: CaptureFormatError;
}

/** Push `bytes` through a CaptureParser `chunk` bytes at a time. Only CaptureFormatError is caught. */
export function parseBytes(bytes: Uint8Array, chunk = bytes.length || 1): ParseResult {
  const c = collector();
  const parser = new CaptureParser(c.sink);
  try {
    for (let off = 0; off < bytes.length; off += chunk) parser.push(bytes.subarray(off, Math.min(off + chunk, bytes.length)));
    return { ...c, summary: parser.end() };
  } catch (err) {
    if (err instanceof CaptureFormatError) return { ...c, error: err };
    throw err;
  }
}

/** Every capture-looking file under fixtures/public (by name), sorted. */
export function publicCaptureFiles(): string[] {
  return captureFiles(PUBLIC, /\.(pcap|pcapng|snoop|cap)$/);
}

export function magicOf(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    fs.readSync(fd, b, 0, 4, 0);
    return b.toString('hex');
  } finally {
    fs.closeSync(fd);
  }
}

export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** In CI every tool must be there; elsewhere a missing tool skips the test. */
export function needTool(name: string): boolean {
  const ok = hasTool(name);
  if (!ok && process.env.CI) throw new Error(`${name} is required in CI but not installed`);
  return ok;
}

/** Frames as tshark reads them: [epoch string, cap_len, len, interface_id]. */
export function tsharkFrames(file: string): [string, number, number, number][] {
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len', '-e', 'frame.interface_id'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 30_000,
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [t, c, n, i] = l.split('\t');
      return [t as string, Number(c), Number(n), i ? Number(i) : 0];
    });
}

/** tshark's "sec.nanoseconds" as seconds rounded to µs, the precision Frame.ts promises. */
export function epochToSeconds(epoch: string): number {
  const [s, frac = '0'] = epoch.split('.');
  const ns = Number(frac.padEnd(9, '0').slice(0, 9));
  return Number(s) + Math.round(ns / 1000) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Builders. Plain arrays of bytes, then one Uint8Array: clarity over speed.

class Bytes {
  readonly parts: number[] = [];
  readonly le: boolean;
  constructor(le: boolean) {
    this.le = le;
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    const b = [(v >>> 8) & 0xff, v & 0xff];
    this.parts.push(...(this.le ? b.reverse() : b));
    return this;
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.parts.push(...(this.le ? b.reverse() : b));
    return this;
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i] as number);
    return this;
  }
  pad4(): this {
    while (this.parts.length % 4) this.parts.push(0);
    return this;
  }
}

export interface PcapRecordSpec {
  sec: number;
  sub: number;
  data: Uint8Array;
  origLen?: number;
  /** Override the captured-length field (to corrupt it). */
  caplen?: number;
}

/** Classic pcap file. */
export function buildPcap(opts: { le?: boolean; nanos?: boolean; linkType?: number; snaplen?: number }, records: PcapRecordSpec[]): Uint8Array {
  const b = new Bytes(opts.le ?? true);
  b.u32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(opts.snaplen ?? 65535).u32(opts.linkType ?? 1);
  for (const r of records) b.u32(r.sec).u32(r.sub).u32(r.caplen ?? r.data.length).u32(r.origLen ?? r.data.length).raw(r.data);
  return Uint8Array.from(b.parts);
}

/** pcapng builder: each call appends one block in the current section's byte order. */
export class PcapngBuilder {
  private readonly out: number[] = [];
  private le = true;

  private block(type: number, body: (b: Bytes) => void, overrideLen?: number, trailerLen?: number): this {
    const b = new Bytes(this.le);
    body(b);
    b.pad4();
    const len = 12 + b.parts.length;
    const head = new Bytes(this.le).u32(type).u32(overrideLen ?? len);
    const tail = new Bytes(this.le).u32(trailerLen ?? overrideLen ?? len);
    for (const part of [head.parts, b.parts, tail.parts]) for (const x of part) this.out.push(x);
    return this;
  }

  /** Section Header Block; a new section may switch byte order. */
  shb(opts: { le?: boolean; major?: number } = {}): this {
    this.le = opts.le ?? true;
    return this.block(0x0a0d0d0a, (b) => {
      b.u32(0x1a2b3c4d).u16(opts.major ?? 1).u16(0).u32(0xffffffff).u32(0xffffffff);
    });
  }

  /** Interface Description Block; tsresol is the raw if_tsresol byte, tsoffset whole seconds (>= 0 here). */
  idb(linkType: number, opts: { snaplen?: number; tsresol?: number; tsoffset?: number; name?: string } = {}): this {
    return this.block(1, (b) => {
      b.u16(linkType).u16(0).u32(opts.snaplen ?? 262144);
      if (opts.name !== undefined) {
        const s = new TextEncoder().encode(opts.name);
        b.u16(2).u16(s.length).raw(s).pad4();
      }
      if (opts.tsresol !== undefined) b.u16(9).u16(1).u8(opts.tsresol).pad4();
      if (opts.tsoffset !== undefined) {
        b.u16(14).u16(8);
        const lo = opts.tsoffset >>> 0;
        const hi = Math.floor(opts.tsoffset / 4294967296);
        if (this.le) b.u32(lo).u32(hi);
        else b.u32(hi).u32(lo);
      }
      b.u16(0).u16(0);
    });
  }

  /** Enhanced Packet Block with a timestamp in interface units (a bigint, so ns values stay exact). */
  epb(ifId: number, units: bigint, data: Uint8Array, opts: { origLen?: number; caplen?: number; blockLen?: number; trailerLen?: number } = {}): this {
    return this.block(
      6,
      (b) => {
        b.u32(ifId).u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn)).u32(opts.caplen ?? data.length).u32(opts.origLen ?? data.length).raw(data).pad4();
      },
      opts.blockLen,
      opts.trailerLen,
    );
  }

  /** Obsolete Packet Block (type 2): 16-bit interface id and drops count. */
  opb(ifId: number, units: bigint, data: Uint8Array): this {
    return this.block(2, (b) => {
      b.u16(ifId).u16(0).u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn)).u32(data.length).u32(data.length).raw(data).pad4();
    });
  }

  /** Simple Packet Block: interface 0, original length only. */
  spb(data: Uint8Array, origLen = data.length): this {
    return this.block(3, (b) => {
      b.u32(origLen).raw(data).pad4();
    });
  }

  /** Interface Statistics Block (nothing in it the reader needs: skipped). */
  isb(ifId: number): this {
    return this.block(5, (b) => {
      b.u32(ifId).u32(0).u32(0).u16(0).u16(0);
    });
  }

  /** Blocks of an unknown type the reader must skip. */
  other(type: number, bodyLen: number): this {
    return this.block(type, (b) => {
      for (let i = 0; i < bodyLen; i++) b.u8(i * 7);
    });
  }

  /** Raw bytes (for hand-made damage). */
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i] as number);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** A recognisable payload: n bytes counting from `seed`. */
export function payload(n: number, seed = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed + i) & 0xff;
  return b;
}
