/**
 * The dissector: one captured frame in, at most one PacketEvent out.
 *
 * Link layer -> IPv4 (with fragment reassembly) -> UDP -> DHCP (ports 67/68/4011) or TFTP
 * (port 69 and the conversations it opens) or DNS (port 53, once a boot URL names a host by name),
 * and ICMP destination-unreachable.
 *
 * Hot path rule: a frame that is not DHCP/TFTP/ICMP-unreachable (or an IPv4 fragment) is decided
 * on the reused frame buffer with reused header structs, and costs no allocation. Strings,
 * metadata and decoded messages are built only for frames that become events.
 *
 * Events that arise on the side (an overlapping fragment, a datagram given up after the fragment
 * timeout) are queued: read them with drain() after each dissect() (live use), or they come out of
 * flush() at the end of the capture. Nothing is lost if only dissect()+flush() are used.
 */
import type { Clock, Frame } from '../capture/frame.js';
import { formatMac } from './bytes.js';
import { decodeDhcp } from './dhcp/codec.js';
import type { PacketEvent, PacketMeta } from './events.js';
import { FragmentReassembler, type FragmentOptions, type FragmentProblem } from './fragments.js';
import { parseIcmpUnreachable } from './icmp.js';
import { IpProto, ipv4String, newIpv4Header, parseIpv4, type Ipv4Header } from './ipv4.js';
import { LinkType, NetKind, newLinkInfo, parseLink, type LinkInfo } from './link.js';
import { newPrefilterTuple, Prefilter, prefilterEthernet } from './prefilter.js';
import { decodeTftp } from './tftp/codec.js';
import { decodeArp } from './arp.js';
import { decodeBpdu, layer2Decodable, layer2Payload } from './stp.js';
import { DNS_PORT, decodeDns } from './dns.js';
import { TlsRecord, clientHelloServerName, tlsRecordType } from './tls.js';
import { decodeDhcp6, innerMessage } from './dhcp6/codec.js';
import { DHCP6_CLIENT_PORT, DHCP6_SERVER_PORT, Dhcp6MessageType } from './dhcp6/types.js';
import { HttpBootEndpoints, parseHttpHead, parseTcpHeader } from './http.js';
import { Ipv6Next, ipv6String, newIpv6Header, parseIpv6, type Ipv6Header } from './ipv6.js';
import type { DhcpMessage } from './dhcp/types.js';
import { TftpConversations, type ConversationOptions, type ConversationQuery } from './tftp-conversations.js';
import { BootpOp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, PXE_BOOT_SERVER_PORT } from './dhcp/constants.js';
import { TFTP_PORT, TftpOpcode } from './tftp/constants.js';

export { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, PXE_BOOT_SERVER_PORT, TFTP_PORT };

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
  /** IPv6 headers (or extension-header chains) that could not be parsed. */
  badIpv6: number;
  /** DHCPv6 messages (UDP 546/547). */
  dhcp6: number;
  /** ICMPv6 messages, and router solicitations (133) / advertisements (134) among them. */
  icmp6: number;
  routerSolicitations: number;
  routerAdvertisements: number;
  /** TCP segments of HTTP boot flows (to/from a server named by an http:// boot URL). */
  httpSegments: number;
  /** Server endpoints of http:// boot URLs seen in DHCP/DHCPv6 replies. */
  httpBootEndpoints: number;
  /** ARP messages and spanning-tree BPDUs decoded (counted in otherNetwork too). */
  arp: number;
  bpdus: number;
}

