/**
 * Ethernet/IPv4/UDP frames synthesized around the exact UDP payloads the probe sent and received,
 * so its traffic can be written as a capture (`--write`) and fed through the same Dissector as a
 * real capture. Node's dgram sockets only ever see UDP payloads; the headers are rebuilt here from
 * the socket addresses (RFC 791 header, RFC 768 checksum over the pseudo-header).
 */
import { ByteWriter } from '../decode/bytes.js';

export const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_UDP = 17;

export interface UdpEndpoints {
  srcMac: string;
  dstMac: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** IPv4 identification (the caller counts). */
  ipId: number;
  ttl?: number;
}

function macBytes(mac: string): Uint8Array {
  const hex = mac.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(6);
  for (let i = 0; i < 6 && 2 * i + 2 <= hex.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** One's-complement sum of 16-bit words (RFC 1071), not yet folded. */
function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (i < end) s += (b[i] as number) << 8;
  return s;
}

function fold(s: number): number {
  let v = s;
  while (v > 0xffff) v = (v & 0xffff) + Math.floor(v / 0x10000);
  return ~v & 0xffff;
}

/** A complete Ethernet II frame carrying `payload` in one unfragmented IPv4/UDP datagram. */
export function udpFrame(e: UdpEndpoints, payload: Uint8Array): Uint8Array {
  const udpLen = 8 + payload.length;
  const ipLen = 20 + udpLen;
  const w = new ByteWriter(14 + ipLen);
  w.bytes(macBytes(e.dstMac)).bytes(macBytes(e.srcMac)).u16(ETHERTYPE_IPV4);
  const ipStart = w.pos;
  w.u8(0x45).u8(0).u16(ipLen).u16(e.ipId & 0xffff).u16(0x4000 /* DF */).u8(e.ttl ?? 64).u8(IPPROTO_UDP).u16(0);
  w.ipv4(e.src).ipv4(e.dst);
  const udpStart = w.pos;
  w.u16(e.sport).u16(e.dport).u16(udpLen).u16(0).bytes(payload);
  const buf = w.result();
  const ipSum = fold(sum16(buf, ipStart, ipStart + 20));
  buf[ipStart + 10] = ipSum >>> 8;
  buf[ipStart + 11] = ipSum & 0xff;
  // Pseudo-header: source, destination, zero+protocol, UDP length (RFC 768).
  let s = sum16(buf, ipStart + 12, ipStart + 20);
  s += IPPROTO_UDP + udpLen;
  let udpSum = fold(sum16(buf, udpStart, udpStart + udpLen, s));
  if (udpSum === 0) udpSum = 0xffff; // 0 means "no checksum" in UDP over IPv4
  buf[udpStart + 6] = udpSum >>> 8;
  buf[udpStart + 7] = udpSum & 0xff;
  return buf.slice();
}
