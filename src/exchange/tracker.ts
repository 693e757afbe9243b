/**
 * Per-client reconstruction of PXE exchanges from a stream of PacketEvents, in one pass.
 *
 * State is keyed by client MAC (chaddr); TFTP is tied to a client through the address it got
 * (ACK yiaddr / 4011 source) or the frame's source MAC. Everything kept is a small owned summary;
 * clients idle for `idleExpiry` seconds of packet time are handed over (onClientDone) and dropped,
 * so memory follows the clients in flight, not the capture size.
 */
import type { Dhcp6Event, DhcpEvent, DnsEvent, HttpEvent, IcmpUnreachableEvent, FragmentProblemEvent, PacketEvent, TftpEvent } from '../decode/events.js';
import { BootSideResolver, httpDirection, recordBsdp, recordDhcp6, recordHttp } from './boot-methods.js';
import { dhcp6MessageTypeName, innerMessage } from '../decode/dhcp6/codec.js';
import { bsdpMessageTypeName } from '../decode/dhcp/bsdp.js';
import type { DhcpMessage } from '../decode/dhcp/types.js';
import type { TimelineEntry, TimelineStep } from './types.js';
import { TransferIndex } from './transfer-index.js';
import { inferUnseenReplies } from './vantage.js';
import { recordArp } from './network/arp.js';
import { recordBpdu } from './network/stp.js';
import { noteDhcpInterface } from './network/interfaces.js';
import { DhcpServerLog } from './network/servers.js';
import type { StpSummary } from './network/types.js';
import { recordDns } from './chain/dns-records.js';
import type { Clock } from '../capture/frame.js';
import type { TftpBlock } from '../decode/dissect.js';
import {
  ZERO_IP,
  bootFileOf,
  classifyReply,
  fileRoleByName,
  formatBytes,
  isIpxeBinaryName,
  isIpxeRequest,
  isConfigProbeName,
  isPxeRequest,
  isProxyKind,
  messageTypeLabel,
  nbpKindFromHead,
  printableName,
  baseName,
} from './classify.js';
import type {
  AttemptRecord,
  AttemptRole,
  ClientEventLine,
  ClientRecord,
  ReplyRecord,
  TransferRecord,
} from './types.js';
import { BootpOp, DHCP_SERVER_PORT, DhcpMessageType, PXE_BOOT_SERVER_PORT, type DhcpAnomaly } from '../decode/dhcp/constants.js';
import { TFTP_PORT, TftpOpcode } from '../decode/tftp/constants.js';
import { Dhcp6MessageType } from '../decode/dhcp6/types.js';

export interface TrackerOptions {
  onEvent?(e: ClientEventLine): void;
  /** A client whose state expired (idle) or every client at finish(). */
  onClientDone?(c: ClientRecord): void;
  /** Seconds of packet-time silence after which a client is handed over and forgotten (default 600). */
  idleExpiry?: number;
  /**
   * Seconds of silence after which a client whose boot completed (an NBP downloaded, no transfer
   * left hanging) is handed over, well before idleExpiry (default 60). PXE firmware never waits
   * that long within one boot (DHCP retries at 4/8/16/32 s, TFTP timeouts of seconds), so what
   * such a client does later is a new boot, reported as a new session. Failed clients keep the
   * full idleExpiry so that their retries stay one entry. Without this, a busy capture keeps
   * every client of the last 10 minutes in memory.
   */
  bootDoneAfter?: number;
}

/** Caps that keep one pathological client (a chainload loop running for hours) bounded. */
const MAX_ATTEMPTS = 64;
const MAX_TRANSFERS_PER_ATTEMPT = 256;
const MAX_TIMELINE = 2000;
/** Requests, offers, ACKs, NAKs and 4011 requests kept per DHCP round (each list). */
const MAX_MESSAGES_PER_ATTEMPT = 256;
const MAX_REPEATS = 32;
/**
 * Transaction ids listed per DHCP round. A client that renews or re-DISCOVERs for hours in one
 * round (a DHCP-heavy segment) makes thousands; the ones past this are remembered in a small set
 * beside the round (moreXids), which is what the per-packet lookups need.
 */
const MAX_XIDS = 64;
/** Transaction ids remembered past MAX_XIDS per round; the set starts over when full. */
const MAX_MORE_XIDS = 1024;
/** A round's list of requests or replies longer than this is searched through an index by xid (findByXid). */
const SCAN_UP_TO = 16;
/**
 * Clients in flight at most. Past it (a DHCP flood: thousands of new MACs a second, each kept for
 * idleExpiry) the earliest-started tenth is handed over at once, as if idle: memory stays bounded
 * whatever the flood's size. Real captures stay far below (a 10 000-client boot day has tens at once).
 */
const MAX_LIVE_CLIENTS = 5_000;
/** Bytes of block 1 read to judge the NBP (DOS + PE header fit easily). */
const HEAD_BYTES = 512;
/** A TFTP endpoint idle this long is no longer matched to new packets (checked every TRANSFER_SWEEP s). */
const TRANSFER_IDLE = 60;
/**
 * Seconds of packet time between two sweeps of the TFTP endpoints: the walk over every endpoint
 * cost 0.1 s in all on the 10 000-client bench when it ran at every 5 s tick.
 */
const TRANSFER_SWEEP = 30;

/** The anomalies of every reply that has none: one shared empty list, not one per reply kept. */
const NO_ANOMALIES: readonly DhcpAnomaly[] = [];

/** What findByXid indexes: a request or reply of a DHCP round. */
interface XidRecord {
  xid: number;
}

interface ClientState {
  rec: ClientRecord;
  /** Timeline entries of the current attempt by fold key (retransmissions fold into one entry). */
  fold: Map<string, TimelineStep>;
}

export class ExchangeTracker {
  private readonly clients = new Map<string, ClientState>();
  private readonly ipToMac = new Map<string, string>();
  /** TFTP transfers by client endpoint and bound server port (numeric keys: looked up per DATA/ACK). */
  private readonly transfers = new TransferIndex();
  /**
   * Network legs (source, port, interface) each reply was seen on, to fold relay/interface copies:
   * the one leg most replies have, or the list of them once a copy came on another leg.
   */
  private readonly legs = new WeakMap<ReplyRecord, string | string[]>();
  /** A round's transaction ids past MAX_XIDS (ids are checked per DHCP packet: a set, not a list). */
  private readonly moreXids = new WeakMap<AttemptRecord, Set<number>>();
  /** Long request/reply lists by xid (the lists only grow, at their end: `n` entries are indexed). */
  private readonly xidIndex = new WeakMap<readonly XidRecord[], { n: number; byXid: Map<number, XidRecord[]> }>();
  private firstInterface: number | undefined;
  private multiInterface = false;
  /** Routed packets seen lately (multi-interface captures only), to drop their copy from the other segment. */
  private readonly recentPackets = new Map<string, { iface: number; ts: number }>();
  /**
   * Size of recentPackets that triggers the next sweep: twice what the last sweep left. With a
   * fixed 20 000, a fast transfer (more packets in 2 s than that) swept all of them per packet.
   */
  private recentSweepAt = 20000;
  /** MAC -> sessions seen (a client that expired and came back starts session 2). */
  private readonly sessions = new Map<string, number>();
  /**
   * GUID -> MACs that sent it, first seen first (kept for the whole run: one small entry per
   * client, so a list of exact length rather than a Set, ~3x the memory for the one MAC most have).
   */
  readonly guidOwners = new Map<string, string[]>();
  origin: number | undefined;
  lastTs = 0;
  private lastTransferSweep = -Infinity;
  firstFrame = 0;
  lastFrame = 0;
  private readonly opts: TrackerOptions;
  private readonly idleExpiry: number;
  private readonly bootDoneAfter: number;

  constructor(opts: TrackerOptions = {}) {
    this.opts = opts;
    this.idleExpiry = opts.idleExpiry ?? 600;
    this.bootDoneAfter = Math.min(this.idleExpiry, opts.bootDoneAfter ?? 60);
  }

