/**
 * Push-based reader for classic pcap (µs and ns, both byte orders) and pcapng (SHB/IDB/EPB/SPB/OPB,
 * several sections and interfaces, if_tsresol, if_tsoffset; unknown blocks skipped).
 *
 * Bytes arrive in chunks of any size (a file read loop, a gunzip stream, tcpdump's stdout). Whole
 * records are parsed straight out of the chunk; only a record that straddles two chunks is copied
 * into one reused `pending` buffer. Every length is validated *before* we wait for that many bytes,
 * so a corrupt length costs a warning, not a buffered rest-of-file; memory is bounded by the
 * largest legal record (256 KiB) or ignorable block (16 MiB), whatever the file size.
 *
 * References: pcap = draft-ietf-opsawg-pcap; pcapng = draft-ietf-opsawg-pcapng (sections 4.1-4.4, 4.6).
 */
import type { CaptureSummary, CaptureWarning, Clock, Frame, FrameSink } from './frame.js';
import { CaptureFormatError } from './errors.js';

/** Largest captured length we accept (libpcap/wiretap WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_CAPLEN = 262_144;
/** Packet blocks: 28-byte fixed part + data + room for options + trailer. */
const MAX_PACKET_BLOCK = MAX_CAPLEN + 131_072;
/** Other pcapng blocks (name resolution, decryption secrets, custom...) are buffered up to this. */
const MAX_OTHER_BLOCK = 16 * 1024 * 1024;

/** Parser states (plain numbers: the build forbids enums). */
const State = { Start: 0, PcapRecord: 1, PcapngBlock: 2, Done: 3 } as const;
type State = (typeof State)[keyof typeof State];

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_IDB = 0x00000001;
const PCAPNG_OPB = 0x00000002; // obsolete Packet Block (pcapng 1.0 drafts, old Wireshark)
const PCAPNG_SPB = 0x00000003;
const PCAPNG_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** LT_LINKTYPE(): the upper bits of the pcap header's link type carry FCS information. */
const LINKTYPE_MASK = 0x03ffffff;

const EMPTY = new Uint8Array(0);
const TWO_POW_32 = 4294967296;

function hex32(b: Uint8Array, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (b[off + i] as number).toString(16).padStart(2, '0');
  return s;
}

/**
 * Seconds from a 64-bit pcapng timestamp (hi:lo units of 1/divisor s), keeping µs precision.
 * hi*2^32+lo in ns exceeds 2^53, so divide exactly by long division in base 2^16 (no BigInt per packet).
 */
function pcapngSeconds(hi: number, lo: number, divisor: number): number {
  if (divisor === 1_000_000) {
    const total = hi * TWO_POW_32 + lo; // µs since 1970 stays below 2^53 until year 2255
    const secs = Math.floor(total / 1_000_000);
    return secs + (total - secs * 1_000_000) / 1_000_000;
  }
  if (divisor > 2 ** 36) return (hi * TWO_POW_32 + lo) / divisor; // absurd resolution: float is all we can do
  let rem = 0;
  let secs = 0;
  const digits = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
  for (const d of digits) {
    const cur = rem * 65536 + d; // < divisor * 2^16 <= 2^52: exact
    const q = Math.floor(cur / divisor);
    rem = cur - q * divisor;
    secs = secs * 65536 + q;
  }
  return secs + Math.round((rem * 1_000_000) / divisor) / 1_000_000;
}

export class CaptureParser {
  private readonly sink: FrameSink;
  private state: State = State.Start;
  private format: CaptureSummary['format'] = 'pcap';
  /** true = little-endian fields (current section / file). */
  private le = true;

  /** Stream offset of the first byte not yet consumed (start of the record being parsed). */
  private base = 0;
  /** Total bytes pushed. */
  private total = 0;
  /** Bytes the current record needs, counted from `base` (valid when step() returned 0). */
  private want = 4;
  private pending: Uint8Array;
  private pendingView: DataView;
  private pendingLen = 0;

  private frames = 0;
  private readonly frame: Frame = { index: 0, ts: 0, linkType: 0, interfaceId: 0, data: EMPTY, origLen: 0 };
  private readonly warnings: CaptureWarning[] = [];
  private readonly linkTypesSeen: number[] = [];
  private summary: CaptureSummary | undefined;

