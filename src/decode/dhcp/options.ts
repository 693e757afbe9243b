/**
 * DHCP option builders (for the responder and tests) and name tables (RFC 2132, RFC 4578, IANA
 * "BOOTP Vendor Extensions and DHCP Options", IANA "Processor Architecture Types").
 */
import type { DhcpOption, PxeVendorOptions, RelayAgentInfo } from './types.js';
import { ByteWriter } from '../bytes.js';
import { encodeIpxeEncap, encodePxeVendor, encodeRelayAgent, fromHex, latin1Bytes } from './suboptions.js';
import { DhcpOptionCode } from './constants.js';

function opt(code: number, data: Uint8Array): DhcpOption {
  return { code, data };
}

function ipBytes(addrs: string[]): Uint8Array {
  const w = new ByteWriter(4 * addrs.length);
  for (const a of addrs) w.ipv4(a);
  return w.result().slice();
}

function uint(n: number, bytes: 1 | 2 | 4): Uint8Array {
  const w = new ByteWriter(bytes);
  if (bytes === 1) w.u8(n);
  else if (bytes === 2) w.u16(n);
  else w.u32(n);
  return w.result().slice();
}

/** GUID as "8-4-4-4-12" hex or 32 hex digits (wire order), or 16 raw bytes. */
function guidBytes(guid: string | Uint8Array): Uint8Array {
  const b = typeof guid === 'string' ? fromHex(guid) : guid;
  if (b.length !== 16) throw new Error(`client GUID must be 16 bytes, got ${b.length}`);
  return b;
}

