/**
 * What `pxe-doctor decode` prints for one PacketEvent: a tshark-like summary line, or the stable
 * NDJSON record (keys documented in docs/decode.md; scripts depend on them, so only ever add).
 */
import { DNS_RCODES } from '../decode/dns.js';
import { dnsTypeName } from '../exchange/chain/dns-records.js';
import type { DhcpMessage, DhcpOption } from '../decode/dhcp/types.js';
import type { PacketEvent } from '../decode/events.js';
import type { TftpPacket } from '../decode/tftp/types.js';
import { archName, dhcpOptionName, messageTypeName } from '../decode/dhcp/options.js';
import { tftpOpcodeName } from '../decode/tftp/codec.js';
import { formatIpv4, latin1String } from '../decode/bytes.js';
import { unreachableCodeName } from '../decode/icmp.js';
import { dhcp6Json, type Dhcp6Json } from '../decode/dhcp6/json.js';
import { dhcp6MessageTypeName } from '../decode/dhcp6/codec.js';
import { Dhcp6MessageType, type Dhcp6Message } from '../decode/dhcp6/types.js';
import { tcpFlagNames, type HttpMessageHead, type TcpSegment } from '../decode/http.js';
import { bsdpMessageTypeName } from '../decode/dhcp/bsdp.js';
import { BootpOp, ZERO_IP } from '../decode/dhcp/constants.js';
import { TftpOpcode } from '../decode/tftp/constants.js';
import { arpSummary, isArpProbe, isGratuitousArp, type ArpPacket } from '../decode/arp.js';
import { bpduPortRole, bpduPortState, bpduSummary, type Bpdu } from '../decode/stp.js';

export interface DecodeRecord {
  frame: number;
  time: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  dhcp?: DhcpJson;
  tftp?: TftpJson;
  icmp?: { type: number; code: number; quoted: { src: string; sport: number; dst: string; dport: number } };
  fragment?: { problem: string; ipId: number; received: number; expected?: number; frames: number[] };
  malformed?: { layer: string; reason: string };
  /** DHCPv6 (UDP 546/547), see docs/ipv6-http-bsdp.md. */
  dhcp6?: Dhcp6Json;
  /** A TCP segment of a UEFI HTTP boot flow, with the HTTP request/response head when it starts one. */
  tcp?: TcpSegment & { flagNames: string };
  http?: HttpMessageHead;
  /** An ARP message (src/dst are its sender and target addresses; ports 0). */
  arp?: ArpPacket & { gratuitous: boolean; probe: boolean };
  /** A spanning-tree BPDU (src/dst empty); `srcMac` is the sending switch port. */
  stp?: Bpdu & { srcMac?: string; portRole?: string; portState?: string };
  /** 6 for IPv6 packets. */
  ipVersion?: 6;
}

export interface DhcpOptionJson {
  code: number;
  name: string;
  length: number;
  value: unknown;
}

export interface DhcpJson {
  op: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  chaddr: string;
  sname: string;
  file: string;
  messageType?: number;
  options: DhcpOptionJson[];
  vendorClass?: string;
  clientArch?: number[];
  clientGuid?: string;
  tftpServer?: string;
  bootFile?: string;
  serverId?: string;
  userClass?: string[];
  anomalies: string[];
}

export interface TftpJson {
  opcode: number;
  filename?: string;
  mode?: string;
  options?: Record<string, string>;
  block?: number;
  length?: number;
  errorCode?: number;
  errorMessage?: string;
}

/** Seconds with microsecond precision, as a number (avoids 0.30000000000000004 in the output). */
function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += ((b[i] as number) < 16 ? '0' : '') + (b[i] as number).toString(16);
  return s;
}

function ipList(b: Uint8Array): string[] | undefined {
  if (b.length === 0 || b.length % 4 !== 0) return undefined;
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 4) out.push(formatIpv4(b, i));
  return out;
}

function uint(b: Uint8Array, n: number): number | undefined {
  if (b.length !== n) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (b[i] as number);
  return v;
}