  /** Seconds since the capture start. */
  rel(ts: number): number {
    return Math.round((ts - (this.origin ?? ts)) * 1e6) / 1e6;
  }

  push(ev: PacketEvent): void {
    const ts = ev.meta.ts;
    if (this.origin === undefined) this.origin = ts;
    if (ts > this.lastTs) this.lastTs = ts;
    if (this.firstFrame === 0) this.firstFrame = ev.meta.frame;
    this.lastFrame = ev.meta.frame;
    if (this.firstInterface === undefined) this.firstInterface = ev.meta.interfaceId;
    else if (ev.meta.interfaceId !== this.firstInterface) this.multiInterface = true;
    if (this.multiInterface && this.isInterfaceCopy(ev)) {
      if (ev.kind === 'dhcp') noteDhcpInterface(this.clients.get(ev.dhcp.chaddr)?.rec, ev);
      return;
    }
    switch (ev.kind) {
      case 'dhcp':
        this.onDhcp(ev);
        this.dhcpServers.note(ev);
        noteDhcpInterface(this.clients.get(ev.dhcp.chaddr)?.rec, ev);
        break;
      case 'tftp':
        this.onTftp(ev);
        break;
      case 'icmp-unreachable':
        this.onIcmp(ev);
        break;
      case 'fragment-problem':
        this.onFragmentProblem(ev);
        break;
      case 'malformed':
        break;
      case 'dhcp6':
        this.onDhcp6(ev);
        break;
      case 'http':
        this.onHttp(ev);
        break;
      case 'arp':
        recordArp(ev, (mac) => this.clients.get(mac)?.rec, (ip) => {
          const mac = this.ipToMac.get(ip);
          return mac === undefined ? undefined : this.clients.get(mac)?.rec;
        });
        break;
      case 'stp':
        this.stp = recordBpdu(this.stp, ev);
        break;
      case 'dns':
        this.onDns(ev);
        break;
    }
  }

  /**
   * A merged capture of several segments (mergecap of both sides of a router) holds each routed
   * packet twice, once per interface, with the same addresses and ports. The copy seen on another
   * interface within a second is dropped here; relayed DHCP (different addresses per leg) is folded
   * later, by the relay logic.
   */
  private isInterfaceCopy(ev: PacketEvent): boolean {
    const m = ev.meta;
    let sig: string;
    if (ev.kind === 'dhcp') sig = `d|${ev.dhcp.xid}|${ev.dhcp.op}|${ev.dhcp.messageType}`;
    else if (ev.kind === 'tftp') {
      const p = ev.tftp;
      sig = `t|${p.opcode}|${p.opcode === TftpOpcode.Data || p.opcode === TftpOpcode.Ack ? p.block : p.opcode === TftpOpcode.Rrq || p.opcode === TftpOpcode.Wrq ? p.filename : p.opcode === TftpOpcode.Error ? p.errorCode : ''}`;
    } else if (ev.kind === 'icmp-unreachable') sig = `i|${ev.icmp.quoted.src}:${ev.icmp.quoted.sport}>${ev.icmp.quoted.dst}:${ev.icmp.quoted.dport}`;
    // A link-local multicast Solicit crosses a bridged trunk unchanged (lab fail-tftp-replies-blocked).
    else if (ev.kind === 'dhcp6') sig = `6|${ev.dhcp6.msgType}|${ev.dhcp6.transactionId}`;
    else return false;
    const key = `${m.src}:${m.sport}>${m.dst}:${m.dport}|${sig}`;
    const seen = this.recentPackets.get(key);
    if (seen && seen.iface !== m.interfaceId && m.ts - seen.ts < 1) return true;
    this.recentPackets.set(key, { iface: m.interfaceId, ts: m.ts });
    if (this.recentPackets.size > this.recentSweepAt) {
      for (const [k, v] of this.recentPackets) if (m.ts - v.ts > 2) this.recentPackets.delete(k);
      // Only copies seen within 1 s are dropped, and only entries older than 2 s are swept: in a
      // capture in time order, when the sweep runs does not change what is dropped.
      this.recentSweepAt = Math.max(20000, 2 * this.recentPackets.size);
    }
    return false;
  }

  /** Spanning-tree BPDUs seen so far (issue 22), handed to each client when it is settled. */
  private stp: StpSummary | undefined;
  /** Every DHCP server's latest replies, for cross-client evidence (issue 22). */
  private readonly dhcpServers = new DhcpServerLog();

  /** Live clients (for progress displays). */
  get activeClients(): number {
    return this.clients.size;
  }

  /** The first frame of the earliest-starting client still in progress (Infinity when there is none). */
  oldestFirstFrame(): number {
    let oldest = Infinity;
    for (const s of this.clients.values()) if (s.rec.firstFrame < oldest) oldest = s.rec.firstFrame;
    return oldest;
  }

  /** Clients whose last packet is older than `idle` seconds before `now` (default: the expiry). */
  idleClients(now: number, idle: number): ClientRecord[] {
    const out: ClientRecord[] = [];
    for (const s of this.clients.values()) if (now - s.rec.lastTs >= idle) out.push(s.rec);
    return out;
  }

  /** Hand over and forget clients idle past the expiry; forget idle TFTP endpoints. */
  expire(now: number): void {
    if (now - this.lastTransferSweep >= TRANSFER_SWEEP) {
      this.lastTransferSweep = now;
      this.transfers.expire(now, TRANSFER_IDLE);
    }
    // Values, not entries: an entry is a new [key, value] array, for every client at every tick.
    for (const s of this.clients.values()) {
      const quiet = now - s.rec.lastTs;
      if (quiet > this.idleExpiry || (quiet > this.bootDoneAfter && bootCompleted(s.rec))) {
        this.clients.delete(s.rec.mac);
        this.release(s.rec);
      }
    }
  }

  /** Hand over every remaining client (end of capture). */
  finish(): void {
    for (const s of this.clients.values()) {
      this.clients.delete(s.rec.mac);
      this.release(s.rec);
    }
    this.transfers.clear();
  }

  /** A snapshot of a live client with transfer outcomes settled as of `now` (for early findings). */
  settle(rec: ClientRecord, now: number): void {
    if (this.stp) rec.stp = this.stp;
    rec.dhcpServers = this.dhcpServers;
    settleClient(rec, now);
  }

  private release(rec: ClientRecord): void {
    for (const ip of rec.ips) if (this.ipToMac.get(ip) === rec.mac) this.ipToMac.delete(ip);
    // Drop the client's own TFTP lookups, found through its transfers rather than by scanning every
    // endpoint (that scan made handing over N clients cost N x endpoints). Transfers past the
    // per-client caps are not listed; their lookups go at the next idle expiry.
    for (const a of rec.attempts) for (const t of a.transfers) this.transfers.drop(t);
    for (const t of rec.orphanTransfers) this.transfers.drop(t);
    if (this.stp) rec.stp = this.stp;
    rec.dhcpServers = this.dhcpServers;
    settleClient(rec, this.lastTs);
    this.opts.onClientDone?.(rec);
  }

  private client(mac: string, frame: number, ts: number): ClientState {
    let s = this.clients.get(mac);
    if (s && (ts - s.rec.lastTs > this.idleExpiry || (ts - s.rec.lastTs > this.bootDoneAfter && bootCompleted(s.rec)))) {
      // Back after the expiry (the tick that would have expired it did not come first): a new session.
      this.clients.delete(mac);
      this.release(s.rec);
      s = undefined;
    }
    if (!s) {
      const session = (this.sessions.get(mac) ?? 0) + 1;
      this.sessions.set(mac, session);
      s = {
        rec: {
          mac,
          session,
          guids: [],
          firstFrame: frame,
          lastFrame: frame,
          firstTs: ts,
          lastTs: ts,
          attempts: [],
          orphanTransfers: [],
          ips: [],
          timeline: [],
          timelineDropped: 0,
          attemptsDropped: 0,
        },
        fold: new Map(),
      };
      this.clients.set(mac, s);
      if (this.clients.size > MAX_LIVE_CLIENTS) this.handOverEarliest();
    }
    s.rec.lastFrame = Math.max(s.rec.lastFrame, frame);
    s.rec.lastTs = Math.max(s.rec.lastTs, ts);
    return s;
  }