/** Builders returning one DhcpOption each; strings are written byte-per-char (latin1). */
export const dhcpOpt = {
  raw: (code: number, data: Uint8Array | string): DhcpOption => opt(code, typeof data === 'string' ? fromHex(data) : data.slice()),
  subnetMask: (mask: string): DhcpOption => opt(DhcpOptionCode.SubnetMask, ipBytes([mask])),
  routers: (addrs: string[]): DhcpOption => opt(DhcpOptionCode.Routers, ipBytes(addrs)),
  dnsServers: (addrs: string[]): DhcpOption => opt(DhcpOptionCode.DnsServers, ipBytes(addrs)),
  hostname: (name: string): DhcpOption => opt(DhcpOptionCode.Hostname, latin1Bytes(name)),
  domainName: (name: string): DhcpOption => opt(DhcpOptionCode.DomainName, latin1Bytes(name)),
  broadcastAddress: (addr: string): DhcpOption => opt(DhcpOptionCode.BroadcastAddress, ipBytes([addr])),
  /** 43: PXE sub-options (encoded with a closing END, as PXE servers send them). */
  pxeVendor: (pxe: PxeVendorOptions): DhcpOption => opt(DhcpOptionCode.VendorSpecific, encodePxeVendor(pxe)),
  vendorSpecific: (data: Uint8Array | string): DhcpOption => opt(DhcpOptionCode.VendorSpecific, typeof data === 'string' ? fromHex(data) : data.slice()),
  requestedIp: (addr: string): DhcpOption => opt(DhcpOptionCode.RequestedIp, ipBytes([addr])),
  leaseTime: (seconds: number): DhcpOption => opt(DhcpOptionCode.LeaseTime, uint(seconds, 4)),
  /** 52: 1 = file holds options, 2 = sname, 3 = both. */
  overload: (value: number): DhcpOption => opt(DhcpOptionCode.Overload, uint(value, 1)),
  messageType: (type: number): DhcpOption => opt(DhcpOptionCode.MessageType, uint(type, 1)),
  serverId: (addr: string): DhcpOption => opt(DhcpOptionCode.ServerId, ipBytes([addr])),
  paramRequestList: (codes: number[]): DhcpOption => opt(DhcpOptionCode.ParamRequestList, Uint8Array.from(codes)),
  message: (text: string): DhcpOption => opt(DhcpOptionCode.Message, latin1Bytes(text)),
  maxMessageSize: (size: number): DhcpOption => opt(DhcpOptionCode.MaxMessageSize, uint(size, 2)),
  renewalTime: (seconds: number): DhcpOption => opt(DhcpOptionCode.RenewalTime, uint(seconds, 4)),
  rebindingTime: (seconds: number): DhcpOption => opt(DhcpOptionCode.RebindingTime, uint(seconds, 4)),
  vendorClass: (s: string): DhcpOption => opt(DhcpOptionCode.VendorClass, latin1Bytes(s)),
  /** 61 as hex ("01:aa:bb:..") or bytes. */
  clientId: (id: string | Uint8Array): DhcpOption => opt(DhcpOptionCode.ClientId, typeof id === 'string' ? fromHex(id) : id.slice()),
  tftpServer: (name: string): DhcpOption => opt(DhcpOptionCode.TftpServer, latin1Bytes(name)),
  /**
   * 67 with a trailing NUL: RFC 2132 says it SHOULD NOT be there, but old PXE ROMs copy the option
   * without a length and need it (else they request the name plus garbage: the bootfile-name-garbage
   * finding, docs/analyze.md#rules), and every receiver copes with it.
   */
  bootFile: (name: string, nulTerminated = true): DhcpOption => {
    const b = latin1Bytes(name);
    if (!nulTerminated) return opt(DhcpOptionCode.BootFile, b);
    const d = new Uint8Array(b.length + 1);
    d.set(b);
    return opt(DhcpOptionCode.BootFile, d);
  },
  /** 77 in RFC 3004 form (length-prefixed entries), or `raw` as iPXE sends "iPXE". */
  userClass: (entries: string[], raw = false): DhcpOption => {
    if (raw) return opt(DhcpOptionCode.UserClass, latin1Bytes(entries.join('')));
    const w = new ByteWriter(32);
    for (const e of entries) {
      const b = latin1Bytes(e);
      if (b.length === 0 || b.length > 255) throw new Error('user class entry must be 1..255 bytes');
      w.u8(b.length).bytes(b);
    }
    return opt(DhcpOptionCode.UserClass, w.result().slice());
  },
  relayAgent: (info: RelayAgentInfo): DhcpOption => opt(DhcpOptionCode.RelayAgent, encodeRelayAgent(info)),
  /** 93: one or more 16-bit architecture types (RFC 4578 §2.1). */
  clientArch: (types: number[]): DhcpOption => {
    const w = new ByteWriter(2 * types.length);
    for (const t of types) w.u16(t);
    return opt(DhcpOptionCode.ClientArch, w.result().slice());
  },
  /** 94: type (1 = UNDI), major, minor (RFC 4578 §2.2). */
  clientNdi: (type: number, major: number, minor: number): DhcpOption => opt(DhcpOptionCode.ClientNdi, Uint8Array.from([type, major, minor])),
  /** 97: type 0 + 16-byte UUID, in wire order (RFC 4578 §2.3). */
  clientGuid: (guid: string | Uint8Array): DhcpOption => {
    const d = new Uint8Array(17);
    d.set(guidBytes(guid), 1);
    return opt(DhcpOptionCode.ClientGuid, d);
  },
  tftpServerAddresses: (addrs: string[]): DhcpOption => opt(DhcpOptionCode.TftpServerAddresses, ipBytes(addrs)),
  /** 175: iPXE encapsulated sub-options (code + hex, as decoded, or raw bytes). */
  ipxe: (subs: { code: number; hex?: string; data?: Uint8Array }[]): DhcpOption => opt(DhcpOptionCode.IpxeEncap, encodeIpxeEncap(subs)),
  /** 208: PXELINUX magic F1:00:74:7E (RFC 5071 §4). */
  pxelinuxMagic: (): DhcpOption => opt(DhcpOptionCode.PxelinuxMagic, Uint8Array.from([0xf1, 0x00, 0x74, 0x7e])),
  pxelinuxConfigFile: (path: string): DhcpOption => opt(DhcpOptionCode.PxelinuxConfigFile, latin1Bytes(path)),
  pxelinuxPathPrefix: (prefix: string): DhcpOption => opt(DhcpOptionCode.PxelinuxPathPrefix, latin1Bytes(prefix)),
  pxelinuxRebootTime: (seconds: number): DhcpOption => opt(DhcpOptionCode.PxelinuxRebootTime, uint(seconds, 4)),
};