/** Text options: the bytes up to the first NUL (a trailing NUL is common and not part of it). */
function text(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return latin1String(nul >= 0 ? b.subarray(0, nul) : b);
}

const SINGLE_IP = new Set([1, 16, 28, 32, 50, 54, 118]);
const IP_LISTS = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 41, 42, 44, 45, 48, 49, 65, 68, 69, 70, 71, 72, 73, 74, 75, 76, 150]);
const U32 = new Set([2, 24, 35, 38, 51, 58, 59, 91, 211]);
const U16 = new Set([13, 22, 26, 57]);
const U8 = new Set([19, 20, 23, 27, 29, 30, 31, 34, 36, 37, 39, 46, 52, 53, 116]);
const TEXT = new Set([12, 14, 15, 17, 18, 40, 47, 56, 60, 62, 64, 66, 67, 86, 87, 100, 101, 114, 209, 210]);

/**
 * A JSON value for one option instance: typed for the options pxe-doctor reasons about, hex for
 * the rest and for any option whose length does not fit its type (so nothing is hidden).
 */
export function optionValue(o: DhcpOption, msg: DhcpMessage): unknown {
  const d = o.data;
  const c = o.code;
  let v: unknown;
  if (SINGLE_IP.has(c)) v = d.length === 4 ? formatIpv4(d) : undefined;
  else if (IP_LISTS.has(c)) v = ipList(d);
  else if (U32.has(c)) v = uint(d, 4);
  else if (U16.has(c)) v = uint(d, 2);
  else if (U8.has(c)) v = uint(d, 1);
  else if (TEXT.has(c)) v = text(d);
  else if (c === 55) v = Array.from(d);
  else if (c === 93) v = d.length > 0 && d.length % 2 === 0 ? Array.from({ length: d.length / 2 }, (_, i) => ((d[2 * i] as number) << 8) | (d[2 * i + 1] as number)) : undefined;
  else if (c === 94) v = d.length === 3 ? { type: d[0], major: d[1], minor: d[2] } : undefined;
  else if (c === 97) v = msg.clientGuid;
  else if (c === 43) v = msg.pxe ?? msg.bsdp ?? hex(d);
  else if (c === 77) v = msg.userClass;
  else if (c === 82) v = msg.relayAgent;
  else if (c === 175) v = msg.ipxe;
  return v === undefined ? hex(d) : v;
}

function dhcpJson(m: DhcpMessage): DhcpJson {
  const j: DhcpJson = {
    op: m.op,
    xid: m.xid,
    secs: m.secs,
    flags: m.flags,
    ciaddr: m.ciaddr,
    yiaddr: m.yiaddr,
    siaddr: m.siaddr,
    giaddr: m.giaddr,
    chaddr: m.chaddr,
    sname: m.sname,
    file: m.file,
    options: m.options.map((o) => ({ code: o.code, name: dhcpOptionName(o.code), length: o.data.length, value: optionValue(o, m) })),
    anomalies: [],
  };
  if (m.messageType !== undefined) j.messageType = m.messageType;
  if (m.vendorClass !== undefined) j.vendorClass = m.vendorClass;
  if (m.clientArch !== undefined) j.clientArch = m.clientArch;
  if (m.clientGuid !== undefined) j.clientGuid = m.clientGuid;
  if (m.tftpServer !== undefined) j.tftpServer = m.tftpServer;
  if (m.bootFile !== undefined) j.bootFile = m.bootFile;
  if (m.serverId !== undefined) j.serverId = m.serverId;
  if (m.userClass !== undefined) j.userClass = m.userClass;
  // Keep the documented key order: anomalies last.
  delete (j as Partial<DhcpJson>).anomalies;
  j.anomalies = m.anomalies.map((a) => a.detail);
  return j;
}