  /** Hands over the earliest-started clients (Map order), down to nine tenths of MAX_LIVE_CLIENTS. */
  private handOverEarliest(): void {
    let n = this.clients.size - Math.floor(MAX_LIVE_CLIENTS * 0.9);
    for (const s of this.clients.values()) {
      if (n-- <= 0) break;
      this.clients.delete(s.rec.mac);
      this.release(s.rec);
    }
  }

  private emit(mac: string, frame: number, ts: number, text: string): void {
    this.opts.onEvent?.({ time: this.rel(ts), frame, client: mac, text });
  }

  private addTimeline(s: ClientState, key: string | undefined, entry: TimelineStep): TimelineStep | undefined {
    if (key !== undefined) {
      const prev = s.fold.get(key);
      if (prev) {
        prev.repeats ??= [];
        if (prev.repeats.length < MAX_REPEATS) prev.repeats.push(entry.time);
        return prev;
      }
    }
    if (s.rec.timeline.length >= MAX_TIMELINE) {
      s.rec.timelineDropped++;
      return undefined;
    }
    s.rec.timeline.push(entry);
    if (key !== undefined) s.fold.set(key, entry);
    return entry;
  }

  private learnIp(s: ClientState, ip: string): void {
    if (ip === ZERO_IP || ip === '' || ip === '255.255.255.255') return;
    this.ipToMac.set(ip, s.rec.mac);
    if (!s.rec.ips.includes(ip) && s.rec.ips.length < 16) s.rec.ips = appended(s.rec.ips, ip);
  }

  // ---------------------------------------------------------------- DHCP

  private onDhcp(ev: DhcpEvent): void {
    const msg = ev.dhcp;
    const mac = msg.chaddr;
    // No client behind these: an all-zero chaddr, and relay <-> server lease queries (RFC 4388, types 10-13).
    if (!mac || /^[0:]*$/.test(mac)) return;
    if (msg.messageType !== undefined && msg.messageType >= DhcpMessageType.LeaseQuery && msg.messageType <= DhcpMessageType.LeaseActive) return;
    const s = this.client(mac, ev.meta.frame, ev.meta.ts);
    if (msg.op === BootpOp.Request) {
      if (ev.meta.dport === PXE_BOOT_SERVER_PORT) this.onProxyRequest(s, ev);
      else this.onRequest(s, ev);
    } else if (msg.op === BootpOp.Reply) {
      if (ev.meta.sport === PXE_BOOT_SERVER_PORT) this.onProxyAnswer(s, ev);
      else this.onReply(s, ev);
    }
    if (msg.bsdp) this.onBsdp(s, ev);
  }

  // ---------------------------------------------------------------- DHCPv6, HTTP boot, BSDP (issue 10)

  private readonly bootResolver = new BootSideResolver();

  private onDhcp6(ev: Dhcp6Event): void {
    const mac = this.bootResolver.dhcp6Client(ev);
    if (!mac) return;
    const s = this.client(mac, ev.meta.frame, ev.meta.ts);
    const r = recordDhcp6(s.rec, ev);
    if (!r) return;
    const m = innerMessage(ev.dhcp6);
    const name = dhcp6MessageTypeName(m.msgType);
    const parts = [name];
    if (m.vendorClass !== undefined && r.fromClient) parts.push(m.vendorClass);
    const addrs = (m.iaNa ?? []).flatMap((ia) => ia.addresses.map((a) => a.address));
    if (!r.fromClient && addrs.length > 0) parts.push(`address ${addrs[0]}`);
    if (m.bootfileUrl !== undefined) parts.push(`boot file URL ${printableName(m.bootfileUrl)}`);
    else if (!r.fromClient && (m.msgType === Dhcp6MessageType.Advertise || m.msgType === Dhcp6MessageType.Reply) && r.round.method !== 'DHCPv6') parts.push('no boot file URL');
    const label = parts.join(', ');
    this.addTimeline(s, flatKey('dhcp6', m.msgType, m.transactionId, ev.meta.src), {
      frame: ev.meta.frame,
      time: this.rel(ev.meta.ts),
      from: ev.meta.src,
      to: ev.meta.dst,
      kind: `DHCPV6-${name}`,
      label,
    });
    this.emit(mac, ev.meta.frame, ev.meta.ts, `DHCPv6 ${label}`);
  }

  private onHttp(ev: HttpEvent): void {
    const { towardsServer } = httpDirection(ev, this.bootResolver);
    const clientIp = towardsServer ? ev.meta.src : ev.meta.dst;
    const mac = this.bootResolver.httpClient(ev, clientIp, (ip) => this.ipToMac.get(ip), towardsServer);
    const s = this.client(mac, ev.meta.frame, ev.meta.ts);
    const r = recordHttp(s.rec, ev, towardsServer);
    if (!r?.label) return;
    const f = r.fetch;
    this.addTimeline(s, r.kind === 'TCP-SYN' ? flatKey('tcp-syn', f.client, f.clientPort) : undefined, {
      frame: ev.meta.frame,
      time: this.rel(ev.meta.ts),
      from: ev.meta.src,
      to: ev.meta.dst,
      kind: r.kind ?? 'HTTP',
      label: r.label,
    });
    this.emit(mac, ev.meta.frame, ev.meta.ts, r.label);
  }

  /** DNS of a client already seen getting its address (issue 18): anything else is not a boot's. */
  private onDns(ev: DnsEvent): void {
    const mac = this.ipToMac.get(ev.dns.response ? ev.meta.dst : ev.meta.src);
    if (!mac || !this.clients.has(mac)) return;
    const s = this.client(mac, ev.meta.frame, ev.meta.ts);
    const label = recordDns(s.rec, ev);
    if (!label) return;
    this.addTimeline(s, undefined, { frame: ev.meta.frame, time: this.rel(ev.meta.ts), from: ev.meta.src, to: ev.meta.dst, kind: ev.dns.response ? 'DNS-RESPONSE' : 'DNS-QUERY', label });
    this.emit(mac, ev.meta.frame, ev.meta.ts, label);
  }

  private onBsdp(s: ClientState, ev: DhcpEvent): void {
    const b = recordBsdp(s.rec, ev);
    if (!b) return;
    const what = `BSDP ${ev.dhcp.op === BootpOp.Request ? 'INFORM' : 'ACK'}[${bsdpMessageTypeName(b.messageType)}]`;
    const detail = b.images ? `, ${b.images.length} image(s)` : b.selectedImage !== undefined ? `, image ${b.selectedImage}` : '';
    this.emit(s.rec.mac, ev.meta.frame, ev.meta.ts, `${what}${detail}`);
  }

  private newAttempt(s: ClientState, msg: DhcpMessage, frame: number, ts: number): AttemptRecord {
    const rec = s.rec;
    const pxe = isPxeRequest(msg);
    const ipxe = isIpxeRequest(msg);
    const prev = rec.attempts[rec.attempts.length - 1];
    const prevNbp = prev ? completedNbp(prev) : undefined;
    let role: AttemptRole;
    if (!pxe) role = prevNbp || rec.attempts.some((a) => completedNbp(a)) ? 'nbp-dhcp' : 'plain';
    else if (ipxe && prevNbp && isIpxeBinaryName(prevNbp.file)) role = 'ipxe-stage';
    else role = 'firmware';
    const a: AttemptRecord = {
      index: rec.attempts.length + rec.attemptsDropped,
      role,
      pxe,
      ipxe,
      vendorClass: msg.vendorClass,
      arch: msg.clientArch,
      userClass: msg.userClass,
      guid: msg.clientGuid,
      hasGuidOption: msg.clientGuid !== undefined,
      firstFrame: frame,
      firstTs: ts,
      lastTs: ts,
      xids: [msg.xid],
      discovers: [],
      requests: [],
      offers: [],
      acks: [],
      naks: [],
      proxyRequests: [],
      transfers: [],
      relayed: false,
    };
    if (rec.attempts.length >= MAX_ATTEMPTS) {
      // Keep the first attempts (the interesting start) and the newest; drop the middle.
      rec.attempts.splice(1, 1);
      rec.attemptsDropped++;
    }
    rec.attempts = appended(rec.attempts, a);
    s.fold.clear();
    return a;
  }