const OPTION_NAMES: Record<number, string> = {
  0: 'Pad',
  1: 'Subnet Mask',
  2: 'Time Offset',
  3: 'Router',
  4: 'Time Server',
  5: 'Name Server',
  6: 'Domain Name Server',
  7: 'Log Server',
  8: 'Cookie Server',
  9: 'LPR Server',
  10: 'Impress Server',
  11: 'Resource Location Server',
  12: 'Host Name',
  13: 'Boot File Size',
  14: 'Merit Dump File',
  15: 'Domain Name',
  16: 'Swap Server',
  17: 'Root Path',
  18: 'Extensions Path',
  19: 'IP Forwarding',
  20: 'Non-Local Source Routing',
  21: 'Policy Filter',
  22: 'Maximum Datagram Reassembly Size',
  23: 'Default IP Time-to-Live',
  24: 'Path MTU Aging Timeout',
  25: 'Path MTU Plateau Table',
  26: 'Interface MTU',
  27: 'All Subnets are Local',
  28: 'Broadcast Address',
  29: 'Perform Mask Discovery',
  30: 'Mask Supplier',
  31: 'Perform Router Discovery',
  32: 'Router Solicitation Address',
  33: 'Static Route',
  34: 'Trailer Encapsulation',
  35: 'ARP Cache Timeout',
  36: 'Ethernet Encapsulation',
  37: 'TCP Default TTL',
  38: 'TCP Keepalive Interval',
  39: 'TCP Keepalive Garbage',
  40: 'NIS Domain',
  41: 'NIS Servers',
  42: 'NTP Servers',
  43: 'Vendor-Specific Information',
  44: 'NetBIOS Name Server',
  45: 'NetBIOS Datagram Distribution Server',
  46: 'NetBIOS Node Type',
  47: 'NetBIOS Scope',
  48: 'X Window Font Server',
  49: 'X Window Display Manager',
  50: 'Requested IP Address',
  51: 'IP Address Lease Time',
  52: 'Option Overload',
  53: 'DHCP Message Type',
  54: 'DHCP Server Identifier',
  55: 'Parameter Request List',
  56: 'Message',
  57: 'Maximum DHCP Message Size',
  58: 'Renewal Time Value',
  59: 'Rebinding Time Value',
  60: 'Vendor Class Identifier',
  61: 'Client Identifier',
  64: 'NIS+ Domain',
  65: 'NIS+ Servers',
  66: 'TFTP Server Name',
  67: 'Bootfile Name',
  68: 'Mobile IP Home Agent',
  69: 'SMTP Server',
  70: 'POP3 Server',
  71: 'NNTP Server',
  72: 'WWW Server',
  73: 'Finger Server',
  74: 'IRC Server',
  75: 'StreetTalk Server',
  76: 'StreetTalk Directory Assistance Server',
  77: 'User Class',
  78: 'SLP Directory Agent',
  79: 'SLP Service Scope',
  81: 'Client FQDN',
  82: 'Relay Agent Information',
  85: 'NDS Servers',
  86: 'NDS Tree Name',
  87: 'NDS Context',
  90: 'Authentication',
  91: 'Client Last Transaction Time',
  92: 'Associated IP',
  93: 'Client System Architecture',
  94: 'Client Network Interface Identifier',
  97: 'Client Machine Identifier',
  100: 'PCode',
  101: 'TCode',
  108: 'IPv6-Only Preferred',
  114: 'Captive Portal',
  116: 'Auto-Configure',
  118: 'Subnet Selection',
  119: 'Domain Search',
  120: 'SIP Servers',
  121: 'Classless Static Route',
  124: 'V-I Vendor Class',
  125: 'V-I Vendor-Specific Information',
  128: 'PXE (vendor specific) 128',
  129: 'PXE (vendor specific) 129',
  130: 'PXE (vendor specific) 130',
  131: 'PXE (vendor specific) 131',
  132: 'PXE (vendor specific) 132',
  133: 'PXE (vendor specific) 133',
  134: 'PXE (vendor specific) 134',
  135: 'PXE (vendor specific) 135',
  150: 'TFTP Server Address',
  175: 'iPXE Encapsulated Options',
  208: 'PXELINUX Magic',
  209: 'PXELINUX Configuration File',
  210: 'PXELINUX Path Prefix',
  211: 'PXELINUX Reboot Time',
  249: 'Microsoft Classless Static Route',
  252: 'Proxy Auto-Discovery (WPAD)',
  255: 'End',
};

export function dhcpOptionName(code: number): string {
  return OPTION_NAMES[code] ?? `Option ${code}`;
}

