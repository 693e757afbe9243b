/**
 * ARP (RFC 826) for Ethernet/IPv4: requests, replies, gratuitous ARP (sender = target address,
 * RFC 5227 announcements) and probes (sender address 0.0.0.0, RFC 5227 address conflict detection).
 * Symmetric: decodeArp(encodeArp(p)) gives p back. Bounds-checked, never throws.
 */
import { formatIpv4, formatMac } from './bytes.js';

export const ETHERTYPE_ARP = 0x0806;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpPacket {
  /** Hardware type (1 = Ethernet), protocol type (0x0800 = IPv4), their address sizes. */
  hwType: number;
  protoType: number;
  hwSize: number;
  protoSize: number;
  /** 1 request, 2 reply (others kept as read). */
  opcode: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** The 28-byte Ethernet/IPv4 ARP message at b[off..end); undefined when it is cut short or not Ethernet/IPv4. */
export function decodeArp(b: Uint8Array, off = 0, end = b.length): ArpPacket | undefined {
  if (end - off < 8) return undefined;
  const hwType = ((b[off] as number) << 8) | (b[off + 1] as number);
  const protoType = ((b[off + 2] as number) << 8) | (b[off + 3] as number);
  const hwSize = b[off + 4] as number;
  const protoSize = b[off + 5] as number;
  // Only Ethernet/IPv4 addresses are read (what PXE runs on); a 6/4 layout is checked, not assumed.
  if (hwSize !== 6 || protoSize !== 4 || end - off < 28) return undefined;
  return {
    hwType,
    protoType,
    hwSize,
    protoSize,
    opcode: ((b[off + 6] as number) << 8) | (b[off + 7] as number),
    senderMac: formatMac(b, off + 8),
    senderIp: formatIpv4(b, off + 14),
    targetMac: formatMac(b, off + 18),
    targetIp: formatIpv4(b, off + 24),
  };
}

function putMac(out: Uint8Array, off: number, mac: string): void {
  const parts = mac.split(':');
  for (let i = 0; i < 6; i++) out[off + i] = parseInt(parts[i] ?? '0', 16) & 0xff;
}

function putIpv4(out: Uint8Array, off: number, ip: string): void {
  const parts = ip.split('.');
  for (let i = 0; i < 4; i++) out[off + i] = Number(parts[i] ?? 0) & 0xff;
}

/** The 28-byte ARP message for `p` (the inverse of decodeArp). */
export function encodeArp(p: ArpPacket): Uint8Array {
  const out = new Uint8Array(28);
  out[0] = p.hwType >> 8;
  out[1] = p.hwType & 0xff;
  out[2] = p.protoType >> 8;
  out[3] = p.protoType & 0xff;
  out[4] = p.hwSize;
  out[5] = p.protoSize;
  out[6] = p.opcode >> 8;
  out[7] = p.opcode & 0xff;
  putMac(out, 8, p.senderMac);
  putIpv4(out, 14, p.senderIp);
  putMac(out, 18, p.targetMac);
  putIpv4(out, 24, p.targetIp);
  return out;
}

/** Gratuitous ARP: a host announcing (or defending) its own address, sender = target address (what tshark calls arp.isgratuitous). */
export function isGratuitousArp(p: ArpPacket): boolean {
  return p.senderIp === p.targetIp && p.senderIp !== '0.0.0.0';
}

/** ARP probe (RFC 5227 §2.1.1): "is anyone using this address?", sent from 0.0.0.0 before taking it. */
export function isArpProbe(p: ArpPacket): boolean {
  return p.opcode === ARP_REQUEST && p.senderIp === '0.0.0.0';
}

/** One line, as tshark's Info column reads: "Who has 192.0.2.2? Tell 192.0.2.100", "192.0.2.2 is at 02:00:...". */
export function arpSummary(p: ArpPacket): string {
  if (p.opcode === ARP_REQUEST) {
    if (isArpProbe(p)) return `ARP probe: who has ${p.targetIp}? (from ${p.senderMac})`;
    if (isGratuitousArp(p)) return `ARP announcement (gratuitous) ${p.senderIp} is at ${p.senderMac}`;
    return `ARP who has ${p.targetIp}? Tell ${p.senderIp}`;
  }
  if (p.opcode === ARP_REPLY) return `ARP ${p.senderIp} is at ${p.senderMac}${isGratuitousArp(p) ? ' (gratuitous)' : ''}`;
  return `ARP opcode ${p.opcode} ${p.senderIp} -> ${p.targetIp}`;
}
