/**
 * DHCPv6 message codec (RFC 8415 sections 8, 9, 21; network boot options RFC 5970).
 *
 * decodeDhcp6 never throws: every read is bounds-checked and problems become stable short strings
 * in `anomalies`. encodeDhcp6 is its inverse: encodeDhcp6(toInit(decodeDhcp6(b))) gives back b for
 * any well-formed message (options are kept as raw TLVs in wire order).
 */
import { ByteWriter, formatMac, latin1String } from '../bytes.js';
import { fromHex, latin1Bytes, toHex } from '../dhcp/suboptions.js';
import { formatGuid } from '../dhcp/codec.js';
import { ipv6String, parseIpv6String } from '../ipv6.js';
import type { Dhcp6IaAddress, Dhcp6IaNa, Dhcp6Message, Dhcp6Option, Dhcp6Status, Duid } from './types.js';
import { Dhcp6MessageType } from './types.js';

/** Relay messages nest; more levels than this is a loop or garbage (RFC 8415 HOP_COUNT_LIMIT is 8). */
const MAX_RELAY_DEPTH = 8;

export interface Dhcp6MessageInit {
  msgType: number;
  /** 24-bit transaction id (ignored for relay messages). */
  transactionId?: number;
  /** Relay-forw / Relay-repl header. */
  hopCount?: number;
  linkAddress?: string;
  peerAddress?: string;
  options: Dhcp6Option[];
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}
function u32(b: Uint8Array, o: number): number {
  return (((b[o] as number) << 24) >>> 0) + (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number));
}

