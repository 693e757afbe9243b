/**
 * Which frames of a capture belong to one client's boot (docs/extract.md, "What is kept"): frames
 * to or from its MAC, DHCP/BOOTP messages about it (chaddr, also relayed copies and the servers'
 * replies on the far side of a relay), and, by address, the UDP, ICMP, ARP and HTTP-boot TCP traffic
 * of the IPv4/IPv6 addresses it was given or used, for as long as they are its own (an address a
 * server then gives to another MAC is no longer followed), and the spanning-tree BPDUs on its port.
 * Frames outside the client's frame window (its first to last frame in the analysis) are not kept,
 * except its own ARP requests after it (a next-server that never answers).
 *
 * Streaming: one decision per frame, state = the client's addresses; nothing per frame is kept.
 */
import type { Frame } from '../capture/frame.js';
import { NetKind, newLinkInfo, parseLink } from '../decode/link.js';
import { IpProto, newIpv4Header, parseIpv4, parseIpv4String, readU32 } from '../decode/ipv4.js';
import { newIpv6Header, parseIpv6, parseIpv6String } from '../decode/ipv6.js';

const ETH_ARP = 0x0806;
const ICMPV6 = 58;
const BOOTP_PORTS = new Set([67, 68, 4011]);
/** TCP ports of HTTP boot (UEFI HTTP boot, iPXE): 80, 443, 8080 and those of the client's boot URLs. */
const HTTP_PORTS = [80, 443, 8080];

export interface ClientSelectorOptions {
  /** The client's MAC, lowercase with colons (or "ip:ADDRESS" for a client known only by its address). */
  mac: string;
  /** Merged frame numbers of the client's first and last frame: nothing outside is kept. */
  firstFrame?: number;
  lastFrame?: number;
  /** More TCP ports to keep (from HTTP boot URLs). */
  httpPorts?: number[];
}

