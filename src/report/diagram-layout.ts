/**
 * The ladder (sequence) diagram of one client's boot, as data: who the participants are (columns)
 * and what happened between them (rows). The terminal renderer (diagram.ts) and the HTML/SVG
 * renderer (html.ts) both draw from this, so the two pictures always agree.
 */
import type { ClientJson, TimelineEntry } from './schema.js';
import type { Finding, Severity } from '../diagnose/finding.js';
import { severityRank } from '../diagnose/finding.js';
import { BROADCAST_IP, ZERO_IP } from '../decode/dhcp/constants.js';

/** What a column does in the boot; one host can have several roles (dnsmasq: proxy + TFTP). */
export type ParticipantRole = 'client' | 'dhcp' | 'relay' | 'proxy' | 'tftp' | 'http' | 'host' | 'multicast';

export interface Participant {
  /** The address (or MAC) the timeline uses for it. */
  address: string;
  roles: ParticipantRole[];
}

export interface LadderArrow {
  type: 'arrow';
  entry: TimelineEntry;
  from: number;
  to: number;
  /** Sent to 255.255.255.255: drawn across every server column. */
  broadcast: boolean;
  /** Sent to an IPv6 multicast group: drawn to the group's own column. */
  multicast?: boolean;
  /** Seconds since the client's first timeline entry. */
  at: number;
  /** Times of the folded retransmissions relative to the first of them (e.g. [0, 4, 12, 28]), or undefined. */
  repeatOffsets?: number[];
  /** Every frame this arrow stands for: its entry's, and those of identical entries folded into it. */
  frames: number[];
  /** A message that by itself means trouble (NAK, TFTP ERROR, ICMP unreachable). */
  alarming: boolean;
  /** An exchange both ways folded into one line (TFTP-TRANSFER): heads at both ends. */
  both: boolean;
}

export interface LadderMark {
  type: 'finding';
  finding: Finding;
}

/** The rest of a very long exchange (a flood) is left out of the picture; the JSON has it all. */
export interface LadderMore {
  type: 'more';
  messages: number;
}

export type LadderRow = LadderArrow | LadderMark | LadderMore;

/** Arrows drawn per client at most; a DHCP flood would otherwise make a picture nobody can read. */
export const MAX_ARROWS = 300;

export interface Ladder {
  client: ClientJson;
  participants: Participant[];
  rows: LadderRow[];
  /** Capture time (seconds since the first frame) of the client's first entry. */
  start: number;
  /** Highest severity among the client's findings, if any. */
  worst?: Severity;
}

/** Kinds only a client sends (RFC 2131 §3.1, PXE 2.1 §2.2: the 4011 request, RFC 1350 RRQ/WRQ). */
const CLIENT_KINDS = new Set(['DISCOVER', 'REQUEST', 'DECLINE', 'RELEASE', 'INFORM', '4011-REQUEST', 'RRQ', 'WRQ']);
/** Kinds whose sender tells the column's role. */
const ROLE_OF_SENDER: Record<string, ParticipantRole> = {
  OFFER: 'dhcp',
  ACK: 'dhcp',
  NAK: 'dhcp',
  'PROXY-OFFER': 'proxy',
  '4011-ACK': 'proxy',
  OACK: 'tftp',
  DATA: 'tftp',
  ERROR: 'tftp',
  ICMP: 'host',
  'DHCPV6-ADVERTISE': 'dhcp',
  'DHCPV6-REPLY': 'dhcp',
  'HTTP-RESPONSE': 'http',
};
/** Kinds whose receiver tells the column's role (the client asks it). */
const ROLE_OF_RECEIVER: Record<string, ParticipantRole> = {
  '4011-REQUEST': 'proxy',
  RRQ: 'tftp',
  WRQ: 'tftp',
  'TCP-SYN': 'http',
  'HTTP-REQUEST': 'http',
};
/** DHCP replies; a server sends them to the relay's giaddr when relayed (RFC 2131 §4.1). */
const SERVER_DHCP_KINDS = new Set(['OFFER', 'ACK', 'NAK', 'PROXY-OFFER']);
const ROLE_ORDER: ParticipantRole[] = ['client', 'relay', 'dhcp', 'proxy', 'tftp', 'http', 'host', 'multicast'];
const ALARMING = new Set(['NAK', 'ERROR', 'ICMP', 'DECLINE']);

export function isBroadcast(address: string): boolean {
  return address === BROADCAST_IP;
}

/** IPv6 multicast (ff00::/8, e.g. ff02::1:2 All_DHCP_Relay_Agents_and_Servers): drawn to a column of its own, the group. */
export function isMulticast(address: string): boolean {
  return /^ff[0-9a-f]{2}:/i.test(address);
}

