/**
 * Apple BSDP (Boot Server Discovery Protocol, "NetBoot"): option 43 sub-options of DHCP INFORM /
 * ACK packets whose option 60 starts with "AAPLBSDPC" (Apple's "BSDP specification", version 1.1,
 * and the bsdpc/bootpd sources). Symmetric codec: decodeBsdp / encodeBsdp.
 *
 * Sub-options (code: length, meaning):
 *   1: 1  message type (1 LIST, 2 SELECT, 3 FAILED)
 *   2: 2  version (0x0101 = 1.1)
 *   3: 4  server identifier (IPv4)
 *   4: 2  server priority
 *   5: 2  reply port (client listens there instead of 68 when it is not root)
 *   6: n  boot image list path (deprecated, NetBoot 1.0)
 *   7: 4  default boot image id
 *   8: 4  selected boot image id
 *   9: n  boot image list: { id(4) name-length(1) name }*
 *  10: 0  NetBoot 1.0 firmware
 *  11: n  boot image attributes filter list (2 bytes each)
 *  12: 2  maximum message size
 * A boot image id is attributes(2) | index(2): bit 31 = install image, bits 24..30 = kind
 * (0 Mac OS 9, 1 Mac OS X, 2 Mac OS X Server, 3 hardware diagnostics), low 16 bits = index.
 */
import { ByteWriter, formatIpv4, latin1String } from '../bytes.js';
import { latin1Bytes, toHex, walkSubOptions } from './suboptions.js';
import type { BsdpImage, BsdpOptions } from './types.js';
import { dhcpAnomaly, DhcpOptionCode, type DhcpAnomaly } from './constants.js';

export type { BsdpImage, BsdpOptions };

export const BSDP_VENDOR_CLASS = 'AAPLBSDPC';
export const BsdpMessageType = { List: 1, Select: 2, Failed: 3 } as const;

export function isBsdpVendorClass(vendorClass: string | undefined): boolean {
  return vendorClass !== undefined && vendorClass.startsWith(BSDP_VENDOR_CLASS);
}

export function bsdpMessageTypeName(n: number | undefined): string {
  return n === 1 ? 'LIST' : n === 2 ? 'SELECT' : n === 3 ? 'FAILED' : `type ${n ?? '?'}`;
}

/** "install Mac OS X #4097" style description of a boot image id. */
export function bsdpImageKind(id: number): { install: boolean; kind: number; index: number } {
  return { install: (id & 0x80000000) !== 0, kind: (id >>> 24) & 0x7f, index: id & 0xffff };
}

const FIXED: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 4, 8: 4, 10: 0, 12: 2 };

function be(d: Uint8Array, off: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (d[off + i] as number);
  return v;
}

