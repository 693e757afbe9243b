/**
 * BOOTP/DHCP message codec (RFC 951, RFC 2131 §2, RFC 2132, RFC 3396, PXE 2.1).
 *
 * decodeDhcp never throws: every read is bounds-checked and problems become stable short strings
 * in `anomalies`. encodeDhcp is its inverse (see docs/codecs.md for the exact round-trip rule).
 */
import type { DhcpMessage, DhcpOption } from './types.js';
import { ByteWriter, formatIpv4, formatMac, HEX_DIGIT_CODES, latin1Text, RecentText } from '../bytes.js';
import { decodeBsdp, isBsdpVendorClass } from './bsdp.js';
import { decodeIpxeEncap, decodePxeVendor, decodeRelayAgent, fromHex, latin1Bytes, toHex } from './suboptions.js';
import { dhcpAnomaly, DhcpOptionCode, ZERO_IP, type DhcpAnomaly } from './constants.js';

/** Fixed BOOTP header: op..file (RFC 951), then the 4-byte magic cookie (RFC 2131 §3). */
export const BOOTP_HEADER_LENGTH = 236;
export const MAGIC_COOKIE = 0x63825363;
/** RFC 951's 300-byte minimum (236 + 64-byte vendor area); servers pad replies up to it. */
export const BOOTP_MIN_LENGTH = 300;

const SNAME_OFFSET = 44;
const SNAME_LENGTH = 64;
const FILE_OFFSET = 108;
const FILE_LENGTH = 128;
const OPTIONS_OFFSET = 240;

/** What encodeDhcp needs: the header fields (defaults in brackets) and the options in wire order. */
export interface DhcpMessageInit {
  op: number;
  xid: number;
  /** "aa:bb:cc:dd:ee:ff" (up to 16 bytes). */
  chaddr: string;
  htype?: number; // [1]
  hlen?: number; // [bytes in chaddr]
  hops?: number;
  secs?: number;
  flags?: number;
  ciaddr?: string; // ["0.0.0.0"]
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  /** Written NUL-padded; ignored when an option has `area: 'sname'` (overload). */
  sname?: string;
  file?: string;
  /** false = plain BOOTP: no cookie, options not written, zero vendor area. [true] */
  hasMagicCookie?: boolean;
  options: DhcpOption[];
}

/** Text of a string option up to its first NUL (clients often add one; RFC 2132 §2 says receivers cope). */
function optionText(d: Uint8Array): string {
  let end = 0;
  while (end < d.length && d[end] !== 0) end++;
  return latin1Text(d, 0, end);
}

/**
 * Up to this length an option's copy is a new array filled byte by byte, which measured cheaper
 * than slice() (V8 keeps typed arrays of up to 64 bytes on the JS heap); longer ones are sliced.
 */
const SHORT_OPTION = 64;

/** An owned copy of b[start, end) (the packet's buffer is reused by the reader). */
function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const len = end - start;
  if (len > SHORT_OPTION) return b.slice(start, end);
  const d = new Uint8Array(len);
  for (let i = 0; i < len; i++) d[i] = b[start + i] as number;
  return d;
}

/**
 * Parses one options region into `out`. Pads are skipped; an option running past the region stops
 * the parse (the partial option is not kept, the anomaly is recorded here).
 */
function parseOptionRegion(
  b: Uint8Array,
  start: number,
  end: number,
  area: 'options' | 'file' | 'sname',
  out: DhcpOption[],
  anomalies: DhcpAnomaly[],
): 'end' | 'no-end' | 'overrun' {
  let p = start;
  const inOptionsArea = area === 'options';
  while (p < end) {
    const code = b[p] as number;
    if (code === DhcpOptionCode.Pad) {
      p++;
      continue;
    }
    if (code === DhcpOptionCode.End) return 'end';
    const len = p + 1 < end ? (b[p + 1] as number) : -1;
    if (len < 0 || p + 2 + len > end) {
      anomalies.push(dhcpAnomaly('option-overrun', `option ${code} runs past the end`, code));
      return 'overrun';
    }
    const data = copyBytes(b, p + 2, p + 2 + len);
    out.push(inOptionsArea ? { code, data } : { code, data, area });
    p += 2 + len;
  }
  return 'no-end';
}

