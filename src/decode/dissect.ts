/**
 * The dissector: one captured frame in, at most one PacketEvent out.
 *
 * Link layer -> IPv4 (with fragment reassembly) -> UDP -> DHCP (ports 67/68/4011) or TFTP
 * (port 69 and the conversations it opens), and ICMP destination-unreachable.
 *
 * Hot path rule: a frame that is not DHCP/TFTP/ICMP-unreachable (or an IPv4 fragment) is decided
 * on the reused frame buffer with reused header structs, and costs no allocation. Strings,
 * metadata and decoded messages are built only for frames that become events.
 *
 * Events that arise on the side (an overlapping fragment, a datagram given up after the fragment
 * timeout) are queued: read them with drain() after each dissect() (live use), or they come out of
 * flush() at the end of the capture. Nothing is lost if only dissect()+flush() are used.
 */
import type { Frame } from '../capture/frame.js';
import { formatMac } from './bytes.js';
import { decodeDhcp } from './dhcp/codec.js';
import type { PacketEvent, PacketMeta } from './events.js';
import { FragmentReassembler, type FragmentOptions, type FragmentProblem } from './fragments.js';
import { parseIcmpUnreachable } from './icmp.js';
import { IpProto, ipv4String, newIpv4Header, parseIpv4, type Ipv4Header } from './ipv4.js';
import { NetKind, newLinkInfo, parseLink, type LinkInfo } from './link.js';
import { decodeTftp } from './tftp/codec.js';
import { TftpConversations, type ConversationOptions } from './tftp-conversations.js';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
/** PXE boot server / proxyDHCP port (PXE 2.1 spec, section 2.2.5). */
export const PXE_BOOT_SERVER_PORT = 4011;
export const TFTP_PORT = 69;

/** Prefix of a malformed event's reason when a codec threw (they promise not to: a bug to report). */
export const DECODER_THREW = 'decoder threw: ';

export function isDhcpPort(p: number): boolean {
  return p === DHCP_SERVER_PORT || p === DHCP_CLIENT_PORT || p === PXE_BOOT_SERVER_PORT;
}

export interface DissectorOptions {
  fragments?: FragmentOptions;
  tftp?: ConversationOptions;
  /** Called once per distinct problem worth telling the user (e.g. an unknown link type). */
  onWarning?(message: string): void;
}

export interface DissectorStats {
  frames: number;
  ipv4: number;
  ipv6: number;
  /** Frames with a link layer we know but a payload that is neither IPv4 nor IPv6 (ARP, LLC...). */
  otherNetwork: number;
  /** Link type -> frames, for link types this dissector does not know. */
  unknownLinkTypes: Record<number, number>;
  /** Frames too short for their link header. */
  truncatedLink: number;
  /** IPv4 headers that could not be parsed (bad version/IHL/length, cut short). */
  badIpv4: number;
  /** IPv4 datagrams the capture cut short of their total length. */
  truncatedIpv4: number;
  udp: number;
  icmp: number;
  icmpUnreachable: number;
  dhcp: number;
  tftp: number;
  malformed: number;
  fragments: number;
  reassembled: number;
  fragmentProblems: number;
  tftpConversations: number;
}

export class Dissector {
  private readonly link: LinkInfo = newLinkInfo();
  private readonly ip: Ipv4Header = newIpv4Header();
  private readonly frags: FragmentReassembler;
  private readonly convs: TftpConversations;
  private readonly queue: PacketEvent[] = [];
  private readonly onWarning: (m: string) => void;
  private readonly counts = {
    frames: 0,
    ipv4: 0,
    ipv6: 0,
    otherNetwork: 0,
    truncatedLink: 0,
    badIpv4: 0,
    truncatedIpv4: 0,
    udp: 0,
    icmp: 0,
    icmpUnreachable: 0,
    dhcp: 0,
    tftp: 0,
    malformed: 0,
    fragmentProblems: 0,
  };
  private readonly unknownLinkTypes: Record<number, number> = {};

  constructor(opts: DissectorOptions = {}) {
    this.onWarning = opts.onWarning ?? (() => {});
    this.frags = new FragmentReassembler((p) => this.fragmentProblem(p), opts.fragments);
    this.convs = new TftpConversations(opts.tftp);
  }