/** DHCPv6 messages only a client sends (RFC 8415 section 7.3) and the client side of HTTP boot (docs/ipv6-http-bsdp.md). */
const CLIENT_KINDS_V6_HTTP = new Set([
  'DHCPV6-SOLICIT',
  'DHCPV6-REQUEST',
  'DHCPV6-CONFIRM',
  'DHCPV6-RENEW',
  'DHCPV6-REBIND',
  'DHCPV6-RELEASE',
  'DHCPV6-DECLINE',
  'DHCPV6-INFORMATION-REQUEST',
  'TCP-SYN',
  'HTTP-REQUEST',
]);

/**
 * The addresses that are this client: its MAC, 0.0.0.0 before it has a lease, the addresses it was
 * offered, and the source of what only a client sends directly (RRQ, the 4011 request; never relayed).
 */
function clientAddresses(client: ClientJson): Set<string> {
  const own = new Set<string>([client.mac, ZERO_IP]);
  for (const o of client.offers) if (o.yiaddr && o.yiaddr !== ZERO_IP) own.add(o.yiaddr);
  for (const e of client.timeline) {
    if (e.kind === 'RRQ' || e.kind === 'WRQ' || e.kind === '4011-REQUEST' || CLIENT_KINDS_V6_HTTP.has(e.kind)) own.add(e.from);
  }
  for (const t of client.transfers) own.add(t.client);
  return own;
}

export function buildLadder(client: ClientJson, allFindings: Finding[]): Ladder {
  const own = clientAddresses(client);
  const participants: Participant[] = [{ address: client.mac, roles: ['client'] }];
  const firstSeen = new Map<string, number>();
  const roles = new Map<string, Set<ParticipantRole>>();
  const note = (address: string, role: ParticipantRole, order: number): void => {
    if (own.has(address) || isBroadcast(address) || isMulticast(address)) return;
    if (!firstSeen.has(address)) firstSeen.set(address, order);
    let set = roles.get(address);
    if (!set) roles.set(address, (set = new Set()));
    set.add(role);
  };
  const offerServer = new Map(client.offers.map((o) => [o.frame, o.server]));
  const groups = new Map<string, number>();
  client.timeline.forEach((e, i) => {
    if (isMulticast(e.to) && !groups.has(e.to)) groups.set(e.to, i);
    if (CLIENT_KINDS.has(e.kind) && !own.has(e.from)) {
      // A client-only message from another address was forwarded by a relay agent (RFC 1542 §4).
      note(e.from, 'relay', i);
    }
    if (SERVER_DHCP_KINDS.has(e.kind) && !own.has(e.to)) note(e.to, 'relay', i);
    // An offer whose server identifier is another host was forwarded to the client by a relay.
    const serverId = offerServer.get(e.frame);
    if (SERVER_DHCP_KINDS.has(e.kind) && serverId !== undefined && serverId !== e.from) note(e.from, 'relay', i);
    const senderRole = ROLE_OF_SENDER[e.kind];
    if (senderRole) note(e.from, senderRole, i);
    const receiverRole = ROLE_OF_RECEIVER[e.kind];
    if (receiverRole) note(e.to, receiverRole, i);
    // A collapsed transfer: whichever end is not the client is the TFTP server.
    if (e.kind === 'TFTP-TRANSFER') {
      note(e.from, 'tftp', i);
      note(e.to, 'tftp', i);
    }
    // Anything else the client exchanged with still gets a column.
    note(e.from, 'host', i);
    note(e.to, 'host', i);
  });
  const others = [...roles.entries()].map(([address, set]) => {
    // A relay agent also forwards OFFER/ACK to the client: it is a relay, not a DHCP or proxy server.
    const specific = [...set].filter((r) => r !== 'host' && !((r === 'dhcp' || r === 'proxy') && set.has('relay')));
    const list = (specific.length > 0 ? specific : ['host']) as ParticipantRole[];
    list.sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
    return { address, roles: list, order: firstSeen.get(address) ?? 0 };
  });
  others.sort((a, b) => ROLE_ORDER.indexOf(a.roles[0]!) - ROLE_ORDER.indexOf(b.roles[0]!) || a.order - b.order);
  for (const o of others) participants.push({ address: o.address, roles: o.roles });
  // Multicast groups last: a DHCPv6 Solicit goes to ff02::1:2, not to any one server.
  for (const g of groups.keys()) participants.push({ address: g, roles: ['multicast'] });

  const column = (address: string): number => {
    if (own.has(address)) return 0;
    const i = participants.findIndex((p) => p.address === address);
    return i < 0 ? 0 : i;
  };
  const start = client.timeline[0]?.time ?? 0;
  // A broadcast reaches the servers' columns, not the multicast groups' (which are last).
  const lastServer = participants.length - 1 - groups.size;
  const arrows: LadderArrow[] = client.timeline.map((entry) => {
    const broadcast = isBroadcast(entry.to);
    const from = column(entry.from);
    // A broadcast from the client reaches every server; one from a server is meant for the client.
    const to = broadcast ? (from === 0 ? Math.max(lastServer, 0) : 0) : column(entry.to);
    const arrow: LadderArrow = {
      type: 'arrow',
      entry,
      from,
      to,
      broadcast,
      at: entry.time - start,
      repeatOffsets: repeatOffsets(entry),
      frames: [entry.frame],
      alarming: ALARMING.has(entry.kind),
      both: entry.kind === 'TFTP-TRANSFER',
    };
    if (isMulticast(entry.to)) arrow.multicast = true;
    return arrow;
  });

  const findings = allFindings.filter((f) => f.client === client.mac);
  const rows: LadderRow[] = [];
  const anchored = new Map<number, Finding[]>();
  for (const f of findings) {
    const at = anchorIndex(client.timeline, f);
    let list = anchored.get(at);
    if (!list) anchored.set(at, (list = []));
    list.push(f);
  }
  for (const f of anchored.get(-1) ?? []) rows.push({ type: 'finding', finding: f });
  let drawn = 0;
  let left = 0;
  arrows.forEach((a, i) => {
    const prev = rows[rows.length - 1];
    if (prev?.type === 'arrow' && sameMessage(prev, a)) foldInto(prev, a);
    else if (drawn >= MAX_ARROWS) left++;
    else {
      rows.push(a);
      drawn++;
    }
    for (const f of anchored.get(i) ?? []) rows.push({ type: 'finding', finding: f });
  });
  if (left > 0) rows.push({ type: 'more', messages: left });
  let worst: Severity | undefined;
  for (const f of findings) if (worst === undefined || severityRank[f.severity] > severityRank[worst]) worst = f.severity;
  return { client, participants, rows, start, worst };
}

