/**
 * Test helper: IPv6 / UDP / TCP frames (RFC 8200, RFC 768, RFC 9293) around payloads made by the
 * real codecs, with optional extension headers, so the dissector sees exactly the wire bytes.
 */
import { ByteWriter } from '../../src/decode/bytes.js';
import { parseIpv6String } from '../../src/decode/ipv6.js';

export interface Ext {
  /** 0 hop-by-hop, 43 routing, 44 fragment, 60 destination options, 51 AH. */
  type: number;
  /** For 0/43/60: extra 8-byte units beyond the first 8 bytes; for 51: payload length field. */
  units?: number;
  fragmentOffset?: number;
  more?: boolean;
}

function addr(s: string): Uint8Array {
  const b = parseIpv6String(s);
  if (!b) throw new Error(`bad IPv6 address ${s}`);
  return b;
}

export function ipv6(src: string, dst: string, protocol: number, payload: Uint8Array, exts: Ext[] = [], hopLimit = 64): Uint8Array {
  const body = new ByteWriter(64 + payload.length);
  exts.forEach((e, i) => {
    const next = exts[i + 1]?.type ?? protocol;
    if (e.type === 44) {
      body.u8(next).u8(0).u16((e.fragmentOffset ?? 0) | (e.more ? 1 : 0)).u32(0x1234);
    } else if (e.type === 51) {
      const len = e.units ?? 1; // (len + 2) * 4 bytes
      body.u8(next).u8(len).zeros((len + 2) * 4 - 2);
    } else {
      const units = e.units ?? 0;
      // PadN filling the header (RFC 8200 section 4.2) for options headers; routing type 0 otherwise.
      body.u8(next).u8(units).zeros(6 + units * 8);
    }
  });
  body.bytes(payload);
  const b = body.result();
  const w = new ByteWriter(40 + b.length);
  w.u32(0x60000000).u16(b.length).u8(exts[0]?.type ?? protocol).u8(hopLimit);
  w.bytes(addr(src)).bytes(addr(dst)).bytes(b);
  return w.result().slice();
}

export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter(8 + payload.length);
  w.u16(sport).u16(dport).u16(8 + payload.length).u16(0).bytes(payload);
  return w.result().slice();
}

export const SYN = 0x02;
export const ACK = 0x10;
export const FIN = 0x01;
export const RST = 0x04;
export const PSH = 0x08;

export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const w = new ByteWriter(20 + payload.length);
  w.u16(sport).u16(dport).u32(seq).u32(ack).u8(5 << 4).u8(flags).u16(65535).u16(0).u16(0).bytes(payload);
  return w.result().slice();
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}
