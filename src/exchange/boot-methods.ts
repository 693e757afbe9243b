/**
 * Boot methods beyond PXE over IPv4 (issue 10). UEFI firmware that fails PXEv4 goes on to PXE over
 * IPv6 (DHCPv6 with RFC 5970 options, TFTP over IPv6), then HTTP boot over IPv4 and IPv6 (UEFI 2.9
 * section 24.7: DHCP vendor class "HTTPClient", a URL as boot file, an HTTP GET); Macs use Apple's
 * BSDP. This module keeps those steps per client (ClientRecord.boot) and derives the ordered list
 * of methods a client tried, each with its outcome, for rules and reports.
 *
 * The IPv4 PXE rounds stay where they are (AttemptRecord, src/exchange/tracker.ts); a round whose
 * vendor class is "HTTPClient" is HTTP boot over IPv4, "AAPLBSDPC" is BSDP.
 */
import type { Dhcp6Event, DhcpEvent, HttpEvent } from '../decode/events.js';
import { innerMessage } from '../decode/dhcp6/codec.js';
import { Dhcp6MessageType, type Dhcp6Message } from '../decode/dhcp6/types.js';
import { BsdpMessageType, isBsdpVendorClass } from '../decode/dhcp/bsdp.js';
import { TcpFlag, isHttpClientVendorClass, parseBootUrl } from '../decode/http.js';
import { ZERO_IP } from './classify.js';
import { clientTransfers } from './records.js';
import { delivered } from './vantage.js';
import type {
  AttemptRecord,
  BootSideRecord,
  BsdpRecord,
  ClientRecord,
  Dhcp6ReplyRecord,
  Dhcp6RoundRecord,
  HttpFetchRecord,
  TransferRecord,
} from './types.js';
import { BootpOp } from '../decode/dhcp/constants.js';

const MAX_ROUNDS = 32;
const MAX_FETCHES = 64;
const MAX_BSDP = 64;
const MAX_FRAMES = 32;

/** DHCPv6 client -> server message types (RFC 8415 section 7.3). */
const CLIENT_TYPES = new Set([1, 3, 4, 5, 6, 8, 9, 11]);

function push<T>(list: T[], v: T, max = MAX_FRAMES): void {
  if (list.length < max) list.push(v);
}

export function bootSide(c: ClientRecord): BootSideRecord {
  return (c.boot ??= { dhcp6: [], http: [], bsdp: [] });
}

function methodOfVendorClass(v: string | undefined): Dhcp6RoundRecord['method'] {
  if (v?.startsWith('PXEClient')) return 'PXEv6';
  if (isHttpClientVendorClass(v)) return 'HTTPv6';
  return 'DHCPv6';
}

/**
 * Finds which client (MAC) a DHCPv6 or HTTP-boot packet belongs to. DHCPv6 names clients by DUID,
 * which for OVMF is a UUID (DUID type 4), not a MAC: the client's own packets give the MAC in the
 * Ethernet source, server answers are matched by transaction id, then by DUID, then by the
 * Ethernet destination. HTTP flows are matched by the client's address (DHCPv4 yiaddr, DHCPv6
 * IA address, or the MAC its earlier packets came from).
 */
export class BootSideResolver {
  private readonly xidToMac = new Map<number, string>();
  private readonly duidToMac = new Map<string, string>();
  private readonly ip6ToMac = new Map<string, string>();