/** The same message again (a retransmission the exchange layer did not fold, or a flood). */
function sameMessage(a: LadderArrow, b: LadderArrow): boolean {
  const x = a.entry;
  const y = b.entry;
  return x.kind === y.kind && x.from === y.from && x.to === y.to && x.label === y.label;
}

function foldInto(into: LadderArrow, next: LadderArrow): void {
  const times = [...(into.repeatOffsets ?? [0]).map((o) => o + into.entry.time), ...(next.repeatOffsets ?? [0]).map((o) => o + next.entry.time)];
  into.repeatOffsets = times.map((t) => t - times[0]!);
  into.frames.push(...next.frames);
}

/**
 * Where a finding is drawn: after the last timeline entry at or before the moment it shows
 * (Finding.time, meant for diagrams), else at or before its last evidence frame; -1 = before all.
 */
function anchorIndex(timeline: TimelineEntry[], f: Finding): number {
  let at = -1;
  if (f.time !== undefined) {
    timeline.forEach((e, i) => {
      if (e.time <= f.time! + 1e-9) at = i;
    });
    return at;
  }
  if (f.frames.length > 0) {
    const last = Math.max(...f.frames);
    timeline.forEach((e, i) => {
      if (e.frame <= last) at = i;
    });
    return at;
  }
  return timeline.length - 1;
}

/**
 * Folded retransmissions as offsets from the first one. `repeats` holds the capture times of the
 * folded copies; whether it includes the entry's own time or not, the result starts at 0.
 */
function repeatOffsets(e: TimelineEntry): number[] | undefined {
  if (!e.repeats || e.repeats.length === 0) return undefined;
  const times = Math.abs(e.repeats[0]! - e.time) < 1e-9 ? e.repeats : [e.time, ...e.repeats];
  if (times.length < 2) return undefined;
  return times.map((t) => t - times[0]!);
}

const ROLE_TITLE: Record<ParticipantRole, string> = {
  client: 'client',
  dhcp: 'DHCP',
  relay: 'relay',
  proxy: 'proxy',
  tftp: 'TFTP',
  http: 'HTTP',
  host: 'host',
  multicast: 'multicast',
};

/** "DHCP", "proxy+TFTP", … */
export function roleTitle(p: Participant): string {
  return p.roles.map((r) => ROLE_TITLE[r]).join('+');
}

/** "x4 at 0/4/12/28 s" */
export function foldedText(offsets: number[]): string {
  // A flood folds thousands of copies: the first few and the last say enough.
  const shown = offsets.length > 6 ? [...offsets.slice(0, 4).map(formatSeconds), '...', formatSeconds(offsets[offsets.length - 1]!)] : offsets.map(formatSeconds);
  return `x${offsets.length} at ${shown.join('/')} s`;
}

/** Seconds with no more precision than useful: 0, 4, 0.5, 0.012, 12.3 */
export function formatSeconds(s: number): string {
  if (s === 0) return '0';
  const abs = Math.abs(s);
  const digits = abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return s.toFixed(digits).replace(/\.?0+$/, '');
}

/** "+1.234 s" for the time gutter: fixed 3 decimals so the column lines up. */
export function formatOffset(s: number): string {
  return `+${s.toFixed(3)}`;
}