/** RFC 8415 section 21.1 option TLVs: code(2) length(2) data. Stops (with an anomaly) at the first overrun. */
export function walkDhcp6Options(b: Uint8Array, start: number, end: number, where: string, anomalies: string[]): Dhcp6Option[] {
  const out: Dhcp6Option[] = [];
  let p = start;
  while (p < end) {
    if (p + 4 > end) {
      anomalies.push(`${where}: ${end - p} trailing bytes, too short for an option header`);
      break;
    }
    const code = u16(b, p);
    const len = u16(b, p + 2);
    if (p + 4 + len > end) {
      anomalies.push(`${where}: option ${code} length ${len} runs past the end (${end - p - 4} bytes left)`);
      break;
    }
    out.push({ code, data: b.slice(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  return out;
}

/** RFC 8415 section 11 DUID, with the RFC 6355 UUID type. */
export function decodeDuid(d: Uint8Array): Duid | undefined {
  if (d.length < 2) return undefined;
  const type = u16(d, 0);
  const duid: Duid = { type, hex: toHex(d) };
  if (type === 1 && d.length >= 8) {
    duid.hwType = u16(d, 2);
    duid.time = u32(d, 4);
    duid.linkLayer = formatMac(d, 8, d.length - 8);
  } else if (type === 2 && d.length >= 6) {
    duid.enterprise = u32(d, 2);
    duid.identifier = toHex(d, 6);
  } else if (type === 3 && d.length >= 4) {
    duid.hwType = u16(d, 2);
    duid.linkLayer = formatMac(d, 4, d.length - 4);
  } else if (type === 4 && d.length === 18) {
    duid.uuid = formatGuid(d, 2);
  }
  return duid;
}

export function decodeStatus(d: Uint8Array, anomalies: string[], where: string): Dhcp6Status | undefined {
  if (d.length < 2) {
    anomalies.push(`${where}: status code option shorter than 2 bytes`);
    return undefined;
  }
  return { code: u16(d, 0), message: latin1String(d.subarray(2)) };
}

/** RFC 8415 section 21.4: IAID(4) T1(4) T2(4) then options (IA Address 5, Status 13). */
export function decodeIaNa(d: Uint8Array, anomalies: string[]): Dhcp6IaNa | undefined {
  if (d.length < 12) {
    anomalies.push(`option 3 (IA_NA) shorter than 12 bytes`);
    return undefined;
  }
  const ia: Dhcp6IaNa = { iaid: u32(d, 0), t1: u32(d, 4), t2: u32(d, 8), addresses: [] };
  for (const o of walkDhcp6Options(d, 12, d.length, 'option 3 (IA_NA)', anomalies)) {
    if (o.code === 5) {
      if (o.data.length < 24) {
        anomalies.push('option 5 (IA address) shorter than 24 bytes');
        continue;
      }
      const a: Dhcp6IaAddress = { address: ipv6String(o.data, 0), preferredLifetime: u32(o.data, 16), validLifetime: u32(o.data, 20) };
      for (const s of walkDhcp6Options(o.data, 24, o.data.length, 'option 5 (IA address)', anomalies)) {
        if (s.code === 13) {
          const st = decodeStatus(s.data, anomalies, 'option 5 (IA address)');
          if (st) a.status = st;
        }
      }
      ia.addresses.push(a);
    } else if (o.code === 13) {
      const st = decodeStatus(o.data, anomalies, 'option 3 (IA_NA)');
      if (st) ia.status = st;
    }
  }
  return ia;
}

/** RFC 8415 section 21.15/21.16: a list of length(2)-prefixed opaque entries. */
export function lengthPrefixedList(d: Uint8Array, start: number, code: number, anomalies: string[]): string[] {
  const out: string[] = [];
  let p = start;
  while (p < d.length) {
    if (p + 2 > d.length) {
      anomalies.push(`option ${code} entry header cut short`);
      break;
    }
    const len = u16(d, p);
    if (p + 2 + len > d.length) {
      anomalies.push(`option ${code} entry length ${len} runs past the option`);
      break;
    }
    out.push(latin1String(d.subarray(p + 2, p + 2 + len)));
    p += 2 + len;
  }
  return out;
}

function applyOption(m: Dhcp6Message, o: Dhcp6Option, depth: number): void {
  const d = o.data;
  const a = m.anomalies;
  switch (o.code) {
    case 1:
    case 2: {
      const duid = decodeDuid(d);
      if (!duid) a.push(`option ${o.code} DUID shorter than 2 bytes`);
      else if (o.code === 1) m.clientId = duid;
      else m.serverId = duid;
      break;
    }
    case 3: {
      const ia = decodeIaNa(d, a);
      if (ia) (m.iaNa ??= []).push(ia);
      break;
    }
    case 6:
      if (d.length % 2 !== 0) a.push('option 6 (ORO) has an odd length');
      m.oro = Array.from({ length: d.length >> 1 }, (_, i) => u16(d, 2 * i));
      break;
    case 8:
      if (d.length === 2) m.elapsedTime = u16(d, 0);
      else a.push(`option 8 (elapsed time) length ${d.length}, expected 2`);
      break;
    case 9:
      if (m.msgType !== Dhcp6MessageType.RelayForw && m.msgType !== Dhcp6MessageType.RelayRepl) a.push('option 9 (relay message) outside a relay message');
      else if (m.relayMessage) a.push('option 9 (relay message) more than once');
      else if (depth >= MAX_RELAY_DEPTH) a.push(`relay messages nested deeper than ${MAX_RELAY_DEPTH}`);
      else m.relayMessage = decodeAt(d, depth + 1);
      break;
    case 13: {
      const st = decodeStatus(d, a, 'option 13');
      if (st) m.status = st;
      break;
    }
    case 15:
      m.userClass = lengthPrefixedList(d, 0, 15, a);
      break;
    case 16:
      if (d.length < 4) {
        a.push('option 16 (vendor class) shorter than its 4-byte enterprise number');
        break;
      }
      m.vendorClassEnterprise = u32(d, 0);
      m.vendorClassData = lengthPrefixedList(d, 4, 16, a);
      if (m.vendorClassData.length > 0) m.vendorClass = m.vendorClassData[0];
      break;
    case 59:
      m.bootfileUrl = latin1String(d);
      break;
    case 60:
      m.bootfileParams = lengthPrefixedList(d, 0, 60, a);
      break;
    case 61:
      if (d.length === 0 || d.length % 2 !== 0) a.push(`option 61 (client arch) length ${d.length} is not a positive multiple of 2`);
      else m.clientArch = Array.from({ length: d.length >> 1 }, (_, i) => u16(d, 2 * i));
      break;
    case 62:
      if (d.length === 3) m.nii = { type: d[0] as number, major: d[1] as number, minor: d[2] as number };
      else a.push(`option 62 (NII) length ${d.length}, expected 3`);
      break;
  }
}

function decodeAt(buf: Uint8Array, depth: number): Dhcp6Message {
  const m: Dhcp6Message = { msgType: buf.length > 0 ? (buf[0] as number) : 0, transactionId: 0, options: [], anomalies: [] };
  if (buf.length === 0) {
    m.anomalies.push('empty DHCPv6 message');
    return m;
  }
  let start: number;
  if (m.msgType === Dhcp6MessageType.RelayForw || m.msgType === Dhcp6MessageType.RelayRepl) {
    // msg-type(1) hop-count(1) link-address(16) peer-address(16), RFC 8415 section 9.
    if (buf.length < 34) {
      m.anomalies.push(`relay message header cut short (${buf.length} of 34 bytes)`);
      return m;
    }
    m.hopCount = buf[1] as number;
    m.linkAddress = ipv6String(buf, 2);
    m.peerAddress = ipv6String(buf, 18);
    start = 34;
  } else {
    if (buf.length < 4) {
      m.anomalies.push(`message header cut short (${buf.length} of 4 bytes)`);
      return m;
    }
    m.transactionId = ((buf[1] as number) << 16) | ((buf[2] as number) << 8) | (buf[3] as number);
    start = 4;
  }
  m.options = walkDhcp6Options(buf, start, buf.length, 'options', m.anomalies);
  for (const o of m.options) applyOption(m, o, depth);
  return m;
}

/** Decodes a DHCPv6 UDP payload (never throws). */
export function decodeDhcp6(udpPayload: Uint8Array): Dhcp6Message {
  try {
    return decodeAt(udpPayload, 0);
  } catch (e) {
    // Every read above is bounds-checked; this is a last guard so a bug costs a packet, not the run.
    return { msgType: udpPayload[0] ?? 0, transactionId: 0, options: [], anomalies: [`decoder error: ${e instanceof Error ? e.message : String(e)}`] };
  }
}

function writeIpv6(w: ByteWriter, addr: string | undefined): void {
  const b = parseIpv6String(addr ?? '::');
  if (!b) throw new Error(`not an IPv6 address: ${addr}`);
  w.bytes(b);
}

/** Encodes a message; options are written as given, in order. */
export function encodeDhcp6(msg: Dhcp6MessageInit, w: ByteWriter = new ByteWriter(512)): Uint8Array {
  const start = w.pos;
  w.u8(msg.msgType);
  if (msg.msgType === Dhcp6MessageType.RelayForw || msg.msgType === Dhcp6MessageType.RelayRepl) {
    w.u8(msg.hopCount ?? 0);
    writeIpv6(w, msg.linkAddress);
    writeIpv6(w, msg.peerAddress);
  } else {
    const x = msg.transactionId ?? 0;
    w.u8((x >>> 16) & 0xff).u8((x >>> 8) & 0xff).u8(x & 0xff);
  }
  for (const o of msg.options) w.u16(o.code).u16(o.data.length).bytes(o.data);
  return w.buf.subarray(start, w.pos);
}

/** The init that re-encodes a decoded message byte for byte. */
export function dhcp6Init(m: Dhcp6Message): Dhcp6MessageInit {
  const init: Dhcp6MessageInit = { msgType: m.msgType, options: m.options };
  if (m.msgType === Dhcp6MessageType.RelayForw || m.msgType === Dhcp6MessageType.RelayRepl) {
    init.hopCount = m.hopCount ?? 0;
    init.linkAddress = m.linkAddress ?? '::';
    init.peerAddress = m.peerAddress ?? '::';
  } else init.transactionId = m.transactionId;
  return init;
}

// ---------------------------------------------------------------------------------------------
// Option builders (encode side of applyOption).

function opt(code: number, data: Uint8Array): Dhcp6Option {
  return { code, data };
}

function lengthPrefixed(entries: string[]): Uint8Array {
  const w = new ByteWriter(64);
  for (const e of entries) {
    const b = latin1Bytes(e);
    w.u16(b.length).bytes(b);
  }
  return w.result().slice();
}

function macBytes(mac: string): Uint8Array {
  return fromHex(mac.replace(/[:\-]/g, ''));
}

/** DUID encoders (RFC 8415 section 11, RFC 6355). */
export const duid = {
  llt(mac: string, time: number, hwType = 1): Uint8Array {
    const w = new ByteWriter(16);
    w.u16(1).u16(hwType).u32(time).bytes(macBytes(mac));
    return w.result().slice();
  },
  en(enterprise: number, identifierHex: string): Uint8Array {
    const w = new ByteWriter(16);
    w.u16(2).u32(enterprise).bytes(fromHex(identifierHex));
    return w.result().slice();
  },
  ll(mac: string, hwType = 1): Uint8Array {
    const w = new ByteWriter(12);
    w.u16(3).u16(hwType).bytes(macBytes(mac));
    return w.result().slice();
  },
  /** The UUID bytes in wire order, as formatGuid prints them. */
  uuid(uuid: string): Uint8Array {
    const hex = uuid.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
    const w = new ByteWriter(18);
    w.u16(4).bytes(fromHex(hex));
    return w.result().slice();
  },
};

export const dhcp6Opt = {
  clientId: (duidBytes: Uint8Array): Dhcp6Option => opt(1, duidBytes),
  serverId: (duidBytes: Uint8Array): Dhcp6Option => opt(2, duidBytes),
  iaNa(ia: { iaid: number; t1?: number; t2?: number; addresses?: { address: string; preferredLifetime?: number; validLifetime?: number }[]; status?: Dhcp6Status }): Dhcp6Option {
    const w = new ByteWriter(64);
    w.u32(ia.iaid).u32(ia.t1 ?? 0).u32(ia.t2 ?? 0);
    for (const a of ia.addresses ?? []) {
      w.u16(5).u16(24);
      writeIpv6(w, a.address);
      w.u32(a.preferredLifetime ?? 0).u32(a.validLifetime ?? 0);
    }
    if (ia.status) {
      const s = dhcp6Opt.status(ia.status.code, ia.status.message);
      w.u16(13).u16(s.data.length).bytes(s.data);
    }
    return opt(3, w.result().slice());
  },
  oro(codes: number[]): Dhcp6Option {
    const w = new ByteWriter(2 * codes.length + 2);
    for (const c of codes) w.u16(c);
    return opt(6, w.result().slice());
  },
  elapsedTime: (hundredths: number): Dhcp6Option => opt(8, new ByteWriter(2).u16(hundredths).result().slice()),
  relayMessage: (message: Uint8Array): Dhcp6Option => opt(9, message.slice()),
  status(code: number, message = ''): Dhcp6Option {
    const w = new ByteWriter(2 + message.length);
    w.u16(code).bytes(latin1Bytes(message));
    return opt(13, w.result().slice());
  },
  userClass: (entries: string[]): Dhcp6Option => opt(15, lengthPrefixed(entries)),
  vendorClass(enterprise: number, entries: string[]): Dhcp6Option {
    const w = new ByteWriter(64);
    w.u32(enterprise).bytes(lengthPrefixed(entries));
    return opt(16, w.result().slice());
  },
  interfaceId: (idHex: string): Dhcp6Option => opt(18, fromHex(idHex)),
  bootfileUrl: (url: string): Dhcp6Option => opt(59, latin1Bytes(url)),
  bootfileParams: (params: string[]): Dhcp6Option => opt(60, lengthPrefixed(params)),
  clientArch(arch: number[]): Dhcp6Option {
    const w = new ByteWriter(2 * arch.length + 2);
    for (const a of arch) w.u16(a);
    return opt(61, w.result().slice());
  },
  nii: (type: number, major: number, minor: number): Dhcp6Option => opt(62, Uint8Array.of(type, major, minor)),
  raw: (code: number, data: Uint8Array): Dhcp6Option => opt(code, data.slice()),
};

const MESSAGE_NAMES: Record<number, string> = {
  1: 'SOLICIT',
  2: 'ADVERTISE',
  3: 'REQUEST',
  4: 'CONFIRM',
  5: 'RENEW',
  6: 'REBIND',
  7: 'REPLY',
  8: 'RELEASE',
  9: 'DECLINE',
  10: 'RECONFIGURE',
  11: 'INFORMATION-REQUEST',
  12: 'RELAY-FORW',
  13: 'RELAY-REPL',
};

export function dhcp6MessageTypeName(n: number): string {
  return MESSAGE_NAMES[n] ?? `type ${n}`;
}

/** IANA "DHCPv6 Option Codes" names for the options seen around network boot. */
const OPTION_NAMES: Record<number, string> = {
  1: 'client-id',
  2: 'server-id',
  3: 'ia-na',
  4: 'ia-ta',
  5: 'ia-addr',
  6: 'oro',
  7: 'preference',
  8: 'elapsed-time',
  9: 'relay-message',
  11: 'auth',
  12: 'unicast',
  13: 'status-code',
  14: 'rapid-commit',
  15: 'user-class',
  16: 'vendor-class',
  17: 'vendor-opts',
  18: 'interface-id',
  19: 'reconf-msg',
  20: 'reconf-accept',
  21: 'sip-server-d',
  22: 'sip-server-a',
  23: 'dns-servers',
  24: 'domain-list',
  25: 'ia-pd',
  26: 'iaprefix',
  31: 'sntp-servers',
  32: 'information-refresh-time',
  37: 'remote-id',
  38: 'subscriber-id',
  39: 'client-fqdn',
  56: 'ntp-server',
  59: 'bootfile-url',
  60: 'bootfile-param',
  61: 'client-arch-type',
  62: 'nii',
  79: 'client-linklayer-addr',
  82: 'sol-max-rt',
  83: 'inf-max-rt',
  103: 'captive-portal',
  136: 'sztp-redirect',
};

export function dhcp6OptionName(code: number): string {
  return OPTION_NAMES[code] ?? `option-${code}`;
}

/** The innermost client/server message of a (possibly relayed) DHCPv6 message. */
export function innerMessage(m: Dhcp6Message): Dhcp6Message {
  let cur = m;
  while (cur.relayMessage) cur = cur.relayMessage;
  return cur;
}
