/**
 * IPv6 header (RFC 8200) and its extension-header chain, parsed into a caller-owned, reused struct:
 * no allocation per frame. Addresses stay in the frame (offsets); format them with ipv6String()
 * only for frames that become events.
 *
 * Extension headers walked (RFC 8200 section 4): hop-by-hop options (0), routing (43), fragment
 * (44), destination options (60), and AH (51, RFC 4302: length in 4-byte units). ESP (50) and
 * "no next header" (59) end the walk; anything else is the upper-layer protocol.
 */

export const Ipv6Next = {
  HopByHop: 0,
  Tcp: 6,
  Udp: 17,
  Routing: 43,
  Fragment: 44,
  Esp: 50,
  Ah: 51,
  Icmpv6: 58,
  NoNext: 59,
  DestOptions: 60,
} as const;

/** More extension headers than this is garbage, not a packet (bounds the walk on corrupt input). */
const MAX_EXTENSION_HEADERS = 16;

export interface Ipv6Header {
  /** Payload length from the header (0 = jumbogram or TSO: the captured bytes are taken). */
  payloadLength: number;
  hopLimit: number;
  /** Offsets of the 16-byte source / destination addresses in the frame. */
  srcOffset: number;
  dstOffset: number;
  /** Upper-layer protocol after the extension headers (59 when there is none). */
  protocol: number;
  /** Number of extension headers skipped. */
  extensionHeaders: number;
  /** A fragment header was present. */
  fragment: boolean;
  /** Fragment offset in bytes and the M flag (RFC 8200 section 4.5). */
  fragmentOffset: number;
  moreFragments: boolean;
  fragmentId: number;
  /** Upper-layer payload range in the frame, clipped to the captured bytes. */
  payloadOffset: number;
  payloadEnd: number;
  /** The capture cut the datagram short of 40 + payloadLength bytes. */
  truncated: boolean;
}

export function newIpv6Header(): Ipv6Header {
  return {
    payloadLength: 0,
    hopLimit: 0,
    srcOffset: 0,
    dstOffset: 0,
    protocol: Ipv6Next.NoNext,
    extensionHeaders: 0,
    fragment: false,
    fragmentOffset: 0,
    moreFragments: false,
    fragmentId: 0,
    payloadOffset: 0,
    payloadEnd: 0,
    truncated: false,
  };
}

export type Ipv6ParseResult = 'ok' | 'short' | 'bad-version' | 'bad-extension';

/** Parses the header at `off` and walks the extension headers; the frame may end early (`truncated`). */
export function parseIpv6(b: Uint8Array, off: number, out: Ipv6Header): Ipv6ParseResult {
  if (off + 40 > b.length) return 'short';
  if ((b[off] as number) >> 4 !== 6) return 'bad-version';
  const plen = ((b[off + 4] as number) << 8) | (b[off + 5] as number);
  out.payloadLength = plen;
  out.hopLimit = b[off + 7] as number;
  out.srcOffset = off + 8;
  out.dstOffset = off + 24;
  out.fragment = false;
  out.fragmentOffset = 0;
  out.moreFragments = false;
  out.fragmentId = 0;
  out.extensionHeaders = 0;
  const declaredEnd = plen === 0 ? b.length : off + 40 + plen;
  out.truncated = declaredEnd > b.length;
  const end = out.truncated ? b.length : declaredEnd;
  let next = b[off + 6] as number;
  let p = off + 40;
  for (;;) {
    if (next === Ipv6Next.HopByHop || next === Ipv6Next.Routing || next === Ipv6Next.DestOptions) {
      // Next header(1), header extension length in 8-octet units not counting the first 8.
      if (p + 2 > end) return 'bad-extension';
      const len = ((b[p + 1] as number) + 1) * 8;
      if (p + len > end) return 'bad-extension';
      next = b[p] as number;
      p += len;
    } else if (next === Ipv6Next.Fragment) {
      // Next header(1) reserved(1) offset(13 bits)+res(2)+M(1) identification(4): always 8 bytes.
      if (p + 8 > end) return 'bad-extension';
      const fo = ((b[p + 2] as number) << 8) | (b[p + 3] as number);
      out.fragment = true;
      out.fragmentOffset = fo & 0xfff8;
      out.moreFragments = (fo & 1) !== 0;
      out.fragmentId = (((b[p + 4] as number) << 24) >>> 0) + (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
      next = b[p] as number;
      p += 8;
      // A later fragment carries no upper-layer header: stop here.
      if (out.fragmentOffset !== 0) break;
    } else if (next === Ipv6Next.Ah) {
      // RFC 4302 section 2.2: payload length in 4-octet units, minus 2.
      if (p + 2 > end) return 'bad-extension';
      const len = ((b[p + 1] as number) + 2) * 4;
      if (p + len > end) return 'bad-extension';
      next = b[p] as number;
      p += len;
    } else {
      break;
    }
    if (++out.extensionHeaders > MAX_EXTENSION_HEADERS) return 'bad-extension';
  }
  out.protocol = next;
  out.payloadOffset = p;
  out.payloadEnd = end;
  return 'ok';
}

/** RFC 5952 text form of the 16 bytes at `off`: lowercase, longest run (>= 2) of zero groups as "::". */
export function ipv6String(b: Uint8Array, off = 0): string {
  const g = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) g[i] = (((b[off + 2 * i] ?? 0) as number) << 8) | ((b[off + 2 * i + 1] ?? 0) as number);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d): RFC 5952 section 5.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += (g[i] as number).toString(16);
  }
  return s;
}

/** Parses an IPv6 text address ("2001:db8::1", "::ffff:192.0.2.1"); undefined if it is not one. */
export function parseIpv6String(s: string): Uint8Array | undefined {
  let text = s;
  const out = new Uint8Array(16);
  let tail4: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    const v4 = text.slice(lastColon + 1).split('.');
    if (v4.length !== 4 || v4.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
    tail4 = v4.map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const parts = h.split(':');
    const r: number[] = [];
    for (const p of parts) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      r.push(parseInt(p, 16));
    }
    return r;
  };
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail] : head;
  if (groups.length !== 8 || (halves.length === 2 && head.length + tail.length > 7)) return undefined;
  for (let i = 0; i < 8; i++) {
    out[2 * i] = (groups[i] as number) >> 8;
    out[2 * i + 1] = (groups[i] as number) & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}
