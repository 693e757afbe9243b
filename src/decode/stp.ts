/**
 * Spanning-tree BPDUs (IEEE 802.1D-2004 §9.3; RSTP = version 2, MSTP = version 3 whose CIST part is
 * read the same way), carried in 802.3/LLC frames (DSAP = SSAP = 0x42, UI) to 01:80:c2:00:00:00.
 * A switch port that runs spanning tree sends them; a port in listening/learning drops the
 * client's frames for 2 x forward delay (30 s by default) after link-up, which is longer than many
 * PXE ROMs wait for an offer. Symmetric (decodeBpdu(encodeBpdu(b)) = b), bounds-checked, never throws.
 */
import { formatMac } from './bytes.js';

export const STP_LLC_SAP = 0x42;
export const BPDU_CONFIG = 0x00;
export const BPDU_TCN = 0x80;
export const BPDU_RST = 0x02;

export interface Bpdu {
  protocolId: number;
  /** 0 STP, 2 RSTP, 3 MSTP. */
  version: number;
  /** 0x00 configuration, 0x80 topology change notification, 0x02 RST/MST. */
  type: number;
  /** Configuration/RST BPDUs only (absent for a TCN). */
  flags?: number;
  rootPriority?: number;
  /** Root bridge MAC; rootPriority carries the 4-bit priority plus the 12-bit system id extension, as tshark's stp.root.prio. */
  rootMac?: string;
  rootCost?: number;
  bridgePriority?: number;
  bridgeMac?: string;
  portId?: number;
  /** Timers in seconds (wire: 1/256 s). */
  messageAge?: number;
  maxAge?: number;
  helloTime?: number;
  forwardDelay?: number;
  /** RSTP/MSTP: version 1 length byte. */
  version1Length?: number;
}

export const BpduFlag = { TopologyChange: 0x01, Proposal: 0x02, Learning: 0x10, Forwarding: 0x20, Agreement: 0x40, TopologyChangeAck: 0x80 } as const;

/** RSTP port role from the flags (bits 2-3), as tshark's stp.flags.port_role. */
export function bpduPortRole(flags: number): 'unknown' | 'alternate-or-backup' | 'root' | 'designated' {
  return (['unknown', 'alternate-or-backup', 'root', 'designated'] as const)[(flags >> 2) & 3]!;
}

/**
 * The port state an RSTP BPDU announces (learning/forwarding flags); for plain STP (version 0) the
 * flags carry only TC/TCA and the state is not on the wire.
 */
export function bpduPortState(b: Bpdu): 'discarding' | 'learning' | 'forwarding' | undefined {
  if (b.version < 2 || b.flags === undefined) return undefined;
  if (b.flags & BpduFlag.Forwarding) return 'forwarding';
  if (b.flags & BpduFlag.Learning) return 'learning';
  return 'discarding';
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] as number) * 0x1000000 + ((b[o + 1] as number) << 16)) + u16(b, o + 2);
}

/** The BPDU at b[off..end) (after the LLC header); undefined when it is not one or is cut short. */
export function decodeBpdu(b: Uint8Array, off = 0, end = b.length): Bpdu | undefined {
  if (end - off < 4) return undefined;
  const protocolId = u16(b, off);
  if (protocolId !== 0) return undefined;
  const version = b[off + 2] as number;
  const type = b[off + 3] as number;
  if (type === BPDU_TCN) return { protocolId, version, type };
  if (type !== BPDU_CONFIG && type !== BPDU_RST) return undefined;
  if (end - off < 35) return undefined;
  const out: Bpdu = {
    protocolId,
    version,
    type,
    flags: b[off + 4] as number,
    rootPriority: u16(b, off + 5),
    rootMac: formatMac(b, off + 7),
    rootCost: u32(b, off + 13),
    bridgePriority: u16(b, off + 17),
    bridgeMac: formatMac(b, off + 19),
    portId: u16(b, off + 25),
    messageAge: u16(b, off + 27) / 256,
    maxAge: u16(b, off + 29) / 256,
    helloTime: u16(b, off + 31) / 256,
    forwardDelay: u16(b, off + 33) / 256,
  };
  if (type === BPDU_RST && end - off >= 36) out.version1Length = b[off + 35] as number;
  return out;
}

function putU16(out: Uint8Array, o: number, v: number): void {
  out[o] = (v >> 8) & 0xff;
  out[o + 1] = v & 0xff;
}

function putMac(out: Uint8Array, off: number, mac: string): void {
  const parts = mac.split(':');
  for (let i = 0; i < 6; i++) out[off + i] = parseInt(parts[i] ?? '0', 16) & 0xff;
}

