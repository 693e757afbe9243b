/**
 * ICMP destination unreachable (RFC 792, type 3; codes per RFC 1122/1812: 3 = port unreachable,
 * 4 = fragmentation needed, 13 = administratively prohibited...). The message quotes the IP header
 * and the first 8 bytes of the datagram that was refused: for UDP that is the whole UDP header, so
 * "port unreachable for server:69" (no TFTP server) or ":4011" (no proxyDHCP) can be told apart.
 */
import { readU32 } from './ipv4.js';

export const ICMP_DEST_UNREACHABLE = 3;

export interface IcmpUnreachable {
  type: number;
  code: number;
  quotedSrc: number;
  quotedDst: number;
  /** Quoted ports (UDP/TCP, from the first 4 bytes after the quoted header); 0 when not quoted. */
  quotedSport: number;
  quotedDport: number;
  quotedProtocol: number;
}

/**
 * Parses an ICMP message at b[off..end). Returns null unless it is a destination unreachable whose
 * quoted IPv4 header is present (ports need 4 more bytes; they read 0 when the quote is cut).
 */
export function parseIcmpUnreachable(b: Uint8Array, off: number, end: number): IcmpUnreachable | null {
  // type(1) code(1) checksum(2) unused/next-hop MTU(4), then the quoted datagram.
  if (end - off < 8 + 20 || b[off] !== ICMP_DEST_UNREACHABLE) return null;
  const q = off + 8;
  const vihl = b[q] as number;
  const hl = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || hl < 20 || q + hl > end) return null;
  const protocol = b[q + 9] as number;
  const hasPorts = q + hl + 4 <= end && (protocol === 17 || protocol === 6);
  return {
    type: b[off] as number,
    code: b[off + 1] as number,
    quotedSrc: readU32(b, q + 12),
    quotedDst: readU32(b, q + 16),
    quotedProtocol: protocol,
    quotedSport: hasPorts ? ((b[q + hl] as number) << 8) | (b[q + hl + 1] as number) : 0,
    quotedDport: hasPorts ? ((b[q + hl + 2] as number) << 8) | (b[q + hl + 3] as number) : 0,
  };
}

/** RFC 792 / RFC 1812 code names, for summary lines. */
export function unreachableCodeName(code: number): string {
  const names: Record<number, string> = {
    0: 'network unreachable',
    1: 'host unreachable',
    2: 'protocol unreachable',
    3: 'port unreachable',
    4: 'fragmentation needed',
    5: 'source route failed',
    6: 'destination network unknown',
    7: 'destination host unknown',
    9: 'network administratively prohibited',
    10: 'host administratively prohibited',
    11: 'network unreachable for TOS',
    12: 'host unreachable for TOS',
    13: 'communication administratively prohibited',
    14: 'host precedence violation',
    15: 'precedence cutoff in effect',
  };
  return names[code] ?? `unreachable code ${code}`;
}
