/**
 * One frame, redacted in place (docs/redact.md): link-layer and ARP addresses, IPv4/IPv6 headers,
 * BOOTP/DHCP fields and options, DHCPv6 DUIDs/addresses/URLs, TFTP file names and error texts, HTTP
 * request lines and headers, ICMP/ICMPv6 (quoted headers, neighbour discovery). Every pseudonym has
 * the length of what it replaces, so nothing moves; checksums (IPv4 header, UDP, TCP, ICMP,
 * ICMPv6, and the IPv4 header quoted in an ICMP error) are updated incrementally (RFC 1624) from the
 * bytes that changed: a checksum that was right stays right, one that was wrong (offloaded on the
 * capturing host) stays wrong, and a packet cut short by the snap length needs no missing byte.
 */
import { NetKind, newLinkInfo, parseLink } from '../decode/link.js';
import { IpProto, newIpv4Header, parseIpv4 } from '../decode/ipv4.js';
import { newIpv6Header, parseIpv6 } from '../decode/ipv6.js';
import type { Pseudonyms } from './pseudonyms.js';

const ETH_ARP = 0x0806;
const ICMPV6 = 58;
const latin1 = new TextDecoder('latin1');

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}

/**
 * One's-complement sum of b[start, end) as 16-bit words aligned at `align` (odd offsets shift a
 * byte), leaving out the checksum field itself at [skip, skip+2).
 */
