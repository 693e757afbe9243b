/**
 * Names for the numbers of BOOTP/DHCP (RFC 951, 2131, 2132 and the option RFCs named beside each
 * code): the BOOTP op, the DHCP message types of option 53 and the option codes this project reads
 * or writes. Code compares against these names, never against bare digits.
 */

/** The unspecified IPv4 address: an empty ciaddr/yiaddr/siaddr/giaddr, or "bind to every address". */
export const ZERO_IP = '0.0.0.0';
/** The limited broadcast address (RFC 919). */
export const BROADCAST_IP = '255.255.255.255';

/** UDP ports: the DHCP server and client (RFC 2131 §4.1), the PXE boot server / proxyDHCP (PXE 2.1, §2.2.5). */
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
export const PXE_BOOT_SERVER_PORT = 4011;

/** BOOTP `op` (RFC 951). */
export const BootpOp = { Request: 1, Reply: 2 } as const;

/** DHCP message types, option 53 (RFC 2132 §9.6; 10-13 are RFC 4388 leasequery). */
export const DhcpMessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
  LeaseQuery: 10,
  LeaseUnassigned: 11,
  LeaseUnknown: 12,
  LeaseActive: 13,
} as const;

/** Option codes (RFC 2132 unless noted). */
export const DhcpOptionCode = {
  Pad: 0,
  SubnetMask: 1,
  Routers: 3,
  DnsServers: 6,
  Hostname: 12,
  DomainName: 15,
  BroadcastAddress: 28,
  /** Vendor-specific information: PXE or BSDP sub-options, by option 60. */
  VendorSpecific: 43,
  RequestedIp: 50,
  LeaseTime: 51,
  Overload: 52,
  MessageType: 53,
  ServerId: 54,
  ParamRequestList: 55,
  Message: 56,
  MaxMessageSize: 57,
  RenewalTime: 58,
  RebindingTime: 59,
  VendorClass: 60,
  ClientId: 61,
  TftpServer: 66,
  BootFile: 67,
  /** RFC 3004. */
  UserClass: 77,
  /** RFC 3046. */
  RelayAgent: 82,
  /** RFC 4578 §2.1: client system architecture. */
  ClientArch: 93,
  /** RFC 4578 §2.2: client network device interface. */
  ClientNdi: 94,
  /** RFC 4578 §2.3: client machine identifier (the GUID). */
  ClientGuid: 97,
  /** RFC 5859: TFTP server addresses (Cisco). */
  TftpServerAddresses: 150,
  /** iPXE's encapsulated options. */
  IpxeEncap: 175,
  /** RFC 5071: PXELINUX magic, config file, path prefix, reboot time. */
  PxelinuxMagic: 208,
  PxelinuxConfigFile: 209,
  PxelinuxPathPrefix: 210,
  PxelinuxRebootTime: 211,
  End: 255,
} as const;

/**
 * What the DHCP decoder found wrong, as a stable code for code to compare. The detail is the text
 * that `decode` and the reports print (unchanged wording); `option` is the option it concerns.
 */
export type DhcpAnomalyCode =
  | 'truncated-header'
  | 'secs-little-endian'
  | 'hlen-too-long'
  | 'bad-magic-cookie'
  | 'missing-end-option'
  | 'missing-end-option-in-file'
  | 'missing-end-option-in-sname'
  | 'overload-value'
  | 'header-field-not-nul-terminated'
  | 'header-field-non-printable'
  | 'option-overrun'
  | 'option-length'
  | 'bootfile-not-nul-terminated'
  | 'client-arch-empty'
  | 'client-arch-odd-length'
  | 'client-guid-length'
  | 'client-guid-type'
  | 'pxelinux-magic'
  /** PXE (option 43) sub-options. */
  | 'pxe-suboption-length'
  | 'pxe-suboption-malformed'
  | 'pxe-suboption-overrun'
  /** Apple BSDP (option 43) sub-options. */
  | 'bsdp-suboption-overrun'
  | 'bsdp-suboption-length'
  | 'bsdp-image-entry-short'
  | 'bsdp-image-name-overrun'
  | 'bsdp-filter-odd-length'
  | 'relay-suboption-overrun'
  | 'relay-suboption-length'
  | 'ipxe-suboption-overrun'
  | 'decoder-error';

export interface DhcpAnomaly {
  code: DhcpAnomalyCode;
  detail: string;
  option?: number;
}

/** An anomaly of the DHCP decoder; `option` when it concerns one option (or its sub-options). */
export function dhcpAnomaly(code: DhcpAnomalyCode, detail: string, option?: number): DhcpAnomaly {
  return option === undefined ? { code, detail } : { code, detail, option };
}
