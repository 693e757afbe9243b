/**
 * DHCPv6 message as decoded from the wire (RFC 8415; network boot options RFC 5970). Plain owned
 * data: safe to keep.
 */

/** One option as it appeared on the wire (order and duplicates kept). `data` is an owned copy. */
export interface Dhcp6Option {
  code: number;
  data: Uint8Array;
}

/** RFC 8415 section 11: DUID, with the fields of the four defined types decoded. */
export interface Duid {
  /** 1 LLT, 2 EN, 3 LL, 4 UUID (RFC 6355). */
  type: number;
  /** The whole DUID as hex (what identifies the client). */
  hex: string;
  /** LLT/LL: hardware type (1 = Ethernet) and link-layer address ("aa:bb:.."). */
  hwType?: number;
  linkLayer?: string;
  /** LLT: seconds since 2000-01-01 UTC. */
  time?: number;
  /** EN: enterprise number and identifier (hex). */
  enterprise?: number;
  identifier?: string;
  /** UUID: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" as on the wire. */
  uuid?: string;
}

/** RFC 8415 section 21.6: an address inside an IA_NA. */
export interface Dhcp6IaAddress {
  address: string;
  preferredLifetime: number;
  validLifetime: number;
  status?: Dhcp6Status;
}

/** RFC 8415 section 21.4 (IA_NA) and 21.21 (IA_PD prefixes are kept raw in `options`). */
export interface Dhcp6IaNa {
  iaid: number;
  t1: number;
  t2: number;
  addresses: Dhcp6IaAddress[];
  status?: Dhcp6Status;
}

/** RFC 8415 section 21.13. */
export interface Dhcp6Status {
  code: number;
  message: string;
}

export interface Dhcp6Message {
  msgType: number;
  /** 24-bit transaction id (client/server messages; 0 for relay messages). */
  transactionId: number;
  /** Relay-forw/Relay-repl (RFC 8415 section 9). */
  hopCount?: number;
  linkAddress?: string;
  peerAddress?: string;
  /** The message carried in option 9 of a relay message, decoded. */
  relayMessage?: Dhcp6Message;
  options: Dhcp6Option[];
  /** Problems found while decoding, as stable short strings. */
  anomalies: string[];

  // Typed shortcuts (undefined when the option is absent or malformed).
  clientId?: Duid; // 1
  serverId?: Duid; // 2
  iaNa?: Dhcp6IaNa[]; // 3
  oro?: number[]; // 6
  /** Option 8, hundredths of a second. */
  elapsedTime?: number;
  status?: Dhcp6Status; // 13
  /** Option 15: opaque entries as latin1 strings. */
  userClass?: string[];
  /** Option 16: enterprise number and entries; `vendorClass` is the first entry (e.g. "PXEClient:Arch:00007:UNDI:003000"). */
  vendorClassEnterprise?: number;
  vendorClassData?: string[];
  vendorClass?: string;
  /** Option 59 (RFC 5970 section 3.1). */
  bootfileUrl?: string;
  /** Option 60 (RFC 5970 section 3.2): parameters in order. */
  bootfileParams?: string[];
  /** Option 61 (RFC 5970 section 3.3). */
  clientArch?: number[];
  /** Option 62 (RFC 5970 section 3.4). */
  nii?: { type: number; major: number; minor: number };
}

export const Dhcp6MessageType = {
  Solicit: 1,
  Advertise: 2,
  Request: 3,
  Confirm: 4,
  Renew: 5,
  Rebind: 6,
  Reply: 7,
  Release: 8,
  Decline: 9,
  Reconfigure: 10,
  InformationRequest: 11,
  RelayForw: 12,
  RelayRepl: 13,
} as const;

export const DHCP6_CLIENT_PORT = 546;
export const DHCP6_SERVER_PORT = 547;
