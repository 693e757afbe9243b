/**
 * Test helper: builds link/IPv4/UDP/ICMP frames around payloads made by the real codecs, so the
 * dissector tests exercise exactly the bytes a network would carry.
 */
import { ByteWriter } from '../../src/decode/bytes.js';
import type { Frame } from '../../src/capture/frame.js';

export interface Ipv4Spec {
  src: string;
  dst: string;
  protocol?: number;
  id?: number;
  ttl?: number;
  moreFragments?: boolean;
  /** Byte offset (multiple of 8). */
  fragmentOffset?: number;
  /** Override the total length field (default: header + payload). */
  totalLength?: number;
}

export function ipv4(spec: Ipv4Spec, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter(20 + payload.length);
  w.u8(0x45).u8(0);
  w.u16(spec.totalLength ?? 20 + payload.length);
  w.u16(spec.id ?? 1);
  w.u16((spec.moreFragments ? 0x2000 : 0) | ((spec.fragmentOffset ?? 0) / 8));
  w.u8(spec.ttl ?? 64).u8(spec.protocol ?? 17);
  w.u16(0); // checksum: not verified by the dissector
  w.ipv4(spec.src).ipv4(spec.dst);
  w.bytes(payload);
  return w.result().slice();
}

export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter(8 + payload.length);
  w.u16(sport).u16(dport).u16(8 + payload.length).u16(0).bytes(payload);
  return w.result().slice();
}

export function udpIpv4(src: string, sport: number, dst: string, dport: number, payload: Uint8Array, spec: Partial<Ipv4Spec> = {}): Uint8Array {
  return ipv4({ src, dst, ...spec }, udp(sport, dport, payload));
}

const MAC_A = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
const MAC_B = [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef];

/** Ethernet II with optional VLAN tags: [tpid, vid] pairs, outermost first. */
export function ethernet(ip: Uint8Array, tags: [number, number][] = [], ethertype = 0x0800): Uint8Array {
  const w = new ByteWriter(14 + 4 * tags.length + ip.length);
  for (const b of MAC_B) w.u8(b);
  for (const b of MAC_A) w.u8(b);
  for (const [tpid, vid] of tags) w.u16(tpid).u16(vid);
  w.u16(ethertype).bytes(ip);
  return w.result().slice();
}

export function sll(ip: Uint8Array, protocol = 0x0800): Uint8Array {
  const w = new ByteWriter(16 + ip.length);
  w.u16(0).u16(1).u16(6);
  for (const b of MAC_A) w.u8(b);
  w.u16(0).u16(protocol).bytes(ip);
  return w.result().slice();
}

export function sll2(ip: Uint8Array, protocol = 0x0800): Uint8Array {
  const w = new ByteWriter(20 + ip.length);
  w.u16(protocol).u16(0).u32(2).u16(1).u8(0).u8(6);
  for (const b of MAC_A) w.u8(b);
  w.u16(0).bytes(ip);
  return w.result().slice();
}

/** BSD loopback: AF_INET (2) in the given byte order. */
export function nullLink(ip: Uint8Array, littleEndian: boolean, af = 2): Uint8Array {
  const out = new Uint8Array(4 + ip.length);
  new DataView(out.buffer).setUint32(0, af, littleEndian);
  out.set(ip, 4);
  return out;
}

/** ICMP destination unreachable quoting the first 28 bytes of `refused` (an IPv4+UDP datagram). */
export function icmpUnreachable(code: number, refused: Uint8Array): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(3).u8(code).u16(0).u32(0).bytes(refused.subarray(0, 28));
  return w.result().slice();
}

let frameNo = 0;
export function frame(data: Uint8Array, linkType = 1, ts = 1000, index?: number): Frame {
  return { index: index ?? ++frameNo, ts, linkType, interfaceId: 0, data, origLen: data.length };
}