  get stats(): DissectorStats {
    return {
      ...this.counts,
      unknownLinkTypes: { ...this.unknownLinkTypes },
      fragments: this.frags.stats.fragments,
      reassembled: this.frags.stats.reassembled,
      tftpConversations: this.convs.opened,
    };
  }

  dissect(frame: Frame): PacketEvent | null {
    this.counts.frames++;
    const data = frame.data;
    const link = parseLink(frame.linkType, data, this.link);
    if (link.kind !== NetKind.Ipv4) {
      this.countNonIpv4(link.kind, frame.linkType);
      return null;
    }
    const ip = this.ip;
    if (parseIpv4(data, link.netOffset, ip) !== 'ok') {
      this.counts.badIpv4++;
      return null;
    }
    this.counts.ipv4++;
    if (ip.truncated) this.counts.truncatedIpv4++;
    if (this.frags.pendingCount > 0) this.frags.expire(frame.ts);
    const fragmented = ip.moreFragments || ip.fragmentOffset > 0;

    if (ip.protocol === IpProto.Udp) {
      if (!fragmented) return this.udp(frame, data, ip.payloadOffset, ip.payloadEnd, ip.src, ip.dst, ip.totalLength, ip.ttl, undefined);
      if (ip.truncated) {
        // The snap length cut this fragment: its datagram can never be completed. Like Wireshark,
        // decode what a first fragment holds (the headers are there); later pieces are dropped.
        if (ip.fragmentOffset !== 0) return null;
        return this.udp(frame, data, ip.payloadOffset, ip.payloadEnd, ip.src, ip.dst, ip.totalLength, ip.ttl, undefined);
      }
      const done = this.frags.add(ip, data, frame.index, frame.ts, frame.interfaceId);
      if (!done) return null;
      const d = done.datagram;
      return this.udp(frame, done.payload, 0, done.payload.length, d.src, d.dst, d.total + ip.headerLength, d.ttl, d.frames.slice());
    }
    if (ip.protocol === IpProto.Icmp && ip.fragmentOffset === 0) {
      this.counts.icmp++;
      const u = parseIcmpUnreachable(data, ip.payloadOffset, ip.payloadEnd);
      if (!u) return null;
      this.counts.icmpUnreachable++;
      return {
        kind: 'icmp-unreachable',
        meta: this.meta(frame, ip.src, 0, ip.dst, 0, ip.totalLength, ip.ttl, undefined),
        icmp: {
          type: u.type,
          code: u.code,
          quoted: { src: ipv4String(u.quotedSrc), sport: u.quotedSport, dst: ipv4String(u.quotedDst), dport: u.quotedDport, protocol: u.quotedProtocol },
        },
      };
    }
    return null;
  }

  /** Side events (fragment overlaps, fragment timeouts) produced so far; the queue is emptied. */
  drain(): PacketEvent[] {
    return this.queue.length === 0 ? EMPTY : this.queue.splice(0, this.queue.length);
  }

  /** End of capture: datagrams still missing fragments are reported, with any queued events. */
  flush(): PacketEvent[] {
    this.frags.flush();
    return this.queue.splice(0, this.queue.length);
  }

  private countNonIpv4(kind: number, linkType: number): void {
    switch (kind) {
      case NetKind.Ipv6:
        this.counts.ipv6++;
        return;
      case NetKind.Truncated:
        this.counts.truncatedLink++;
        return;
      case NetKind.UnknownLink: {
        const n = this.unknownLinkTypes[linkType] ?? 0;
        this.unknownLinkTypes[linkType] = n + 1;
        if (n === 0) this.onWarning(`link type ${linkType} is not supported: its frames are counted but not decoded`);
        return;
      }
      default:
        this.counts.otherNetwork++;
    }
  }