function ipList(d: Uint8Array, code: number, anomalies: DhcpAnomaly[]): string[] | undefined {
  if (d.length === 0 || d.length % 4 !== 0) {
    anomalies.push(dhcpAnomaly('option-length', `option ${code} length ${d.length} (expected multiple of 4)`, code));
    return undefined;
  }
  const out: string[] = [];
  for (let i = 0; i < d.length; i += 4) out.push(formatIpv4(d, i));
  return out;
}

function fixed(d: Uint8Array, code: number, len: number, anomalies: DhcpAnomaly[]): boolean {
  if (d.length === len) return true;
  anomalies.push(dhcpAnomaly('option-length', `option ${code} length ${d.length} (expected ${len})`, code));
  return false;
}

function u32(d: Uint8Array, p = 0): number {
  return (d[p] as number) * 0x1000000 + (((d[p + 1] as number) << 16) | ((d[p + 2] as number) << 8) | (d[p + 3] as number));
}

/** A client's GUID comes back in each message of its exchange (options 97, DHCPv6 DUID-UUID). */
const recentGuids = new RecentText(1024, 16);

/** "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" of 16 bytes in wire order (no mixed-endian swapping). */
export function formatGuid(b: Uint8Array, off = 0): string {
  const inside = off >= 0 && off + 16 <= b.length;
  if (inside) {
    const known = recentGuids.get(b, off, off + 16);
    if (known !== undefined) return known;
  }
  const codes = new Array<number>(36);
  let k = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) codes[k++] = 0x2d; // '-'
    const v = b[off + i] ?? 0;
    codes[k++] = HEX_DIGIT_CODES[2 * v] as number;
    codes[k++] = HEX_DIGIT_CODES[2 * v + 1] as number;
  }
  const text = String.fromCharCode.apply(null, codes);
  if (inside) recentGuids.put(b, off, off + 16, text);
  return text;
}

/** RFC 3004 user class: a list of length-prefixed entries; null when the data is not that form. */
function parseRfc3004(d: Uint8Array): string[] | null {
  const out: string[] = [];
  let p = 0;
  while (p < d.length) {
    const len = d[p] as number;
    if (len === 0 || p + 1 + len > d.length) return null;
    out.push(latin1Text(d, p + 1, p + 1 + len));
    p += 1 + len;
  }
  return out.length > 0 ? out : null;
}

/** Concatenates the data of every instance of each code, in wire order (RFC 3396 §4). */
function concatenateByCode(options: DhcpOption[]): Map<number, Uint8Array> {
  const parts = new Map<number, Uint8Array[]>();
  for (const o of options) {
    const list = parts.get(o.code);
    if (list) list.push(o.data);
    else parts.set(o.code, [o.data]);
  }
  const out = new Map<number, Uint8Array>();
  for (const [code, list] of parts) {
    if (list.length === 1) {
      out.set(code, list[0] as Uint8Array);
      continue;
    }
    let total = 0;
    for (const d of list) total += d.length;
    const joined = new Uint8Array(total);
    let p = 0;
    for (const d of list) {
      joined.set(d, p);
      p += d.length;
    }
    out.set(code, joined);
  }
  return out;
}

/**
 * Codes seen in the message being decoded, to tell whether any code repeats (RFC 3396 splitting,
 * rare) without a Map per message. Reused across calls and cleared after each use; a mark left
 * behind could only send a later message down the general (Map) path, which gives the same result.
 */
const seenCodes = new Uint8Array(256);

/**
 * Fills the typed shortcuts from each code's data (pieces already joined), in the order the codes
 * first appear on the wire, so the message's keys come out in that order whichever path ran.
 */
function fillShortcuts(m: DhcpMessage): void {
  const options = m.options;
  let repeated = false;
  let vendor: Uint8Array | undefined;
  for (let i = 0; i < options.length; i++) {
    const o = options[i] as DhcpOption;
    if (seenCodes[o.code] !== 0) repeated = true;
    seenCodes[o.code] = 1;
    if (o.code === DhcpOptionCode.VendorClass) vendor = o.data;
  }
  for (let i = 0; i < options.length; i++) seenCodes[(options[i] as DhcpOption).code] = 0;
  if (repeated) {
    const byCode = concatenateByCode(options);
    vendor = byCode.get(60);
    if (vendor) m.vendorClass = optionText(vendor);
    for (const [code, d] of byCode) fillShortcut(m, code, d);
    return;
  }
  // Option 60 first: option 43 is read according to it, wherever it sits.
  if (vendor) m.vendorClass = optionText(vendor);
  for (let i = 0; i < options.length; i++) {
    const o = options[i] as DhcpOption;
    fillShortcut(m, o.code, o.data);
  }
}