  dhcp6Client(ev: Dhcp6Event): string | undefined {
    const m = innerMessage(ev.dhcp6);
    const relayed = m !== ev.dhcp6;
    const duid = m.clientId?.hex;
    if (CLIENT_TYPES.has(m.msgType)) {
      let mac = !relayed && ev.meta.srcMac && ev.meta.srcMac !== 'ff:ff:ff:ff:ff:ff' ? ev.meta.srcMac : undefined;
      mac ??= (duid !== undefined ? this.duidToMac.get(duid) : undefined) ?? m.clientId?.linkLayer;
      if (!mac && duid !== undefined) mac = `duid:${duid}`;
      if (!mac) return undefined;
      this.remember(this.xidToMac, m.transactionId, mac);
      if (duid !== undefined) this.remember(this.duidToMac, duid, mac);
      if (!relayed) this.remember(this.ip6ToMac, ev.meta.src, mac);
      return mac;
    }
    const mac =
      this.xidToMac.get(m.transactionId) ??
      (duid !== undefined ? this.duidToMac.get(duid) : undefined) ??
      m.clientId?.linkLayer ??
      (!relayed && ev.meta.dstMac && !ev.meta.dstMac.startsWith('33:33') && ev.meta.dstMac !== 'ff:ff:ff:ff:ff:ff' ? ev.meta.dstMac : undefined) ??
      (duid !== undefined ? `duid:${duid}` : undefined);
    if (mac) for (const ia of m.iaNa ?? []) for (const a of ia.addresses) this.remember(this.ip6ToMac, a.address, mac);
    return mac;
  }

  /** `ipv4ToMac` is the tracker's own address table (DHCPv4 yiaddr). */
  httpClient(ev: HttpEvent, clientIp: string, ipv4ToMac: (ip: string) => string | undefined, towardsServer: boolean): string {
    const known = ev.meta.ipVersion === 6 ? this.ip6ToMac.get(clientIp) : ipv4ToMac(clientIp);
    if (known) return known;
    const frameMac = towardsServer ? ev.meta.srcMac : ev.meta.dstMac;
    return frameMac && frameMac !== 'ff:ff:ff:ff:ff:ff' ? frameMac : `ip:${clientIp}`;
  }

  private readonly connections = new Set<string>();

  /** True/false when `fwd` (src|sport|dst|dport) is known as client->server / server->client. */
  connectionDirection(fwd: string, rev: string): boolean | undefined {
    if (this.connections.has(fwd)) return true;
    if (this.connections.has(rev)) return false;
    return undefined;
  }

  /** Remember a connection as client|port|server|port. */
  rememberConnection(clientToServer: string): void {
    if (this.connections.size > 4096) this.connections.clear();
    this.connections.add(clientToServer);
  }

  private remember<K>(map: Map<K, string>, k: K, v: string): void {
    if (map.size > 20000) map.clear();
    map.set(k, v);
  }
}

function replyRecord(ev: Dhcp6Event, m: Dhcp6Message): Dhcp6ReplyRecord {
  const r: Dhcp6ReplyRecord = {
    frame: ev.meta.frame,
    ts: ev.meta.ts,
    msgType: m.msgType,
    transactionId: m.transactionId,
    // The sender: the server itself, or for a Relay-repl seen on the server side, still the server.
    server: ev.meta.src,
    addresses: (m.iaNa ?? []).flatMap((ia) => ia.addresses.map((a) => a.address)),
  };
  if (m.serverId) r.serverDuid = m.serverId.hex;
  if (m.bootfileUrl !== undefined) r.bootfileUrl = m.bootfileUrl;
  if (m.vendorClass !== undefined) r.vendorClass = m.vendorClass;
  const st = m.status ?? m.iaNa?.find((ia) => ia.status)?.status;
  if (st) r.status = st;
  return r;
}