  // classic pcap
  private nanos = false;
  private pcapLinkType = 0;
  private snaplen = 0;
  private maxCaplen = MAX_CAPLEN;

  // pcapng, per section
  private sections = 0;
  private ifLinkType: number[] = [];
  private ifDivisor: number[] = [];
  private ifOffset: number[] = [];
  private ifSnaplen: number[] = [];
  /** Timestamp of the last packet, for SPBs which carry none (see spb()). */
  private lastTs = 0;

  /** The record's time handed to select() (FrameSink.select: a cell, not a number argument). */
  private readonly clock: Clock = new Float64Array(1);

  /** The sink has a select() pre-filter (checked once, not per record). */
  private readonly selects: boolean;

  /** `pending`: a buffer to use for records that straddle two chunks (a reader of many files passes one it reuses). */
  constructor(sink: FrameSink, pending?: Uint8Array) {
    this.sink = sink;
    this.pending = pending !== undefined && pending.length >= 64 ? pending : new Uint8Array(64 * 1024);
    this.pendingView = new DataView(this.pending.buffer, this.pending.byteOffset, this.pending.byteLength);
    this.selects = typeof sink.select === 'function';
  }

  push(chunk: Uint8Array): void {
    const len = chunk.length;
    this.total += len;
    if (this.state === State.Done || len === 0) return;
    let off = 0;

    if (this.pendingLen > 0) {
      // Finish the record that straddles the chunk boundary, copying only what it needs.
      for (;;) {
        if (this.pendingLen >= this.want) {
          const used = this.step(this.pending, this.pendingView, 0, this.pendingLen);
          if (this.stopped()) return;
          if (used > 0) {
            this.base += used;
            if (used < this.pendingLen) {
              this.pending.copyWithin(0, used, this.pendingLen);
              this.pendingLen -= used;
              continue;
            }
            this.pendingLen = 0;
            break;
          }
          this.reserve(this.want);
        }
        const take = Math.min(this.want - this.pendingLen, len - off);
        this.pending.set(chunk.subarray(off, off + take), this.pendingLen);
        this.pendingLen += take;
        off += take;
        if (this.pendingLen < this.want) return; // chunk used up, record still incomplete
      }
    }

    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (off < len) {
      const used = this.step(chunk, view, off, len - off);
      if (this.stopped()) return;
      if (used === 0) break;
      off += used;
      this.base += used;
    }
    const rest = len - off;
    if (rest > 0) {
      this.reserve(Math.max(this.want, rest));
      this.pending.set(chunk.subarray(off), 0);
      this.pendingLen = rest;
    }
  }

  /** End of stream: reports a truncated last record, returns the summary. */
  end(): CaptureSummary {
    if (this.summary) return this.summary;
    if (this.state === State.Start || (this.state === State.PcapngBlock && this.sections === 0)) {
      this.state = State.Done;
      if (this.total === 0) throw new CaptureFormatError('empty file: not a pcap or pcapng capture');
      if (this.total < 4) throw new CaptureFormatError(`not a pcap or pcapng capture (only ${this.total} bytes)`);
      throw new CaptureFormatError(`capture file header is cut short (${this.total} bytes)`);
    }
    if (this.state !== State.Done && this.pendingLen > 0) {
      const what = this.format === 'pcapng' ? 'block' : 'record';
      const need = this.want > this.pendingLen ? `, needs ${this.want}` : '';
      this.warn(this.base, `truncated ${what}: the capture ends after ${this.pendingLen} bytes of it${need}`);
    }
    this.state = State.Done;
    this.summary = {
      format: this.format,
      frames: this.frames,
      bytes: this.total,
      linkTypes: this.linkTypesSeen,
      warnings: this.warnings,
    };
    return this.summary;
  }

  /** A method, not a field read, so TypeScript does not narrow the state across step() calls. */
  private stopped(): boolean {
    return this.state === State.Done;
  }

  /** True once damage stopped the parse (or end() was called): further input is ignored. */
  get finished(): boolean {
    return this.state === State.Done;
  }

  /** Frames delivered so far. */
  get frameCount(): number {
    return this.frames;
  }

  private reserve(n: number): void {
    if (n <= this.pending.length) return;
    let cap = this.pending.length * 2;
    while (cap < n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.pending.subarray(0, this.pendingLen));
    this.pending = next;
    this.pendingView = new DataView(next.buffer);
  }

