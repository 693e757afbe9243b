/**
 * UEFI HTTP boot (UEFI 2.9 section 24.7): the firmware learns a URL from DHCP (option 67 with option
 * 60 "HTTPClient", or DHCPv6 option 59) and fetches it with an HTTP GET over TCP. This module has
 * what the dissector needs for that: the boot URL split into host and port, the set of server
 * endpoints worth decoding TCP for (allocation-free lookups on the hot path), the TCP header, and
 * the head of an HTTP request or response (RFC 9112 sections 3, 4, 6).
 */
import { latin1String } from './bytes.js';
import { parseIpv4String } from './ipv4.js';
import { ipv6String, parseIpv6String } from './ipv6.js';

export const HTTP_CLIENT_VENDOR_CLASS = 'HTTPClient';

export function isHttpClientVendorClass(v: string | undefined): boolean {
  return v !== undefined && v.startsWith(HTTP_CLIENT_VENDOR_CLASS);
}

export interface BootUrl {
  scheme: 'http' | 'https';
  /** Host as written (an IPv6 literal without its brackets). */
  host: string;
  hostKind: 'ipv4' | 'ipv6' | 'name';
  port: number;
  path: string;
}

/** Splits an http(s):// boot URL; undefined for anything else (tftp://, a bare file name...). */
export function parseBootUrl(url: string): BootUrl | undefined {
  const m = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^/:?#\[\]]+)(?::(\d{1,5}))?([/?#].*)?$/.exec(url.trim());
  if (!m) return undefined;
  const scheme = (m[1] as string).toLowerCase() as 'http' | 'https';
  let host = m[2] as string;
  let hostKind: BootUrl['hostKind'] = 'name';
  if (host.startsWith('[')) {
    host = host.slice(1, -1);
    const b = parseIpv6String(host);
    if (!b) return undefined;
    host = ipv6String(b);
    hostKind = 'ipv6';
  } else if (parseIpv4String(host) !== undefined) hostKind = 'ipv4';
  const port = m[3] !== undefined ? Number(m[3]) : scheme === 'https' ? 443 : 80;
  if (port < 1 || port > 65535) return undefined;
  return { scheme, host, hostKind, port, path: m[4] ?? '/' };
}