/** Adds a DHCPv6 packet to the client's rounds; returns the round it went to and who sent it. */
export function recordDhcp6(c: ClientRecord, ev: Dhcp6Event): { round: Dhcp6RoundRecord; fromClient: boolean } | undefined {
  const side = bootSide(c);
  const m = innerMessage(ev.dhcp6);
  const { frame, ts } = ev.meta;
  let round = side.dhcp6[side.dhcp6.length - 1];
  const fromClient = CLIENT_TYPES.has(m.msgType);
  if (fromClient) {
    const method = methodOfVendorClass(m.vendorClass);
    const retry = round?.transactionIds.includes(m.transactionId);
    // A Solicit that names a different method (or the first one) starts a round; EDK2's second
    // Solicit without a vendor class (its DHCPv6 driver getting the station address) joins the current one.
    if (!round || (m.msgType === Dhcp6MessageType.Solicit && !retry && method !== 'DHCPv6' && method !== round.method)) {
      round = {
        method,
        firstFrame: frame,
        firstTs: ts,
        lastFrame: frame,
        lastTs: ts,
        transactionIds: [],
        solicitFrames: [],
        requestFrames: [],
        advertises: [],
        replies: [],
      };
      if (side.dhcp6.length >= MAX_ROUNDS) side.dhcp6.splice(1, 1);
      side.dhcp6.push(round);
    }
    if (round.method === 'DHCPv6' && method !== 'DHCPv6') round.method = method;
    if (m.vendorClass !== undefined) round.vendorClass ??= m.vendorClass;
    if (m.clientArch) round.arch ??= m.clientArch;
    if (m.clientId) round.clientDuid ??= m.clientId.hex;
    if (!round.transactionIds.includes(m.transactionId)) push(round.transactionIds, m.transactionId);
    if (m.msgType === Dhcp6MessageType.Solicit) push(round.solicitFrames, frame);
    else if (m.msgType === Dhcp6MessageType.Request) push(round.requestFrames, frame);
  } else {
    if (!round) return undefined;
    const rr = replyRecord(ev, m);
    if (m.msgType === Dhcp6MessageType.Advertise) push(round.advertises, rr);
    else if (m.msgType === Dhcp6MessageType.Reply) push(round.replies, rr);
  }
  round.lastFrame = Math.max(round.lastFrame, frame);
  round.lastTs = Math.max(round.lastTs, ts);
  return { round, fromClient };
}

/** Adds a BSDP packet (DHCPv4 with option 43 decoded as BSDP). */
export function recordBsdp(c: ClientRecord, ev: DhcpEvent): BsdpRecord | undefined {
  const b = ev.dhcp.bsdp;
  if (!b) return undefined;
  const side = bootSide(c);
  const r: BsdpRecord = { frame: ev.meta.frame, ts: ev.meta.ts, fromClient: ev.dhcp.op === BootpOp.Request };
  if (b.messageType !== undefined) r.messageType = b.messageType;
  const server = b.serverId ?? ev.dhcp.serverId ?? (ev.dhcp.op === BootpOp.Reply ? ev.meta.src : undefined);
  if (server) r.server = server;
  if (b.images) r.images = b.images.slice(0, 64);
  if (b.defaultImage !== undefined) r.defaultImage = b.defaultImage;
  if (b.selectedImage !== undefined) r.selectedImage = b.selectedImage;
  push(side.bsdp, r, MAX_BSDP);
  return r;
}

/**
 * Which end of an HTTP boot TCP segment is the client: the SYN sender or the requester, remembered
 * per connection for the segments that carry neither; for a connection first seen mid-way, the
 * end with the lower port is taken as the server (firmware ephemeral ports can be as low as 1024,
 * but servers listen on 80/443/8080).
 */
export function httpDirection(ev: HttpEvent, resolver: BootSideResolver): { towardsServer: boolean } {
  const f = ev.tcp.flags;
  const m = ev.meta;
  const fwd = `${m.src}|${m.sport}|${m.dst}|${m.dport}`;
  let towardsServer: boolean;
  if (f & TcpFlag.Syn) towardsServer = (f & TcpFlag.Ack) === 0;
  else if (ev.http) towardsServer = ev.http.type === 'request';
  else {
    const known = resolver.connectionDirection(fwd, `${m.dst}|${m.dport}|${m.src}|${m.sport}`);
    towardsServer = known ?? m.sport > m.dport;
  }
  resolver.rememberConnection(towardsServer ? fwd : `${m.dst}|${m.dport}|${m.src}|${m.sport}`);
  return { towardsServer };
}