  private warn(offset: number, message: string): void {
    const w: CaptureWarning = { offset, frame: this.frames + 1, message };
    this.warnings.push(w);
    this.sink.warning?.(w);
  }

  /** Damage that makes everything after it unreliable: warn and stop reading. */
  private fail(offset: number, message: string): number {
    this.warn(offset, message);
    this.state = State.Done;
    this.pendingLen = 0;
    return 0;
  }

  private noteLinkType(lt: number): void {
    if (!this.linkTypesSeen.includes(lt)) this.linkTypesSeen.push(lt);
  }

  /**
   * Parse one unit (file header, record or block) at `off`. Returns the bytes consumed, or 0 after
   * setting `want` (> avail) to the bytes it needs. Never reads past off+avail.
   */
  private step(b: Uint8Array, v: DataView, off: number, avail: number): number {
    switch (this.state) {
      case State.PcapRecord:
        return this.pcapRecord(b, v, off, avail);
      case State.PcapngBlock:
        return this.pcapngBlock(b, v, off, avail);
      case State.Start:
        return this.start(b, v, off, avail);
      default:
        return avail;
    }
  }

  private start(b: Uint8Array, v: DataView, off: number, avail: number): number {
    if (avail < 4) {
      this.want = 4;
      return 0;
    }
    const magic = v.getUint32(off, false);
    if (magic === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.state = State.PcapngBlock;
      return this.pcapngBlock(b, v, off, avail);
    }
    let le: boolean;
    let nanos: boolean;
    if (magic === 0xd4c3b2a1) [le, nanos] = [true, false];
    else if (magic === 0xa1b2c3d4) [le, nanos] = [false, false];
    else if (magic === 0x4d3cb2a1) [le, nanos] = [true, true];
    else if (magic === 0xa1b23c4d) [le, nanos] = [false, true];
    else {
      this.state = State.Done;
      const gz = magic >>> 16 === 0x1f8b ? '; it is gzip-compressed' : '';
      throw new CaptureFormatError(`not a pcap or pcapng capture (starts with 0x${hex32(b, off, 4)}${gz})`);
    }
    if (avail < 24) {
      this.want = 24;
      return 0;
    }
    this.le = le;
    this.nanos = nanos;
    this.format = nanos ? 'pcap-ns' : 'pcap';
    const major = v.getUint16(off + 4, le);
    const minor = v.getUint16(off + 6, le);
    if (major !== 2) {
      this.state = State.Done;
      throw new CaptureFormatError(`unsupported pcap version ${major}.${minor} (only 2.x exists)`);
    }
    this.snaplen = v.getUint32(off + 16, le);
    // A record may exceed the snaplen a little (fuzzed files, writers that lie about it) and tshark
    // still reads it; 64 KiB beyond it is a corrupt length, caught here before we wait for it.
    this.maxCaplen = this.snaplen > 0 ? Math.min(MAX_CAPLEN, this.snaplen + 65_536) : MAX_CAPLEN;
    this.pcapLinkType = v.getUint32(off + 20, le) & LINKTYPE_MASK;
    this.noteLinkType(this.pcapLinkType);
    this.state = State.PcapRecord;
    return 24;
  }

  private pcapRecord(b: Uint8Array, v: DataView, off: number, avail: number): number {
    if (avail < 16) {
      this.want = 16;
      return 0;
    }
    const le = this.le;
    const caplen = v.getUint32(off + 8, le);
    if (caplen > this.maxCaplen) {
      return this.fail(
        this.base,
        `impossible record length ${caplen} bytes (maximum ${this.maxCaplen}, snaplen ${this.snaplen}): corrupt record header`,
      );
    }
    const size = 16 + caplen;
    if (avail < size) {
      this.want = size;
      return 0;
    }
    const sec = v.getUint32(off, le);
    const sub = v.getUint32(off + 4, le);
    const ts = this.nanos ? sec + Math.round(sub / 1000) / 1_000_000 : sec + sub / 1_000_000;
    this.clock[0] = ts;
    if (this.selects && !(this.sink.select as NonNullable<FrameSink['select']>)(b, off + 16, off + size, this.pcapLinkType, this.clock, this.frames + 1, 0)) {
      this.frames++;
      return size;
    }
    const f = this.frame;
    f.index = ++this.frames;
    f.ts = ts;
    f.linkType = this.pcapLinkType;
    f.interfaceId = 0;
    f.origLen = v.getUint32(off + 12, le);
    f.data = b.subarray(off + 16, off + size);
    this.sink.frame(f);
    return size;
  }

