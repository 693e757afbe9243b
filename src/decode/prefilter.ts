/**
 * The reader-side pre-filter: classifies a record while its bytes are still in the capture
 * reader's buffer, before any Frame view is made, so the bulk of a big capture (TCP, IPv6, ARP,
 * UDP on other ports) costs a few byte reads and nothing else.
 *
 * It answers only what it can answer exactly like the full dissector (link.ts + ipv4.ts) would:
 * untagged or VLAN-tagged Ethernet carrying IPv6, a non-IP ethertype, or an unfragmented, well-formed
 * IPv4 datagram (with its protocol, addresses and ports). Everything else -- other link types, short
 * or odd headers, fragments, ICMP -- is `Deliver`: the dissector decides it the complete way. What
 * to do with each class (which ports matter, IPv6) is the dissector's call (Dissector.select). A test checks that both paths give the
 * same events and the same statistics on every fixture capture.
 */
import { MAX_VLAN_TAGS } from './link.js';
import { IpProto } from './ipv4.js';

export const Prefilter = {
  /** Build the frame and dissect it fully. */
  Deliver: 0,
  /** IPv6 over Ethernet, its header at `netOffset` (the dissector decides what it needs of it). */
  Ipv6: 1,
  /** A non-IP ethertype or an 802.3 length field (ARP, LLC...). */
  OtherNetwork: 2,
  /** Well-formed, unfragmented IPv4 other than ICMP: protocol, addresses and ports in the tuple. */
  Ipv4: 3,
} as const;
export type PrefilterResult = (typeof Prefilter)[keyof typeof Prefilter];

/** Reused output of prefilterEthernet (no allocation per record). */
export interface PrefilterTuple {
  /** Offset of the IPv4/IPv6 header in the buffer. */
  netOffset: number;
  protocol: number;
  src: number;
  dst: number;
  /** The payload holds at least the 4 bytes of UDP/TCP ports (else sport/dport are stale). */
  hasPorts: boolean;
  sport: number;
  dport: number;
  /** The capture cut the IPv4 datagram short of its total length. */
  truncated: boolean;
}

export function newPrefilterTuple(): PrefilterTuple {
  return { netOffset: 0, protocol: 0, src: 0, dst: 0, hasPorts: false, sport: 0, dport: 0, truncated: false };
}

/**
 * Classifies the Ethernet frame in b[start, end). Mirrors parseLink (Ethernet case, VLAN tags) and
 * parseIpv4 exactly for the cases it does not Deliver.
 */
export function prefilterEthernet(b: Uint8Array, start: number, end: number, out: PrefilterTuple): PrefilterResult {
  if (end - start < 14) return Prefilter.Deliver;
  let type = ((b[start + 12] as number) << 8) | (b[start + 13] as number);
  if (type < 0x0600) return Prefilter.OtherNetwork;
  let o = start + 14;
  let tags = 0;
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
    if (o + 4 > end || tags >= MAX_VLAN_TAGS) return Prefilter.Deliver;
    type = ((b[o + 2] as number) << 8) | (b[o + 3] as number);
    o += 4;
    tags++;
  }
  out.netOffset = o;
  if (type === 0x86dd) return Prefilter.Ipv6;
  if (type !== 0x0800) return Prefilter.OtherNetwork;

  // IPv4 (RFC 791): anything parseIpv4 would reject goes the full way.
  if (o + 20 > end) return Prefilter.Deliver;
  const vihl = b[o] as number;
  if (vihl >> 4 !== 4) return Prefilter.Deliver;
  const hl = (vihl & 0x0f) * 4;
  if (hl < 20 || o + hl > end) return Prefilter.Deliver;
  const total = ((b[o + 2] as number) << 8) | (b[o + 3] as number);
  const effectiveTotal = total === 0 ? end - o : total;
  if (effectiveTotal < hl) return Prefilter.Deliver;
  // Fragments feed the reassembler, ICMP may be an unreachable: both need the full path.
  if ((((b[o + 6] as number) << 8) | (b[o + 7] as number)) & 0x3fff) return Prefilter.Deliver;
  const protocol = b[o + 9] as number;
  if (protocol === IpProto.Icmp) return Prefilter.Deliver;
  out.protocol = protocol;
  const datagramEnd = o + effectiveTotal;
  out.truncated = datagramEnd > end;
  out.src = (((b[o + 12] as number) << 24) >>> 0) + (((b[o + 13] as number) << 16) | ((b[o + 14] as number) << 8) | (b[o + 15] as number));
  out.dst = (((b[o + 16] as number) << 24) >>> 0) + (((b[o + 17] as number) << 16) | ((b[o + 18] as number) << 8) | (b[o + 19] as number));
  const u = o + hl;
  const payloadEnd = out.truncated ? end : datagramEnd;
  out.hasPorts = payloadEnd - u >= 4;
  if (out.hasPorts) {
    out.sport = ((b[u] as number) << 8) | (b[u + 1] as number);
    out.dport = ((b[u + 2] as number) << 8) | (b[u + 3] as number);
  }
  return Prefilter.Ipv4;
}