/** Adds a TCP segment of an HTTP boot flow; returns the fetch and a timeline label when worth one. */
export function recordHttp(c: ClientRecord, ev: HttpEvent, towardsServer: boolean): { fetch: HttpFetchRecord; label?: string; kind?: string } | undefined {
  const side = bootSide(c);
  const m = ev.meta;
  const client = towardsServer ? m.src : m.dst;
  const cport = towardsServer ? m.sport : m.dport;
  const server = towardsServer ? m.dst : m.src;
  const sport = towardsServer ? m.dport : m.sport;
  const f = ev.tcp.flags;
  let fetch: HttpFetchRecord | undefined;
  for (let i = side.http.length - 1; i >= 0 && i >= side.http.length - 8; i--) {
    const x = side.http[i] as HttpFetchRecord;
    if (x.client === client && x.clientPort === cport && x.server === server && x.serverPort === sport) {
      fetch = x;
      break;
    }
  }
  // A new SYN on a finished connection's ports is a new connection (port reuse).
  if (fetch && towardsServer && f & TcpFlag.Syn && !(f & TcpFlag.Ack) && (fetch.resetFrame !== undefined || fetch.finFrame !== undefined)) fetch = undefined;
  if (!fetch) {
    if (side.http.length >= MAX_FETCHES) return undefined;
    fetch = {
      family: m.ipVersion === 6 ? 6 : 4,
      client,
      clientPort: cport,
      server,
      serverPort: sport,
      firstFrame: m.frame,
      firstTs: m.ts,
      lastFrame: m.frame,
      lastTs: m.ts,
      synRetries: 0,
      bodyBytes: 0,
      outcome: 'incomplete',
    };
    side.http.push(fetch);
  }
  fetch.lastFrame = Math.max(fetch.lastFrame, m.frame);
  fetch.lastTs = Math.max(fetch.lastTs, m.ts);
  let label: string | undefined;
  let kind: string | undefined;
  if (f & TcpFlag.Syn) {
    if (towardsServer) {
      if (fetch.synFrame === undefined) {
        fetch.synFrame = m.frame;
        label = `TCP connect to ${server}:${sport}`;
        kind = 'TCP-SYN';
      } else fetch.synRetries++;
    } else fetch.synAckFrame ??= m.frame;
  }
  if (f & TcpFlag.Rst && fetch.resetFrame === undefined) {
    fetch.resetBy = towardsServer ? 'client' : 'server';
    fetch.resetFrame = m.frame;
    label = towardsServer ? 'TCP reset by the client' : fetch.synAckFrame === undefined ? `connection refused by ${server}:${sport}` : `TCP reset by ${server}`;
    kind = 'TCP-RST';
  }
  if (f & TcpFlag.Fin && !towardsServer) fetch.finFrame ??= m.frame;
  const h = ev.http;
  if (towardsServer && ev.tcp.tlsHandshake && fetch.requestFrame === undefined) {
    fetch.tls = true;
    fetch.requestFrame = m.frame;
    if (ev.tcp.sni !== undefined) fetch.sni = ev.tcp.sni;
    label = `TLS handshake (HTTPS${ev.tcp.sni !== undefined ? `, server name ${ev.tcp.sni}` : ''})`;
    kind = 'HTTP-REQUEST';
  }
  // Issue 18: did the handshake complete (the client sent application data) or end in an alert?
  if (fetch.tls && fetch.tlsDoneFrame === undefined) {
    if (towardsServer && ev.tcp.tlsRecord === 23) fetch.tlsDoneFrame = m.frame;
    else if (ev.tcp.tlsRecord === 21) fetch.tlsAlertFrame ??= m.frame;
  }
  if (h?.type === 'request' && towardsServer && fetch.requestFrame === undefined) {
    fetch.method = h.method;
    fetch.target = h.target;
    if (h.host !== undefined) fetch.host = h.host;
    fetch.requestFrame = m.frame;
    label = `HTTP ${h.method} ${h.target}`;
    kind = 'HTTP-REQUEST';
  }
  if (!towardsServer && ev.tcp.payloadLength > 0) {
    const end = (ev.tcp.seq + ev.tcp.payloadLength) >>> 0;
    let fresh = ev.tcp.payloadLength;
    if (h?.type === 'response' && fetch.responseFrame === undefined) {
      fetch.status = h.status;
      fetch.reason = h.reason;
      fetch.responseFrame = m.frame;
      if (h.contentLength !== undefined) fetch.contentLength = h.contentLength;
      fresh = h.headLength !== undefined ? Math.max(0, ev.tcp.payloadLength - h.headLength) : 0;
      fetch.serverNextSeq = end;
      label = `HTTP ${h.status} ${h.reason}${h.contentLength !== undefined ? ` (${h.contentLength} bytes)` : ''}`;
      kind = 'HTTP-RESPONSE';
    } else if (fetch.responseFrame !== undefined && fetch.serverNextSeq !== undefined) {
      // Count only bytes beyond what was already seen (retransmissions), modulo 2^32.
      const ahead = (end - fetch.serverNextSeq) | 0;
      if (ahead <= 0) fresh = 0;
      else {
        fresh = Math.min(fresh, ahead);
        fetch.serverNextSeq = end;
      }
    } else if (fetch.tls) {
      // HTTPS: nothing to parse; count what the server sent, once.
      const ahead = fetch.serverNextSeq === undefined ? fresh : (end - fetch.serverNextSeq) | 0;
      fresh = ahead <= 0 ? 0 : Math.min(fresh, ahead);
      if (ahead > 0) fetch.serverNextSeq = end;
    } else fresh = 0;
    fetch.bodyBytes += fresh;
  }
  settleFetch(fetch);
  return { fetch, ...(label ? { label, kind } : {}) };
}