function tftpJson(t: TftpPacket): TftpJson {
  switch (t.opcode) {
    case TftpOpcode.Rrq:
    case TftpOpcode.Wrq:
      return { opcode: t.opcode, filename: t.filename, mode: t.mode, options: t.options };
    case TftpOpcode.Data:
      return { opcode: TftpOpcode.Data, block: t.block, length: t.length };
    case TftpOpcode.Ack:
      return { opcode: TftpOpcode.Ack, block: t.block };
    case TftpOpcode.Error:
      return { opcode: TftpOpcode.Error, errorCode: t.errorCode, errorMessage: t.errorMessage };
    case TftpOpcode.Oack:
      return { opcode: TftpOpcode.Oack, options: t.options };
  }
}

/** The NDJSON record for one event; `t0` is the capture time of the capture's first frame. */
export function decodeRecord(ev: PacketEvent, t0: number): DecodeRecord {
  const m = ev.meta;
  const r: DecodeRecord = { frame: m.frame, time: roundTime(m.ts - t0), src: m.src, sport: m.sport, dst: m.dst, dport: m.dport };
  switch (ev.kind) {
    case 'dhcp':
      r.dhcp = dhcpJson(ev.dhcp);
      break;
    case 'tftp':
      r.tftp = tftpJson(ev.tftp);
      break;
    case 'icmp-unreachable': {
      const q = ev.icmp.quoted;
      r.icmp = { type: ev.icmp.type, code: ev.icmp.code, quoted: { src: q.src, sport: q.sport, dst: q.dst, dport: q.dport } };
      break;
    }
    case 'fragment-problem':
      r.fragment = { problem: ev.problem, ipId: ev.ipId, received: ev.received, frames: ev.frames };
      if (ev.expected !== undefined) r.fragment.expected = ev.expected;
      break;
    case 'malformed':
      r.malformed = { layer: ev.layer, reason: ev.reason };
      break;
    case 'dhcp6':
      r.dhcp6 = dhcp6Json(ev.dhcp6);
      break;
    case 'http':
      r.tcp = { ...ev.tcp, flagNames: tcpFlagNames(ev.tcp.flags) };
      if (ev.http) r.http = ev.http;
      break;
    case 'arp':
      r.arp = { ...ev.arp, gratuitous: isGratuitousArp(ev.arp), probe: isArpProbe(ev.arp) };
      break;
    case 'stp': {
      const b: NonNullable<DecodeRecord['stp']> = { ...ev.bpdu };
      if (m.srcMac) b.srcMac = m.srcMac;
      if (ev.bpdu.version >= 2 && ev.bpdu.flags !== undefined) {
        b.portRole = bpduPortRole(ev.bpdu.flags);
        b.portState = bpduPortState(ev.bpdu);
      }
      r.stp = b;
      break;
    }
  }
  if (m.ipVersion === 6) r.ipVersion = 6;
  return r;
}