  private currentAttempt(s: ClientState): AttemptRecord | undefined {
    return s.rec.attempts[s.rec.attempts.length - 1];
  }

  private attemptForXid(s: ClientState, xid: number): AttemptRecord | undefined {
    const list = s.rec.attempts;
    for (let i = list.length - 1; i >= 0 && i >= list.length - 4; i--) {
      const a = list[i] as AttemptRecord;
      if (this.hasXid(a, xid)) return a;
    }
    return undefined;
  }

  private hasXid(a: AttemptRecord, xid: number): boolean {
    if (a.xids.includes(xid)) return true;
    const more = a.xids.length < MAX_XIDS ? undefined : this.moreXids.get(a);
    return more !== undefined && more.has(xid);
  }

  private addXid(a: AttemptRecord, xid: number): void {
    if (this.hasXid(a, xid)) return;
    if (a.xids.length < MAX_XIDS) {
      a.xids = appended(a.xids, xid);
      return;
    }
    let more = this.moreXids.get(a);
    if (more === undefined) this.moreXids.set(a, (more = new Set()));
    else if (more.size >= MAX_MORE_XIDS) more.clear();
    more.add(xid);
  }

  /**
   * list.find((o) => o.xid === xid && match(o)), without a scan of a long list: a round of a
   * chatty host holds up to MAX_MESSAGES_PER_ATTEMPT of each, and every packet searched them.
   */
  private findByXid<T extends XidRecord>(list: readonly T[], xid: number, match: (o: T) => boolean): T | undefined {
    if (list.length <= SCAN_UP_TO) {
      for (const o of list) if (o.xid === xid && match(o)) return o;
      return undefined;
    }
    // Longer than COPY_UP_TO: appended() grows this very array from now on, so it keys the index.
    let ix = this.xidIndex.get(list);
    if (ix === undefined) this.xidIndex.set(list, (ix = { n: 0, byXid: new Map() }));
    for (; ix.n < list.length; ix.n++) {
      const o = list[ix.n] as T;
      const same = ix.byXid.get(o.xid);
      if (same === undefined) ix.byXid.set(o.xid, [o]);
      else same.push(o);
    }
    const same = ix.byXid.get(xid) as T[] | undefined;
    if (same !== undefined) for (const o of same) if (match(o)) return o;
    return undefined;
  }

  private noteIdentity(s: ClientState, a: AttemptRecord, msg: DhcpMessage): void {
    if (msg.vendorClass !== undefined && a.vendorClass === undefined) a.vendorClass = msg.vendorClass;
    if (msg.clientArch !== undefined && a.arch === undefined) a.arch = msg.clientArch;
    if (msg.userClass !== undefined && a.userClass === undefined) a.userClass = msg.userClass;
    if (msg.clientGuid !== undefined) {
      a.hasGuidOption = true;
      a.guid ??= msg.clientGuid;
      const g = msg.clientGuid.toLowerCase();
      if (!s.rec.guids.includes(g) && s.rec.guids.length < 8) s.rec.guids = appended(s.rec.guids, g);
      const owners = this.guidOwners.get(g);
      if (!owners) this.guidOwners.set(g, [s.rec.mac]);
      else if (owners.length < 64 && !owners.includes(s.rec.mac)) this.guidOwners.set(g, appended(owners, s.rec.mac));
    }
    if (msg.giaddr !== ZERO_IP) a.relayed = true;
    if (a.ipxeVersion === undefined) {
      // iPXE option 175 sub-option 235 (0xeb): version as major, minor, patch bytes.
      const v = msg.ipxe?.find((x) => x.code === 0xeb)?.hex;
      if (v && v.length === 6) a.ipxeVersion = [0, 2, 4].map((i) => parseInt(v.slice(i, i + 2), 16)).join('.');
    }
  }

  private onRequest(s: ClientState, ev: DhcpEvent): void {
    const { meta, dhcp: msg } = ev;
    const type = msg.messageType;
    // A relay agent's copy of a client request (RFC 1542: relay -> server, port 67 -> 67).
    const relayLeg = meta.sport === DHCP_SERVER_PORT && msg.giaddr !== ZERO_IP;
    let a = this.currentAttempt(s);
    if (type === 1 || (type === undefined && !a)) {
      if (!a || !this.hasXid(a, msg.xid)) a = this.newAttempt(s, msg, meta.frame, meta.ts);
    } else if (!a || (!this.hasXid(a, msg.xid) && meta.ts - a.lastTs > 60)) {
      a = this.newAttempt(s, msg, meta.frame, meta.ts);
    }
    this.addXid(a, msg.xid);
    a.lastTs = Math.max(a.lastTs, meta.ts);
    this.noteIdentity(s, a, msg);
    if (msg.ciaddr !== ZERO_IP) this.learnIp(s, msg.ciaddr);
    // The client's own source address (giaddr 0: not a relay's copy) re-binds that IP to this MAC:
    // one host can run several clients in turn (pxe-doctor probe's arch emulation, a VM re-using a
    // lease), and the TFTP that follows belongs to the latest of them, not to the first one seen.
    if (meta.src !== ZERO_IP && msg.giaddr === ZERO_IP && !relayLeg) this.learnIp(s, meta.src);

    const kept = type === 1 ? 'discovers' : 'requests';
    const prev = this.findByXid(a[kept], msg.xid, (r) => r.messageType === type && (r.dport === meta.dport || relayLeg));
    if (prev) {
      if (relayLeg && meta.ts - (prev.repeatTimes[prev.repeatTimes.length - 1] ?? prev.ts) < 2 && prev.sport !== DHCP_SERVER_PORT) {
        return; // the relayed copy of a request already seen on the client segment
      }
      if (prev.repeatFrames.length < MAX_REPEATS) {
        prev.repeatFrames.push(meta.frame);
        prev.repeatTimes.push(meta.ts);
      }
    } else if (a[kept].length < MAX_MESSAGES_PER_ATTEMPT) {
      a[kept] = appended(a[kept], {
        frame: meta.frame,
        ts: meta.ts,
        xid: msg.xid,
        messageType: type,
        secs: clientSecs(msg),
        giaddr: msg.giaddr,
        ciaddr: msg.ciaddr,
        dst: meta.dst,
        dport: meta.dport,
        sport: meta.sport,
        ...(msg.serverId !== undefined ? { serverId: msg.serverId } : {}),
        repeatFrames: [],
        repeatTimes: [],
      });
    }
    const label = messageTypeLabel(type, 1);
    const to = meta.dst;
    const details: string[] = [];
    if (msg.vendorClass) details.push(msg.vendorClass);
    if (msg.userClass?.length) details.push(`user class ${msg.userClass.join(',')}`);
    if (relayLeg) details.push(`relayed by ${msg.giaddr}`);
    const step: TimelineStep = { frame: meta.frame, time: this.rel(meta.ts), from: meta.src === ZERO_IP ? s.rec.mac : meta.src, to, kind: label };
    if (details.length) step.details = details.join('; ');
    this.addTimeline(s, flatKey(label, msg.xid, meta.src, to, relayLeg), step);
    if (!relayLeg && this.opts.onEvent) {
      let text = label;
      if (type === 3 && msg.requestedIp) text += ` ${msg.requestedIp}`;
      if (type === 1 && a.discovers.length === 1 && a.discovers[0]!.repeatFrames.length > 0) text += ` (retry ${a.discovers[0]!.repeatFrames.length})`;
      this.emit(s.rec.mac, meta.frame, meta.ts, text);
    }
  }