export function settleFetch(f: HttpFetchRecord): void {
  // HTTPS: the result is inside TLS. Data from the server and no reset from it is all one can see.
  if (f.tls && f.tlsDoneFrame === undefined && f.tlsAlertFrame !== undefined) f.outcome = 'tls-failed';
  else if (f.tls && f.bodyBytes > 0 && f.resetBy !== 'server') f.outcome = 'encrypted';
  else if (f.status !== undefined && f.status >= 400) f.outcome = 'http-error';
  else if (f.status !== undefined && f.status < 300 && f.method === 'HEAD') f.outcome = 'head-only';
  else if (f.status !== undefined && f.status < 300 && f.contentLength !== undefined && f.bodyBytes >= f.contentLength) f.outcome = 'complete';
  else if (f.status !== undefined && f.status < 300 && f.contentLength === undefined && f.finFrame !== undefined && f.resetFrame === undefined) f.outcome = 'complete';
  else if (f.resetFrame !== undefined && f.synAckFrame === undefined && f.resetBy === 'server') f.outcome = 'refused';
  else if (f.resetFrame !== undefined) f.outcome = 'reset';
  else if (f.synAckFrame === undefined && f.requestFrame === undefined) f.outcome = 'no-response';
  else f.outcome = 'incomplete';
}

// ---------------------------------------------------------------------------------------------
// Methods

export type BootMethodName = 'PXEv4' | 'PXEv6' | 'HTTPv4' | 'HTTPv6' | 'BSDP';

/**
 * booted: the boot file was downloaded completely (TFTP or HTTP GET).
 * download-failed: a download started and failed (TFTP error / incomplete, HTTP status >= 400, refused, reset).
 * download-encrypted: an https:// download ran; its result is inside TLS (not judged).
 * no-download: a boot file / URL was offered but never fetched.
 * no-boot-file: answers came, without a usable boot file or URL.
 * no-offer: the client's requests went unanswered.
 * BSDP: image-selected (ACK[SELECT]), images-listed (ACK[LIST] with images, no selection), no-images.
 */
export type BootMethodOutcome =
  | 'booted'
  | 'download-failed'
  | 'download-encrypted'
  | 'no-download'
  | 'no-boot-file'
  | 'no-offer'
  | 'image-selected'
  | 'images-listed'
  | 'no-images';

export interface BootMethodRecord {
  method: BootMethodName;
  outcome: BootMethodOutcome;
  firstFrame: number;
  lastFrame: number;
  firstTs: number;
  /** Evidence: the request, the answer, the download (at most a handful of frames). */
  frames: number[];
  /** Boot file or URL offered. */
  bootFile?: string;
  server?: string;
  /** One line on what happened. */
  detail: string;
  attempt?: AttemptRecord;
  round?: Dhcp6RoundRecord;
  fetches?: HttpFetchRecord[];
  transfers?: TransferRecord[];
}

const OUTCOME_RANK: Record<BootMethodOutcome, number> = {
  booted: 6,
  'image-selected': 6,
  'download-failed': 5,
  'download-encrypted': 5,
  'images-listed': 4,
  'no-download': 3,
  'no-boot-file': 2,
  'no-images': 2,
  'no-offer': 1,
};

export function outcomeRank(o: BootMethodOutcome): number {
  return OUTCOME_RANK[o];
}

