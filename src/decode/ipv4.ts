/**
 * IPv4 header (RFC 791), parsed into a caller-owned, reused struct: no allocation per frame.
 * The header checksum is not verified (captures taken on the sending host carry offloaded,
 * not-yet-computed checksums); options are skipped by IHL.
 */

export const IpProto = { Icmp: 1, Tcp: 6, Udp: 17 } as const;

export interface Ipv4Header {
  headerLength: number;
  /** Total length from the header (what the sender meant, not what was captured). */
  totalLength: number;
  id: number;
  moreFragments: boolean;
  /** Fragment offset in bytes. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  /** Addresses as unsigned 32-bit numbers; format with ipv4String() only when needed. */
  src: number;
  dst: number;
  /** Payload range in the frame, clipped to the captured bytes. */
  payloadOffset: number;
  payloadEnd: number;
  /** True when the capture cut the datagram short of totalLength (snap length). */
  truncated: boolean;
}

export function newIpv4Header(): Ipv4Header {
  return {
    headerLength: 0,
    totalLength: 0,
    id: 0,
    moreFragments: false,
    fragmentOffset: 0,
    ttl: 0,
    protocol: 0,
    src: 0,
    dst: 0,
    payloadOffset: 0,
    payloadEnd: 0,
    truncated: false,
  };
}

export type Ipv4ParseResult = 'ok' | 'short' | 'bad-version' | 'bad-ihl' | 'bad-length';

export function readU32(b: Uint8Array, o: number): number {
  return (((b[o] as number) << 24) >>> 0) + (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number));
}

/** Parses the header at `off`; the frame may end early (then `truncated` is set). */
export function parseIpv4(b: Uint8Array, off: number, out: Ipv4Header): Ipv4ParseResult {
  if (off + 20 > b.length) return 'short';
  const vihl = b[off] as number;
  if (vihl >> 4 !== 4) return 'bad-version';
  const hl = (vihl & 0x0f) * 4;
  if (hl < 20) return 'bad-ihl';
  if (off + hl > b.length) return 'short';
  const total = ((b[off + 2] as number) << 8) | (b[off + 3] as number);
  // Total length 0 happens with TSO/GSO on the capturing host; take what was captured then.
  const effectiveTotal = total === 0 ? b.length - off : total;
  if (effectiveTotal < hl) return 'bad-length';
  const ff = ((b[off + 6] as number) << 8) | (b[off + 7] as number);
  out.headerLength = hl;
  out.totalLength = effectiveTotal;
  out.id = ((b[off + 4] as number) << 8) | (b[off + 5] as number);
  out.moreFragments = (ff & 0x2000) !== 0;
  out.fragmentOffset = (ff & 0x1fff) * 8;
  out.ttl = b[off + 8] as number;
  out.protocol = b[off + 9] as number;
  out.src = readU32(b, off + 12);
  out.dst = readU32(b, off + 16);
  out.payloadOffset = off + hl;
  const end = off + effectiveTotal;
  // Ethernet pads short frames to 60 bytes: the IP total length, not the frame, says where it ends.
  out.truncated = end > b.length;
  out.payloadEnd = out.truncated ? b.length : end;
  return 'ok';
}

export function ipv4String(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

export function parseIpv4String(s: string): number | undefined {
  const p = s.split('.');
  if (p.length !== 4) return undefined;
  let v = 0;
  for (const part of p) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}