  private replyRecord(ev: DhcpEvent, from4011: boolean): ReplyRecord {
    const { meta, dhcp: msg } = ev;
    const bf = bootFileOf(msg);
    return {
      frame: meta.frame,
      ts: meta.ts,
      xid: msg.xid,
      messageType: msg.messageType,
      server: msg.serverId ?? meta.src,
      src: meta.src,
      sport: meta.sport,
      kind: classifyReply(msg),
      yiaddr: msg.yiaddr,
      siaddr: msg.siaddr,
      giaddr: msg.giaddr,
      bootFile: bf.name,
      bootFileSource: bf.source,
      fileField: msg.file,
      bootFileNulTerminated: msg.bootFileNulTerminated,
      tftpServerName: msg.tftpServer,
      vendorClass: msg.vendorClass,
      hasPxeOptions: msg.options.some((o) => o.code === 43),
      discoveryControl: msg.pxe?.discoveryControl,
      from4011,
      anomalies: msg.anomalies.length === 0 ? NO_ANOMALIES : msg.anomalies.slice(0, 8),
      copies: 0,
    };
  }

  private onReply(s: ClientState, ev: DhcpEvent): void {
    const { meta, dhcp: msg } = ev;
    let a = this.attemptForXid(s, msg.xid) ?? this.currentAttempt(s);
    if (!a) a = this.newAttempt(s, msg, meta.frame, meta.ts);
    this.addXid(a, msg.xid);
    a.lastTs = Math.max(a.lastTs, meta.ts);
    if (msg.giaddr !== ZERO_IP) a.relayed = true;
    const r = this.replyRecord(ev, false);
    const type = msg.messageType;
    const kept = type === 5 ? 'acks' : type === 6 ? 'naks' : type === 2 || type === undefined ? 'offers' : undefined;
    if (!kept) return;
    const list = a[kept];
    // The same reply seen again on another leg (relay -> client after server -> relay, or the other
    // interface of a merged capture) is a copy, not a new offer. A second reply on the same leg is
    // new: isc-dhcpd and dnsmasq answer each retransmitted DISCOVER.
    const leg = flatKey(meta.src, meta.dport, meta.interfaceId);
    const dup = this.findByXid(
      list,
      r.xid,
      (o) =>
        o.server === r.server &&
        o.yiaddr === r.yiaddr &&
        o.bootFile === r.bootFile &&
        o.messageType === r.messageType &&
        r.ts - o.ts < 1 &&
        this.seenOnOtherLeg(o, leg),
    );
    if (dup) {
      dup.copies++;
      const seen = this.legs.get(dup)!;
      if (typeof seen === 'string') this.legs.set(dup, [seen, leg]);
      else seen.push(leg);
      if (msg.giaddr !== ZERO_IP) dup.giaddr = msg.giaddr;
      return;
    }
    // A string, not a list: most replies are seen on one leg only.
    this.legs.set(r, leg);
    if (list.length >= MAX_MESSAGES_PER_ATTEMPT) return; // a flood: the first replies tell the story
    a[kept] = appended(list, r);
    if (type === 5 && msg.yiaddr !== ZERO_IP) {
      a.address = msg.yiaddr;
      this.learnIp(s, msg.yiaddr);
    }
    if (type === undefined && msg.yiaddr !== ZERO_IP) this.learnIp(s, msg.yiaddr);
    const label = type === 2 && isProxyKind(r.kind) ? 'PROXY-OFFER' : messageTypeLabel(type, 2);
    this.addTimeline(s, undefined, { frame: meta.frame, time: this.rel(meta.ts), from: meta.src, to: meta.dst, kind: label, reply: r });
    if (this.opts.onEvent) this.emit(s.rec.mac, meta.frame, meta.ts, describeReply(label, r));
  }

  /** Reply `r` was seen on some leg, but not on `leg`. */
  private seenOnOtherLeg(r: ReplyRecord, leg: string): boolean {
    const seen = this.legs.get(r);
    if (seen === undefined) return false;
    return typeof seen === 'string' ? seen !== leg : !seen.includes(leg);
  }

  private onProxyRequest(s: ClientState, ev: DhcpEvent): void {
    const { meta, dhcp: msg } = ev;
    let a = this.attemptForXid(s, msg.xid) ?? this.currentAttempt(s);
    if (!a) a = this.newAttempt(s, msg, meta.frame, meta.ts);
    a.lastTs = Math.max(a.lastTs, meta.ts);
    this.noteIdentity(s, a, msg);
    this.learnIp(s, meta.src);
    const prev = a.proxyRequests.find(
      (p) => p.server === meta.dst && !p.answer && (p.xid === msg.xid || meta.ts - (p.repeatTimes[p.repeatTimes.length - 1] ?? p.ts) < 10),
    );
    if (prev) {
      prev.secs = Math.max(prev.secs ?? 0, clientSecs(msg));
      if (prev.repeatFrames.length < MAX_REPEATS) {
        prev.repeatFrames.push(meta.frame);
        prev.repeatTimes.push(meta.ts);
      }
    } else if (a.proxyRequests.length < MAX_MESSAGES_PER_ATTEMPT) {
      a.proxyRequests = appended(a.proxyRequests, { frame: meta.frame, ts: meta.ts, xid: msg.xid, server: meta.dst, sport: meta.sport, secs: clientSecs(msg), repeatFrames: [], repeatTimes: [], icmpFrames: [] });
    }
    const text = `4011-REQUEST to ${meta.dst} (from port ${meta.sport})`;
    this.addTimeline(s, flatKey('4011', meta.dst, meta.sport), { frame: meta.frame, time: this.rel(meta.ts), from: meta.src, to: meta.dst, kind: '4011-REQUEST', label: text });
    if (this.opts.onEvent) this.emit(s.rec.mac, meta.frame, meta.ts, prev ? `${text} (retry ${prev.repeatFrames.length})` : text);
  }

  private onProxyAnswer(s: ClientState, ev: DhcpEvent): void {
    const { meta, dhcp: msg } = ev;
    const a = this.attemptForXid(s, msg.xid) ?? this.currentAttempt(s);
    if (!a) return;
    a.lastTs = Math.max(a.lastTs, meta.ts);
    const r = this.replyRecord(ev, true);
    const req =
      a.proxyRequests.find((p) => !p.answer && p.xid === msg.xid && (p.server === meta.src || p.server === r.server)) ??
      a.proxyRequests.find((p) => !p.answer && (p.server === meta.src || p.server === r.server));
    if (req) req.answer = r;
    else if (a.proxyRequests.length < MAX_MESSAGES_PER_ATTEMPT) {
      a.proxyRequests = appended(a.proxyRequests, { frame: meta.frame, ts: meta.ts, xid: msg.xid, server: meta.src, sport: meta.dport, repeatFrames: [], repeatTimes: [], answer: r, icmpFrames: [] });
    }
    const label = `4011-${messageTypeLabel(msg.messageType, 2)}`;
    this.addTimeline(s, undefined, { frame: meta.frame, time: this.rel(meta.ts), from: meta.src, to: meta.dst, kind: label, reply: r });
    if (this.opts.onEvent) this.emit(s.rec.mac, meta.frame, meta.ts, describeReply(label, r));
  }

  // ---------------------------------------------------------------- ICMP, fragments

