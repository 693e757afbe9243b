/**
 * The decoder's speed-ups must not change a single value: the remembered texts (RecentText), the
 * char-code builders and the ASCII path are checked against the plain formatters they replaced,
 * on seeded random bytes drawn from a pool small enough that the caches hit, evict and collide.
 * The key order of a decoded message (first appearance on the wire) is checked on both the usual
 * path and the RFC 3396 path (a code repeated).
 */
import { describe, it, expect } from 'vitest';
import { formatIpv4, formatMac, latin1String, latin1Text, RecentText } from '../../../src/decode/bytes.js';
import { decodeDhcp, encodeDhcp, formatGuid } from '../../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import { toHex } from '../../../src/decode/dhcp/suboptions.js';
import { mulberry32 } from '../../helpers/prng.js';
import { fixtureCaptures, isDhcpPacket, udpPayloads } from './udp-payloads.js';

// The formatters as they were before the speed work: the reference for every value.
const plainLatin1 = new TextDecoder('latin1');
function plainHex(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += (b[i] as number).toString(16).padStart(2, '0');
  return s;
}
function plainMac(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + (b[off + i] ?? 0).toString(16).padStart(2, '0');
  return s;
}
function plainIpv4(b: Uint8Array, off: number): string {
  return `${b[off] ?? 0}.${b[off + 1] ?? 0}.${b[off + 2] ?? 0}.${b[off + 3] ?? 0}`;
}
function plainGuid(b: Uint8Array, off: number): string {
  const h = plainHex(b, off, off + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A pool of random byte strings (mostly ASCII, some not), reused so that values come back. */
function bytePool(seed: number, count: number, maxLength: number): Uint8Array[] {
  const rand = mulberry32(seed);
  const pool: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const b = new Uint8Array(Math.floor(rand() * (maxLength + 1)));
    const highBytes = rand() < 0.2;
    for (let j = 0; j < b.length; j++) b[j] = highBytes ? Math.floor(rand() * 256) : 0x20 + Math.floor(rand() * 0x5f);
    pool.push(b);
  }
  return pool;
}

describe('fast formatters give the plain formatters\' values', () => {
  const rand = mulberry32(7);
  // 400 strings, half the time read whole, against caches of 256-1024 slots: hits, misses,
  // evictions and collisions.
  const pool = bytePool(11, 400, 80);
  const whole = (): boolean => rand() < 0.5;
  const pick = (): Uint8Array => pool[Math.floor(rand() * pool.length)] as Uint8Array;

  it('latin1Text = latin1String of the range (ASCII, non-ASCII, past the 64-byte cache key, clamped end)', () => {
    for (let n = 0; n < 20000; n++) {
      const b = pick();
      const start = whole() ? 0 : Math.floor(rand() * (b.length + 1));
      const end = start === 0 && whole() ? b.length : start + Math.floor(rand() * (b.length - start + 3)); // sometimes past the end
      expect(latin1Text(b, start, end)).toBe(plainLatin1.decode(b.subarray(start, end)));
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(latin1Text(all, 0, 256)).toBe(latin1String(all));
    expect(latin1Text(all, 5, 5)).toBe('');
  });

  it('formatMac, formatIpv4, formatGuid and toHex, also reading past the end of the bytes', () => {
    for (let n = 0; n < 20000; n++) {
      const b = pick();
      const off = whole() ? 0 : Math.floor(rand() * (b.length + 2));
      const len = off === 0 && whole() ? 6 : Math.floor(rand() * 18);
      expect(formatMac(b, off, len)).toBe(plainMac(b, off, len));
      expect(formatIpv4(b, off)).toBe(plainIpv4(b, off));
      if (off + 16 <= b.length) expect(formatGuid(b, off)).toBe(plainGuid(b, off));
      const end = Math.min(b.length, off + len);
      expect(toHex(b, Math.min(off, end), end)).toBe(plainHex(b, Math.min(off, end), end));
    }
    const long = pool.find((b) => b.length === 80) ?? new Uint8Array(80);
    const big = new Uint8Array(700).map((_, i) => (i * 37) & 0xff); // past one String.fromCharCode call
    expect(formatMac(big, 0, 700)).toBe(plainMac(big, 0, 700));
    expect(toHex(big, 0, 700)).toBe(plainHex(big, 0, 700));
    expect(toHex(long)).toBe(plainHex(long, 0, long.length));
    expect(formatMac(big, 0, 0)).toBe('');
    // Bytes past the end read as zero, as in formatMac (the plain formatGuid threw there).
    expect(formatGuid(Uint8Array.from([0xab, 0xcd]), 0)).toBe('abcd0000-0000-0000-0000-000000000000');
    expect(formatIpv4(new Uint8Array(4))).toBe('0.0.0.0');
  });
});

describe('RecentText', () => {
  it('never returns the text of other bytes, even when every key shares two slots', () => {
    const recent = new RecentText(2, 4);
    const keys = [[1], [2], [1, 2], [2, 1], [0, 0, 0, 0], [0, 0, 0], [255, 255, 255, 255]].map((k) => Uint8Array.from(k));
    for (let round = 0; round < 3; round++) {
      for (const [i, k] of keys.entries()) {
        recent.put(k, 0, k.length, `key ${i}`);
        for (const [j, other] of keys.entries()) {
          const got = recent.get(other, 0, other.length);
          if (got !== undefined) expect(got).toBe(`key ${j}`);
        }
        expect(recent.get(k, 0, k.length)).toBe(`key ${i}`);
      }
    }
  });

  it('compares the range, not the whole array, and ignores keys longer than its key size', () => {
    const recent = new RecentText(16, 4);
    const b = Uint8Array.from([9, 1, 2, 3, 9]);
    recent.put(b, 1, 4, 'one-two-three');
    expect(recent.get(Uint8Array.from([1, 2, 3]), 0, 3)).toBe('one-two-three');
    expect(recent.get(Uint8Array.from([1, 2, 4]), 0, 3)).toBeUndefined();
    recent.put(b, 0, 5, 'too long');
    expect(recent.get(b, 0, 5)).toBeUndefined();
  });
});

describe('decodeDhcp: key order and the RFC 3396 path', () => {
  const base = { op: 1, xid: 1, chaddr: '52:54:00:12:34:56' };

  it('adds the shortcuts in the order their codes first appear, option 60 first', () => {
    const m = decodeDhcp(
      encodeDhcp({
        ...base,
        options: [dhcpOpt.messageType(1), dhcpOpt.hostname('pc'), dhcpOpt.pxeVendor({ discoveryControl: 3 }), dhcpOpt.vendorClass('PXEClient')],
      }),
    );
    expect(Object.keys(m).slice(Object.keys(m).indexOf('anomalies') + 1)).toEqual(['vendorClass', 'messageType', 'hostname', 'pxe']);
    expect(m.pxe).toEqual({ discoveryControl: 3 });
  });

  it('keeps that order when a code repeats, joins the pieces, and leaves no trace for the next message', () => {
    const split = [53, 1, 1, 12, 2, 0x70, 0x63, 60, 9, ...Buffer.from('PXEClient'), 12, 1, 0x32, 43, 4, 6, 1, 3, 255];
    const payload = encodeDhcp({ ...base, options: [] }).slice(0, 240);
    const repeated = new Uint8Array(240 + split.length);
    repeated.set(payload);
    repeated.set(split, 240);
    const m = decodeDhcp(repeated);
    expect(Object.keys(m).slice(Object.keys(m).indexOf('anomalies') + 1)).toEqual(['vendorClass', 'messageType', 'hostname', 'pxe']);
    expect(m.hostname).toBe('pc2');
    // The same codes once each: nothing joined from the message before.
    const single = decodeDhcp(encodeDhcp({ ...base, options: [dhcpOpt.messageType(3), dhcpOpt.hostname('pc')] }));
    expect(single.hostname).toBe('pc');
    expect(decodeDhcp(repeated)).toStrictEqual(m);
  });

  it('decodes every fixture DHCP payload to the same message twice over (remembered texts on the second pass)', async () => {
    const payloads: Uint8Array[] = [];
    for (const file of fixtureCaptures().slice(0, 12)) for (const p of await udpPayloads(file)) if (isDhcpPacket(p)) payloads.push(p.payload);
    expect(payloads.length).toBeGreaterThan(50);
    const first = payloads.map((p) => decodeDhcp(p));
    const second = payloads.map((p) => decodeDhcp(p));
    for (let i = 0; i < payloads.length; i++) expect(second[i]).toStrictEqual(first[i]);
  });
});