  private udp(
    frame: Frame,
    buf: Uint8Array,
    off: number,
    end: number,
    src: number,
    dst: number,
    ipLength: number,
    ttl: number,
    fragmentFrames: number[] | undefined,
  ): PacketEvent | null {
    if (end - off < 4) return null;
    const sport = ((buf[off] as number) << 8) | (buf[off + 1] as number);
    const dport = ((buf[off + 2] as number) << 8) | (buf[off + 3] as number);
    this.counts.udp++;
    const dhcp = isDhcpPort(sport) || isDhcpPort(dport);
    // Ports first, on the reused buffer: everything below allocates, so bail out early.
    let tftp = false;
    if (!dhcp) {
      tftp = sport === TFTP_PORT || dport === TFTP_PORT || this.convs.match(src, sport, dst, dport, frame.ts);
      if (!tftp) return null;
    }
    const meta = this.meta(frame, src, sport, dst, dport, ipLength, ttl, fragmentFrames);
    if (end - off < 8) return this.malformed(meta, 'udp', `UDP header cut short (${end - off} of 8 bytes)`);
    const ulen = ((buf[off + 4] as number) << 8) | (buf[off + 5] as number);
    if (ulen < 8) return this.malformed(meta, 'udp', `UDP length ${ulen} is below the 8-byte header`);
    // A UDP length beyond the captured bytes is the snap length at work: decode what is there.
    const payload = buf.subarray(off + 8, Math.min(end, off + ulen));
    try {
      if (dhcp) {
        this.counts.dhcp++;
        return { kind: 'dhcp', meta, dhcp: decodeDhcp(payload) };
      }
      const t = decodeTftp(payload);
      if (!t) return this.malformed(meta, 'tftp', `not a TFTP packet (opcode ${payload.length >= 2 ? ((payload[0] as number) << 8) | (payload[1] as number) : 'missing'})`);
      if ((t.opcode === 1 || t.opcode === 2) && dport === TFTP_PORT) this.convs.open(src, sport, dst, frame.ts);
      this.counts.tftp++;
      return { kind: 'tftp', meta, tftp: t };
    } catch (e) {
      // The codecs promise not to throw; if one does, it costs this frame, not the run.
      return this.malformed(meta, dhcp ? 'dhcp' : 'tftp', `${DECODER_THREW}${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private malformed(meta: PacketMeta, layer: string, reason: string): PacketEvent {
    this.counts.malformed++;
    return { kind: 'malformed', meta, layer, reason };
  }

  private meta(
    frame: Frame,
    src: number,
    sport: number,
    dst: number,
    dport: number,
    ipLength: number,
    ttl: number,
    fragmentFrames: number[] | undefined,
  ): PacketMeta {
    const link = this.link;
    const m: PacketMeta = {
      frame: frame.index,
      ts: frame.ts,
      src: ipv4String(src),
      sport,
      dst: ipv4String(dst),
      dport,
      interfaceId: frame.interfaceId,
      ipLength,
      ttl,
    };
    const b = frame.data;
    if (link.srcMacOffset >= 0 && link.srcMacOffset + 6 <= b.length) m.srcMac = formatMac(b, link.srcMacOffset);
    if (link.dstMacOffset >= 0 && link.dstMacOffset + 6 <= b.length) m.dstMac = formatMac(b, link.dstMacOffset);
    if (link.vlanCount > 0) m.vlans = Array.from(link.vlans.subarray(0, link.vlanCount));
    if (fragmentFrames) m.fragmentFrames = fragmentFrames;
    return m;
  }

  private fragmentProblem(p: FragmentProblem): void {
    const d = p.datagram;
    this.counts.fragmentProblems++;
    const frames = d.frames.slice();
    this.queue.push({
      kind: 'fragment-problem',
      meta: {
        frame: frames[frames.length - 1] ?? 0,
        ts: d.lastTs,
        src: ipv4String(d.src),
        sport: Math.max(0, d.sport),
        dst: ipv4String(d.dst),
        dport: Math.max(0, d.dport),
        interfaceId: d.interfaceId,
        ipLength: 20 + d.received,
        ttl: d.ttl,
        fragmentFrames: frames,
      },
      problem: p.problem,
      ipId: d.id,
      received: d.received,
      ...(d.total >= 0 ? { expected: d.total } : {}),
      frames,
    });
  }
}

const EMPTY: PacketEvent[] = [];