  private onIcmp(ev: IcmpUnreachableEvent): void {
    const q = ev.icmp.quoted;
    if (q.protocol !== 17) return;
    const frame = ev.meta.frame;
    if (q.dport === PXE_BOOT_SERVER_PORT) {
      const mac = this.ipToMac.get(q.src);
      const s = mac ? this.clients.get(mac) : undefined;
      if (!s) return;
      const a = this.currentAttempt(s);
      const p = a?.proxyRequests.filter((x) => x.server === q.dst).pop();
      if (p && p.icmpFrames.length < MAX_REPEATS) p.icmpFrames.push(frame);
      s.rec.lastTs = Math.max(s.rec.lastTs, ev.meta.ts);
      this.addTimeline(s, flatKey('icmp', q.dst, 4011), { frame, time: this.rel(ev.meta.ts), from: ev.meta.src, to: ev.meta.dst, kind: 'ICMP', label: `ICMP port unreachable: ${q.dst}:4011` });
      this.emit(s.rec.mac, frame, ev.meta.ts, `ICMP port unreachable from ${ev.meta.src} for 4011`);
      return;
    }
    const t = this.transfers.endpoint(q.src, q.sport);
    if (t && (q.dport === TFTP_PORT || q.dport === t.serverPort)) {
      if (t.icmpFrames.length < MAX_REPEATS) t.icmpFrames.push(frame);
      const s = this.clients.get(t.clientMac);
      if (s) {
        this.addTimeline(s, flatKey('icmp', q.dst, q.dport), { frame, time: this.rel(ev.meta.ts), from: ev.meta.src, to: ev.meta.dst, kind: 'ICMP', label: `ICMP port unreachable: ${q.dst}:${q.dport} (TFTP)` });
        this.emit(s.rec.mac, frame, ev.meta.ts, `ICMP port unreachable from ${ev.meta.src} for TFTP ${printableName(t.file)}`);
      }
    }
  }

  private onFragmentProblem(ev: FragmentProblemEvent): void {
    // Lost fragments of a datagram towards a client: the TFTP transfer running to that address.
    const mac = this.ipToMac.get(ev.meta.dst);
    let target: TransferRecord | undefined;
    for (const t of this.transfers.endpoints()) {
      if (t.client === ev.meta.dst && (t.server === ev.meta.src || mac === t.clientMac)) target = t;
    }
    if (!target) return;
    if (target.fragmentFrames.length < MAX_REPEATS) target.fragmentFrames.push(...ev.frames.slice(0, 4));
  }

  // ---------------------------------------------------------------- TFTP

  private onTftp(ev: TftpEvent): void {
    const { meta, tftp: p } = ev;
    if (p.opcode === TftpOpcode.Rrq || p.opcode === TftpOpcode.Wrq) {
      this.onRrq(ev);
      return;
    }
    let towardsClient = true;
    let t = this.transfers.bound(meta.dst, meta.dport, meta.sport);
    if (!t) {
      t = this.transfers.bound(meta.src, meta.sport, meta.dport);
      if (t) towardsClient = false;
    }
    if (!t) {
      t = this.transfers.endpoint(meta.dst, meta.dport);
      towardsClient = true;
      if (!t) {
        t = this.transfers.endpoint(meta.src, meta.sport);
        towardsClient = false;
      }
      // The client port's newest transfer talks to another server port: this packet belongs to an
      // earlier, already finished or forgotten conversation on the same client port. Not this one's.
      if (t && t.serverPort !== undefined && t.serverPort !== (towardsClient ? meta.sport : meta.dport)) return;
    }
    if (!t) {
      // Transfer whose request is not in the capture (capture started late or a filter missed it).
      if (!((p.opcode === TftpOpcode.Data && p.block === 1) || p.opcode === TftpOpcode.Oack)) return;
      t = this.startTransfer(ev, meta.dst, meta.dport, meta.src, '(request not captured)', false, meta.dstMac);
      towardsClient = true;
    }
    const ts = meta.ts;
    const fromServer = towardsClient;
    this.touchTransfer(t, meta.frame, ts);
    if (fromServer) {
      t.firstReplyFrame ??= meta.frame;
      if (t.serverPort === undefined) {
        t.serverPort = meta.sport;
        this.transfers.bind(t);
      }
    }
    switch (p.opcode) {
      case TftpOpcode.Oack: {
        t.oack = { ...p.options };
        const bs = Number(p.options['blksize']);
        if (Number.isFinite(bs) && bs >= 8) t.blksize = bs;
        const ts2 = Number(p.options['tsize']);
        if (Number.isFinite(ts2)) t.tsize = ts2;
        const ws = Number(p.options['windowsize']);
        if (Number.isFinite(ws) && ws >= 1) t.windowsize = ws;
        break;
      }
      case TftpOpcode.Data:
        this.tftpData(t, p.block, p.length, meta.frame, ts, meta.fragmentFrames !== undefined && meta.fragmentFrames.length > 1, p.payload, 0);
        break;
      case TftpOpcode.Ack:
        this.tftpAck(t, p.block, meta.frame);
        break;
      case TftpOpcode.Error: {
        t.error = { code: p.errorCode, message: p.errorMessage, frame: meta.frame, fromClient: !fromServer };
        this.forgetTransfer(t);
        this.transferDone(t, meta.frame, ts);
        break;
      }
    }
  }

  /**
   * A TFTP DATA or ACK read in place from the capture buffer (Dissector.peekTftpBlock): addresses
   * as 32-bit IPv4 numbers, the payload at `b.payloadOffset` in `buf`, its time in `clock[0]`.
   * Accounted for exactly as onTftp() would, when it belongs to a transfer whose server port is
   * already bound and nothing about the capture needs the per-event path (several interfaces).
   * Returns false otherwise: the caller then dissects the frame and push()es the event.
   */
  tftpBlock(frame: number, clock: Clock, interfaceId: number, b: TftpBlock, buf: Uint8Array): boolean {
    if (this.multiInterface || interfaceId !== this.firstInterface) return false;
    // The block and its time come in objects, not number arguments: IPv4 values above 2^31 and
    // times are doubles, and V8 makes a heap number for each one passed to a call it does not inline.
    let t = this.transfers.boundTo(b, true);
    let fromServer = true;
    if (t === undefined) {
      t = this.transfers.boundTo(b, false);
      if (t === undefined) return false;
      fromServer = false;
    }
    const ts = clock[0] as number;
    // What push() does for every event.
    if (ts > this.lastTs) this.lastTs = ts;
    this.lastFrame = frame;
    this.touchTransfer(t, frame, ts);
    // A bound transfer has had its first reply (binding happens on it): nothing else to note.
    if (fromServer) t.firstReplyFrame ??= frame;
    if (b.opcode === TftpOpcode.Data) this.tftpData(t, b.block, b.length, frame, ts, false, buf, b.payloadOffset);
    else this.tftpAck(t, b.block, frame);
    return true;
  }

  /** Any packet of transfer `t`: its silence, last frame, and its client's. */
  private touchTransfer(t: TransferRecord, frame: number, ts: number): void {
    const gap = ts - t.lastTs;
    if (gap > t.maxGap) t.maxGap = Math.round(gap * 1e6) / 1e6;
    t.lastTs = Math.max(t.lastTs, ts);
    t.lastFrame = frame;
    const s = this.clients.get(t.clientMac);
    if (s) {
      s.rec.lastFrame = Math.max(s.rec.lastFrame, frame);
      s.rec.lastTs = Math.max(s.rec.lastTs, ts);
    }
  }

  /** DATA `block` of `length` bytes (its payload at buf[payloadOffset]). */
  private tftpData(t: TransferRecord, block: number, length: number, frame: number, ts: number, fragmented: boolean, buf: Uint8Array, payloadOffset: number): void {
    const hi = t.highestBlock;
    let abs = Math.floor(hi / 65536) * 65536 + block;
    if (abs < hi - 32768) {
      abs += 65536;
      t.wrapped = true;
      // Servers that roll over to 1 instead of 0 skip no data.
      if (block === 1 && hi % 65536 === 65535) abs -= 1;
    }
    if (abs > hi) {
      if (abs > hi + 1) t.missingBlocks += abs - hi - 1;
      t.highestBlock = abs;
      t.bytes += length;
      t.dataPackets++;
      t.lastDataFrame = frame;
      t.lastDataLen = length;
      if (abs === 1 && !t.headKind) t.headKind = nbpKindFromHead(buf, payloadOffset, payloadOffset + Math.min(length, HEAD_BYTES));
      if (fragmented) t.fragmentedData++;
      // RFC 1350 §6: a DATA shorter than the block size ends the transfer.
      if (length < t.blksize && !t.finished) {
        t.finished = true;
        this.transferDone(t, frame, ts);
      }
    } else {
      t.duplicateData++;
    }
  }

