/**
 * Encapsulated option spaces carried inside one DHCP option: PXE vendor options (43, PXE 2.1
 * spec §2.4.7), relay agent information (82, RFC 3046) and iPXE's encapsulated options (175).
 * Each space has a decoder and a matching encoder so the responder can build what the
 * analyzer reads back.
 */
import type { PxeVendorOptions, RelayAgentInfo } from './types.js';
import { ByteWriter, formatIpv4, HEX_BYTE, HEX_DIGIT_CODES, HEX_IN_ONE_CALL, latin1Text } from '../bytes.js';
import { dhcpAnomaly, DhcpOptionCode, type DhcpAnomaly } from './constants.js';

export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  const stop = Math.min(end, b.length);
  const len = stop - start;
  if (len <= 0) return '';
  if (len > HEX_IN_ONE_CALL) {
    let s = '';
    for (let i = start; i < stop; i++) s += HEX_BYTE[b[i] as number] as string;
    return s;
  }
  const codes = new Array<number>(2 * len);
  for (let i = 0; i < len; i++) {
    const v = b[start + i] as number;
    codes[2 * i] = HEX_DIGIT_CODES[2 * v] as number;
    codes[2 * i + 1] = HEX_DIGIT_CODES[2 * v + 1] as number;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Parses hex ("0a1b", "0a:1b", "0a-1b", spaces allowed); throws on anything else (encoder input). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error(`not hex: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A JS string as bytes, one byte per char (the inverse of latin1String). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Callers have checked that 4 bytes are there. */
function ipv4At(b: Uint8Array, p: number): string {
  return formatIpv4(b, p);
}

function u16At(b: Uint8Array, p: number): number {
  return ((b[p] as number) << 8) | (b[p + 1] as number);
}

/**
 * PXE 2.1 sub-options 8 (boot servers) and 9 (boot menu) are both lists of {type(16), n(8), body of
 * n x `unit` bytes}. Undefined when an entry runs past the sub-option (the whole list is then malformed).
 */
function typedEntries<T>(data: Uint8Array, p: number, len: number, unit: number, entry: (type: number, bodyStart: number, n: number) => T): T[] | undefined {
  const list: T[] = [];
  const end = p + len;
  for (let q = p; q < end; ) {
    if (q + 3 > end) return undefined;
    const type = u16At(data, q);
    const n = data[q + 2] as number;
    q += 3;
    if (q + n * unit > end) return undefined;
    list.push(entry(type, q, n));
    q += n * unit;
  }
  return list;
}

/** One TLV of an encapsulated space (views into the option's data). */
export interface SubOption {
  code: number;
  start: number;
  len: number;
}

/**
 * Walks code/length/value sub-options with RFC 2132 pad (0) and end (255). `clean` is false when a
 * sub-option runs past the data (`overrun` then names its code); bytes after END are ignored.
 */
export function walkSubOptions(data: Uint8Array): { subs: SubOption[]; clean: boolean; overrun?: number; sawEnd: boolean } {
  const subs: SubOption[] = [];
  let p = 0;
  while (p < data.length) {
    const code = data[p] as number;
    if (code === 0) {
      p++;
      continue;
    }
    if (code === 255) return { subs, clean: true, sawEnd: true };
    if (p + 1 >= data.length) return { subs, clean: false, overrun: code, sawEnd: false };
    const len = data[p + 1] as number;
    if (p + 2 + len > data.length) return { subs, clean: false, overrun: code, sawEnd: false };
    subs.push({ code, start: p + 2, len });
    p += 2 + len;
  }
  return { subs, clean: true, sawEnd: false };
}

// ---------------------------------------------------------------------------------------------
// Option 43, vendor class "PXEClient"

/** Expected length of each fixed-size PXE sub-option; list-valued ones are checked in the decoder. */
const PXE_FIXED_LENGTH: Record<number, number> = { 1: 4, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1, 7: 4, 71: 4 };

function isPxeSubOptionCode(code: number): boolean {
  return (code >= 1 && code <= 12) || code === 71;
}

/**
 * Decodes PXE sub-options. Problems become anomalies prefixed "option 43". With `strict` (used to
 * guess PXE when the packet has no option 60) the decode fails (null) instead: only sub-options the
 * PXE spec defines, with the right lengths, closed by END as PXE servers and clients send it, and
 * nothing running past the end. END keeps out look-alikes such as Microsoft's 43 (01 04 00 00 00 01,
 * "disable NetBIOS"), which would otherwise read as a PXE MTFTP address.
 */
export function decodePxeVendor(data: Uint8Array, anomalies: DhcpAnomaly[], strict = false): PxeVendorOptions | null {
  // One walk, as walkSubOptions does it (pad, END, overrun), decoding as it goes; `strict` is
  // judged at the end on what the walk saw.
  const n = data.length;
  const local: DhcpAnomaly[] = [];
  const pxe: PxeVendorOptions = {};
  let other: { code: number; hex: string }[] | undefined;
  let subs = 0;
  let onlyPxeCodes = true;
  let sawEnd = false;
  let overrun = -1;
  let q = 0;
  while (q < n) {
    const code = data[q] as number;
    if (code === 0) {
      q++;
      continue;
    }
    if (code === 255) {
      sawEnd = true;
      break;
    }
    if (q + 1 >= n || q + 2 + (data[q + 1] as number) > n) {
      overrun = code;
      break;
    }
    const len = data[q + 1] as number;
    const p = q + 2;
    q = p + len;
    subs++;
    if (!isPxeSubOptionCode(code)) onlyPxeCodes = false;
    const expected = PXE_FIXED_LENGTH[code];
    if (expected !== undefined && len !== expected) {
      local.push(dhcpAnomaly('pxe-suboption-length', `option 43 sub-option ${code} length ${len} (expected ${expected})`, DhcpOptionCode.VendorSpecific));
      continue;
    }
    switch (code) {
      case 1:
        pxe.mtftpIp = ipv4At(data, p);
        break;
      case 2:
        pxe.mtftpClientPort = u16At(data, p);
        break;
      case 3:
        pxe.mtftpServerPort = u16At(data, p);
        break;
      case 4:
        pxe.mtftpTimeout = data[p] as number;
        break;
      case 5:
        pxe.mtftpDelay = data[p] as number;
        break;
      case 6:
        pxe.discoveryControl = data[p] as number;
        break;
      case 7:
        pxe.discoveryMulticast = ipv4At(data, p);
        break;
      case 8: {
        // Boot servers: {type(16), count(8), count x IPv4}...
        const list = typedEntries(data, p, len, 4, (type, start, count) => ({ type, addresses: Array.from({ length: count }, (_, i) => ipv4At(data, start + i * 4)) }));
        if (list) pxe.bootServers = list;
        else local.push(dhcpAnomaly('pxe-suboption-malformed', 'option 43 sub-option 8 malformed', DhcpOptionCode.VendorSpecific));
        break;
      }
      case 9: {
        // Boot menu: {type(16), len(8), description}...
        const list = typedEntries(data, p, len, 1, (type, start, n) => ({ type, description: latin1Text(data, start, start + n) }));
        if (list) pxe.bootMenu = list;
        else local.push(dhcpAnomaly('pxe-suboption-malformed', 'option 43 sub-option 9 malformed', DhcpOptionCode.VendorSpecific));
        break;
      }
      case 10:
        if (len < 1) {
          local.push(dhcpAnomaly('pxe-suboption-length', 'option 43 sub-option 10 length 0 (expected at least 1)', DhcpOptionCode.VendorSpecific));
          break;
        }
        pxe.menuPrompt = { timeout: data[p] as number, prompt: latin1Text(data, p + 1, p + len) };
        break;
      case 11:
        pxe.multicastAlloc = toHex(data, p, p + len);
        break;
      case 12: {
        if (len % 4 !== 0) {
          local.push(dhcpAnomaly('pxe-suboption-length', `option 43 sub-option 12 length ${len} (expected multiple of 4)`, DhcpOptionCode.VendorSpecific));
          break;
        }
        const types: number[] = [];
        for (let r = p; r < p + len; r += 4) types.push(((data[r] as number) * 0x1000000) + (((data[r + 1] as number) << 16) | ((data[r + 2] as number) << 8) | (data[r + 3] as number)));
        pxe.credentialTypes = types;
        break;
      }
      case 71:
        pxe.bootItem = { type: u16At(data, p), layer: u16At(data, p + 2) };
        break;
      default:
        (other ??= []).push({ code, hex: toHex(data, p, p + len) });
    }
  }
  if (strict && (overrun >= 0 || !sawEnd || subs === 0 || !onlyPxeCodes || local.length > 0)) return null;
  if (overrun >= 0) local.push(dhcpAnomaly('pxe-suboption-overrun', `option 43 sub-option ${overrun} runs past the end`, DhcpOptionCode.VendorSpecific));
  if (other) pxe.other = other;
  for (let i = 0; i < local.length; i++) anomalies.push(local[i] as DhcpAnomaly);
  return pxe;
}

function subOption(w: ByteWriter, code: number, data: Uint8Array): void {
  if (data.length > 255) throw new Error(`sub-option ${code} is ${data.length} bytes (at most 255)`);
  w.u8(code).u8(data.length).bytes(data);
}

/**
 * Encodes PXE sub-options in code order, ending with END (255) as the PXE spec's examples do and
 * as dnsmasq and pixiecore send it.
 */
export function encodePxeVendor(pxe: PxeVendorOptions): Uint8Array {
  const w = new ByteWriter(64);
  const small = (n: number, bytes: number): Uint8Array => {
    const b = new ByteWriter(bytes);
    if (bytes === 1) b.u8(n);
    else if (bytes === 2) b.u16(n);
    else b.u32(n);
    return b.result().slice();
  };
  const ip = (a: string): Uint8Array => new ByteWriter(4).ipv4(a).result().slice();
  if (pxe.mtftpIp !== undefined) subOption(w, 1, ip(pxe.mtftpIp));
  if (pxe.mtftpClientPort !== undefined) subOption(w, 2, small(pxe.mtftpClientPort, 2));
  if (pxe.mtftpServerPort !== undefined) subOption(w, 3, small(pxe.mtftpServerPort, 2));
  if (pxe.mtftpTimeout !== undefined) subOption(w, 4, small(pxe.mtftpTimeout, 1));
  if (pxe.mtftpDelay !== undefined) subOption(w, 5, small(pxe.mtftpDelay, 1));
  if (pxe.discoveryControl !== undefined) subOption(w, 6, small(pxe.discoveryControl, 1));
  if (pxe.discoveryMulticast !== undefined) subOption(w, 7, ip(pxe.discoveryMulticast));
  if (pxe.bootServers !== undefined) {
    const b = new ByteWriter(32);
    for (const s of pxe.bootServers) {
      b.u16(s.type).u8(s.addresses.length);
      for (const a of s.addresses) b.ipv4(a);
    }
    subOption(w, 8, b.result().slice());
  }
  if (pxe.bootMenu !== undefined) {
    const b = new ByteWriter(64);
    for (const m of pxe.bootMenu) {
      const d = latin1Bytes(m.description);
      if (d.length > 255) throw new Error('boot menu description longer than 255 bytes');
      b.u16(m.type).u8(d.length).bytes(d);
    }
    subOption(w, 9, b.result().slice());
  }
  if (pxe.menuPrompt !== undefined) {
    const b = new ByteWriter(32);
    b.u8(pxe.menuPrompt.timeout).bytes(latin1Bytes(pxe.menuPrompt.prompt));
    subOption(w, 10, b.result().slice());
  }
  if (pxe.multicastAlloc !== undefined) subOption(w, 11, fromHex(pxe.multicastAlloc));
  if (pxe.credentialTypes !== undefined) {
    const b = new ByteWriter(16);
    for (const t of pxe.credentialTypes) b.u32(t);
    subOption(w, 12, b.result().slice());
  }
  if (pxe.bootItem !== undefined) {
    const b = new ByteWriter(4);
    b.u16(pxe.bootItem.type).u16(pxe.bootItem.layer);
    subOption(w, 71, b.result().slice());
  }
  for (const o of pxe.other ?? []) subOption(w, o.code, fromHex(o.hex));
  w.u8(255);
  return w.result().slice();
}

// ---------------------------------------------------------------------------------------------
// Option 82, relay agent information (RFC 3046; 5 = RFC 3527, 6 = RFC 3993, 11 = RFC 5107)

export function decodeRelayAgent(data: Uint8Array, anomalies: DhcpAnomaly[]): RelayAgentInfo {
  // RFC 3046 §2.0: no pad/end inside 82; walk plain TLVs so a 0 or 255 code is kept as "other".
  const info: RelayAgentInfo = {};
  const other: { code: number; hex: string }[] = [];
  let p = 0;
  while (p < data.length) {
    const code = data[p] as number;
    if (p + 1 >= data.length || p + 2 + (data[p + 1] as number) > data.length) {
      anomalies.push(dhcpAnomaly('relay-suboption-overrun', `option 82 sub-option ${code} runs past the end`, DhcpOptionCode.RelayAgent));
      break;
    }
    const len = data[p + 1] as number;
    const v = p + 2;
    switch (code) {
      case 1:
        info.circuitId = toHex(data, v, v + len);
        break;
      case 2:
        info.remoteId = toHex(data, v, v + len);
        break;
      case 5:
      case 11:
        if (len !== 4) {
          anomalies.push(dhcpAnomaly('relay-suboption-length', `option 82 sub-option ${code} length ${len} (expected 4)`, DhcpOptionCode.RelayAgent));
          other.push({ code, hex: toHex(data, v, v + len) });
        } else if (code === 5) info.linkSelection = ipv4At(data, v);
        else info.serverIdOverride = ipv4At(data, v);
        break;
      case 6:
        info.subscriberId = latin1Text(data, v, v + len);
        break;
      default:
        other.push({ code, hex: toHex(data, v, v + len) });
    }
    p = v + len;
  }
  if (other.length > 0) info.other = other;
  return info;
}

export function encodeRelayAgent(info: RelayAgentInfo): Uint8Array {
  const w = new ByteWriter(64);
  const ip = (a: string): Uint8Array => new ByteWriter(4).ipv4(a).result().slice();
  if (info.circuitId !== undefined) subOption(w, 1, fromHex(info.circuitId));
  if (info.remoteId !== undefined) subOption(w, 2, fromHex(info.remoteId));
  if (info.linkSelection !== undefined) subOption(w, 5, ip(info.linkSelection));
  if (info.subscriberId !== undefined) subOption(w, 6, latin1Bytes(info.subscriberId));
  if (info.serverIdOverride !== undefined) subOption(w, 11, ip(info.serverIdOverride));
  for (const o of info.other ?? []) subOption(w, o.code, fromHex(o.hex));
  return w.result().slice();
}

// ---------------------------------------------------------------------------------------------
// Option 175, iPXE encapsulated options (iPXE include/ipxe/dhcp.h: DHCP_EB_ENCAP)

export function decodeIpxeEncap(data: Uint8Array, anomalies: DhcpAnomaly[]): { code: number; hex: string }[] {
  // The walk of walkSubOptions, without its intermediate objects.
  const subs: { code: number; hex: string }[] = [];
  const n = data.length;
  let p = 0;
  while (p < n) {
    const code = data[p] as number;
    if (code === 0) {
      p++;
      continue;
    }
    if (code === 255) break;
    if (p + 1 >= n || p + 2 + (data[p + 1] as number) > n) {
      anomalies.push(dhcpAnomaly('ipxe-suboption-overrun', `option 175 sub-option ${code} runs past the end`, DhcpOptionCode.IpxeEncap));
      break;
    }
    const end = p + 2 + (data[p + 1] as number);
    subs.push({ code, hex: toHex(data, p + 2, end) });
    p = end;
  }
  return subs;
}

export function encodeIpxeEncap(subs: { code: number; hex?: string; data?: Uint8Array }[]): Uint8Array {
  const w = new ByteWriter(64);
  for (const s of subs) subOption(w, s.code, s.data ?? fromHex(s.hex ?? ''));
  return w.result().slice();
}