/** RFC 2132 §9.6 (1-8), RFC 3203 (9), RFC 4388 (10-13), RFC 6926 (14-17), RFC 7724 (18). */
const MESSAGE_TYPE_NAMES: Record<number, string> = {
  1: 'DISCOVER',
  2: 'OFFER',
  3: 'REQUEST',
  4: 'DECLINE',
  5: 'ACK',
  6: 'NAK',
  7: 'RELEASE',
  8: 'INFORM',
  9: 'FORCERENEW',
  10: 'LEASEQUERY',
  11: 'LEASEUNASSIGNED',
  12: 'LEASEUNKNOWN',
  13: 'LEASEACTIVE',
  14: 'BULKLEASEQUERY',
  15: 'LEASEQUERYDONE',
  16: 'ACTIVELEASEQUERY',
  17: 'LEASEQUERYSTATUS',
  18: 'TLS',
};

export function messageTypeName(n: number): string {
  return MESSAGE_TYPE_NAMES[n] ?? `unknown(${n})`;
}

/**
 * IANA Processor Architecture Types (option 93). 7 and 9 follow RFC 4578 erratum 4624 and the
 * IANA registry (7 = x64 UEFI, 9 = EBC); RFC 4578 itself had them swapped, and x64 clients in
 * the wild send both, so callers should treat 9 as "EBC or x64 UEFI".
 */
const ARCH_NAMES: readonly string[] = [
  'x86 BIOS', // 0
  'NEC/PC98', // 1 (deprecated)
  'EFI Itanium', // 2
  'DEC Alpha', // 3 (deprecated)
  'Arc x86', // 4 (deprecated)
  'Intel Lean Client', // 5 (deprecated)
  'x86 UEFI', // 6
  'x64 UEFI', // 7
  'EFI Xscale', // 8 (deprecated)
  'EBC', // 9
  'ARM 32-bit UEFI', // 10
  'ARM 64-bit UEFI', // 11
  'PowerPC Open Firmware', // 12
  'PowerPC ePAPR', // 13
  'POWER OPAL v3', // 14
  'x86 UEFI HTTP', // 15
  'x64 UEFI HTTP', // 16
  'EBC HTTP', // 17
  'ARM 32-bit UEFI HTTP', // 18
  'ARM 64-bit UEFI HTTP', // 19
  'x86 BIOS HTTP', // 20
  'ARM 32-bit U-Boot', // 21
  'ARM 64-bit U-Boot', // 22
  'ARM 32-bit U-Boot HTTP', // 23
  'ARM 64-bit U-Boot HTTP', // 24
  'RISC-V 32-bit UEFI', // 25
  'RISC-V 32-bit UEFI HTTP', // 26
  'RISC-V 64-bit UEFI', // 27
  'RISC-V 64-bit UEFI HTTP', // 28
  'RISC-V 128-bit UEFI', // 29
  'RISC-V 128-bit UEFI HTTP', // 30
  's390 Basic', // 31
  's390 Extended', // 32
  'MIPS 32-bit UEFI', // 33
  'MIPS 64-bit UEFI', // 34
  'Sunway 32-bit UEFI', // 35
  'Sunway 64-bit UEFI', // 36
  'LoongArch 32-bit UEFI', // 37
  'LoongArch 32-bit UEFI HTTP', // 38
  'LoongArch 64-bit UEFI', // 39
  'LoongArch 64-bit UEFI HTTP', // 40
  'ARM rpiboot', // 41
];

export function archName(n: number): string {
  return ARCH_NAMES[n] ?? `unknown(${n})`;
}

export type ArchFamily = 'bios' | 'efi32' | 'efi64' | 'arm32' | 'arm64' | 'ebc' | 'other';

/**
 * Which boot loader family a client architecture needs. 9 maps to 'ebc' per IANA, but since
 * RFC 4578 called 9 "EFI x86-64" some x64 firmware sends it: callers treat 7 and 9 as possibly x64.
 */
export function archFamily(n: number): ArchFamily {
  switch (n) {
    case 0:
    case 20:
      return 'bios';
    case 6:
    case 15:
      return 'efi32';
    case 7:
    case 16:
      return 'efi64';
    case 9:
    case 17:
      return 'ebc';
    case 10:
    case 18:
    case 21:
    case 23:
      return 'arm32';
    case 11:
    case 19:
    case 22:
    case 24:
      return 'arm64';
    default:
      return 'other';
  }
}