/** Sets the typed shortcut of one code from its (joined) data; codes without one are skipped. */
function fillShortcut(m: DhcpMessage, code: number, d: Uint8Array): void {
  const a = m.anomalies;
  switch (code) {
    case DhcpOptionCode.SubnetMask:
      if (fixed(d, code, 4, a)) m.subnetMask = formatIpv4(d);
      break;
    case DhcpOptionCode.Routers: {
      const l = ipList(d, code, a);
      if (l) m.routers = l;
      break;
    }
    case DhcpOptionCode.DnsServers: {
      const l = ipList(d, code, a);
      if (l) m.dnsServers = l;
      break;
    }
    case DhcpOptionCode.Hostname:
      m.hostname = optionText(d);
      break;
    case DhcpOptionCode.DomainName:
      m.domainName = optionText(d);
      break;
    case DhcpOptionCode.BroadcastAddress:
      if (fixed(d, code, 4, a)) m.broadcastAddress = formatIpv4(d);
      break;
    case DhcpOptionCode.VendorSpecific: {
      // PXE sub-options when this packet says PXEClient; without option 60 (proxy ACKs on 4011
      // often omit it) only when the bytes parse cleanly as PXE sub-options.
      // Apple NetBoot: BSDP sub-options (src/decode/dhcp/bsdp.ts) when option 60 says AAPLBSDPC.
      if (isBsdpVendorClass(m.vendorClass)) {
        m.bsdp = decodeBsdp(d, a);
        break;
      }
      const isPxe = m.vendorClass !== undefined && m.vendorClass.startsWith('PXEClient');
      const pxe = isPxe ? decodePxeVendor(d, a) : m.vendorClass === undefined ? decodePxeVendor(d, a, true) : null;
      if (pxe) m.pxe = pxe;
      else m.vendorSpecificHex = toHex(d);
      break;
    }
    case DhcpOptionCode.RequestedIp:
      if (fixed(d, code, 4, a)) m.requestedIp = formatIpv4(d);
      break;
    case DhcpOptionCode.LeaseTime:
      if (fixed(d, code, 4, a)) m.leaseTime = u32(d);
      break;
    case DhcpOptionCode.Overload:
      if (fixed(d, code, 1, a)) m.overload = d[0] as number;
      break;
    case DhcpOptionCode.MessageType:
      if (fixed(d, code, 1, a)) m.messageType = d[0] as number;
      break;
    case DhcpOptionCode.ServerId:
      if (fixed(d, code, 4, a)) m.serverId = formatIpv4(d);
      break;
    case DhcpOptionCode.ParamRequestList: {
      const codes = new Array<number>(d.length);
      for (let i = 0; i < d.length; i++) codes[i] = d[i] as number;
      m.paramRequestList = codes;
      break;
    }
    case DhcpOptionCode.MaxMessageSize:
      if (fixed(d, code, 2, a)) m.maxMessageSize = ((d[0] as number) << 8) | (d[1] as number);
      break;
    case DhcpOptionCode.ClientId:
      m.clientId = toHex(d);
      break;
    case DhcpOptionCode.TftpServer:
      m.tftpServer = optionText(d);
      break;
    case DhcpOptionCode.BootFile:
      m.bootFile = optionText(d);
      m.bootFileNulTerminated = d.length > 0 && d[d.length - 1] === 0;
      if (!m.bootFileNulTerminated) a.push(dhcpAnomaly('bootfile-not-nul-terminated', 'option 67 without trailing NUL', code));
      break;
    case DhcpOptionCode.UserClass: {
      // iPXE sends 77 = "iPXE" raw, not in RFC 3004 form: keep it as one entry.
      const entries = parseRfc3004(d);
      m.userClass = entries ?? [latin1Text(d, 0, d.length)];
      break;
    }
    case DhcpOptionCode.RelayAgent:
      m.relayAgent = decodeRelayAgent(d, a);
      break;
    case DhcpOptionCode.ClientArch: {
      if (d.length === 0) {
        a.push(dhcpAnomaly('client-arch-empty', 'option 93 empty', code));
        break;
      }
      if (d.length % 2 !== 0) {
        a.push(dhcpAnomaly('client-arch-odd-length', 'option 93 odd length', code));
        break;
      }
      const arch = new Array<number>(d.length / 2);
      for (let i = 0; i < d.length; i += 2) arch[i / 2] = ((d[i] as number) << 8) | (d[i + 1] as number);
      m.clientArch = arch;
      break;
    }
    case DhcpOptionCode.ClientNdi:
      if (fixed(d, code, 3, a)) m.clientNdi = { type: d[0] as number, major: d[1] as number, minor: d[2] as number };
      break;
    case DhcpOptionCode.ClientGuid:
      // RFC 4578 §2.3: type 0 followed by a 16-byte UUID. Other types are still formatted.
      if (d.length !== 17) {
        a.push(dhcpAnomaly('client-guid-length', `option 97 length ${d.length} (expected 17)`, code));
        break;
      }
      if (d[0] !== 0) a.push(dhcpAnomaly('client-guid-type', `option 97 type ${d[0]} (expected 0)`, code));
      m.clientGuid = formatGuid(d, 1);
      break;
    case DhcpOptionCode.TftpServerAddresses: {
      const l = ipList(d, code, a);
      if (l) m.tftpServerAddresses = l;
      break;
    }
    case DhcpOptionCode.IpxeEncap:
      m.ipxe = decodeIpxeEncap(d, a);
      break;
    case DhcpOptionCode.PxelinuxMagic:
      // RFC 5071 §4: the magic is F1:00:74:7E.
      (m.pxelinux ??= {}).magic = d.length === 4 && u32(d) === 0xf100747e;
      if (!m.pxelinux.magic) a.push(dhcpAnomaly('pxelinux-magic', 'option 208 bad PXELINUX magic', code));
      break;
    case DhcpOptionCode.PxelinuxConfigFile:
      (m.pxelinux ??= {}).configFile = optionText(d);
      break;
    case DhcpOptionCode.PxelinuxPathPrefix:
      (m.pxelinux ??= {}).pathPrefix = optionText(d);
      break;
    case DhcpOptionCode.PxelinuxRebootTime:
      if (fixed(d, code, 4, a)) (m.pxelinux ??= {}).rebootTime = u32(d);
      break;
  }
}