/** A TFTP DATA (opcode 3) or ACK (4) read in place from the capture buffer (Dissector.peekTftpBlock). */
export interface TftpBlock {
  src: number;
  sport: number;
  dst: number;
  dport: number;
  opcode: number;
  block: number;
  /** DATA: payload bytes (0 for an ACK). */
  length: number;
  payloadOffset: number;
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
    badIpv6: 0,
    dhcp6: 0,
    icmp6: 0,
    routerSolicitations: 0,
    routerAdvertisements: 0,
    httpSegments: 0,
    arp: 0,
    bpdus: 0,
  };
  private readonly ip6: Ipv6Header = newIpv6Header();
  /** Servers of http:// boot URLs: TCP is decoded only for flows to/from these (UEFI HTTP boot). */
  private readonly httpBoot = new HttpBootEndpoints();
  private readonly unknownLinkTypes: Record<number, number> = {};
  private readonly tuple = newPrefilterTuple();
  /** select() accepted the last record as a whole IPv4 datagram of a known TFTP conversation. */
  private selectedConversation = false;
  /** What peekTftpBlock() found (reused): addresses as 32-bit numbers, the payload's offset in the record's buffer. */
  readonly tftpBlock: TftpBlock = { src: 0, sport: 0, dst: 0, dport: 0, opcode: 0, block: 0, length: 0, payloadOffset: 0 };
  /** An IPv6 datagram's hashed ends for the conversation table (reused by select()). */
  private readonly query6: ConversationQuery = { src: 0, sport: 0, dst: 0, dport: 0 };
  /**
   * Formatted addresses, by value: a PXE boot repeats the same two endpoints in every TFTP block,
   * so the strings of an event's meta are made once, not per packet. Cleared when full (bounded).
   */
  private readonly ipStrings = new Map<number, string>();
  private readonly macStrings = new Map<number, string>();

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
      httpBootEndpoints: this.httpBoot.size,
    };
  }

  dissect(frame: Frame): PacketEvent | null {
    this.counts.frames++;
    const data = frame.data;
    const link = parseLink(frame.linkType, data, this.link);
    if (link.kind !== NetKind.Ipv4) {
      this.countNonIpv4(link.kind, frame.linkType);
      if (link.kind === NetKind.Other) return this.layer2(frame, data);
      return link.kind === NetKind.Ipv6 ? this.ipv6(frame, data, link.netOffset) : null;
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
    // UEFI HTTP boot: TCP only once a boot URL named a server, and only for that server's flows.
    if (ip.protocol === IpProto.Tcp && this.httpBoot.size > 0 && ip.fragmentOffset === 0) return this.tcp4(frame, data, ip);
    return null;
  }

  /**
   * FrameSink.select for a capture reader: decides from the record's bytes in the reader's buffer
   * whether dissect() could make anything of it. Ethernet frames that are IPv6, not IP, or
   * unfragmented IPv4 other than ICMP and UDP on a DHCP/TFTP port or a known TFTP conversation are
   * rejected here, counted in `stats` exactly as dissect() counts them, with no Frame built and
   * nothing allocated. Everything else (other link types, odd headers, fragments) returns true.
   */
  select(data: Uint8Array, start: number, end: number, linkType: number, clock: Clock): boolean {
    this.selectedConversation = false;
    // With fragments pending, every IPv4 frame's time may expire them: let dissect() see it all.
    if (linkType !== LinkType.Ethernet || this.frags.pendingCount > 0) return true;
    const t = this.tuple;
    const c = this.counts;
    const kind = prefilterEthernet(data, start, end, t);
    if (kind === Prefilter.OtherNetwork) {
      // ARP and spanning-tree BPDUs (issue 22) are few and dissected; other non-IP traffic is not.
      const l2 = layer2Payload(linkType, data, start, end);
      if (l2 !== undefined && layer2Decodable(l2.kind, data, l2.offset, end)) return true;
      c.frames++;
      c.otherNetwork++;
      return false;
    }
    if (kind === Prefilter.Ipv6) return this.selectIpv6(data, t.netOffset, end, clock);
    if (kind !== Prefilter.Ipv4) return true;
    let udp = false;
    if (t.protocol === IpProto.Udp && t.hasPorts) {
      // The same test as udp(); a conversation match binds the server port once, so dissect()
      // matching again agrees.
      if (isDhcpPort(t.sport) || isDhcpPort(t.dport) || t.sport === TFTP_PORT || t.dport === TFTP_PORT) return true;
      // DNS only once a DHCP reply handed out a URL naming its host by name (a loader will resolve it).
      if ((t.sport === DNS_PORT || t.dport === DNS_PORT) && this.httpBoot.namedHosts) return true;
      if (this.convs.matchQuery(t, clock)) {
        this.selectedConversation = !t.truncated;
        return true;
      }
      udp = true;
    } else if (t.protocol === IpProto.Tcp && this.httpBoot.size > 0) return true;
    c.frames++;
    c.ipv4++;
    if (t.truncated) c.truncatedIpv4++;
    if (udp) c.udp++;
    return false;
  }

  /**
   * Right after select() accepted a record: when it is a whole, unfragmented Ethernet/IPv4 UDP
   * datagram of a known TFTP conversation (not port 69) carrying a DATA or an ACK with nothing
   * odd about it, fills `tftpBlock` and returns true. These are nearly all of a PXE capture's
   * packets (every block of every file); a consumer that can account for one from these numbers
   * calls takeTftpBlock() and skips dissect() for it: no Frame, event or string is made. Anything
   * else (requests, OACK, ERROR, a DATA cut short, an ACK with trailing bytes) returns false.
   */
  peekTftpBlock(data: Uint8Array, end: number): boolean {
    if (!this.selectedConversation) return false;
    const t = this.tuple;
    const o = t.netOffset;
    const u = o + ((data[o] as number) & 0x0f) * 4;
    const total = ((data[o + 2] as number) << 8) | (data[o + 3] as number);
    const datagramEnd = total === 0 ? end : o + total;
    if (u + 12 > datagramEnd) return false;
    const ulen = ((data[u + 4] as number) << 8) | (data[u + 5] as number);
    // The UDP length must agree with the IP length; anything else is for the full decoder.
    if (ulen < 12 || u + ulen !== datagramEnd) return false;
    const opcode = ((data[u + 8] as number) << 8) | (data[u + 9] as number);
    if (opcode !== TftpOpcode.Data && !(opcode === TftpOpcode.Ack && ulen === 12)) return false;
    const b = this.tftpBlock;
    b.src = t.src;
    b.sport = t.sport;
    b.dst = t.dst;
    b.dport = t.dport;
    b.opcode = opcode;
    b.block = ((data[u + 10] as number) << 8) | (data[u + 11] as number);
    b.payloadOffset = u + 12;
    b.length = ulen - 12;
    return true;
  }

  /** The block peekTftpBlock() described was consumed without dissect(): count it as dissect() would. */
  takeTftpBlock(): void {
    const c = this.counts;
    c.frames++;
    c.ipv4++;
    c.udp++;
    c.tftp++;
    this.selectedConversation = false;
  }

  /**
   * select() for IPv6 in its plain form: UDP or TCP right after the fixed header. Extension
   * headers, ICMPv6 (router discovery is counted), DHCPv6 and TFTP go to dissect().
   */
  private selectIpv6(b: Uint8Array, o: number, end: number, clock: Clock): boolean {
    if (o + 40 > end || (b[o] as number) >> 4 !== 6) return true;
    const next = b[o + 6] as number;
    if (next !== Ipv6Next.Udp && next !== Ipv6Next.Tcp) return true;
    const c = this.counts;
    if (next === Ipv6Next.Tcp) {
      if (this.httpBoot.size > 0) return true;
      c.frames++;
      c.ipv6++;
      return false;
    }
    const plen = ((b[o + 4] as number) << 8) | (b[o + 5] as number);
    const declaredEnd = plen === 0 ? end : o + 40 + plen;
    const p = o + 40;
    if ((declaredEnd > end ? end : declaredEnd) - p < 4) {
      c.frames++;
      c.ipv6++;
      return false;
    }
    const sport = ((b[p] as number) << 8) | (b[p + 1] as number);
    const dport = ((b[p + 2] as number) << 8) | (b[p + 3] as number);
    const dhcp6 = sport === DHCP6_SERVER_PORT || dport === DHCP6_SERVER_PORT || (sport === DHCP6_CLIENT_PORT && dport === DHCP6_CLIENT_PORT);
    if (dhcp6 || sport === TFTP_PORT || dport === TFTP_PORT) return true;
    const q = this.query6;
    q.src = hashIpv6(b, o + 8);
    q.sport = sport;
    q.dst = hashIpv6(b, o + 24);
    q.dport = dport;
    if (this.convs.matchQuery(q, clock)) return true;
    c.frames++;
    c.ipv6++;
    c.udp++;
    return false;
  }

  /**
   * Side events (fragment overlaps, fragment timeouts) produced so far; the queue is emptied.
   * Call after each dissect() to keep them in frame order. The returned array may be shared.
   */
  drain(): PacketEvent[] {
    return this.queue.length === 0 ? EMPTY : this.queue.splice(0, this.queue.length);
  }

  /** End of capture: datagrams still missing fragments are reported, with any queued events. */
  flush(): PacketEvent[] {
    this.frags.flush();
    return this.queue.splice(0, this.queue.length);
  }

  /** An ARP message or a spanning-tree BPDU (already counted as other network traffic). */
  private layer2(frame: Frame, data: Uint8Array): PacketEvent | null {
    const l2 = layer2Payload(frame.linkType, data);
    if (l2 === undefined || !layer2Decodable(l2.kind, data, l2.offset, data.length)) return null;
    // Decoded first: the strings below are made only for a message that becomes an event.
    const arp = l2.kind === 'arp' ? decodeArp(data, l2.offset) : undefined;
    const bpdu = l2.kind === 'stp' ? decodeBpdu(data, l2.offset) : undefined;
    if (!arp && !bpdu) return null;
    const link = this.link;
    const meta: PacketMeta = arp
      ? { frame: frame.index, ts: frame.ts, src: arp.senderIp, sport: 0, dst: arp.targetIp, dport: 0, interfaceId: frame.interfaceId, ipLength: 0, ttl: 0 }
      : { frame: frame.index, ts: frame.ts, src: '', sport: 0, dst: '', dport: 0, interfaceId: frame.interfaceId, ipLength: 0, ttl: 0 };
    if (link.srcMacOffset >= 0) meta.srcMac = formatMac(data, link.srcMacOffset);
    if (link.dstMacOffset >= 0) meta.dstMac = formatMac(data, link.dstMacOffset);
    if (link.vlanCount > 0) meta.vlans = Array.from(link.vlans.subarray(0, link.vlanCount));
    if (arp) {
      this.counts.arp++;
      return { kind: 'arp', meta, arp };
    }
    this.counts.bpdus++;
    return { kind: 'stp', meta, bpdu: bpdu! };
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
    const dns = !dhcp && (sport === DNS_PORT || dport === DNS_PORT) && this.httpBoot.namedHosts;
    // Ports first, on the reused buffer: everything below allocates, so bail out early.
    let tftp = false;
    if (!dhcp && !dns) {
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
        const msg = decodeDhcp(payload);
        if (msg.op === BootpOp.Reply) this.watchBootUrl4(msg);
        return { kind: 'dhcp', meta, dhcp: msg };
      }
      if (dns) return { kind: 'dns', meta, dns: decodeDns(payload) };
      const t = decodeTftp(payload);
      if (!t) return this.malformed(meta, 'tftp', `not a TFTP packet (opcode ${payload.length >= 2 ? ((payload[0] as number) << 8) | (payload[1] as number) : 'missing'})`);
      if ((t.opcode === TftpOpcode.Rrq || t.opcode === TftpOpcode.Wrq) && dport === TFTP_PORT) this.convs.open(src, sport, dst, frame.ts);
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
      src: this.ipString(src),
      sport,
      dst: this.ipString(dst),
      dport,
      interfaceId: frame.interfaceId,
      ipLength,
      ttl,
    };
    const b = frame.data;
    if (link.srcMacOffset >= 0 && link.srcMacOffset + 6 <= b.length) m.srcMac = this.macString(b, link.srcMacOffset);
    if (link.dstMacOffset >= 0 && link.dstMacOffset + 6 <= b.length) m.dstMac = this.macString(b, link.dstMacOffset);
    if (link.vlanCount > 0) m.vlans = Array.from(link.vlans.subarray(0, link.vlanCount));
    if (fragmentFrames) m.fragmentFrames = fragmentFrames;
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // IPv6 (DHCPv6 network boot, RFC 5970; HTTP boot over IPv6). Only reached for IPv6 frames, so
  // the IPv4 path above is unchanged; frames that are not DHCPv6/TFTP/HTTP boot cost no allocation.

  private ipv6(frame: Frame, data: Uint8Array, off: number): PacketEvent | null {
    const ip = this.ip6;
    if (parseIpv6(data, off, ip) !== 'ok') {
      this.counts.badIpv6++;
      return null;
    }
    // Later fragments carry no upper-layer header; IPv6 fragments are not reassembled (DHCPv6
    // and firmware TFTP/HTTP fit one datagram), a first fragment is decoded as far as it goes.
    if (ip.fragment && ip.fragmentOffset !== 0) return null;
    const b = data;
    const p = ip.payloadOffset;
    const end = ip.payloadEnd;
    if (ip.protocol === Ipv6Next.Icmpv6) {
      if (end - p < 4) return null;
      this.counts.icmp6++;
      const type = b[p] as number;
      // RFC 4861 section 4.1/4.2: the router discovery that precedes DHCPv6 (M/O flags in the RA).
      if (type === 133) this.counts.routerSolicitations++;
      else if (type === 134) this.counts.routerAdvertisements++;
      return null;
    }
    if (ip.protocol === Ipv6Next.Tcp) {
      if (this.httpBoot.size === 0 || end - p < 4) return null;
      const sport = ((b[p] as number) << 8) | (b[p + 1] as number);
      const dport = ((b[p + 2] as number) << 8) | (b[p + 3] as number);
      if (!this.httpBoot.matchV6(b, ip.srcOffset, sport, ip.dstOffset, dport)) return null;
      // Payload length 0 (TSO on the capturing host, or a jumbogram): take what was captured.
      return this.tcpSegment(frame, b, p, end, this.meta6(frame, sport, dport), ip.payloadLength === 0 ? end - p : ip.payloadLength - (p - off - 40));
    }
    if (ip.protocol !== Ipv6Next.Udp || end - p < 4) return null;
    const sport = ((b[p] as number) << 8) | (b[p + 1] as number);
    const dport = ((b[p + 2] as number) << 8) | (b[p + 3] as number);
    this.counts.udp++;
    const dhcp6 = sport === DHCP6_SERVER_PORT || dport === DHCP6_SERVER_PORT || (sport === DHCP6_CLIENT_PORT && dport === DHCP6_CLIENT_PORT);
    let tftp = false;
    if (!dhcp6) {
      // TFTP over IPv6 (PXEv6 boot file URL tftp://[..]/..): the conversation table keys on numbers,
      // so IPv6 addresses go in as 32-bit hashes (a collision can only match a wrong stray packet).
      const s6 = hashIpv6(b, ip.srcOffset);
      const d6 = hashIpv6(b, ip.dstOffset);
      tftp = sport === TFTP_PORT || dport === TFTP_PORT || this.convs.match(s6, sport, d6, dport, frame.ts);
      if (!tftp) return null;
    }
    const meta = this.meta6(frame, sport, dport);
    if (end - p < 8) return this.malformed(meta, 'udp', `UDP header cut short (${end - p} of 8 bytes)`);
    const ulen = ((b[p + 4] as number) << 8) | (b[p + 5] as number);
    if (ulen < 8) return this.malformed(meta, 'udp', `UDP length ${ulen} is below the 8-byte header`);
    const payload = b.subarray(p + 8, Math.min(end, p + ulen));
    try {
      if (dhcp6) {
        this.counts.dhcp6++;
        const msg = decodeDhcp6(payload);
        const inner = innerMessage(msg);
        if (inner.bootfileUrl !== undefined && (inner.msgType === Dhcp6MessageType.Advertise || inner.msgType === Dhcp6MessageType.Reply)) this.httpBoot.add(inner.bootfileUrl);
        return { kind: 'dhcp6', meta, dhcp6: msg };
      }
      const t = decodeTftp(payload);
      if (!t) return this.malformed(meta, 'tftp', `not a TFTP packet (opcode ${payload.length >= 2 ? ((payload[0] as number) << 8) | (payload[1] as number) : 'missing'})`);
      if ((t.opcode === TftpOpcode.Rrq || t.opcode === TftpOpcode.Wrq) && dport === TFTP_PORT) this.convs.open(hashIpv6(b, ip.srcOffset), sport, hashIpv6(b, ip.dstOffset), frame.ts);
      this.counts.tftp++;
      return { kind: 'tftp', meta, tftp: t };
    } catch (e) {
      return this.malformed(meta, dhcp6 ? 'dhcp6' : 'tftp', `${DECODER_THREW}${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private meta6(frame: Frame, sport: number, dport: number): PacketMeta {
    const ip = this.ip6;
    const m = this.meta(frame, 0, sport, 0, dport, 40 + ip.payloadLength, ip.hopLimit, undefined);
    m.src = ipv6String(frame.data, ip.srcOffset);
    m.dst = ipv6String(frame.data, ip.dstOffset);
    m.ipVersion = 6;
    return m;
  }

  /** A DHCPv4 reply whose boot file is an http(s) URL (UEFI HTTP boot): watch its server's TCP. */
  private watchBootUrl4(msg: DhcpMessage): void {
    const f = msg.bootFile ?? msg.file;
    if (f.length > 7 && (f.charCodeAt(0) | 0x20) === 0x68 /* h */ && /^https?:\/\//i.test(f)) this.httpBoot.add(f);
  }

  private tcp4(frame: Frame, data: Uint8Array, ip: Ipv4Header): PacketEvent | null {
    const p = ip.payloadOffset;
    const end = ip.payloadEnd;
    if (end - p < 4) return null;
    const sport = ((data[p] as number) << 8) | (data[p + 1] as number);
    const dport = ((data[p + 2] as number) << 8) | (data[p + 3] as number);
    if (!this.httpBoot.matchV4(ip.src, sport, ip.dst, dport)) return null;
    const meta = this.meta(frame, ip.src, sport, ip.dst, dport, ip.totalLength, ip.ttl, undefined);
    return this.tcpSegment(frame, data, p, end, meta, ip.totalLength - ip.headerLength);
  }

  /** One TCP segment of an HTTP boot flow; `segmentLength` is the TCP length on the wire. */
  private tcpSegment(_frame: Frame, b: Uint8Array, p: number, end: number, meta: PacketMeta, segmentLength: number): PacketEvent {
    const h = parseTcpHeader(b, p, end);
    if (!h) return this.malformed(meta, 'tcp', `TCP header cut short or bad data offset (${end - p} bytes)`);
    this.counts.httpSegments++;
    const payload = b.subarray(p + h.headerLength, end);
    const head = payload.length > 0 ? parseHttpHead(payload) : undefined;
    const tlsRecord = head ? undefined : tlsRecordType(payload);
    const sni = tlsRecord === TlsRecord.Handshake ? clientHelloServerName(payload) : undefined;
    return {
      kind: 'http',
      meta,
      tcp: {
        seq: h.seq,
        ack: h.ack,
        flags: h.flags,
        payloadLength: Math.max(0, segmentLength - h.headerLength),
        // TLS record type 22 (handshake), version 3.x (RFC 8446 section 5.1).
        ...(payload.length >= 2 && payload[0] === 0x16 && payload[1] === 0x03 ? { tlsHandshake: true as const } : {}),
        ...(tlsRecord !== undefined ? { tlsRecord } : {}),
        ...(sni !== undefined ? { sni } : {}),
      },
      ...(head ? { http: head } : {}),
    };
  }

  private ipString(a: number): string {
    let s = this.ipStrings.get(a);
    if (s === undefined) {
      if (this.ipStrings.size >= STRING_CACHE_SIZE) this.ipStrings.clear();
      s = ipv4String(a);
      this.ipStrings.set(a, s);
    }
    return s;
  }

  private macString(b: Uint8Array, off: number): string {
    // 48 bits as one number (exact below 2^53): a Map key without making a string first.
    const key =
      (((b[off] as number) << 8) | (b[off + 1] as number)) * 4294967296 +
      ((((b[off + 2] as number) << 24) | ((b[off + 3] as number) << 16) | ((b[off + 4] as number) << 8) | (b[off + 5] as number)) >>> 0);
    let s = this.macStrings.get(key);
    if (s === undefined) {
      if (this.macStrings.size >= STRING_CACHE_SIZE) this.macStrings.clear();
      s = formatMac(b, off);
      this.macStrings.set(key, s);
    }
    return s;
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

/** Shared by every drain() with nothing queued (called per frame: no allocation). Frozen: read only. */
const EMPTY = Object.freeze([]) as unknown as PacketEvent[];

/** FNV-1a of an IPv6 address: a number standing for it in the TFTP conversation table. */
function hashIpv6(b: Uint8Array, off: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) {
    h ^= b[off + i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
/** Distinct addresses remembered by the meta string caches before they start over. */
const STRING_CACHE_SIZE = 4096;