function isV6(ip: string): boolean {
  return ip.includes(':');
}

function attemptMethod(a: AttemptRecord): BootMethodName | undefined {
  if (isHttpClientVendorClass(a.vendorClass)) return 'HTTPv4';
  if (isBsdpVendorClass(a.vendorClass)) return 'BSDP';
  if (a.pxe && a.role === 'firmware') return 'PXEv4';
  return undefined;
}

function transferOutcome(ts: TransferRecord[]): BootMethodOutcome | undefined {
  const real = ts.filter((t) => t.outcome !== 'tsize-probe' && t.outcome !== 'not-found-probe');
  if (ts.some((t) => delivered(t) && t.role === 'nbp')) return 'booted';
  if (real.length > 0 || ts.length > 0) return 'download-failed';
  return undefined;
}

function fetchOutcome(fs: HttpFetchRecord[]): BootMethodOutcome | undefined {
  const gets = fs.filter((f) => f.method !== 'HEAD');
  if (gets.some((f) => f.outcome === 'complete')) return 'booted';
  if (fs.some((f) => f.outcome === 'encrypted')) return 'download-encrypted';
  if (fs.length > 0) return 'download-failed';
  return undefined;
}

function sameEndpoint(f: HttpFetchRecord, url: string | undefined): boolean {
  if (!url) return true;
  const u = parseBootUrl(url);
  if (!u) return false;
  return f.serverPort === u.port && (u.hostKind === 'name' || f.server === u.host);
}

function fetchDetail(f: HttpFetchRecord): string {
  const what = `${f.method ?? 'GET'} ${f.target ?? '?'}`;
  switch (f.outcome) {
    case 'complete':
      return `${what}: ${f.status} ${f.reason ?? ''}, ${f.bodyBytes} bytes`.replace(/ ,/, ',');
    case 'http-error':
      return `${what}: HTTP ${f.status} ${f.reason ?? ''}`.trimEnd();
    case 'refused':
      return `connection to ${f.server}:${f.serverPort} refused`;
    case 'reset':
      return `${f.requestFrame !== undefined ? what : 'connection'}: reset by the ${f.resetBy}${f.contentLength !== undefined ? ` after ${f.bodyBytes} of ${f.contentLength} bytes` : ''}`;
    case 'no-response':
      return `no answer from ${f.server}:${f.serverPort}`;
    case 'head-only':
      return `${what}: ${f.status}`;
    case 'encrypted':
      return `HTTPS from ${f.server}:${f.serverPort}: ${f.bodyBytes} bytes received, result not visible (TLS)`;
    case 'tls-failed':
      return `TLS handshake with ${f.sni ?? f.server}:${f.serverPort} ended in an alert`;
    default:
      return `${what}: ${f.bodyBytes}${f.contentLength !== undefined ? ` of ${f.contentLength}` : ''} bytes seen`;
  }
}

function lastFetch(fs: HttpFetchRecord[]): HttpFetchRecord | undefined {
  return [...fs].reverse().find((f) => f.method !== 'HEAD') ?? fs[fs.length - 1];
}

/**
 * A method whose TFTP transfers decide its outcome: credit them, the frames of the one that counts
 * (the complete NBP, else the last) and a detail line. Duplicate frame numbers are removed by the caller.
 */
function creditTransfers(rec: BootMethodRecord, frames: number[], ts: TransferRecord[], outcome: BootMethodOutcome): void {
  rec.outcome = outcome;
  rec.transfers = ts;
  const t = ts.find((x) => delivered(x) && x.role === 'nbp') ?? ts[ts.length - 1]!;
  frames.push(t.rrqFrame, t.lastFrame);
  rec.detail = `TFTP ${t.file}: ${t.outcome}${t.error ? ` (error ${t.error.code} ${t.error.message})` : ''}`;
}

/** The same for a method whose HTTP fetches decide its outcome (the last non-HEAD fetch counts). */
function creditFetches(rec: BootMethodRecord, frames: number[], fetches: HttpFetchRecord[], outcome: BootMethodOutcome): void {
  rec.outcome = outcome;
  rec.fetches = fetches;
  const f = lastFetch(fetches)!;
  frames.push(f.requestFrame ?? f.firstFrame);
  if (f.responseFrame !== undefined) frames.push(f.responseFrame);
  frames.push(f.lastFrame);
  rec.detail = fetchDetail(f);
}