/**
 * sname or file (RFC 951): text up to the first NUL, with the anomalies for a missing NUL and for
 * non-printable bytes. `n` is the payload length; the field may be cut short by it.
 */
function headerText(b: Uint8Array, n: number, start: number, size: number, name: string, anomalies: DhcpAnomaly[]): string {
  const limit = Math.min(start + size, n);
  let end = start;
  let printable = true;
  for (; end < limit; end++) {
    const c = b[end] as number;
    if (c === 0) break;
    if (c < 0x20 || c > 0x7e) printable = false;
  }
  if (end === limit && n >= start + size) anomalies.push(dhcpAnomaly('header-field-not-nul-terminated', `${name} not NUL-terminated`));
  if (!printable) anomalies.push(dhcpAnomaly('header-field-non-printable', `non-printable bytes in ${name}`));
  return latin1Text(b, start, end);
}

function byteAt(b: Uint8Array, p: number): number {
  return b[p] ?? 0;
}

/** Decodes a BOOTP/DHCP UDP payload. Never throws. */
export function decodeDhcp(buf: Uint8Array): DhcpMessage {
  const anomalies: DhcpAnomaly[] = [];
  const b = buf;
  const n = b.length;
  const m: DhcpMessage = {
    op: byteAt(b, 0),
    htype: byteAt(b, 1),
    hlen: byteAt(b, 2),
    hops: byteAt(b, 3),
    xid: n >= 8 ? u32(b, 4) : 0,
    secs: n >= 10 ? ((b[8] as number) << 8) | (b[9] as number) : 0,
    flags: n >= 12 ? ((b[10] as number) << 8) | (b[11] as number) : 0,
    ciaddr: n >= 16 ? formatIpv4(b, 12) : ZERO_IP,
    yiaddr: n >= 20 ? formatIpv4(b, 16) : ZERO_IP,
    siaddr: n >= 24 ? formatIpv4(b, 20) : ZERO_IP,
    giaddr: n >= 28 ? formatIpv4(b, 24) : ZERO_IP,
    chaddr: '',
    sname: '',
    file: '',
    hasMagicCookie: false,
    options: [],
    anomalies,
  };
  try {
    if (n < BOOTP_HEADER_LENGTH) anomalies.push(dhcpAnomaly('truncated-header', 'truncated header'));
    // Some old clients (Windows 98 era) write secs little-endian; Wireshark swaps such values.
    // We keep the RFC 2131 network-order value and say so.
    if (m.secs > 0xff && (m.secs & 0xff) === 0) anomalies.push(dhcpAnomaly('secs-little-endian', 'secs appears little-endian'));
    if (m.hlen > 16) anomalies.push(dhcpAnomaly('hlen-too-long', `hlen ${m.hlen} (more than 16)`));
    m.chaddr = formatMac(b, 28, Math.max(0, Math.min(m.hlen, 16, n - 28)));

    if (n >= OPTIONS_OFFSET) {
      const cookie = u32(b, BOOTP_HEADER_LENGTH);
      if (cookie === MAGIC_COOKIE) m.hasMagicCookie = true;
      // RFC 951/1048: a zero vendor area is plain BOOTP; anything else without the cookie is damage.
      else {
        for (let i = BOOTP_HEADER_LENGTH; i < n; i++) {
          if (b[i] !== 0) {
            anomalies.push(dhcpAnomaly('bad-magic-cookie', 'bad magic cookie'));
            break;
          }
        }
      }
    }

    const options = m.options;
    if (m.hasMagicCookie && parseOptionRegion(b, OPTIONS_OFFSET, n, 'options', options, anomalies) === 'no-end') {
      anomalies.push(dhcpAnomaly('missing-end-option', 'missing end option'));
    }

    // RFC 2131 §4.1 / RFC 3396 §5: overloaded fields are read after the options area, file first.
    let overload = 0;
    for (let i = 0; i < options.length; i++) {
      const o = options[i] as DhcpOption;
      if (o.code === DhcpOptionCode.Overload && o.data.length === 1) overload = o.data[0] as number;
    }
    const fileHoldsOptions = (overload & 1) !== 0 && n >= FILE_OFFSET + FILE_LENGTH;
    const snameHoldsOptions = (overload & 2) !== 0 && n >= SNAME_OFFSET + SNAME_LENGTH;
    if (overload > 3) anomalies.push(dhcpAnomaly('overload-value', `option 52 value ${overload}`, DhcpOptionCode.Overload));
    if (fileHoldsOptions && parseOptionRegion(b, FILE_OFFSET, FILE_OFFSET + FILE_LENGTH, 'file', options, anomalies) === 'no-end') {
      anomalies.push(dhcpAnomaly('missing-end-option-in-file', 'missing end option in file'));
    }
    if (snameHoldsOptions && parseOptionRegion(b, SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH, 'sname', options, anomalies) === 'no-end') {
      anomalies.push(dhcpAnomaly('missing-end-option-in-sname', 'missing end option in sname'));
    }

    if (!snameHoldsOptions && n > SNAME_OFFSET) m.sname = headerText(b, n, SNAME_OFFSET, SNAME_LENGTH, 'sname', anomalies);
    if (!fileHoldsOptions && n > FILE_OFFSET) m.file = headerText(b, n, FILE_OFFSET, FILE_LENGTH, 'file', anomalies);

    fillShortcuts(m);
  } catch (e) {
    // Last resort: the bounds checks above should make this unreachable.
    anomalies.push(dhcpAnomaly('decoder-error', `decoder error: ${(e as Error).message}`));
  }
  return m;
}