/** Printable form of a wire string: control and non-ASCII bytes as \xNN. */
function q(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function dhcpSummary(m: DhcpMessage): string {
  const parts: string[] = [];
  if (m.messageType !== undefined) parts.push(`DHCP ${messageTypeName(m.messageType)}`);
  else parts.push(m.op === BootpOp.Reply ? 'BOOTP REPLY' : m.op === BootpOp.Request ? 'BOOTP REQUEST' : `BOOTP op ${m.op}`);
  parts.push(`xid 0x${m.xid.toString(16).padStart(8, '0')}`);
  if (m.op === BootpOp.Request && m.chaddr) parts.push(`chaddr ${m.chaddr}`);
  if (m.ciaddr !== ZERO_IP) parts.push(`ciaddr ${m.ciaddr}`);
  if (m.yiaddr !== ZERO_IP) parts.push(`yiaddr ${m.yiaddr}`);
  if (m.siaddr !== ZERO_IP) parts.push(`siaddr ${m.siaddr}`);
  if (m.giaddr !== ZERO_IP) parts.push(`giaddr ${m.giaddr}`);
  if (m.serverId !== undefined) parts.push(`server-id ${m.serverId}`);
  if (m.sname) parts.push(`sname ${q(m.sname)}`);
  if (m.file) parts.push(`file ${q(m.file)}`);
  if (m.tftpServer !== undefined) parts.push(`tftp-server ${q(m.tftpServer)}`);
  if (m.bootFile !== undefined) parts.push(`bootfile ${q(m.bootFile)}`);
  if (m.vendorClass !== undefined) parts.push(q(m.vendorClass).slice(1, -1));
  if (m.clientArch !== undefined) parts.push(`arch=${m.clientArch.map(archName).join(',')}`);
  if (m.userClass !== undefined) parts.push(`user-class=${m.userClass.map(q).join(',')}`);
  if (m.bsdp !== undefined) parts.push(`BSDP ${bsdpMessageTypeName(m.bsdp.messageType)}${m.bsdp.images ? ` ${m.bsdp.images.length} image(s)` : ''}`);
  if (m.anomalies.length > 0) parts.push(`[${m.anomalies.length === 1 ? m.anomalies[0]!.detail : `${m.anomalies.length} anomalies: ${m.anomalies[0]!.detail}, ...`}]`);
  return parts.join(' ');
}

function dhcp6Summary(outer: Dhcp6Message): string {
  const parts: string[] = [];
  let m = outer;
  while (m.relayMessage) {
    parts.push(`DHCPv6 ${dhcp6MessageTypeName(m.msgType)} peer ${m.peerAddress ?? '?'}`);
    m = m.relayMessage;
  }
  parts.push(`DHCPv6 ${dhcp6MessageTypeName(m.msgType)}`);
  if (m.msgType < Dhcp6MessageType.RelayForw) parts.push(`xid 0x${m.transactionId.toString(16).padStart(6, '0')}`);
  if (m.clientId) parts.push(`client-id ${m.clientId.uuid ?? m.clientId.linkLayer ?? m.clientId.hex}`);
  if (m.iaNa) for (const ia of m.iaNa) for (const a of ia.addresses) parts.push(`addr ${a.address}`);
  if (m.bootfileUrl !== undefined) parts.push(`bootfile-url ${q(m.bootfileUrl)}`);
  if (m.vendorClass !== undefined) parts.push(q(m.vendorClass).slice(1, -1));
  if (m.clientArch !== undefined) parts.push(`arch=${m.clientArch.map(archName).join(',')}`);
  if (m.status !== undefined) parts.push(`status ${m.status.code}${m.status.message ? ` ${q(m.status.message)}` : ''}`);
  if (outer.anomalies.length > 0) parts.push(`[${outer.anomalies[0]}${outer.anomalies.length > 1 ? ', ...' : ''}]`);
  return parts.join(' ');
}

function httpSummary(t: TcpSegment, h: HttpMessageHead | undefined): string {
  if (h?.type === 'request') return `HTTP ${h.method} ${q(h.target)}${h.host ? ` host ${h.host}` : ''}`;
  if (h?.type === 'response') return `HTTP ${h.status} ${h.reason}${h.contentLength !== undefined ? ` length ${h.contentLength}` : ''}`;
  return `TCP [${tcpFlagNames(t.flags)}] seq ${t.seq}${t.payloadLength ? ` len ${t.payloadLength}` : ''}`;
}

function tftpOptions(o: Record<string, string>): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function tftpSummary(t: TftpPacket): string {
  let s: string;
  switch (t.opcode) {
    case TftpOpcode.Rrq:
    case TftpOpcode.Wrq:
      s = `TFTP ${tftpOpcodeName(t.opcode)} ${q(t.filename)} ${t.mode}`;
      if (Object.keys(t.options).length) s += ` ${tftpOptions(t.options)}`;
      break;
    case TftpOpcode.Data:
      s = `TFTP DATA block ${t.block} (${t.length} bytes)`;
      break;
    case TftpOpcode.Ack:
      s = `TFTP ACK block ${t.block}`;
      break;
    case TftpOpcode.Error:
      s = `TFTP ERROR ${t.errorCode} ${q(t.errorMessage).slice(1, -1)}`;
      break;
    case TftpOpcode.Oack:
      s = `TFTP OACK ${tftpOptions(t.options)}`.trimEnd();
      break;
  }
  if (t.anomalies.length > 0) s += ` [${t.anomalies.map((a) => a.detail).join('; ')}]`;
  return s;
}

/** One summary line: frame, relative time, src:port -> dst:port, message. */
export function decodeLine(ev: PacketEvent, t0: number): string {
  const m = ev.meta;
  const ports = ev.kind !== 'icmp-unreachable' && ev.kind !== 'arp' && ev.kind !== 'stp' && !(ev.kind === 'fragment-problem' && m.sport === 0 && m.dport === 0);
  if (ev.kind === 'stp') return `${String(m.frame).padStart(6)} ${(m.ts - t0).toFixed(6).padStart(12)} ${m.srcMac ?? '?'} -> ${m.dstMac ?? '01:80:c2:00:00:00'} ${bpduSummary(ev.bpdu)}`;
  if (ev.kind === 'arp') return `${String(m.frame).padStart(6)} ${(m.ts - t0).toFixed(6).padStart(12)} ${m.srcMac ?? '?'} -> ${m.dstMac ?? '?'} ${arpSummary(ev.arp)}`;
  const head = `${String(m.frame).padStart(6)} ${(m.ts - t0).toFixed(6).padStart(12)} ${ports ? (m.ipVersion === 6 ? `[${m.src}]:${m.sport} -> [${m.dst}]:${m.dport}` : `${m.src}:${m.sport} -> ${m.dst}:${m.dport}`) : `${m.src} -> ${m.dst}`}`;
  let msg: string;
  switch (ev.kind) {
    case 'dhcp':
      msg = dhcpSummary(ev.dhcp);
      break;
    case 'tftp':
      msg = tftpSummary(ev.tftp);
      break;
    case 'icmp-unreachable': {
      const qd = ev.icmp.quoted;
      const what = qd.protocol === 17 || qd.protocol === 6 ? `${qd.dst}:${qd.dport}` : `${qd.dst} (protocol ${qd.protocol})`;
      msg = `ICMP ${unreachableCodeName(ev.icmp.code)} for ${what}`;
      break;
    }
    case 'fragment-problem':
      msg =
        ev.problem === 'overlap'
          ? `IPv4 overlapping fragments, id 0x${ev.ipId.toString(16).padStart(4, '0')} (frames ${ev.frames.join(',')})`
          : `IPv4 datagram incomplete, id 0x${ev.ipId.toString(16).padStart(4, '0')}: ${ev.received}${ev.expected !== undefined ? ` of ${ev.expected}` : ''} bytes received (frames ${ev.frames.join(',')})`;
      break;
    case 'malformed':
      msg = `MALFORMED ${ev.layer}: ${ev.reason}`;
      break;
    case 'dhcp6':
      msg = dhcp6Summary(ev.dhcp6);
      break;
    case 'http':
      msg = httpSummary(ev.tcp, ev.http);
      break;
    case 'dns': {
      // tshark's Info column: "Standard query 0x0e26 A name", "Standard query response 0x0e26 A name A 192.0.2.2".
      const d = ev.dns;
      const q = d.questions[0];
      const rcode = d.response && d.rcode !== 0 ? ` ${DNS_RCODES[d.rcode] ?? `rcode ${d.rcode}`}` : '';
      const answers = d.answers.map((a) => ` ${dnsTypeName(a.type)} ${a.data}`).join('');
      msg = `DNS Standard query${d.response ? ' response' : ''} 0x${d.id.toString(16).padStart(4, '0')}${rcode}${q ? ` ${dnsTypeName(q.type)} ${q.name}` : ''}${answers}${d.error ? ` [${d.error}]` : ''}`;
      break;
    }
  }
  return `${head} ${msg}`;
}