/** The BPDU bytes for `b` (without the LLC header; the inverse of decodeBpdu). */
export function encodeBpdu(b: Bpdu): Uint8Array {
  if (b.type === BPDU_TCN) return Uint8Array.from([b.protocolId >> 8, b.protocolId & 0xff, b.version, b.type]);
  const out = new Uint8Array(b.type === BPDU_RST && b.version1Length !== undefined ? 36 : 35);
  putU16(out, 0, b.protocolId);
  out[2] = b.version;
  out[3] = b.type;
  out[4] = b.flags ?? 0;
  putU16(out, 5, b.rootPriority ?? 0);
  putMac(out, 7, b.rootMac ?? '00:00:00:00:00:00');
  const cost = b.rootCost ?? 0;
  putU16(out, 13, Math.floor(cost / 65536));
  putU16(out, 15, cost & 0xffff);
  putU16(out, 17, b.bridgePriority ?? 0);
  putMac(out, 19, b.bridgeMac ?? '00:00:00:00:00:00');
  putU16(out, 25, b.portId ?? 0);
  putU16(out, 27, Math.round((b.messageAge ?? 0) * 256));
  putU16(out, 29, Math.round((b.maxAge ?? 0) * 256));
  putU16(out, 31, Math.round((b.helloTime ?? 0) * 256));
  putU16(out, 33, Math.round((b.forwardDelay ?? 0) * 256));
  if (out.length === 36) out[35] = b.version1Length ?? 0;
  return out;
}

/** One line: "STP config root 32768/02:.. cost 0 port 0x8001 TC", "RSTP designated forwarding", "STP TCN". */
export function bpduSummary(b: Bpdu): string {
  const name = b.version === 3 ? 'MSTP' : b.version === 2 ? 'RSTP' : 'STP';
  if (b.type === BPDU_TCN) return `${name} topology change notification`;
  const parts = [name, b.type === BPDU_CONFIG ? 'config' : 'BPDU'];
  parts.push(`root ${b.rootPriority}/${b.rootMac} cost ${b.rootCost}`, `bridge ${b.bridgePriority}/${b.bridgeMac}`, `port 0x${(b.portId ?? 0).toString(16).padStart(4, '0')}`);
  if (b.version >= 2 && b.flags !== undefined) parts.push(bpduPortRole(b.flags), bpduPortState(b)!);
  const f = b.flags ?? 0;
  if (f & BpduFlag.TopologyChange) parts.push('topology change');
  if (f & BpduFlag.TopologyChangeAck) parts.push('TC ack');
  parts.push(`forward delay ${b.forwardDelay} s`);
  return parts.join(' ');
}

/**
 * Where a frame's ARP message or BPDU starts: ARP after an Ethernet/SLL header (VLAN tags skipped),
 * a BPDU after an 802.3 length + LLC header (DSAP = SSAP = 0x42, control 0x03). Allocation-free.
 */
/** layer2Payload's answer: one object reused for every call (the reader asks for every non-IP record). */
export interface Layer2Payload {
  kind: 'arp' | 'stp';
  offset: number;
}
const l2Result: Layer2Payload = { kind: 'arp', offset: 0 };

function l2(kind: 'arp' | 'stp', offset: number): Layer2Payload {
  l2Result.kind = kind;
  l2Result.offset = offset;
  return l2Result;
}

/** The answer is reused by the next call: read it at once. */
export function layer2Payload(linkType: number, b: Uint8Array, start = 0, end = b.length): Layer2Payload | undefined {
  let type: number;
  let o: number;
  if (linkType === 1) {
    if (end - start < 14) return undefined;
    type = u16(b, start + 12);
    o = start + 14;
  } else if (linkType === 113) {
    if (end - start < 16) return undefined;
    type = u16(b, start + 14);
    o = start + 16;
    // SLL protocol 0x0004 = 802.2 LLC frames.
    if (type === 0x0004) return llc(b, o, end);
  } else if (linkType === 276) {
    if (end - start < 20) return undefined;
    type = u16(b, start);
    o = start + 20;
    if (type === 0x0004) return llc(b, o, end);
  } else return undefined;
  let tags = 0;
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && tags < 8) {
    if (o + 4 > end) return undefined;
    type = u16(b, o + 2);
    o += 4;
    tags++;
  }
  if (type === 0x0806) return l2('arp', o);
  if (type < 0x0600 && linkType === 1) return llc(b, o, end);
  return undefined;
}

function llc(b: Uint8Array, o: number, end: number): Layer2Payload | undefined {
  if (o + 3 > end) return undefined;
  if (b[o] !== STP_LLC_SAP || b[o + 1] !== STP_LLC_SAP || b[o + 2] !== 0x03) return undefined;
  return l2('stp', o + 3);
}

/** The ARP message or BPDU at b[offset..end) looks decodable (checked before a frame is built: no allocation). */
export function layer2Decodable(kind: 'arp' | 'stp', b: Uint8Array, offset: number, end: number): boolean {
  if (kind === 'arp') return end - offset >= 28 && b[offset + 4] === 6 && b[offset + 5] === 4;
  return end - offset >= 4 && b[offset] === 0 && b[offset + 1] === 0 && (b[offset + 3] === BPDU_TCN || end - offset >= 35);
}
