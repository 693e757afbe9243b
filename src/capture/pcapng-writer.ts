/**
 * pcapng writer (little-endian): one Section Header Block, one Interface Description Block for the
 * given link type (if_tsresol left at the default, µs), then one Enhanced Packet Block per packet.
 * Block layouts: draft-ietf-opsawg-pcapng sections 4.1, 4.2, 4.3.
 */
import { ByteOutput, splitTime, type CaptureOutputTarget, type CaptureWriterOptions } from './output.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const USER_APPL = new TextEncoder().encode('pxe-doctor');

export class PcapngWriter {
  private readonly out: ByteOutput;
  private readonly snaplen: number;

  constructor(out: CaptureOutputTarget, linkType: number, opts: CaptureWriterOptions = {}) {
    this.out = new ByteOutput(out, opts.bufferBytes);
    this.snaplen = opts.snaplen ?? 262_144;
    const o = this.out;

    // SHB with shb_userappl (option 4), so tshark -r shows who wrote the file.
    const optLen = 4 + pad4(USER_APPL.length) + 4;
    const shbLen = 28 + optLen;
    o.reserve(shbLen);
    const v = o.view;
    const p = o.pos;
    v.setUint32(p, SHB, true);
    v.setUint32(p + 4, shbLen, true);
    v.setUint32(p + 8, 0x1a2b3c4d, true);
    v.setUint16(p + 12, 1, true);
    v.setUint16(p + 14, 0, true);
    v.setInt32(p + 16, -1, true); // section length unknown (we stream)
    v.setInt32(p + 20, -1, true);
    v.setUint16(p + 24, 4, true);
    v.setUint16(p + 26, USER_APPL.length, true);
    o.pos = p + 28;
    o.bytes(USER_APPL);
    o.zeros(pad4(USER_APPL.length) - USER_APPL.length);
    o.zeros(4); // opt_endofopt
    o.view.setUint32(o.pos, shbLen, true);
    o.pos += 4;

    this.addInterface(linkType);
  }

  /**
   * Describe another interface (an IDB may come anywhere in the section, before the packets that
   * use it); returns its id for write(). The constructor's interface is 0.
   */
  addInterface(linkType: number): number {
    const o = this.out;
    const idbLen = 20;
    o.reserve(idbLen);
    const v = o.view;
    const p = o.pos;
    v.setUint32(p, IDB, true);
    v.setUint32(p + 4, idbLen, true);
    v.setUint16(p + 8, linkType, true);
    v.setUint16(p + 10, 0, true);
    v.setUint32(p + 12, this.snaplen, true);
    v.setUint32(p + 16, idbLen, true);
    o.pos = p + idbLen;
    o.recordDone();
    return this.interfaces++;
  }

  private interfaces = 0;

  /** One packet on interface `interfaceId` (default 0); `data` is copied, so a reused view (Frame.data) is fine. */
  write(ts: number, data: Uint8Array, origLen: number = data.length, interfaceId = 0): void {
    const o = this.out;
    const caplen = Math.min(data.length, this.snaplen);
    const len = 32 + pad4(caplen);
    o.reserve(len);
    const [sec, usec] = splitTime(ts, 1_000_000);
    const units = sec * 1_000_000 + usec; // < 2^53 until year 2255
    const hi = Math.floor(units / 4294967296);
    const v = o.view;
    const p = o.pos;
    v.setUint32(p, EPB, true);
    v.setUint32(p + 4, len, true);
    v.setUint32(p + 8, interfaceId, true);
    v.setUint32(p + 12, hi, true);
    v.setUint32(p + 16, units - hi * 4294967296, true);
    v.setUint32(p + 20, caplen, true);
    v.setUint32(p + 24, Math.max(origLen, caplen), true);
    o.pos = p + 28;
    o.bytes(caplen === data.length ? data : data.subarray(0, caplen));
    o.zeros(pad4(caplen) - caplen);
    o.view.setUint32(o.pos, len, true);
    o.pos += 4;
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

function pad4(n: number): number {
  return (n + 3) & ~3;
}