/** Decodes option 43 data of a BSDP packet; problems become anomalies prefixed "option 43 (BSDP)". */
export function decodeBsdp(data: Uint8Array, anomalies: DhcpAnomaly[]): BsdpOptions {
  const out: BsdpOptions = {};
  const walk = walkSubOptions(data);
  if (!walk.clean) anomalies.push(dhcpAnomaly('bsdp-suboption-overrun', `option 43 (BSDP) sub-option ${walk.overrun} runs past the option`, DhcpOptionCode.VendorSpecific));
  for (const s of walk.subs) {
    const d = data.subarray(s.start, s.start + s.len);
    const want = FIXED[s.code];
    if (want !== undefined && s.len !== want) {
      anomalies.push(dhcpAnomaly('bsdp-suboption-length', `option 43 (BSDP) sub-option ${s.code} length ${s.len}, expected ${want}`, DhcpOptionCode.VendorSpecific));
      (out.other ??= []).push({ code: s.code, hex: toHex(d) });
      continue;
    }
    switch (s.code) {
      case 1:
        out.messageType = d[0] as number;
        break;
      case 2:
        out.version = `${d[0]}.${d[1]}`;
        break;
      case 3:
        out.serverId = formatIpv4(d);
        break;
      case 4:
        out.serverPriority = be(d, 0, 2);
        break;
      case 5:
        out.replyPort = be(d, 0, 2);
        break;
      case 6:
        out.bootImageListPath = latin1String(d);
        break;
      case 7:
        out.defaultImage = be(d, 0, 4);
        break;
      case 8:
        out.selectedImage = be(d, 0, 4);
        break;
      case 9: {
        const images: BsdpImage[] = [];
        let p = 0;
        while (p < d.length) {
          if (p + 5 > d.length) {
            anomalies.push(dhcpAnomaly('bsdp-image-entry-short', 'option 43 (BSDP) boot image list entry cut short', DhcpOptionCode.VendorSpecific));
            break;
          }
          const len = d[p + 4] as number;
          if (p + 5 + len > d.length) {
            anomalies.push(dhcpAnomaly('bsdp-image-name-overrun', 'option 43 (BSDP) boot image name runs past the list', DhcpOptionCode.VendorSpecific));
            break;
          }
          images.push({ id: be(d, p, 4), name: latin1String(d.subarray(p + 5, p + 5 + len)) });
          p += 5 + len;
        }
        out.images = [...(out.images ?? []), ...images];
        break;
      }
      case 10:
        out.netboot10Firmware = true;
        break;
      case 11:
        if (s.len % 2 !== 0) anomalies.push(dhcpAnomaly('bsdp-filter-odd-length', 'option 43 (BSDP) attributes filter list has an odd length', DhcpOptionCode.VendorSpecific));
        out.attributesFilter = Array.from({ length: s.len >> 1 }, (_, i) => be(d, 2 * i, 2));
        break;
      case 12:
        out.maxMessageSize = be(d, 0, 2);
        break;
      default:
        (out.other ??= []).push({ code: s.code, hex: toHex(d) });
    }
  }
  return out;
}

function sub(w: ByteWriter, code: number, data: Uint8Array): void {
  w.u8(code).u8(data.length).bytes(data);
}

/** Encodes BSDP sub-options in code order, closed by END (255) as Apple's bootpd does. */
export function encodeBsdp(o: BsdpOptions): Uint8Array {
  const w = new ByteWriter(128);
  const n = (v: number, bytes: number): Uint8Array => {
    const b = new Uint8Array(bytes);
    for (let i = bytes - 1, x = v; i >= 0; i--, x = Math.floor(x / 256)) b[i] = x & 0xff;
    return b;
  };
  if (o.messageType !== undefined) sub(w, 1, n(o.messageType, 1));
  if (o.version !== undefined) {
    const [maj, min] = o.version.split('.').map(Number);
    sub(w, 2, Uint8Array.of(maj ?? 0, min ?? 0));
  }
  if (o.serverId !== undefined) sub(w, 3, Uint8Array.from(o.serverId.split('.').map(Number)));
  if (o.serverPriority !== undefined) sub(w, 4, n(o.serverPriority, 2));
  if (o.replyPort !== undefined) sub(w, 5, n(o.replyPort, 2));
  if (o.bootImageListPath !== undefined) sub(w, 6, latin1Bytes(o.bootImageListPath));
  if (o.defaultImage !== undefined) sub(w, 7, n(o.defaultImage, 4));
  if (o.selectedImage !== undefined) sub(w, 8, n(o.selectedImage, 4));
  if (o.images !== undefined) {
    // One sub-option holds at most 255 bytes: a longer list continues in another sub-option 9,
    // split between entries (the decoder reads each one as a whole list).
    let l = new ByteWriter(255);
    for (const img of o.images) {
      const name = latin1Bytes(img.name).subarray(0, 250);
      if (l.pos + 5 + name.length > 255) {
        sub(w, 9, l.result());
        l = new ByteWriter(255);
      }
      l.bytes(n(img.id, 4)).u8(name.length).bytes(name);
    }
    sub(w, 9, l.result());
  }
  if (o.netboot10Firmware) sub(w, 10, new Uint8Array(0));
  if (o.attributesFilter !== undefined) {
    const l = new ByteWriter(16);
    for (const a of o.attributesFilter) l.u16(a);
    sub(w, 11, l.result());
  }
  if (o.maxMessageSize !== undefined) sub(w, 12, n(o.maxMessageSize, 2));
  for (const x of o.other ?? []) sub(w, x.code, Uint8Array.from((x.hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));
  w.u8(255);
  return w.result().slice();
}
