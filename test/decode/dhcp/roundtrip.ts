/**
 * Shared round-trip check for the codecs (dns-packet's testEncoder habit): decode(encode(v))
 * deep-equals v, re-encoding the decoded value gives the same bytes, and encoding into a larger
 * writer at an offset writes the same bytes there without touching what came before.
 */
import { expect } from 'vitest';
import { ByteWriter } from '../../../src/decode/bytes.js';

export function expectRoundTrip<T>(
  encode: (v: T, w?: ByteWriter) => Uint8Array,
  decode: (b: Uint8Array) => unknown,
  value: T,
  expected: unknown = value,
): Uint8Array {
  const bytes = encode(value).slice();
  const decoded = decode(bytes);
  expect(decoded).toEqual(expected);
  expect(encode(decoded as T).slice()).toEqual(bytes);

  const w = new ByteWriter(8);
  w.bytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  const view = encode(value, w);
  expect(view.slice()).toEqual(bytes);
  expect(w.pos).toBe(10 + bytes.length);
  expect(Array.from(w.buf.subarray(0, 10))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(w.buf.subarray(10, w.pos)).toEqual(bytes);
  return bytes;
}
