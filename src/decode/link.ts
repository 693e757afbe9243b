/**
 * Link-layer framing: finds where the IP header starts in a captured frame.
 *
 * Hot path: called for every frame of a capture, so it writes into a caller-owned, reused
 * `LinkInfo` and allocates nothing. MAC addresses are kept as offsets and formatted only when an
 * event is actually emitted.
 */

/** pcap LINKTYPE_* values this module understands (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  Null: 0, // BSD loopback: 4-byte AF_ value in the capturing host's byte order
  Ethernet: 1,
  RawOpenBsd: 12, // DLT_RAW on OpenBSD / some captures; raw IP
  RawBsdi: 14, // DLT_RAW on BSD/OS; raw IP
  Raw: 101, // LINKTYPE_RAW
  Loop: 108, // OpenBSD loopback: AF_ value in network byte order
  LinuxSll: 113,
  Ipv4: 228,
  Ipv6: 229,
  LinuxSll2: 276,
} as const;

export const NetKind = { Other: 0, Ipv4: 1, Ipv6: 2, UnknownLink: 3, Truncated: 4 } as const;
export type NetKindValue = (typeof NetKind)[keyof typeof NetKind];

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
/** 802.1Q, 802.1ad (QinQ service tag) and the pre-standard 0x9100 QinQ tag. */
const VLAN_TPIDS = new Set([0x8100, 0x88a8, 0x9100]);
/** More tags than this is garbage, not a network (keeps a corrupt frame from looping long). */
export const MAX_VLAN_TAGS = 8;

export interface LinkInfo {
  kind: NetKindValue;
  /** Offset of the network header in the frame. */
  netOffset: number;
  /** Offsets of the source/destination MAC (-1 when the link layer carries none). */
  srcMacOffset: number;
  dstMacOffset: number;
  /** Number of VLAN ids written to `vlans` (outermost first). */
  vlanCount: number;
  vlans: Uint16Array;
}

export function newLinkInfo(): LinkInfo {
  return { kind: NetKind.Other, netOffset: 0, srcMacOffset: -1, dstMacOffset: -1, vlanCount: 0, vlans: new Uint16Array(MAX_VLAN_TAGS) };
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

/**
 * Walks an ethertype and any VLAN tags after it. `type` was read from the link header and
 * `payloadOffset` is where that header ends. A tag is TCI(2) + inner type(2) at the payload start
 * (Ethernet, and libpcap's re-inserted tags in SLL/SLL2).
 */
function fromEthertype(b: Uint8Array, type: number, payloadOffset: number, out: LinkInfo): LinkInfo {
  let t = type;
  let o = payloadOffset;
  while (VLAN_TPIDS.has(t)) {
    if (o + 4 > b.length || out.vlanCount >= MAX_VLAN_TAGS) {
      out.kind = NetKind.Truncated;
      return out;
    }
    out.vlans[out.vlanCount++] = u16(b, o) & 0x0fff;
    t = u16(b, o + 2);
    o += 4;
  }
  out.netOffset = o;
  out.kind = t === ETH_IPV4 ? NetKind.Ipv4 : t === ETH_IPV6 ? NetKind.Ipv6 : NetKind.Other;
  return out;
}

/** Raw IP: the version nibble says which. */
function fromRawIp(b: Uint8Array, off: number, out: LinkInfo): LinkInfo {
  out.netOffset = off;
  if (b.length <= off) {
    out.kind = NetKind.Truncated;
    return out;
  }
  const v = (b[off] as number) >> 4;
  out.kind = v === 4 ? NetKind.Ipv4 : v === 6 ? NetKind.Ipv6 : NetKind.Other;
  return out;
}

/** BSD AF_INET6 differs per OS (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS); AF_INET is 2 everywhere. */
function afKind(af: number): NetKindValue {
  if (af === 2) return NetKind.Ipv4;
  if (af === 24 || af === 28 || af === 30 || af === 10) return NetKind.Ipv6;
  return NetKind.Other;
}

/** Fills `out` for one frame. Unknown link types give kind UnknownLink (counted by the caller). */
export function parseLink(linkType: number, b: Uint8Array, out: LinkInfo): LinkInfo {
  out.kind = NetKind.Other;
  out.netOffset = 0;
  out.srcMacOffset = -1;
  out.dstMacOffset = -1;
  out.vlanCount = 0;
  switch (linkType) {
    case LinkType.Ethernet:
      if (b.length < 14) {
        out.kind = NetKind.Truncated;
        return out;
      }
      out.dstMacOffset = 0;
      out.srcMacOffset = 6;
      // An ethertype below 0x0600 is an 802.3 length (LLC frames): not IP for our purposes.
      if (u16(b, 12) < 0x0600) return out;
      return fromEthertype(b, u16(b, 12), 14, out);
    case LinkType.LinuxSll: {
      // packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2); the address is the sender's.
      if (b.length < 16) {
        out.kind = NetKind.Truncated;
        return out;
      }
      if (u16(b, 4) === 6 && u16(b, 2) === 1) out.srcMacOffset = 6;
      return fromEthertype(b, u16(b, 14), 16, out);
    }
    case LinkType.LinuxSll2: {
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8).
      if (b.length < 20) {
        out.kind = NetKind.Truncated;
        return out;
      }
      if (b[11] === 6 && u16(b, 8) === 1) out.srcMacOffset = 12;
      return fromEthertype(b, u16(b, 0), 20, out);
    }
    case LinkType.Raw:
    case LinkType.RawOpenBsd:
    case LinkType.RawBsdi:
      return fromRawIp(b, 0, out);
    case LinkType.Ipv4:
      out.netOffset = 0;
      out.kind = b.length > 0 ? NetKind.Ipv4 : NetKind.Truncated;
      return out;
    case LinkType.Ipv6:
      out.netOffset = 0;
      out.kind = b.length > 0 ? NetKind.Ipv6 : NetKind.Truncated;
      return out;
    case LinkType.Null:
    case LinkType.Loop: {
      if (b.length < 4) {
        out.kind = NetKind.Truncated;
        return out;
      }
      out.netOffset = 4;
      if (linkType === LinkType.Loop) {
        out.kind = afKind(((b[0] as number) << 24) | ((b[1] as number) << 16) | u16(b, 2));
        return out;
      }
      // DLT_NULL stores the AF in the writer's host byte order: accept either order (both small).
      const le = (b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24);
      const be = ((b[0] as number) << 24) | ((b[1] as number) << 16) | u16(b, 2);
      out.kind = le >= 0 && le < 256 ? afKind(le) : afKind(be);
      return out;
    }
    default:
      out.kind = NetKind.UnknownLink;
      return out;
  }
}
