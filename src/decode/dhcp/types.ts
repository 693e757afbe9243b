import type { DhcpAnomaly } from './constants.js';

/** BOOTP/DHCP message as decoded from the wire (RFC 951, 2131, 2132). Plain owned data: safe to keep. */

/** One option as it appeared on the wire (order and duplicates kept). `data` is an owned copy. */
export interface DhcpOption {
  code: number;
  data: Uint8Array;
  /** Where the option was found: the options area, or sname/file under option 52 overload. */
  area?: 'options' | 'file' | 'sname';
}

/** PXE option 43 sub-options (PXE 2.1 spec), decoded when the vendor is PXEClient. */
export interface PxeVendorOptions {
  mtftpIp?: string; // 1
  mtftpClientPort?: number; // 2
  mtftpServerPort?: number; // 3
  mtftpTimeout?: number; // 4
  mtftpDelay?: number; // 5
  discoveryControl?: number; // 6
  discoveryMulticast?: string; // 7
  bootServers?: { type: number; addresses: string[] }[]; // 8
  bootMenu?: { type: number; description: string }[]; // 9
  menuPrompt?: { timeout: number; prompt: string }; // 10
  multicastAlloc?: string; // 11 (hex)
  credentialTypes?: number[]; // 12
  bootItem?: { type: number; layer: number }; // 71
  /** Sub-options not named above: code -> hex. */
  other?: { code: number; hex: string }[];
}

/** Apple BSDP option 43 sub-options (src/decode/dhcp/bsdp.ts has the codec and the table of codes). */
export interface BsdpImage {
  id: number;
  name: string;
}

export interface BsdpOptions {
  messageType?: number; // 1
  /** "1.1" etc. (major.minor from the two bytes). */
  version?: string; // 2
  serverId?: string; // 3
  serverPriority?: number; // 4
  replyPort?: number; // 5
  bootImageListPath?: string; // 6
  defaultImage?: number; // 7
  selectedImage?: number; // 8
  images?: BsdpImage[]; // 9
  netboot10Firmware?: boolean; // 10
  attributesFilter?: number[]; // 11
  maxMessageSize?: number; // 12
  /** Sub-options not named above: code -> hex. */
  other?: { code: number; hex: string }[];
}

/** RFC 3046 relay agent information (82) sub-options. */
export interface RelayAgentInfo {
  circuitId?: string; // 1 (hex)
  remoteId?: string; // 2 (hex)
  linkSelection?: string; // 5
  subscriberId?: string; // 6
  serverIdOverride?: string; // 11
  other?: { code: number; hex: string }[];
}

export interface DhcpMessage {
  op: number; // 1 BOOTREQUEST, 2 BOOTREPLY
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** chaddr's first hlen (<= 16) bytes as "aa:bb:..", lowercase. */
  chaddr: string;
  /** sname/file up to the first NUL, bytes as latin1 (empty when overloaded with options). */
  sname: string;
  file: string;
  /** False when the magic cookie is missing or wrong (plain BOOTP or damage). */
  hasMagicCookie: boolean;
  options: DhcpOption[];
  /** Problems found while decoding: a stable code and the printed detail (e.g. "option 67 without trailing NUL"). */
  anomalies: DhcpAnomaly[];

  // Typed shortcuts (undefined when the option is absent or malformed).
  messageType?: number; // 53
  vendorClass?: string; // 60
  clientArch?: number[]; // 93
  clientNdi?: { type: number; major: number; minor: number }; // 94
  /** Option 97: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" as on the wire (no byte swapping). */
  clientGuid?: string;
  tftpServer?: string; // 66
  bootFile?: string; // 67 (up to first NUL)
  /** True when option 67's data ends with a NUL (old PXE ROMs need it). */
  bootFileNulTerminated?: boolean;
  serverId?: string; // 54
  requestedIp?: string; // 50
  leaseTime?: number; // 51
  overload?: number; // 52
  maxMessageSize?: number; // 57
  paramRequestList?: number[]; // 55
  userClass?: string[]; // 77, RFC 3004 entries or iPXE's raw form (one entry)
  hostname?: string; // 12
  subnetMask?: string; // 1
  routers?: string[]; // 3
  dnsServers?: string[]; // 6
  domainName?: string; // 15
  broadcastAddress?: string; // 28
  tftpServerAddresses?: string[]; // 150
  clientId?: string; // 61 (hex)
  pxe?: PxeVendorOptions; // 43 when PXEClient
  /** Option 43 as Apple BSDP sub-options when option 60 starts with "AAPLBSDPC" (src/decode/dhcp/bsdp.ts). */
  bsdp?: BsdpOptions;
  /** Option 43 raw hex when not decoded as PXE. */
  vendorSpecificHex?: string;
  relayAgent?: RelayAgentInfo; // 82
  /** Option 175 iPXE encapsulated sub-options (code -> hex). */
  ipxe?: { code: number; hex: string }[];
  pxelinux?: { magic?: boolean; configFile?: string; pathPrefix?: string; rebootTime?: number }; // 208-211
}
