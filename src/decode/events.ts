/**
 * What the dissector makes of one frame: the unit the exchange layer consumes.
 * Only DHCP, TFTP and ICMP-unreachable frames (plus damage and lost fragments) become events;
 * everything else is counted and dropped without allocation.
 */
import type { DhcpMessage } from './dhcp/types.js';
import type { TftpPacket } from './tftp/types.js';
import type { Dhcp6Message } from './dhcp6/types.js';
import type { TcpSegment, HttpMessageHead } from './http.js';
import type { ArpPacket } from './arp.js';
import type { Bpdu } from './stp.js';
import type { DnsMessage } from './dns.js';

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
  /** 6 for an IPv6 packet (addresses are then RFC 5952 text and `ttl` is the hop limit); absent for IPv4. */
  ipVersion?: 6;
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
/** A DHCPv6 message (UDP 546/547), relayed or not: network boot over IPv6 (RFC 5970). */
export interface Dhcp6Event {
  kind: 'dhcp6';
  meta: PacketMeta;
  dhcp6: Dhcp6Message;
}
/**
 * A TCP segment to or from a boot URL's server (UEFI HTTP boot): only flows whose server host:port
 * a DHCP(v6) reply named in an http:// boot file become events. `http` is set when the segment
 * starts an HTTP request or response head.
 */
export interface HttpEvent {
  kind: 'http';
  meta: PacketMeta;
  tcp: TcpSegment;
  http?: HttpMessageHead;
}
/**
 * An ARP message (issue 22): meta.src/dst are the sender and target IPv4 addresses, ports 0,
 * meta.srcMac the frame's source.
 */
export interface ArpEvent {
  kind: 'arp';
  meta: PacketMeta;
  arp: ArpPacket;
}
/** A spanning-tree BPDU (issue 22): meta.src/dst are empty, meta.srcMac is the switch port's MAC. */
export interface StpEvent {
  kind: 'stp';
  meta: PacketMeta;
  bpdu: Bpdu;
}

/** A DNS message over UDP port 53 (a loader resolving the host of a URL). */
export interface DnsEvent {
  kind: 'dns';
  meta: PacketMeta;
  dns: DnsMessage;
}
export type PacketEvent = DhcpEvent | TftpEvent | IcmpUnreachableEvent | FragmentProblemEvent | MalformedEvent | Dhcp6Event | HttpEvent | DnsEvent | ArpEvent | StpEvent;