/** FNV-1a over the 16 address bytes: a number key for an IPv6 address (collisions are re-checked). */
function hash16(b: Uint8Array, off: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) {
    h ^= b[off + i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Server endpoints of boot URLs seen so far. Lookups take numbers only (no strings, no allocation)
 * so that asking "is this TCP segment HTTP boot?" is cheap for every TCP frame of a busy capture.
 * A URL naming a host by DNS name cannot be tied to an address without the DNS traffic: its port is
 * then watched on any address.
 */
export class HttpBootEndpoints {
  private readonly v4 = new Set<number>();
  private readonly v6 = new Map<number, Uint8Array[]>();
  private readonly anyHostPorts = new Set<number>();
  /** Every watched port: the cheap first test (most TCP of a capture is on other ports). */
  private readonly ports = new Set<number>();
  /** Number of endpoints watched (0: TCP is not looked at at all). */
  size = 0;

  /** Watch the server of `url`; returns false when the URL is not http(s). Bounded to 64 endpoints. */
  add(url: string): boolean {
    const u = parseBootUrl(url);
    if (!u || this.size >= 64) return false;
    if (u.hostKind === 'ipv4') {
      const key = (parseIpv4String(u.host) as number) * 65536 + u.port;
      if (this.v4.has(key)) return true;
      this.v4.add(key);
    } else if (u.hostKind === 'ipv6') {
      const a = parseIpv6String(u.host) as Uint8Array;
      const key = hash16(a, 0) * 65536 + u.port;
      const list = this.v6.get(key) ?? [];
      if (list.some((x) => x.every((v, i) => v === a[i]))) return true;
      list.push(a);
      this.v6.set(key, list);
    } else {
      if (this.anyHostPorts.has(u.port)) return true;
      this.anyHostPorts.add(u.port);
    }
    this.ports.add(u.port);
    this.size++;
    return true;
  }

  /** A watched URL names its host by DNS name: the client will resolve it (DNS is then worth decoding). */
  get namedHosts(): boolean {
    return this.anyHostPorts.size > 0;
  }

  matchV4(src: number, sport: number, dst: number, dport: number): boolean {
    if (!this.ports.has(dport) && !this.ports.has(sport)) return false;
    return this.v4.has(dst * 65536 + dport) || this.v4.has(src * 65536 + sport) || this.anyHostPorts.has(dport) || this.anyHostPorts.has(sport);
  }

  matchV6(b: Uint8Array, srcOff: number, sport: number, dstOff: number, dport: number): boolean {
    if (!this.ports.has(dport) && !this.ports.has(sport)) return false;
    if (this.anyHostPorts.has(dport) || this.anyHostPorts.has(sport)) return true;
    if (this.v6.size === 0) return false;
    return this.v6Has(b, dstOff, dport) || this.v6Has(b, srcOff, sport);
  }

  private v6Has(b: Uint8Array, off: number, port: number): boolean {
    const list = this.v6.get(hash16(b, off) * 65536 + port);
    if (!list) return false;
    outer: for (const a of list) {
      for (let i = 0; i < 16; i++) if (a[i] !== b[off + i]) continue outer;
      return true;
    }
    return false;
  }
}

export const TcpFlag = { Fin: 0x01, Syn: 0x02, Rst: 0x04, Psh: 0x08, Ack: 0x10 } as const;

export interface TcpSegment {
  seq: number;
  ack: number;
  /** Flag bits (TcpFlag). */
  flags: number;
  /** Bytes of TCP payload on the wire (from the IP length; may exceed what was captured). */
  payloadLength: number;
  /** The payload starts a TLS handshake record (https:// boot URL: no HTTP head can be seen). */
  tlsHandshake?: true;
  /** The TLS record type the payload starts with (20 ChangeCipherSpec, 21 Alert, 22 Handshake, 23 ApplicationData), src/decode/tls.ts. */
  tlsRecord?: number;
  /** The SNI of a ClientHello in this segment. */
  sni?: string;
}

/** "SYN,ACK" style text of the flags. */
export function tcpFlagNames(flags: number): string {
  const n: string[] = [];
  if (flags & TcpFlag.Syn) n.push('SYN');
  if (flags & TcpFlag.Fin) n.push('FIN');
  if (flags & TcpFlag.Rst) n.push('RST');
  if (flags & TcpFlag.Psh) n.push('PSH');
  if (flags & TcpFlag.Ack) n.push('ACK');
  return n.join(',');
}

export interface TcpHeaderView {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  headerLength: number;
}

/** TCP header (RFC 9293 section 3.1) at b[off..end); null when cut short or the data offset is bad. */
export function parseTcpHeader(b: Uint8Array, off: number, end: number): TcpHeaderView | null {
  if (end - off < 20) return null;
  const hl = ((b[off + 12] as number) >> 4) * 4;
  if (hl < 20 || off + hl > end) return null;
  const u32 = (o: number): number => (((b[o] as number) << 24) >>> 0) + (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number));
  return {
    sport: ((b[off] as number) << 8) | (b[off + 1] as number),
    dport: ((b[off + 2] as number) << 8) | (b[off + 3] as number),
    seq: u32(off + 4),
    ack: u32(off + 8),
    flags: (b[off + 13] as number) & 0x3f,
    headerLength: hl,
  };
}

export type HttpMessageHead =
  | { type: 'request'; method: string; target: string; version: string; host?: string; range?: string }
  | {
      type: 'response';
      version: string;
      status: number;
      reason: string;
      contentLength?: number;
      chunked?: boolean;
      contentType?: string;
      /** Bytes of this segment after the blank line that ends the head (start of the body). */
      bodyBytesInSegment?: number;
      /** Length of the head including the blank line (when it ended in this segment). */
      headLength?: number;
    };

const METHODS = ['GET ', 'HEAD ', 'POST ', 'PUT ', 'OPTIONS '];

/**
 * The head of an HTTP/1.x message at the start of `payload`, or undefined when the segment does not
 * start one. Only the first segment of a head is read (firmware heads fit in one segment).
 */
export function parseHttpHead(payload: Uint8Array): HttpMessageHead | undefined {
  if (payload.length < 8) return undefined;
  const first = latin1String(payload.subarray(0, Math.min(payload.length, 8)));
  const isResponse = first.startsWith('HTTP/1.');
  if (!isResponse && !METHODS.some((m) => first.startsWith(m.slice(0, Math.min(m.length, 8))))) return undefined;
  const text = latin1String(payload.subarray(0, Math.min(payload.length, 4096)));
  const headEnd = text.indexOf('\r\n\r\n');
  const lines = (headEnd >= 0 ? text.slice(0, headEnd) : text).split('\r\n');
  const startLine = lines[0] as string;
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
  }
  if (isResponse) {
    const m = /^(HTTP\/1\.\d) (\d{3})(?: (.*))?$/.exec(startLine);
    if (!m) return undefined;
    const r: HttpMessageHead = { type: 'response', version: m[1] as string, status: Number(m[2]), reason: m[3] ?? '' };
    const cl = headers.get('content-length');
    if (cl !== undefined && /^\d+$/.test(cl)) r.contentLength = Number(cl);
    if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) r.chunked = true;
    const ct = headers.get('content-type');
    if (ct !== undefined) r.contentType = ct;
    if (headEnd >= 0) {
      r.headLength = headEnd + 4;
      r.bodyBytesInSegment = payload.length - r.headLength;
    }
    return r;
  }
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.\d)$/.exec(startLine);
  if (!m) return undefined;
  const r: HttpMessageHead = { type: 'request', method: m[1] as string, target: m[2] as string, version: m[3] as string };
  const host = headers.get('host');
  if (host !== undefined) r.host = host;
  const range = headers.get('range');
  if (range !== undefined) r.range = range;
  return r;
}