  private tftpAck(t: TransferRecord, block: number, frame: number): void {
    if (t.lastAckBlock === block) t.duplicateAcks++;
    t.lastAckBlock = block;
    if (t.finished && t.highestBlock % 65536 === block) {
      t.finalAckFrame = frame;
      this.forgetTransfer(t);
    }
  }

  /**
   * A finished transfer gives up its client port (only if it still owns it: a newer RRQ may). Its
   * bound server port stays known until idle expiry, so late retransmissions still land on it.
   */
  private forgetTransfer(t: TransferRecord): void {
    this.transfers.releaseEndpoint(t);
  }

  private onRrq(ev: TftpEvent): void {
    const { meta, tftp: p } = ev;
    if (p.opcode !== TftpOpcode.Rrq && p.opcode !== TftpOpcode.Wrq) return;
    const existing = this.transfers.endpoint(meta.src, meta.sport);
    if (existing && existing.file === p.filename && existing.firstReplyFrame === undefined && existing.write === (p.opcode === TftpOpcode.Wrq)) {
      if (existing.rrqRepeats.length < MAX_REPEATS) {
        existing.rrqRepeats.push(meta.frame);
        existing.rrqRepeatTimes.push(meta.ts);
      }
      const gap = meta.ts - existing.lastTs;
      if (gap > existing.maxGap) existing.maxGap = Math.round(gap * 1e6) / 1e6;
      existing.lastTs = meta.ts;
      existing.lastFrame = meta.frame;
      if (existing.timeline) {
        existing.timeline.repeats ??= [];
        if (existing.timeline.repeats.length < MAX_REPEATS) existing.timeline.repeats.push(this.rel(meta.ts));
      }
      const s = this.clients.get(existing.clientMac);
      if (s) {
        s.rec.lastTs = Math.max(s.rec.lastTs, meta.ts);
        s.rec.lastFrame = Math.max(s.rec.lastFrame, meta.frame);
      }
      if (this.opts.onEvent) this.emit(existing.clientMac, meta.frame, meta.ts, `TFTP RRQ ${printableName(existing.file)} to ${existing.server} again (try ${1 + existing.rrqRepeats.length}, no answer yet)`);
      return;
    }
    this.startTransfer(ev, meta.src, meta.sport, meta.dst, p.filename, p.opcode === TftpOpcode.Wrq, meta.srcMac, p.options);
  }

  private startTransfer(
    ev: TftpEvent,
    clientIp: string,
    clientPort: number,
    server: string,
    file: string,
    write: boolean,
    frameMac: string | undefined,
    options: Record<string, string> = {},
  ): TransferRecord {
    const { meta } = ev;
    let mac = this.ipToMac.get(clientIp);
    if (!mac) mac = frameMac && frameMac !== 'ff:ff:ff:ff:ff:ff' ? frameMac : `ip:${clientIp}`;
    const s = this.client(mac, meta.frame, meta.ts);
    if (!mac.startsWith('ip:')) this.learnIp(s, clientIp);
    const a = this.currentAttempt(s);
    const bs = 512;
    const t: TransferRecord = {
      write,
      file,
      server,
      client: clientIp,
      clientPort,
      clientMac: mac,
      rrqFrame: meta.frame,
      rrqTs: meta.ts,
      rrqRepeats: [],
      rrqRepeatTimes: [],
      options: { ...options },
      lastFrame: meta.frame,
      lastTs: meta.ts,
      blksize: bs,
      windowsize: 1,
      highestBlock: 0,
      wrapped: false,
      bytes: 0,
      dataPackets: 0,
      duplicateData: 0,
      missingBlocks: 0,
      duplicateAcks: 0,
      maxGap: 0,
      lastDataLen: 0,
      finished: false,
      icmpFrames: [],
      fragmentFrames: [],
      fragmentedData: 0,
      role: 'other',
      outcome: 'incomplete',
      attempt: a ? a.index : -1,
    };
    t.role = a ? roleInAttempt(a, t.file) : fileRoleByName(t.file);
    // Listed in the first DHCP round (MAX_ATTEMPTS drops later rounds, never the first) or among
    // the orphans, the transfer is settled when its client is handed over (settleClient), and its
    // timeline line is labelled then, from it; a transfer that may drop out of the record keeps the
    // label of its last step, as it always did.
    let labelFromTransfer = false;
    if (a) {
      if (a.transfers.length < MAX_TRANSFERS_PER_ATTEMPT) {
        a.transfers = appended(a.transfers, t);
        labelFromTransfer = a.index === 0;
      }
      a.lastTs = Math.max(a.lastTs, meta.ts);
    } else if (s.rec.orphanTransfers.length < MAX_TRANSFERS_PER_ATTEMPT) {
      s.rec.orphanTransfers = appended(s.rec.orphanTransfers, t);
      labelFromTransfer = true;
    }
    this.transfers.setEndpoint(t);
    const step: TimelineStep = { frame: meta.frame, time: this.rel(meta.ts), from: clientIp, to: server, kind: 'TFTP-TRANSFER' };
    if (labelFromTransfer) step.transfer = t;
    else step.label = `${write ? 'WRQ' : 'RRQ'} ${printableName(t.file)}${requestOptionsText(options)}`;
    t.timeline = this.addTimeline(s, undefined, step);
    if (this.opts.onEvent) this.emit(mac, meta.frame, meta.ts, `TFTP ${write ? 'WRQ' : 'RRQ'} ${printableName(t.file)} from ${server}${requestOptionsText(options)}`);
    return t;
  }

  private transferDone(t: TransferRecord, frame: number, ts: number): void {
    settleTransfer(t, ts, undefined);
    if (t.timeline?.label !== undefined) t.timeline.label = transferLabel(t);
    if (this.opts.onEvent) this.emit(t.clientMac, frame, ts, `TFTP ${t.timeline?.label ?? transferLabel(t)}`);
  }
}

/**
 * `list` with `item` added. A short list becomes a new array of exactly that length: a record's
 * lists (attempts, offers, transfers, addresses...) mostly hold one or two entries for as long as
 * their client is in flight, and push() on an empty array reserves 17 slots (152 bytes): together
 * about a fifth of a client's memory. From COPY_UP_TO entries on, the item is pushed in place:
 * copying a list of hundreds on every append made one chatty client's packets cost more the longer
 * it had been seen (docs/performance.md, "Work per packet").
 */
function appended<T>(list: readonly T[], item: T): T[] {
  if (list.length < COPY_UP_TO) return list.concat([item]);
  const grown = list as T[];
  grown.push(item);
  return grown;
}
/** Entries up to which appended() copies (a copy of so few costs about what a push does). */
const COPY_UP_TO = 8;

/**
 * A key kept as long as a client's record (a timeline line's fold key, a reply's network leg): its
 * parts joined by '|'. Joined, not a template literal: join() makes one flat string where
 * concatenation makes a rope of one string object per part.
 */
function flatKey(...parts: (string | number | boolean)[]): string {
  return parts.join('|');
}

/**
 * BOOTP secs (RFC 2131: seconds since the client began) as the client meant it. Some firmware writes
 * it little-endian: EDK2's port-4011 BINL retries carry 256, 512, 768 for 1, 2, 3 s (lab capture
 * fail-option60-on-dhcp); the codec flags such values, and they are byte-swapped here.
 */
