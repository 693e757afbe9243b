/**
 * Byte helpers of the codecs: a bounds-checked reader (the DNS codec reads through it: an
 * out-of-range read becomes a DecodeError with the position, never `undefined` read as 0), the
 * writer the encoders share, and the text/address formatters of the decoders.
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

/**
 * The last text made from each of a few hundred short byte strings. Decoding keeps meeting the same
 * ones (a client's MAC and GUID in every message of its exchange, vendor classes, boot file names),
 * and a hit returns the string already made: no allocation, and a flat string, cheaper to hash as a
 * key later. Direct-mapped by a hash of the bytes and checked byte by byte, so a collision only
 * costs a miss.
 */
export class RecentText {
  private readonly keys: Uint8Array;
  /** Key length of each slot; -1 = empty. */
  private readonly lengths: Int16Array;
  private readonly texts: string[];
  private readonly mask: number;
  private readonly keySize: number;

  /** `slots`: a power of two; `keySize`: the longest byte string remembered. */
  constructor(slots: number, keySize: number) {
    this.keys = new Uint8Array(slots * keySize);
    this.lengths = new Int16Array(slots).fill(-1);
    this.texts = new Array<string>(slots).fill('');
    this.mask = slots - 1;
    this.keySize = keySize;
  }

  /** Slot of b[start, end): FNV-1a over 32-bit words, then the odd bytes (only picks the slot). */
  private slotOf(b: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 ^ (end - start);
    let i = start;
    for (; i + 4 <= end; i += 4) {
      h = Math.imul(h ^ ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)), 0x01000193);
    }
    for (; i < end; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /** The text remembered for b[start, end), or undefined. The range must lie inside b. */
  get(b: Uint8Array, start: number, end: number): string | undefined {
    const len = end - start;
    if (len > this.keySize) return undefined;
    const slot = this.slotOf(b, start, end);
    if (this.lengths[slot] !== len) return undefined;
    const keys = this.keys;
    const k = slot * this.keySize - start;
    for (let i = start; i < end; i++) if (keys[k + i] !== b[i]) return undefined;
    return this.texts[slot];
  }

  /** Remembers `text` for b[start, end) (ignored when longer than the key size). */
  put(b: Uint8Array, start: number, end: number, text: string): void {
    const len = end - start;
    if (len > this.keySize) return;
    const slot = this.slotOf(b, start, end);
    const keys = this.keys;
    const k = slot * this.keySize - start;
    for (let i = start; i < end; i++) keys[k + i] = b[i] as number;
    this.lengths[slot] = len;
    this.texts[slot] = text;
  }
}

/**
 * Char codes of the two lowercase hex digits of each byte value: [2v] and [2v + 1]. Hex text is
 * built as a list of char codes and made into a string by one String.fromCharCode call, which gives
 * a flat string (concatenating pieces gives a rope that is flattened again when used as a key).
 */
export const HEX_DIGIT_CODES: Uint8Array = Uint8Array.from({ length: 512 }, (_, i) => '0123456789abcdef'.charCodeAt(i & 1 ? (i >> 1) & 15 : i >> 5));

/** Hex text of up to this many bytes is made by one String.fromCharCode call (its arguments). */
export const HEX_IN_ONE_CALL = 256;