  private pcapngBlock(b: Uint8Array, v: DataView, off: number, avail: number): number {
    if (avail < 8) {
      this.want = 8;
      return 0;
    }
    let type = v.getUint32(off, this.le);
    if (type === PCAPNG_SHB) {
      // The SHB's own byte-order magic decides how to read its length (and the whole section).
      if (avail < 12) {
        this.want = 12;
        return 0;
      }
      const bom = v.getUint32(off + 8, false);
      if (bom === BYTE_ORDER_MAGIC) this.le = false;
      else if (bom === 0x4d3c2b1a) this.le = true;
      else if (this.sections === 0) {
        this.state = State.Done;
        throw new CaptureFormatError(`not a pcapng capture: bad byte-order magic 0x${hex32(b, off + 8, 4)}`);
      } else return this.fail(this.base, `corrupt section header block: bad byte-order magic 0x${hex32(b, off + 8, 4)}`);
      type = PCAPNG_SHB;
    }
    const len = v.getUint32(off + 4, this.le);
    const isPacket = type === PCAPNG_EPB || type === PCAPNG_SPB || type === PCAPNG_OPB;
    const min = type === PCAPNG_SHB ? 28 : type === PCAPNG_IDB ? 20 : type === PCAPNG_SPB ? 16 : isPacket ? 32 : 12;
    const max = isPacket ? MAX_PACKET_BLOCK : MAX_OTHER_BLOCK;
    if (len % 4 !== 0 || len < min || len > max) {
      if (this.sections === 0) {
        this.state = State.Done;
        throw new CaptureFormatError(`not a pcapng capture: section header block length ${len} is impossible`);
      }
      return this.fail(this.base, `corrupt ${blockName(type)} block: impossible block length ${len}`);
    }
    if (avail < len) {
      this.want = len;
      return 0;
    }
    if (v.getUint32(off + len - 4, this.le) !== len) {
      if (this.sections === 0) {
        this.state = State.Done;
        throw new CaptureFormatError('not a pcapng capture: section header block is corrupt');
      }
      return this.fail(this.base, `corrupt ${blockName(type)} block: trailing length does not match ${len}`);
    }
    switch (type) {
      case PCAPNG_SHB:
        return this.shb(v, off, len);
      case PCAPNG_IDB:
        return this.idb(v, off, len);
      case PCAPNG_EPB:
        return this.epb(b, v, off, len, v.getUint32(off + 8, this.le), 12);
      case PCAPNG_OPB:
        return this.epb(b, v, off, len, v.getUint16(off + 8, this.le), 12);
      case PCAPNG_SPB:
        return this.spb(b, v, off, len);
      default:
        return len; // ISB, NRB, DSB, custom and unknown blocks: nothing we need
    }
  }

  private shb(v: DataView, off: number, len: number): number {
    const major = v.getUint16(off + 12, this.le);
    if (major !== 1) {
      const minor = v.getUint16(off + 14, this.le);
      if (this.sections === 0) {
        this.state = State.Done;
        throw new CaptureFormatError(`unsupported pcapng version ${major}.${minor}`);
      }
      return this.fail(this.base, `unsupported pcapng section version ${major}.${minor}`);
    }
    this.sections++;
    // Interface ids are per section (pcapng 4.1): a new SHB forgets the previous interfaces.
    this.ifLinkType = [];
    this.ifDivisor = [];
    this.ifOffset = [];
    this.ifSnaplen = [];
    return len;
  }

