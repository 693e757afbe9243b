/**
 * Bounds-checked cursor over a byte view. Every read goes through `need()` so an out-of-range
 * read becomes a DecodeError with the position, never `undefined` silently read as 0.
 */
export class DecodeError extends Error {
  readonly layer: string;
  readonly reason: string;
  readonly offset: number;
  constructor(layer: string, reason: string, offset: number) {
    super(`${layer}: ${reason} at byte ${offset}`);
    this.layer = layer;
    this.reason = reason;
    this.offset = offset;
  }
}

export class ByteReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  layer: string;

  constructor(buf: Uint8Array, start = 0, end = buf.length, layer = 'bytes') {
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
    this.layer = layer;
  }

  /** Re-point the reader at a new view (reuse instead of allocating a reader per packet). */
  reset(buf: Uint8Array, start = 0, end = buf.length): this {
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
    return this;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what = 'field'): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new DecodeError(this.layer, `${what} needs ${n} bytes, ${this.end - this.pos} left`, this.pos);
    }
  }

  u8(what?: string): number {
    this.need(1, what);
    return this.buf[this.pos++] as number;
  }

  u16(what?: string): number {
    this.need(2, what);
    const b = this.buf;
    const v = ((b[this.pos] as number) << 8) | (b[this.pos + 1] as number);
    this.pos += 2;
    return v;
  }

  u32(what?: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    const v = (((b[p] as number) << 24) >>> 0) + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    this.pos += 4;
    return v;
  }

  /** A sub-view of n bytes (no copy). */
  bytes(n: number, what?: string): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what?: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** Dotted-quad IPv4 address. */
  ipv4(what?: string): string {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
  }
}

/** Growable writer used by the encoders (responder, tests, capture writer). */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf[this.pos++] = (v >>> 24) & 0xff;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Zero-filled run (fixed-size BOOTP fields). */
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  ipv4(addr: string): this {
    const parts = addr.split('.');
    if (parts.length !== 4) throw new Error(`not an IPv4 address: ${addr}`);
    for (const p of parts) {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 0 || n > 255) throw new Error(`not an IPv4 address: ${addr}`);
      this.u8(n);
    }
    return this;
  }

  /** The written bytes (a view; copy if the writer is reused). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export function formatMac(b: Uint8Array, off = 0, len = 6): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const v = b[off + i] ?? 0;
    s += (i ? ':' : '') + (v < 16 ? '0' : '') + v.toString(16);
  }
  return s;
}

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off] ?? 0}.${b[off + 1] ?? 0}.${b[off + 2] ?? 0}.${b[off + 3] ?? 0}`;
}

const latin1 = new TextDecoder('latin1');
/** Bytes as a JS string, one char per byte (keeps garbage bytes visible, e.g. \xff after a file name). */
export function latin1String(b: Uint8Array): string {
  return latin1.decode(b);
}