/** Two lowercase hex digits of each byte value, for text too long for one call. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, v) => (v < 16 ? '0' : '') + v.toString(16));

const recentMacs = new RecentText(1024, 16);

export function formatMac(b: Uint8Array, off = 0, len = 6): string {
  if (len <= 0) return '';
  const inside = off >= 0 && off + len <= b.length;
  if (inside) {
    const known = recentMacs.get(b, off, off + len);
    if (known !== undefined) return known;
  }
  let text: string;
  if (len > HEX_IN_ONE_CALL) {
    text = HEX_BYTE[b[off] ?? 0] as string;
    for (let i = 1; i < len; i++) text += ':' + (HEX_BYTE[b[off + i] ?? 0] as string);
  } else {
    const codes = new Array<number>(len * 3 - 1);
    let k = 0;
    for (let i = 0; i < len; i++) {
      if (i > 0) codes[k++] = 0x3a; // ':'
      const v = b[off + i] ?? 0;
      codes[k++] = HEX_DIGIT_CODES[2 * v] as number;
      codes[k++] = HEX_DIGIT_CODES[2 * v + 1] as number;
    }
    text = String.fromCharCode.apply(null, codes);
  }
  if (inside) recentMacs.put(b, off, off + len, text);
  return text;
}

/** Decimal text of each byte value (a table lookup is cheaper than a number-to-string conversion). */
const DECIMAL_BYTE: readonly string[] = Array.from({ length: 256 }, (_, v) => String(v));
/** Recent addresses and their text, direct-mapped by address (as RecentText, keyed by one number). */
const ADDRESS_SLOT_BITS = 10;
const ADDRESS_SLOTS = 1 << ADDRESS_SLOT_BITS;
const recentAddressKeys = new Int32Array(ADDRESS_SLOTS);
const recentAddressTexts: string[] = new Array<string>(ADDRESS_SLOTS).fill('0.0.0.0');

export function formatIpv4(b: Uint8Array, off = 0): string {
  const a0 = b[off] ?? 0;
  const a1 = b[off + 1] ?? 0;
  const a2 = b[off + 2] ?? 0;
  const a3 = b[off + 3] ?? 0;
  const key = (a0 << 24) | (a1 << 16) | (a2 << 8) | a3;
  // Every slot starts as 0 -> "0.0.0.0", the most common header address.
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - ADDRESS_SLOT_BITS); // Fibonacci hashing
  if (recentAddressKeys[slot] === key) return recentAddressTexts[slot] as string;
  const text = (DECIMAL_BYTE[a0] as string) + '.' + (DECIMAL_BYTE[a1] as string) + '.' + (DECIMAL_BYTE[a2] as string) + '.' + (DECIMAL_BYTE[a3] as string);
  recentAddressKeys[slot] = key;
  recentAddressTexts[slot] = text;
  return text;
}

const latin1 = new TextDecoder('latin1');
/** Bytes as a JS string, one char per byte (keeps garbage bytes visible, e.g. \xff after a file name). */
export function latin1String(b: Uint8Array): string {
  return latin1.decode(b);
}

const ASCII_CHAR: readonly string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
/** Up to this length a string is built char by char; longer ones are cheaper through the decoder. */
const SHORT_TEXT = 8;
/** Vendor classes, boot files, server names: the texts worth remembering are short. */
const recentTexts = new RecentText(256, 64);

/** b[start, end) decoded by the TextDecoder, without a view when the range is all of b. */
function decodeRange(b: Uint8Array, start: number, end: number): string {
  return latin1.decode(start === 0 && end === b.length ? b : b.subarray(start, end));
}

/**
 * latin1String(b.subarray(start, end)), cheaper: a recent ASCII text is remembered (RecentText), a
 * short one is built char by char (a TextDecoder call has a fixed cost however short the text), and
 * everything else goes through the same decoder as latin1String, so the result is the same on every
 * Node version.
 */
export function latin1Text(b: Uint8Array, start: number, end: number): string {
  if (end > b.length) end = b.length;
  if (start < 0) start = 0;
  if (end <= start) return '';
  // Only ASCII texts are remembered, so a hit needs no ASCII check.
  const known = recentTexts.get(b, start, end);
  if (known !== undefined) return known;
  for (let i = start; i < end; i++) if ((b[i] as number) >= 0x80) return decodeRange(b, start, end);
  let text: string;
  if (end - start <= SHORT_TEXT) {
    text = '';
    for (let i = start; i < end; i++) text += ASCII_CHAR[b[i] as number] as string;
  } else {
    text = decodeRange(b, start, end);
  }
  recentTexts.put(b, start, end, text);
  return text;
}
