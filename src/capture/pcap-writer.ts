/**
 * Classic pcap writer (little-endian, magic a1b2c3d4 = µs or a1b23c4d = ns; version 2.4):
 * a 24-byte file header, then a 16-byte header per record.
 */
import { ByteOutput, splitTime, type CaptureOutputTarget, type CaptureWriterOptions } from './output.js';

export interface PcapWriterOptions extends CaptureWriterOptions {
  /** Nanosecond timestamps (magic a1b23c4d); note Frame.ts carries µs, so the last 3 digits are 0. */
  nanos?: boolean;
}

export class PcapWriter {
  private readonly out: ByteOutput;
  private readonly unitsPerSecond: number;
  private readonly snaplen: number;

  constructor(out: CaptureOutputTarget, linkType: number, opts: PcapWriterOptions = {}) {
    this.out = new ByteOutput(out, opts.bufferBytes);
    this.unitsPerSecond = opts.nanos ? 1_000_000_000 : 1_000_000;
    this.snaplen = opts.snaplen ?? 262_144;
    const o = this.out;
    o.reserve(24);
    const v = o.view;
    const p = o.pos;
    v.setUint32(p, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, true);
    v.setUint16(p + 4, 2, true);
    v.setUint16(p + 6, 4, true);
    v.setUint32(p + 8, 0, true); // thiszone: always UTC
    v.setUint32(p + 12, 0, true); // sigfigs
    v.setUint32(p + 16, this.snaplen, true);
    v.setUint32(p + 20, linkType, true);
    o.pos += 24;
    o.recordDone();
  }

  /** One record; `data` is copied, so a reused view (Frame.data) is fine. */
  write(ts: number, data: Uint8Array, origLen: number = data.length): void {
    const o = this.out;
    const caplen = Math.min(data.length, this.snaplen);
    o.reserve(16 + caplen);
    const [sec, frac] = splitTime(ts, this.unitsPerSecond);
    const v = o.view;
    const p = o.pos;
    v.setUint32(p, sec, true);
    v.setUint32(p + 4, frac, true);
    v.setUint32(p + 8, caplen, true);
    v.setUint32(p + 12, Math.max(origLen, caplen), true);
    o.pos += 16;
    o.bytes(caplen === data.length ? data : data.subarray(0, caplen));
    o.recordDone();
  }

  /** Write out everything buffered (the file is valid after every flush). */
  flush(): void {
    this.out.flush();
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