function macBytes(chaddr: string): Uint8Array {
  if (chaddr === '') return new Uint8Array(0);
  const b = fromHex(chaddr);
  if (b.length > 16) throw new Error(`chaddr longer than 16 bytes: ${chaddr}`);
  return b;
}

/** Writes options with RFC 3396 splitting: data over 255 bytes becomes several options of the same code. */
function writeOptions(w: ByteWriter, options: DhcpOption[]): void {
  for (const o of options) {
    if (o.code === DhcpOptionCode.Pad || o.code === DhcpOptionCode.End) throw new Error(`option ${o.code} is pad/end and carries no data`);
    if (o.data.length === 0) {
      w.u8(o.code).u8(0);
      continue;
    }
    for (let p = 0; p < o.data.length; p += 255) {
      const chunk = o.data.subarray(p, Math.min(p + 255, o.data.length));
      w.u8(o.code).u8(chunk.length).bytes(chunk);
    }
  }
}

/**
 * A fixed-size header field holding options (overload): options, END, then pad (RFC 2131 §4.1).
 * Options that fill the field exactly leave no room for END; they are written without it, as the
 * damaged packets they were decoded from had them ("missing end option in file").
 */
function writeOverloadField(w: ByteWriter, options: DhcpOption[], size: number, name: string): void {
  const start = w.pos;
  writeOptions(w, options);
  const used = w.pos - start;
  if (used > size) throw new Error(`options in ${name} take ${used} bytes (field holds ${size})`);
  if (used < size) w.u8(255).zeros(size - used - 1);
}