export function clientSecs(msg: Pick<DhcpMessage, 'secs' | 'anomalies'>): number {
  return msg.anomalies.some((a) => a.code === 'secs-little-endian') ? ((msg.secs & 0xff) << 8) | (msg.secs >>> 8) : msg.secs;
}

/**
 * " (blksize=1456 tsize=0)" for a request's options, '' without any. Built only for the lines that
 * show it: most transfers are labelled from their record when their client is handed over.
 */
function requestOptionsText(options: Record<string, string>): string {
  const opts = Object.entries(options)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return opts ? ` (${opts})` : '';
}

function describeReply(label: string, r: ReplyRecord): string {
  const parts: string[] = [];
  if (r.yiaddr !== ZERO_IP) parts.push(`address ${r.yiaddr}`);
  if (r.bootFile) parts.push(`boot file ${printableName(r.bootFile)}`);
  else if (r.messageType !== DhcpMessageType.Nak) parts.push('no boot file');
  if (r.siaddr !== ZERO_IP) parts.push(`next-server ${r.siaddr}`);
  if (r.tftpServerName) parts.push(`option 66 ${r.tftpServerName}`);
  if (r.vendorClass) parts.push(`option 60 ${r.vendorClass}`);
  if (r.hasPxeOptions) parts.push('option 43');
  return `${label} from ${r.server}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** A timeline line as reported, its label written now if the tracker left it to be (TimelineStep). */
export function timelineEntry(step: TimelineStep): TimelineEntry {
  let label = step.label;
  if (label === undefined) {
    if (step.reply) label = describeReply(step.kind, step.reply);
    else if (step.transfer) label = transferLabel(step.transfer);
    else label = step.details !== undefined ? `${step.kind} (${step.details})` : step.kind;
  }
  const entry: TimelineEntry = { frame: step.frame, time: step.time, from: step.from, to: step.to, kind: step.kind, label };
  if (step.repeats) entry.repeats = step.repeats;
  return entry;
}

export function transferLabel(t: TransferRecord): string {
  const name = t.file === '' ? '(empty file name)' : printableName(t.file);
  const dur = Math.max(0, t.lastTs - t.rrqTs);
  switch (t.outcome) {
    case 'complete':
      return `${name} done ${formatBytes(t.bytes)} in ${dur.toFixed(1)} s (${t.highestBlock} blocks of ${t.blksize})`;
    case 'tsize-probe':
      return `${name} size probe${t.tsize !== undefined ? ` (tsize ${t.tsize})` : ''}`;
    case 'not-found-probe':
      return `${name} not found (config search, normal)`;
    case 'error':
      return `${name} ERROR ${t.error?.code ?? ''} ${t.error?.message ?? ''}`.trim();
    case 'no-response':
      return `${name} no response from ${t.server}${t.icmpFrames.length ? ' (ICMP port unreachable)' : ''}`;
    case 'not-captured':
      return t.deliveredBy !== undefined ? `${name} reply not in the capture (the client went on and ran it)` : `${name} reply not in the capture`;
    case 'capture-ended':
      return t.dataPackets === 0 && t.firstReplyFrame === undefined
        ? `${name}: no reply yet when the capture ended`
        : `${name} still running when the capture ended (${formatBytes(t.bytes)})`;
    default:
      return `${name} incomplete after ${formatBytes(t.bytes)} (${t.highestBlock} blocks)`;
  }
}

/** The file the client was told to boot in an attempt: 4011 answer, ACK, proxy offer, or boot offer. */
export function offeredBootFile(a: AttemptRecord): ReplyRecord | undefined {
  for (let i = a.proxyRequests.length - 1; i >= 0; i--) {
    const ans = a.proxyRequests[i]!.answer;
    if (ans && ans.bootFile) return ans;
  }
  for (let i = a.acks.length - 1; i >= 0; i--) if (a.acks[i]!.bootFile) return a.acks[i];
  const proxy = a.offers.find((o) => isProxyKind(o.kind) && o.bootFile);
  if (proxy) return proxy;
  return a.offers.find((o) => o.bootFile);
}

function sameFile(requested: string, offered: string): boolean {
  if (requested === offered) return true;
  const r = requested.replace(/\\/g, '/').replace(/^\/+/, '');
  const o = offered.replace(/\\/g, '/').replace(/^\/+/, '');
  if (r === o || baseName(r) === baseName(o)) return true;
  // Old ROMs read past an option 67 without a NUL: the offered name plus trailing garbage.
  return o.length > 0 && r.startsWith(o);
}

function roleInAttempt(a: AttemptRecord, file: string): TransferRecord['role'] {
  if (a.role === 'nbp-dhcp' || a.role === 'plain') return fileRoleByName(file);
  const offered = offeredBootFile(a);
  if (offered) return sameFile(file, offered.bootFile) && !a.transfers.some((x) => x.role === 'nbp' && x.file !== file) ? 'nbp' : fileRoleByName(file);
  // No boot file seen (e.g. only the TFTP half captured): the attempt's first file that is not a config.
  const byName = fileRoleByName(file);
  return byName === 'other' && !a.transfers.some((x) => x.role === 'nbp') ? 'nbp' : byName;
}

/** The NBP transfer that completed in an attempt, if any. */
export function completedNbp(a: AttemptRecord): TransferRecord | undefined {
  return a.transfers.find((t) => t.role === 'nbp' && t.finished);
}

/** Decide each transfer's outcome as of `now` (the capture end or the current packet time). */
export function settleTransfer(t: TransferRecord, now: number, later: TransferRecord[] | undefined): void {
  if (t.error) {
    const probeAsked = 'tsize' in t.options;
    if (t.error.fromClient && (t.error.code === 0 || t.error.code === 8) && (t.oack !== undefined || probeAsked) && t.dataPackets <= 1) t.outcome = 'tsize-probe';
    else if (!t.error.fromClient && t.error.code === 1 && isConfigProbeName(t.file)) t.outcome = 'not-found-probe';
    else t.outcome = 'error';
  } else if (t.finished) t.outcome = 'complete';
  else if (t.firstReplyFrame === undefined && t.dataPackets === 0) {
    if (t.icmpFrames.length > 0 || t.rrqRepeats.length > 0) t.outcome = 'no-response';
    // The client asked again for the same file from a new port at once: it got an answer we did not capture
    // (capture filters on port 69 miss the server's ephemeral port, e.g. `pixiecore debug tcpdump`).
    else if (t.file !== '' && later?.some((x) => x !== t && x.rrqTs >= t.rrqTs && x.file === t.file && x.clientPort !== t.clientPort && x.rrqTs - t.rrqTs < 10)) t.outcome = 'not-captured';
    else if (now - t.lastTs < 4) t.outcome = 'capture-ended';
    else t.outcome = 'no-response';
  } else if (now - t.lastTs < 2 && t.missingBlocks === 0) t.outcome = 'capture-ended';
  else t.outcome = 'incomplete';
}

/** The client downloaded an NBP and its latest DHCP round left no TFTP transfer hanging. */
function bootCompleted(rec: ClientRecord): boolean {
  let nbp = false;
  for (const a of rec.attempts) for (const t of a.transfers) if (t.role === 'nbp' && t.finished && !t.error) nbp = true;
  if (!nbp) return false;
  const last = rec.attempts[rec.attempts.length - 1];
  if (last) for (const t of last.transfers) if (!t.finished && !t.error) return false;
  for (const t of rec.orphanTransfers) if (!t.finished && !t.error) return false;
  return true;
}

function settleClient(rec: ClientRecord, now: number): void {
  const all: TransferRecord[] = [];
  for (const a of rec.attempts) all.push(...a.transfers);
  all.push(...rec.orphanTransfers);
  for (const t of all) settleTransfer(t, now, all);
  inferUnseenReplies(rec, all, now);
  for (const t of all) if (t.timeline?.label !== undefined) t.timeline.label = transferLabel(t);
}