/**
 * The boot methods a client tried, in the order it tried them, each with its outcome. Empty for a
 * client that did nothing but PXE over IPv4 (its report is the classic one).
 */
export function bootMethods(c: ClientRecord): BootMethodRecord[] {
  const side = c.boot;
  const v4 = c.attempts.filter((a) => attemptMethod(a) !== undefined);
  if (!side && !v4.some((a) => attemptMethod(a) !== 'PXEv4')) return [];
  const out: BootMethodRecord[] = [];
  const allTransfers = clientTransfers(c);
  const fetches = side?.http ?? [];
  // Start times of every method, to bound which downloads belong to which.
  const starts: number[] = [...v4.map((a) => a.firstTs), ...(side?.dhcp6 ?? []).map((r) => r.firstTs)].sort((x, y) => x - y);
  const nextStart = (t: number): number => starts.find((s) => s > t) ?? Infinity;

  for (const a of v4) {
    const method = attemptMethod(a) as BootMethodName;
    const until = nextStart(a.firstTs);
    const replies = [...a.offers, ...a.acks];
    const frames = [a.firstFrame];
    const rec: BootMethodRecord = { method, outcome: 'no-offer', firstFrame: a.firstFrame, lastFrame: a.firstFrame, firstTs: a.firstTs, frames, detail: '', attempt: a };
    if (method === 'PXEv4') {
      const ts = a.transfers.filter((t) => !isV6(t.client));
      const withFile = replies.find((r) => r.bootFile) ?? a.proxyRequests.find((p) => p.answer?.bootFile)?.answer;
      const o = transferOutcome(ts);
      if (withFile) {
        rec.bootFile = withFile.bootFile;
        rec.server = withFile.siaddr !== ZERO_IP ? withFile.siaddr : withFile.server;
        frames.push(withFile.frame);
      }
      if (o) creditTransfers(rec, frames, ts, o);
      else if (withFile) {
        rec.outcome = 'no-download';
        rec.detail = `boot file ${withFile.bootFile} offered, never requested`;
      } else if (replies.length > 0) {
        rec.outcome = 'no-boot-file';
        frames.push(replies[0]!.frame);
        rec.detail = 'DHCP answered without a boot file';
      } else rec.detail = 'no DHCP offer';
    } else if (method === 'HTTPv4') {
      const withUrl = replies.find((r) => parseBootUrl(r.bootFile) !== undefined);
      const echoed = withUrl && isHttpClientVendorClass(withUrl.vendorClass);
      const mine = fetches.filter((f) => f.family === 4 && f.firstTs >= a.firstTs && f.firstTs < until && sameEndpoint(f, withUrl?.bootFile));
      if (withUrl) {
        rec.bootFile = withUrl.bootFile;
        rec.server = withUrl.server;
        frames.push(withUrl.frame);
      }
      const o = fetchOutcome(mine);
      if (o) creditFetches(rec, frames, mine, o);
      else if (withUrl && echoed) {
        rec.outcome = 'no-download';
        rec.detail = `URL ${withUrl.bootFile} offered, never fetched`;
      } else if (replies.length > 0) {
        rec.outcome = 'no-boot-file';
        frames.push((withUrl ?? replies[0]!).frame);
        rec.detail = withUrl ? `URL ${withUrl.bootFile} offered without option 60 "HTTPClient": the firmware ignores the offer` : 'DHCP answered without a boot URL';
      } else rec.detail = 'no DHCP offer';
    } else {
      // BSDP over DHCPv4 INFORM: outcome from the BSDP packets of this attempt's time span.
      const bs = (side?.bsdp ?? []).filter((b) => b.ts >= a.firstTs && b.ts < until);
      const acks = bs.filter((b) => !b.fromClient);
      const sel = acks.find((b) => b.messageType === BsdpMessageType.Select);
      const list = acks.find((b) => b.messageType === BsdpMessageType.List);
      if (sel) {
        rec.outcome = 'image-selected';
        frames.push(sel.frame);
        rec.detail = `server ${sel.server ?? '?'} acknowledged image ${sel.selectedImage ?? '?'}`;
      } else if (list && (list.images?.length ?? 0) > 0) {
        rec.outcome = 'images-listed';
        frames.push(list.frame);
        rec.detail = `${list.images!.length} image(s) listed by ${list.server ?? '?'}, none selected`;
      } else if (list) {
        rec.outcome = 'no-images';
        frames.push(list.frame);
        rec.detail = `${list.server ?? 'the server'} listed no boot images`;
      } else rec.detail = 'no BSDP answer';
      if (acks.length > 0) rec.server = acks[0]!.server;
    }
    rec.lastFrame = Math.max(...frames, a.firstFrame);
    rec.frames = [...new Set(frames)].sort((x, y) => x - y);
    out.push(rec);
  }

  for (const r of side?.dhcp6 ?? []) {
    if (r.method === 'DHCPv6') continue;
    const until = nextStart(r.firstTs);
    const replies = [...r.advertises, ...r.replies];
    const withUrl = replies.find((x) => x.bootfileUrl !== undefined && x.bootfileUrl !== '');
    const frames = [r.firstFrame];
    const rec: BootMethodRecord = { method: r.method, outcome: 'no-offer', firstFrame: r.firstFrame, lastFrame: r.lastFrame, firstTs: r.firstTs, frames, detail: '', round: r };
    if (withUrl) {
      rec.bootFile = withUrl.bootfileUrl;
      rec.server = withUrl.server;
      frames.push(withUrl.frame);
    }
    if (r.method === 'PXEv6') {
      const ts = allTransfers.filter((t) => isV6(t.client) && t.rrqTs >= r.firstTs && t.rrqTs < until);
      const o = transferOutcome(ts);
      if (o) creditTransfers(rec, frames, ts, o);
      else if (withUrl) {
        rec.outcome = 'no-download';
        rec.detail = `boot file URL ${withUrl.bootfileUrl} offered, never fetched`;
      } else if (replies.length > 0) {
        rec.outcome = 'no-boot-file';
        frames.push(replies[0]!.frame);
        rec.detail = 'DHCPv6 answered without a boot file URL (option 59)';
      } else rec.detail = 'no DHCPv6 Advertise';
    } else {
      const echoed = withUrl !== undefined && replies.some((x) => isHttpClientVendorClass(x.vendorClass));
      const mine = fetches.filter((f) => f.family === 6 && f.firstTs >= r.firstTs && f.firstTs < until && sameEndpoint(f, withUrl?.bootfileUrl));
      const o = fetchOutcome(mine);
      if (o) creditFetches(rec, frames, mine, o);
      else if (withUrl && echoed && parseBootUrl(withUrl.bootfileUrl!)) {
        rec.outcome = 'no-download';
        rec.detail = `URL ${withUrl.bootfileUrl} offered, never fetched`;
      } else if (replies.length > 0) {
        rec.outcome = 'no-boot-file';
        frames.push((withUrl ?? replies[0]!).frame);
        rec.detail = withUrl
          ? parseBootUrl(withUrl.bootfileUrl!)
            ? `URL ${withUrl.bootfileUrl} offered without vendor class (option 16) "HTTPClient": the firmware ignores the offer`
            : `boot file URL ${withUrl.bootfileUrl} is not an http(s) URL`
          : 'DHCPv6 answered without a boot file URL (option 59)';
      } else rec.detail = 'no DHCPv6 Advertise';
    }
    rec.lastFrame = Math.max(...frames, r.lastFrame);
    rec.frames = [...new Set(frames)].sort((x, y) => x - y);
    out.push(rec);
  }
  return out.sort((x, y) => x.firstTs - y.firstTs || x.firstFrame - y.firstFrame);
}

/** The method that got furthest (the first one among equals: the one the firmware got there with first). */
export function closestMethod(methods: BootMethodRecord[]): BootMethodRecord | undefined {
  let best: BootMethodRecord | undefined;
  for (const m of methods) if (!best || outcomeRank(m.outcome) > outcomeRank(best.outcome)) best = m;
  return best;
}