function sum16(b: Uint8Array, start: number, end: number, align: number, skip: number): number {
  let s = 0;
  for (let i = start; i < end; i++) {
    if (i === skip || i === skip + 1) continue;
    s += (i - align) % 2 === 0 ? (b[i] as number) << 8 : (b[i] as number);
  }
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/**
 * The checksum at b[at] after the bytes of [start, end) changed from `old` to `b` (RFC 1624 eqn. 3:
 * HC' = ~(~HC + ~m + m')), words aligned at `align`. `zeroMeansNone`: UDP's 0 = no checksum.
 */
function adjust(b: Uint8Array, old: Uint8Array, at: number, start: number, end: number, align: number, zeroMeansNone = false): void {
  if (at < 0 || at + 2 > b.length) return;
  const hc = u16(b, at);
  if (zeroMeansNone && hc === 0) return;
  const delta = onesAdd(sum16(b, start, end, align, at), 0xffff - sum16(old, start, end, align, at));
  let r = 0xffff - onesAdd(0xffff - hc, delta);
  if (zeroMeansNone && r === 0) r = 0xffff;
  b[at] = r >> 8;
  b[at + 1] = r & 255;
}

function onesAdd(a: number, b: number): number {
  let s = a + b;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Replace the NUL-terminated (or field-long) string in b[off, off+len) with its same-length pseudonym. */
function rewriteString(b: Uint8Array, off: number, len: number, f: (s: string) => string): void {
  const end = Math.min(b.length, off + len);
  let n = off;
  while (n < end && b[n] !== 0) n++;
  if (n === off) return;
  const s = latin1.decode(b.subarray(off, n));
  const r = f(s);
  if (r.length !== s.length || r === s) return;
  for (let i = 0; i < r.length; i++) b[off + i] = r.charCodeAt(i) & 255;
}

/** Does option 43 parse as PXE sub-options (TLVs that fill it, sub-option 8 well formed)? */
function pxeSubOptions(b: Uint8Array, v: number, len: number): boolean {
  let s = v;
  while (s < v + len) {
    const sc = b[s] as number;
    if (sc === 255) return true;
    if (sc === 0) {
      s++;
      continue;
    }
    if (s + 2 > v + len) return false;
    const sl = b[s + 1] as number;
    if (s + 2 + sl > v + len) return false;
    if (sc === 8) {
      let i = s + 2;
      while (i + 3 <= s + 2 + sl) i += 3 + 4 * (b[i + 2] as number);
      if (i !== s + 2 + sl) return false;
    }
    s += 2 + sl;
  }
  return s === v + len;
}

export class FrameRedactor {
  private readonly p: Pseudonyms;
  private readonly link = newLinkInfo();
  private readonly ip4 = newIpv4Header();
  private readonly ip6 = newIpv6Header();

  constructor(p: Pseudonyms) {
    this.p = p;
  }

  /** A redacted copy of `data` (a frame of link type `linkType`). */
  redact(data: Uint8Array, linkType: number): Uint8Array {
    const b = data.slice();
    try {
      this.redactInPlace(b, data, linkType);
    } catch {
      // A packet no decoder expected (every read is bounded, so this should not happen): what was
      // replaced before stays replaced; the frame is still written.
    }
    return b;
  }

  private redactInPlace(b: Uint8Array, old: Uint8Array, linkType: number): void {
    const link = parseLink(linkType, b, this.link);
    if (link.dstMacOffset >= 0) this.p.macAt(b, link.dstMacOffset);
    if (link.srcMacOffset >= 0) this.p.macAt(b, link.srcMacOffset);
    if (link.kind === NetKind.Ipv4) this.ipv4(b, old, link.netOffset);
    else if (link.kind === NetKind.Ipv6) this.ipv6(b, old, link.netOffset);
    else if (link.kind === NetKind.Other && link.netOffset >= 2 && u16(b, link.netOffset - 2) === ETH_ARP) this.arp(b, link.netOffset);
  }

  private arp(b: Uint8Array, o: number): void {
    if (o + 28 > b.length || u16(b, o) !== 1 || u16(b, o + 2) !== 0x0800 || b[o + 4] !== 6 || b[o + 5] !== 4) return;
    this.p.macAt(b, o + 8);
    this.p.ipv4At(b, o + 14);
    if (!b.subarray(o + 18, o + 24).every((x) => x === 0)) this.p.macAt(b, o + 18);
    this.p.ipv4At(b, o + 24);
  }

  private ipv4(b: Uint8Array, old: Uint8Array, off: number): void {
    const h = this.ip4;
    if (parseIpv4(b, off, h) !== 'ok') return;
    this.p.ipv4At(b, off + 12);
    this.p.ipv4At(b, off + 16);
    adjust(b, old, off + 10, off, off + h.headerLength, off);
    if (h.fragmentOffset > 0) return; // no transport header here; the payload is not touched
    const p = h.payloadOffset;
    const end = h.payloadEnd;
    const pseudo = (at: number, zero = false) => {
      // Pseudo-header: the two addresses (the rest does not change), then the transport bytes.
      adjust(b, old, at, off + 12, off + 20, off + 12, zero);
      adjust(b, old, at, p, end, p, zero);
    };
    if (h.protocol === IpProto.Udp && p + 8 <= end) {
      this.udp(b, p, end, false);
      pseudo(p + 6, true);
    } else if (h.protocol === IpProto.Tcp && p + 20 <= end) {
      this.tcp(b, p, end);
      pseudo(p + 16);
    } else if (h.protocol === IpProto.Icmp && p + 8 <= end) {
      this.icmp(b, old, p, end);
      adjust(b, old, p + 2, p, end, p);
    }
  }

  private ipv6(b: Uint8Array, old: Uint8Array, off: number): void {
    const h = this.ip6;
    if (parseIpv6(b, off, h) !== 'ok') return;
    this.p.ipv6At(b, h.srcOffset);
    this.p.ipv6At(b, h.dstOffset);
    if (h.fragment && h.fragmentOffset > 0) return;
    const p = h.payloadOffset;
    const end = h.payloadEnd;
    const pseudo = (at: number, zero = false) => {
      adjust(b, old, at, h.srcOffset, h.srcOffset + 32, h.srcOffset, zero);
      adjust(b, old, at, p, end, p, zero);
    };
    if (h.protocol === IpProto.Udp && p + 8 <= end) {
      this.udp(b, p, end, true);
      pseudo(p + 6);
    } else if (h.protocol === IpProto.Tcp && p + 20 <= end) {
      this.tcp(b, p, end);
      pseudo(p + 16);
    } else if (h.protocol === ICMPV6 && p + 4 <= end) {
      this.icmp6(b, p, end);
      pseudo(p + 2);
    }
  }

  private udp(b: Uint8Array, p: number, end: number, v6: boolean): void {
    const sport = u16(b, p);
    const dport = u16(b, p + 2);
    const d = p + 8;
    if (!v6 && [67, 68, 4011].some((x) => x === sport || x === dport)) this.bootp(b, d, end);
    else if (v6 && [546, 547].some((x) => x === sport || x === dport)) this.dhcp6(b, d, end, false);
    else this.tftp(b, d, end, sport === 69 || dport === 69);
  }

  /** TFTP: RRQ/WRQ file names (to port 69), ERROR messages (any port: they come from a transfer port). */
  private tftp(b: Uint8Array, d: number, end: number, toServerPort: boolean): void {
    if (d + 4 > end || b[d] !== 0) return;
    const op = b[d + 1];
    if ((op === 1 || op === 2) && toServerPort) rewriteString(b, d + 2, end - d - 2, (s) => this.p.path(s));
    else if (op === 5 && b[end - 1] === 0) {
      const msg = b.subarray(d + 4, end - 1);
      if (msg.every((x) => x >= 0x20 && x < 0x7f)) rewriteString(b, d + 4, end - d - 4, (s) => this.p.text(s));
    }
  }

  private tcp(b: Uint8Array, p: number, end: number): void {
    const hl = ((b[p + 12] as number) >> 4) * 4;
    const d = p + hl;
    if (d >= end) return;
    const head = latin1.decode(b.subarray(d, Math.min(end, d + 8)));
    if (!/^(GET |HEAD |POST |PUT |HTTP\/1)/.test(head)) return;
    // HTTP headers (up to the blank line): request path, Host, Location... as free text, same length.
    let stop = d;
    while (stop + 3 < end && !(b[stop] === 13 && b[stop + 1] === 10 && b[stop + 2] === 13 && b[stop + 3] === 10)) stop++;
    const text = latin1.decode(b.subarray(d, stop));
    const lines = text.split('\r\n').map((line, i) => {
      if (i === 0) {
        const m = /^(\S+) (\S+)( HTTP\/\S+)$/.exec(line);
        if (!m || line.startsWith('HTTP/')) return line;
        const target = m[2]!.startsWith('/') ? this.p.path(m[2]!) : this.p.text(m[2]!);
        return target.length === m[2]!.length ? `${m[1]} ${target}${m[3]}` : line;
      }
      const c = line.indexOf(':');
      if (c < 0) return line;
      const name = line.slice(0, c).toLowerCase();
      if (name === 'host') {
        const v = line.slice(c + 1);
        const m = /^(\s*)(\[[^\]]+\]|[^:\s]+)(.*)$/.exec(v);
        if (!m) return line;
        const host = m[2]!.startsWith('[') || /^[\d.]+$/.test(m[2]!) ? this.p.scrubTokens(m[2]!) : this.p.hostname(m[2]!);
        return `${line.slice(0, c + 1)}${m[1]}${host}${m[3]}`;
      }
      if (name === 'user-agent' || name === 'content-type' || name === 'content-length' || name === 'accept' || name === 'connection' || name === 'date' || name === 'server') return line;
      return `${line.slice(0, c + 1)}${this.p.text(line.slice(c + 1))}`;
    });
    const out = lines.join('\r\n');
    if (out.length !== text.length) return;
    for (let i = 0; i < out.length; i++) b[d + i] = out.charCodeAt(i) & 255;
  }

  private icmp(b: Uint8Array, old: Uint8Array, p: number, end: number): void {
    const type = b[p];
    // Errors quote the offending datagram's IP header: its addresses are ours too.
    if (type !== 3 && type !== 11 && type !== 12 && type !== 5) return;
    const q = p + 8;
    if (q + 20 > end || (b[q] as number) >> 4 !== 4) return;
    const hl = ((b[q] as number) & 15) * 4;
    this.p.ipv4At(b, q + 12);
    this.p.ipv4At(b, q + 16);
    if (q + hl <= end) adjust(b, old, q + 10, q, q + hl, q);
    // Linux quotes up to 576 bytes: the offending datagram's DHCP or TFTP message is there too.
    const u = q + hl;
    if (b[q + 9] === IpProto.Udp && u + 8 <= end && (((b[q + 6] as number) & 0x1f) | (b[q + 7] as number)) === 0) {
      this.udp(b, u, end, false);
      adjust(b, old, u + 6, q + 12, q + 20, q + 12, true);
      adjust(b, old, u + 6, u, end, u, true);
    }
    if (type === 5) this.p.ipv4At(b, p + 4); // redirect: the gateway
  }

  private icmp6(b: Uint8Array, p: number, end: number): void {
    const type = b[p];
    let opts = -1;
    if (type === 135 || type === 136) {
      this.p.ipv6At(b, p + 8); // NS/NA target
      opts = p + 24;
    } else if (type === 133) opts = p + 8;
    else if (type === 134) opts = p + 16;
    else if (type === 137) {
      this.p.ipv6At(b, p + 8);
      this.p.ipv6At(b, p + 24);
      opts = p + 40;
    } else if (type === 1 || type === 2 || type === 3 || type === 4) {
      // Errors quote the offending IPv6 header.
      if (p + 8 + 40 <= end) {
        this.p.ipv6At(b, p + 8 + 8);
        this.p.ipv6At(b, p + 8 + 24);
      }
      return;
    }
    // ND options: 1 source / 2 target link-layer address, 3 prefix information.
    while (opts >= 0 && opts + 8 <= end) {
      const t = b[opts] as number;
      const len = (b[opts + 1] as number) * 8;
      if (len === 0 || opts + len > end) break;
      if ((t === 1 || t === 2) && len >= 8) this.p.macAt(b, opts + 2);
      if (t === 3 && len >= 32) this.p.ipv6At(b, opts + 16);
      opts += len;
    }
  }

  /** BOOTP/DHCP (RFC 2131/2132): addresses, chaddr, sname, file and the options that name things. */
  private bootp(b: Uint8Array, d: number, end: number): void {
    if (d + 236 > end) return;
    const p = this.p;
    for (const o of [12, 16, 20, 24]) p.ipv4At(b, d + o);
    if (b[d + 1] === 1 && b[d + 2] === 6) p.macAt(b, d + 28);
    rewriteString(b, d + 44, 64, (s) => p.hostname(s));
    rewriteString(b, d + 108, 128, (s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? p.text(s) : p.path(s)));
    if (d + 240 > end || b[d + 236] !== 99 || b[d + 237] !== 130 || b[d + 238] !== 83 || b[d + 239] !== 99) return;
    let pxe = false;
    // Option 60 first (PXE sub-options of 43 are read only when 60 says PXEClient).
    for (let o = d + 240; o + 2 <= end; ) {
      const code = b[o] as number;
      if (code === 255) break;
      if (code === 0) {
        o++;
        continue;
      }
      const len = b[o + 1] as number;
      if (code === 60 && latin1.decode(b.subarray(o + 2, Math.min(end, o + 2 + len))).startsWith('PXEClient')) pxe = true;
      o += 2 + len;
    }
    for (let o = d + 240; o + 2 <= end; ) {
      const code = b[o] as number;
      if (code === 255) break;
      if (code === 0) {
        o++;
        continue;
      }
      const len = b[o + 1] as number;
      const v = o + 2;
      if (v + len > end) break;
      this.dhcpOption(b, code, v, len, pxe);
      o = v + len;
    }
  }

  private dhcpOption(b: Uint8Array, code: number, v: number, len: number, pxe: boolean): void {
    const p = this.p;
    const IP_LISTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 28, 32, 33, 41, 42, 44, 45, 48, 49, 50, 54, 65, 68, 69, 70, 71, 72, 73, 74, 75, 76, 118, 150];
    if (IP_LISTS.includes(code)) {
      // 33 (static routes) and 21 are address pairs: every 4 bytes is an address either way.
      for (let i = 0; i + 4 <= len; i += 4) p.ipv4At(b, v + i);
    } else if (code === 12 || code === 15 || code === 40) {
      rewriteString(b, v, len, (s) => p.hostname(s));
    } else if (code === 17 || code === 209 || code === 210) {
      rewriteString(b, v, len, (s) => p.path(s));
    } else if (code === 66) {
      rewriteString(b, v, len, (s) => (/^[\d.]+$/.test(s) ? p.text(s) : p.hostname(s)));
    } else if (code === 67 || code === 114) {
      rewriteString(b, v, len, (s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? p.text(s) : p.path(s)));
    } else if (code === 81 && len > 3) {
      // Client FQDN: flags, rcode1, rcode2, then the name (ASCII or DNS wire format).
      if (((b[v] as number) & 4) !== 0) this.dnsName(b, v + 3, v + len);
      else rewriteString(b, v + 3, len - 3, (s) => p.hostname(s));
    } else if (code === 119) {
      this.dnsName(b, v, v + len);
    } else if (code === 61 && len === 7 && b[v] === 1) {
      p.macAt(b, v + 1);
    } else if (code === 97 && len === 17 && b[v] === 0) {
      p.guidAt(b, v + 1);
    } else if (code === 43 && (pxe || pxeSubOptions(b, v, len))) {
      // PXE sub-options: 8 = boot servers (type u16, count u8, addresses).
      for (let s = v; s + 2 <= v + len; ) {
        const sc = b[s] as number;
        if (sc === 255) break;
        if (sc === 0) {
          s++;
          continue;
        }
        const sl = b[s + 1] as number;
        if (s + 2 + sl > v + len) break;
        if (sc === 8) {
          for (let i = s + 2; i + 3 <= s + 2 + sl; ) {
            const n = b[i + 2] as number;
            for (let k = 0; k < n && i + 3 + 4 * k + 4 <= s + 2 + sl; k++) p.ipv4At(b, i + 3 + 4 * k);
            i += 3 + 4 * n;
          }
        }
        s += 2 + sl;
      }
    } else if (code === 82) {
      // Relay agent information: circuit id / remote id often carry switch names or MACs.
      for (let s = v; s + 2 <= v + len; ) {
        const sl = b[s + 1] as number;
        if (s + 2 + sl > v + len) break;
        if (sl === 6) p.macAt(b, s + 2);
        else rewriteString(b, s + 2, sl, (t) => (/^[\x20-\x7e]+$/.test(t) ? p.text(p.hostname(t)) : t));
        s += 2 + sl;
      }
    }
  }

  /** A DNS name in wire format (length-prefixed labels): each label but the last on its own. */
  private dnsName(b: Uint8Array, start: number, end: number): void {
    const labels: [number, number][] = [];
    for (let i = start; i < end; ) {
      const l = b[i] as number;
      if (l === 0 || l >= 64 || i + 1 + l > end) {
        i++;
        if (l === 0 && labels.length > 0) {
          this.labels(b, labels);
          labels.length = 0;
        }
        if (l >= 64) break;
        continue;
      }
      labels.push([i + 1, l]);
      i += 1 + l;
    }
    this.labels(b, labels);
  }

  private labels(b: Uint8Array, labels: [number, number][]): void {
    labels.forEach(([o, l], i) => {
      if (i === labels.length - 1 && labels.length > 1) return;
      const s = latin1.decode(b.subarray(o, o + l));
      const r = this.p.name(s, 'h');
      if (r.length === s.length) for (let k = 0; k < l; k++) b[o + k] = r.charCodeAt(k) & 255;
    });
  }

  /** DHCPv6 (RFC 8415): DUIDs, IA addresses, boot file URLs; relay messages recursively. */
  private dhcp6(b: Uint8Array, d: number, end: number, nested: boolean): void {
    if (d + 4 > end) return;
    const type = b[d] as number;
    let o = d + 4;
    if (type === 12 || type === 13) {
      // Relay-forward/reply: hop count, link address, peer address.
      if (d + 34 > end) return;
      this.p.ipv6At(b, d + 2);
      this.p.ipv6At(b, d + 18);
      o = d + 34;
    }
    this.dhcp6Options(b, o, end);
    void nested;
  }

  private dhcp6Options(b: Uint8Array, o: number, end: number): void {
    while (o + 4 <= end) {
      const code = u16(b, o);
      const len = u16(b, o + 2);
      const v = o + 4;
      if (v + len > end) break;
      if (code === 1 || code === 2) this.duid(b, v, len);
      else if ((code === 3 && len >= 12) || (code === 4 && len >= 4)) this.dhcp6Options(b, v + (code === 3 ? 12 : 4), v + len);
      else if (code === 5 && len >= 24) {
        this.p.ipv6At(b, v);
        this.dhcp6Options(b, v + 24, v + len);
      } else if (code === 23 || code === 22) for (let i = 0; i + 16 <= len; i += 16) this.p.ipv6At(b, v + i);
      else if (code === 9) this.dhcp6(b, v, v + len, true);
      else if (code === 59) rewriteString(b, v, len, (s) => this.p.text(s));
      else if (code === 24 || code === 39) this.dnsName(b, code === 39 ? v + 1 : v, v + len);
      o = v + len;
    }
  }

  /** DUID-LLT (1) and DUID-LL (3) carry a MAC, DUID-UUID (4) a UUID; DUID-EN (2) an opaque id. */
  private duid(b: Uint8Array, v: number, len: number): void {
    const t = u16(b, v);
    if (t === 1 && len === 14 && u16(b, v + 2) === 1) this.p.macAt(b, v + 8);
    else if (t === 3 && len === 10 && u16(b, v + 2) === 1) this.p.macAt(b, v + 4);
    else if (t === 4 && len === 18) this.p.guidAt(b, v + 2);
  }
}