function writeTextField(w: ByteWriter, text: string | undefined, size: number, name: string): void {
  const bytes = latin1Bytes(text ?? '');
  if (bytes.length > size) throw new Error(`${name} longer than ${size} bytes`);
  w.bytes(bytes).zeros(size - bytes.length);
}

/**
 * Encodes a message: header, magic cookie, options in the given order (split per RFC 3396), END,
 * then zero padding up to the 300-byte BOOTP minimum. Options marked `area: 'file' | 'sname'`
 * go into those fields (overload; the caller includes option 52). Writes at `w.pos` when a writer
 * is given and returns a view of the bytes written. Throws on invalid input (caller's bug).
 */
export function encodeDhcp(msg: DhcpMessageInit, w: ByteWriter = new ByteWriter(576)): Uint8Array {
  const start = w.pos;
  const chaddr = macBytes(msg.chaddr);
  w.u8(msg.op)
    .u8(msg.htype ?? 1)
    .u8(msg.hlen ?? chaddr.length)
    .u8(msg.hops ?? 0)
    .u32(msg.xid >>> 0)
    .u16(msg.secs ?? 0)
    .u16(msg.flags ?? 0)
    .ipv4(msg.ciaddr ?? ZERO_IP)
    .ipv4(msg.yiaddr ?? ZERO_IP)
    .ipv4(msg.siaddr ?? ZERO_IP)
    .ipv4(msg.giaddr ?? ZERO_IP)
    .bytes(chaddr)
    .zeros(16 - chaddr.length);

  const inMain: DhcpOption[] = [];
  const inFile: DhcpOption[] = [];
  const inSname: DhcpOption[] = [];
  for (const o of msg.options) {
    if (o.area === 'file') inFile.push(o);
    else if (o.area === 'sname') inSname.push(o);
    else inMain.push(o);
  }
  // Option 52 in the options area decides, as on decode: an overloaded field is written in option
  // form even when it carries no option (END + pad), so decode(encode(x)) sees what x saw.
  let overload = 0;
  for (const o of inMain) if (o.code === DhcpOptionCode.Overload && o.data.length === 1) overload = o.data[0] as number;
  if ((inFile.length > 0 && (overload & 1) === 0) || (inSname.length > 0 && (overload & 2) === 0)) {
    throw new Error('options placed in file/sname need option 52 (overload) in the options area');
  }
  if (inSname.length > 0 || (overload & 2) !== 0) writeOverloadField(w, inSname, SNAME_LENGTH, 'sname');
  else writeTextField(w, msg.sname, SNAME_LENGTH, 'sname');
  if (inFile.length > 0 || (overload & 1) !== 0) writeOverloadField(w, inFile, FILE_LENGTH, 'file');
  else writeTextField(w, msg.file, FILE_LENGTH, 'file');

  if (msg.hasMagicCookie !== false) {
    w.u32(MAGIC_COOKIE);
    writeOptions(w, inMain);
    w.u8(255);
  } else if (msg.options.length > 0) {
    throw new Error('plain BOOTP (hasMagicCookie false) cannot carry options');
  }
  const written = w.pos - start;
  if (written < BOOTP_MIN_LENGTH) w.zeros(BOOTP_MIN_LENGTH - written);
  return w.buf.subarray(start, w.pos);
}
