/**
 * What the dissector makes of one frame: the unit the exchange layer consumes.
 * Only DHCP, TFTP and ICMP-unreachable frames (plus damage and lost fragments) become events;
 * everything else is counted and dropped without allocation.
 */
import type { DhcpMessage } from './dhcp/types.js';
import type { TftpPacket } from './tftp/types.js';

export interface PacketMeta {
  /** 1-based frame number (for a reassembled datagram: the frame that completed it). */
  frame: number;
  /** Absolute capture time, seconds since the epoch. */
  ts: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  srcMac?: string;
  dstMac?: string;
  /** VLAN ids, outermost first, when tagged. */
  vlans?: number[];
  /** Capture interface (pcapng), so two segments in one file can be told apart. */
  interfaceId: number;
  /** IP length of the datagram; frames of a reassembled datagram. */
  ipLength: number;
  fragmentFrames?: number[];
  ttl: number;
}

export interface DhcpEvent {
  kind: 'dhcp';
  meta: PacketMeta;
  dhcp: DhcpMessage;
}
export interface TftpEvent {
  kind: 'tftp';
  meta: PacketMeta;
  tftp: TftpPacket;
}
export interface IcmpUnreachableEvent {
  kind: 'icmp-unreachable';
  meta: PacketMeta;
  icmp: { type: number; code: number; quoted: { src: string; sport: number; dst: string; dport: number; protocol: number } };
}
/** A fragmented datagram that never completed (missing fragments) or had overlapping fragments. */
export interface FragmentProblemEvent {
  kind: 'fragment-problem';
  meta: PacketMeta;
  problem: 'incomplete' | 'overlap';
  /** IP id, bytes received, and the expected total when known. */
  ipId: number;
  received: number;
  expected?: number;
  frames: number[];
}
/** A DHCP/TFTP-port frame that could not be decoded; costs one warning, not the run. */
export interface MalformedEvent {
  kind: 'malformed';
  meta: PacketMeta;
  layer: string;
  reason: string;
}
export type PacketEvent = DhcpEvent | TftpEvent | IcmpUnreachableEvent | FragmentProblemEvent | MalformedEvent;