  private idb(v: DataView, off: number, len: number): number {
    const le = this.le;
    const linkType = v.getUint16(off + 8, le);
    const snaplen = v.getUint32(off + 12, le);
    let divisor = 1_000_000; // default if_tsresol = 6 (µs)
    let tsOffset = 0;
    // Options: code u16, length u16, value padded to 32 bits; opt_endofopt (0) ends the list.
    let p = off + 16;
    const end = off + len - 4;
    while (p + 4 <= end) {
      const code = v.getUint16(p, le);
      const olen = v.getUint16(p + 2, le);
      if (code === 0 || p + 4 + olen > end) break;
      if (code === 9 && olen >= 1) {
        // if_tsresol: MSB clear = negative power of 10, set = negative power of 2.
        const r = v.getUint8(p + 4);
        divisor = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (code === 14 && olen === 8) {
        // if_tsoffset: signed seconds added to every timestamp of the interface.
        const a = v.getUint32(p + 4, le);
        const c = v.getUint32(p + 8, le);
        const [lo, hi] = le ? [a, c] : [c, a];
        tsOffset = (hi | 0) * TWO_POW_32 + lo;
      }
      p += 4 + ((olen + 3) & ~3);
    }
    this.ifLinkType.push(linkType);
    this.ifDivisor.push(divisor);
    this.ifOffset.push(tsOffset);
    this.ifSnaplen.push(snaplen);
    this.noteLinkType(linkType);
    return len;
  }

  /** EPB and the obsolete Packet Block share the layout after the interface id (4.3, appendix). */
  private epb(b: Uint8Array, v: DataView, off: number, len: number, ifId: number, tsAt: number): number {
    const le = this.le;
    const caplen = v.getUint32(off + tsAt + 8, le);
    if (caplen > len - 32 || caplen > MAX_CAPLEN) {
      return this.fail(this.base, `corrupt packet block: captured length ${caplen} does not fit block length ${len}`);
    }
    if (ifId >= this.ifLinkType.length) {
      return this.fail(
        this.base,
        `corrupt packet block: interface ${ifId} is not defined (section has ${this.ifLinkType.length})`,
      );
    }
    const hi = v.getUint32(off + tsAt, le);
    const lo = v.getUint32(off + tsAt + 4, le);
    const ts = pcapngSeconds(hi, lo, this.ifDivisor[ifId] as number) + (this.ifOffset[ifId] as number);
    this.lastTs = ts;
    const linkType = this.ifLinkType[ifId] as number;
    this.clock[0] = ts;
    if (this.selects && !(this.sink.select as NonNullable<FrameSink['select']>)(b, off + 28, off + 28 + caplen, linkType, this.clock, this.frames + 1, ifId)) {
      this.frames++;
      return len;
    }
    const f = this.frame;
    f.index = ++this.frames;
    f.ts = ts;
    f.linkType = linkType;
    f.interfaceId = ifId;
    f.origLen = v.getUint32(off + tsAt + 12, le);
    f.data = b.subarray(off + 28, off + 28 + caplen);
    this.sink.frame(f);
    return len;
  }

  /** Simple Packet Block (4.4): interface 0, no timestamp, captured length implied by the block. */
  private spb(b: Uint8Array, v: DataView, off: number, len: number): number {
    if (this.ifLinkType.length === 0) {
      return this.fail(this.base, 'corrupt simple packet block: no interface defined in this section');
    }
    const origLen = v.getUint32(off + 8, this.le);
    // The captured length is implied: min(original length, snaplen) (4.4); the block must hold it.
    const snap = this.ifSnaplen[0] as number;
    const caplen = snap > 0 ? Math.min(origLen, snap) : origLen;
    if (caplen > len - 16 || caplen > MAX_CAPLEN) {
      return this.fail(this.base, `corrupt simple packet block: block length ${len} cannot hold ${caplen} bytes of packet`);
    }
    const linkType = this.ifLinkType[0] as number;
    // No timestamp in an SPB; reuse the last one so relative times stay monotonic.
    this.clock[0] = this.lastTs;
    if (this.selects && !(this.sink.select as NonNullable<FrameSink['select']>)(b, off + 12, off + 12 + caplen, linkType, this.clock, this.frames + 1, 0)) {
      this.frames++;
      return len;
    }
    const f = this.frame;
    f.index = ++this.frames;
    f.ts = this.lastTs;
    f.linkType = linkType;
    f.interfaceId = 0;
    f.origLen = origLen;
    f.data = b.subarray(off + 12, off + 12 + caplen);
    this.sink.frame(f);
    return len;
  }
}

function blockName(type: number): string {
  switch (type) {
    case PCAPNG_SHB:
      return 'section header';
    case PCAPNG_IDB:
      return 'interface description';
    case PCAPNG_EPB:
      return 'enhanced packet';
    case PCAPNG_SPB:
      return 'simple packet';
    case PCAPNG_OPB:
      return 'packet';
    default:
      return `type 0x${type.toString(16)}`;
  }
}