function macBytes(mac: string): Uint8Array {
  return Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

export class ClientFrameSelector {
  private readonly mac: Uint8Array;
  private readonly first: number;
  private readonly last: number;
  private readonly httpPorts: Set<number>;
  /** IPv4 addresses (as numbers) and IPv6 addresses (hex strings) that are the client's. */
  readonly v4 = new Set<number>();
  readonly v6 = new Set<string>();
  private readonly link = newLinkInfo();
  private readonly ip4 = newIpv4Header();
  private readonly ip6 = newIpv6Header();
  kept = 0;

  constructor(opts: ClientSelectorOptions) {
    // A client seen only by its address (TFTP without its DHCP in the capture) is named "ip:ADDRESS".
    const byAddress = opts.mac.startsWith('ip:') ? opts.mac.slice(3) : undefined;
    this.mac = byAddress !== undefined ? Uint8Array.of(1, 0, 0, 0, 0, 0) : macBytes(opts.mac);
    this.first = opts.firstFrame ?? 1;
    this.last = opts.lastFrame ?? Infinity;
    this.httpPorts = new Set([...HTTP_PORTS, ...(opts.httpPorts ?? [])]);
    if (byAddress !== undefined) {
      const v4 = parseIpv4String(byAddress);
      if (v4 !== undefined) this.v4.add(v4);
      const v6 = parseIpv6String(byAddress);
      if (v6 !== undefined) this.v6.add(hex(v6, 0));
    }
  }

  private macAt(b: Uint8Array, off: number): boolean {
    if (off < 0 || off + 6 > b.length) return false;
    for (let i = 0; i < 6; i++) if (b[off + i] !== this.mac[i]) return false;
    return true;
  }

  /** Does this frame belong to the client's boot? (Call for every frame, in capture order.) */
  accept(f: Frame): boolean {
    if (f.index < this.first) return false;
    // The client's ARP requests (for a next-server that never answers) go on after its last
    // DHCP/TFTP frame: they are its boot's end, so they are kept past it.
    if (f.index > this.last) return this.clientArp(f.data, f.linkType) && ++this.kept > 0;
    const ok = this.decide(f.data, f.linkType);
    if (ok) this.kept++;
    return ok;
  }

  private decide(b: Uint8Array, linkType: number): boolean {
    const link = parseLink(linkType, b, this.link);
    const byMac = this.macAt(b, link.srcMacOffset) || this.macAt(b, link.dstMacOffset);
    const fromClient = this.macAt(b, link.srcMacOffset);
    if (link.kind === NetKind.Ipv4) return this.ipv4(b, link.netOffset, byMac, fromClient);
    if (link.kind === NetKind.Ipv6) return this.ipv6(b, link.netOffset, byMac, fromClient);
    if (link.kind === NetKind.Other && link.dstMacOffset === 0 && b.length >= 14) {
      // ARP (Ethernet, possibly VLAN-tagged: netOffset is past the tags).
      const type = u16(b, link.netOffset - 2);
      if (type === ETH_ARP) return byMac || this.arpAboutClient(b, link.netOffset);
    }
    // Spanning-tree BPDUs on the client's port (01:80:c2:00:00:00): its link's state during the boot.
    return isBpduDestination(b, link.dstMacOffset);
  }

  private clientArp(b: Uint8Array, linkType: number): boolean {
    const link = parseLink(linkType, b, this.link);
    if (link.kind !== NetKind.Other || link.dstMacOffset !== 0 || b.length < 14 || !this.macAt(b, link.srcMacOffset)) return false;
    return u16(b, link.netOffset - 2) === ETH_ARP;
  }

  private arpAboutClient(b: Uint8Array, o: number): boolean {
    // htype 1, ptype IPv4, hlen 6, plen 4: sender MAC(8) IP(14) target MAC(18) IP(24).
    if (o + 28 > b.length || u16(b, o) !== 1 || u16(b, o + 2) !== 0x0800) return false;
    return this.macAt(b, o + 8) || this.macAt(b, o + 18) || this.v4.has(readU32(b, o + 14)) || this.v4.has(readU32(b, o + 24));
  }

  private ipv4(b: Uint8Array, off: number, byMac: boolean, fromClient: boolean): boolean {
    const h = this.ip4;
    if (parseIpv4(b, off, h) !== 'ok') return byMac;
    if (fromClient && h.src !== 0) this.v4.add(h.src);
    const byIp = this.v4.has(h.src) || this.v4.has(h.dst);
    if (h.fragmentOffset > 0) return (byMac || byIp) && h.protocol === IpProto.Udp;
    const p = h.payloadOffset;
    if (h.protocol === IpProto.Udp && p + 8 <= h.payloadEnd) {
      const sport = u16(b, p);
      const dport = u16(b, p + 2);
      if (BOOTP_PORTS.has(sport) || BOOTP_PORTS.has(dport)) {
        const about = this.bootp(b, p + 8, h.payloadEnd);
        if (about !== undefined) return about;
      }
      return byMac || byIp;
    }
    if (h.protocol === IpProto.Icmp) {
      if (byMac || byIp) return true;
      // An ICMP error quoting one of the client's datagrams (IP header at +8 of the ICMP message).
      return p + 8 + 20 <= h.payloadEnd && (this.v4.has(readU32(b, p + 8 + 12)) || this.v4.has(readU32(b, p + 8 + 16)));
    }
    if (h.protocol === IpProto.Tcp && p + 4 <= h.payloadEnd) return (byMac || byIp) && (this.httpPorts.has(u16(b, p)) || this.httpPorts.has(u16(b, p + 2)));
    return false;
  }

  /**
   * A BOOTP/DHCP message: about this client when its chaddr is the client's. A reply to another
   * chaddr that hands out one of "our" addresses takes it away from the client. undefined: not
   * BOOTP (too short), decide by address.
   */
  private bootp(b: Uint8Array, o: number, end: number): boolean | undefined {
    if (o + 236 > end) return undefined;
    const op = b[o] as number;
    const ours = b[o + 1] === 1 && b[o + 2] === 6 && this.macAt(b, o + 28);
    const yiaddr = readU32(b, o + 16);
    if (op === 2 && yiaddr !== 0) {
      if (ours) this.v4.add(yiaddr);
      else this.v4.delete(yiaddr);
    }
    if (ours) {
      const ciaddr = readU32(b, o + 12);
      if (op === 1 && ciaddr !== 0) this.v4.add(ciaddr);
    }
    return ours;
  }

  private ipv6(b: Uint8Array, off: number, byMac: boolean, fromClient: boolean): boolean {
    const h = this.ip6;
    if (parseIpv6(b, off, h) !== 'ok') return byMac;
    const src = hex(b, h.srcOffset);
    const dst = hex(b, h.dstOffset);
    if (fromClient && !src.startsWith('00000000000000000000000000000000')) this.v6.add(src);
    const byIp = this.v6.has(src) || this.v6.has(dst);
    if (!(byMac || byIp)) return false;
    if (h.fragment && h.fragmentOffset > 0) return true;
    if (h.protocol === IpProto.Udp || h.protocol === ICMPV6) return true;
    if (h.protocol === IpProto.Tcp && h.payloadOffset + 4 <= h.payloadEnd) {
      return this.httpPorts.has(u16(b, h.payloadOffset)) || this.httpPorts.has(u16(b, h.payloadOffset + 2));
    }
    return false;
  }
}

function hex(b: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += ((b[off + i] as number) ?? 0).toString(16).padStart(2, '0');
  return s;
}

const BPDU_GROUP = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x00];
function isBpduDestination(b: Uint8Array, off: number): boolean {
  if (off < 0 || off + 6 > b.length) return false;
  for (let i = 0; i < 6; i++) if (b[off + i] !== BPDU_GROUP[i]) return false;
  return true;
}
