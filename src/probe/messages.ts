/**
 * The DHCP messages a PXE client sends, built the way firmware builds them: PXE 2.1 §2.2 and
 * RFC 4578 (options 93, 94, 97), option order and parameter list after EDK2's PxeBcDhcp4.c.
 */
import { randomBytes } from 'node:crypto';
import type { DhcpMessageInit } from '../decode/dhcp/codec.js';
import { dhcpOpt } from '../decode/dhcp/options.js';
import type { DhcpOption } from '../decode/dhcp/types.js';
import { DhcpMessageType } from '../decode/dhcp/constants.js';

/** RFC 2131 §2: the broadcast bit, so servers answer a client without an address by broadcast. */
export const BROADCAST_FLAG = 0x8000;

/** An architecture to probe: a name for the user and the option 93 value (IANA Processor Architecture Types). */
export interface ProbeArch {
  name: string;
  code: number;
}

/** `--arch` names; a plain number (0..65535) is accepted too. */
export const ARCH_BY_NAME: Record<string, number> = {
  bios: 0,
  efi32: 6,
  ia32: 6,
  efi64: 7,
  x64: 7,
  'efi-bc': 9,
  ebc: 9,
  arm32: 10,
  'efi-arm32': 10,
  arm64: 11,
  'efi-arm64': 11,
  riscv32: 25,
  riscv64: 27,
  loongarch64: 39,
};

export function parseArch(s: string): ProbeArch | undefined {
  const key = s.trim().toLowerCase();
  if (key in ARCH_BY_NAME) return { name: key, code: ARCH_BY_NAME[key] as number };
  if (/^\d{1,5}$/.test(key) && Number(key) <= 0xffff) return { name: `arch ${Number(key)}`, code: Number(key) };
  return undefined;
}

/**
 * UNDI version the client reports (option 94 and the tail of option 60): PXE 2.1 ROMs say 2.1;
 * EDK2 (OVMF and most UEFI firmware) says 3.0 — as in its DISCOVER in
 * fixtures/captures/fail-option60-on-dhcp.pcap ("PXEClient:Arch:00007:UNDI:003000", 94 = 1.3.0).
 */
export function undiVersion(arch: number): { major: number; minor: number } {
  return arch === 0 ? { major: 2, minor: 1 } : { major: 3, minor: 0 };
}

/** Option 60 as PXE 2.1 §2.2.5 spells it: "PXEClient:Arch:xxxxx:UNDI:yyyzzz". */
export function pxeVendorClass(arch: number): string {
  const v = undiVersion(arch);
  return `PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:${String(v.major).padStart(3, '0')}${String(v.minor).padStart(3, '0')}`;
}

/**
 * Option 55 of EDK2's DISCOVER (mPxeBcDhcp4ParaList) — it asks for 43, 60, 66, 67 and the PXE
 * vendor range 128..135 that PXE 2.1 §2.2.4 requires a client to list.
 */
export const PARAMETER_REQUEST_LIST = [1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135];

/** What every PXE request carries about the client (RFC 4578: 93, 94, 97; PXE 2.1: 60), in EDK2's DISCOVER order. */
function pxeClientOptions(arch: number, guid: Uint8Array): DhcpOption[] {
  const v = undiVersion(arch);
  return [
    dhcpOpt.maxMessageSize(1472),
    dhcpOpt.paramRequestList(PARAMETER_REQUEST_LIST),
    dhcpOpt.clientGuid(guid),
    dhcpOpt.clientNdi(1, v.major, v.minor), // type 1 = UNDI (RFC 4578 §2.2)
    dhcpOpt.clientArch([arch]),
    dhcpOpt.vendorClass(pxeVendorClass(arch)),
  ];
}

export interface ClientIdentity {
  mac: string;
  guid: Uint8Array;
  arch: number;
}

export function randomXid(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** A random version-4 UUID (RFC 4122 §4.4), as firmware without an SMBIOS UUID would send. */
export function randomGuid(): Uint8Array {
  const g = new Uint8Array(randomBytes(16));
  g[6] = ((g[6] as number) & 0x0f) | 0x40;
  g[8] = ((g[8] as number) & 0x3f) | 0x80;
  return g;
}

/** A locally administered unicast MAC (02:xx:..., IEEE 802 U/L bit set), so it never collides with a vendor's. */
export function randomMac(): string {
  const b = new Uint8Array(randomBytes(6));
  b[0] = 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** PXE 2.1 §2.2.1: DHCPDISCOVER, broadcast flag, options 53, 57, 55, 97, 94, 93, 60. */
export function discover(id: ClientIdentity, xid: number, secs: number): DhcpMessageInit {
  return {
    op: 1,
    xid,
    secs,
    flags: BROADCAST_FLAG,
    chaddr: id.mac,
    options: [dhcpOpt.messageType(DhcpMessageType.Discover), ...pxeClientOptions(id.arch, id.guid)],
  };
}

/** RFC 2131 §4.3.2 SELECTING: DHCPREQUEST for an offer (options 50 + 54), still broadcast. Only with --request. */
export function addressRequest(id: ClientIdentity, xid: number, secs: number, yiaddr: string, serverId: string): DhcpMessageInit {
  return {
    op: 1,
    xid,
    secs,
    flags: BROADCAST_FLAG,
    chaddr: id.mac,
    options: [dhcpOpt.messageType(DhcpMessageType.Request), dhcpOpt.requestedIp(yiaddr), dhcpOpt.serverId(serverId), ...pxeClientOptions(id.arch, id.guid)],
  };
}

/**
 * PXE 2.1 §2.2.6 boot server request on UDP 4011: DHCPREQUEST with ciaddr set, the client options,
 * and option 43 sub-option 71 (boot item) when the offer's menu named a boot server type.
 */
export function bootServerRequest(id: ClientIdentity, xid: number, ciaddr: string, bootItemType?: number): DhcpMessageInit {
  const v = undiVersion(id.arch);
  // EDK2's order here (PxeBcDhcp4Discover; frame 12 of fixtures/captures/fail-option60-on-dhcp.pcap): 53, 55, 57, 60, 93, 94, 97.
  const options: DhcpOption[] = [
    dhcpOpt.messageType(DhcpMessageType.Request),
    dhcpOpt.paramRequestList(PARAMETER_REQUEST_LIST),
    dhcpOpt.maxMessageSize(1472),
    dhcpOpt.vendorClass(pxeVendorClass(id.arch)),
    dhcpOpt.clientArch([id.arch]),
    dhcpOpt.clientNdi(1, v.major, v.minor),
    dhcpOpt.clientGuid(id.guid),
  ];
  if (bootItemType !== undefined) options.push(dhcpOpt.pxeVendor({ bootItem: { type: bootItemType, layer: 0 } }));
  return { op: 1, xid, ciaddr, chaddr: id.mac, options };
}

/** RFC 2131 §4.4.6: give the lease back (only after --request got an ACK). */
export function release(id: ClientIdentity, xid: number, ciaddr: string, serverId: string): DhcpMessageInit {
  return {
    op: 1,
    xid,
    ciaddr,
    chaddr: id.mac,
    options: [dhcpOpt.messageType(DhcpMessageType.Release), dhcpOpt.serverId(serverId)],
  };
}

export function guidString(g: Uint8Array): string {
  const h = [...g].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
