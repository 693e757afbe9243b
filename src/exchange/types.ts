/**
 * What the exchange layer remembers about each client: small owned summaries of the DHCP, port-4011
 * and TFTP steps, never raw packets. Rules (src/diagnose) read these records; the report layer
 * turns them into ClientJson.
 */
import type { DhcpAnomaly } from '../decode/dhcp/constants.js';

import type { InterfacesSeen, NetworkRecord, StpSummary } from './network/types.js';
import type { DhcpServerLog } from './network/servers.js';

/** How a client's firmware would classify a reply (EDK2 PxeBcParseDhcp4Packet / iPXE dhcp_rx_offer). */
export type OfferKind =
  | 'dhcp' // address only
  | 'dhcp-boot' // address + boot file (file field or option 67)
  | 'dhcp-pxe' // address + option 60 PXEClient + option 43 (EDK2 "DhcpPxe10")
  | 'dhcp-binl' // address + option 60 PXEClient, no 43: EDK2 asks siaddr/server-id on port 4011
  | 'proxy' // yiaddr 0 + option 60 PXEClient + option 43 (EDK2 "ProxyPxe10")
  | 'proxy-binl' // yiaddr 0 + option 60 PXEClient, no 43: the client must ask on port 4011
  | 'proxy-no-option60' // yiaddr 0 without option 60 PXEClient: firmware ignores it
  | 'bootp'; // no option 53

/** A reply to the client (OFFER, ACK, NAK, BOOTP reply, 4011 answer), reduced to what rules need. */
export interface ReplyRecord {
  frame: number;
  ts: number;
  xid: number;
  /** 53 value; undefined for BOOTP. */
  messageType?: number;
  /** Option 54 when present, else the IP source. */
  server: string;
  src: string;
  sport: number;
  kind: OfferKind;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Option 67 if present, else the BOOTP file field ("" when none). */
  bootFile: string;
  bootFileSource?: 'option67' | 'file';
  /** The file field alone (to tell whether old ROMs still find the name when option 67 lacks its NUL). */
  fileField: string;
  bootFileNulTerminated?: boolean;
  /** Option 66. */
  tftpServerName?: string;
  vendorClass?: string;
  hasPxeOptions: boolean;
  /** Option 43.6 discovery control. */
  discoveryControl?: number;
  /** True for the answer to a port-4011 request. */
  from4011: boolean;
  anomalies: readonly DhcpAnomaly[];
  /** Identical copies (relay legs, second interface) folded into this one. */
  copies: number;
}

/** A DHCP request from the client (DISCOVER, REQUEST, INFORM, DECLINE, RELEASE, BOOTREQUEST). */
export interface RequestRecord {
  frame: number;
  ts: number;
  xid: number;
  messageType?: number;
  /** secs as the client meant it (byte-swapped when the codec flagged it little-endian). */
  secs: number;
  giaddr: string;
  ciaddr: string;
  dst: string;
  dport: number;
  sport: number;
  /** Option 54 (the server a REQUEST chooses), when sent. */
  serverId?: string;
  /** Retransmissions (same xid, type and destination) folded in: frames and times. */
  repeatFrames: number[];
  repeatTimes: number[];
}

/** The port-4011 step: the client's request to a boot server, and what came back. */
export interface ProxyRequestRecord {
  frame: number;
  ts: number;
  xid: number;
  server: string;
  sport: number;
  /** The largest secs over the request and its retries, byte-swapped when the client wrote it little-endian (absent: only the answer was seen). */
  secs?: number;
  repeatFrames: number[];
  repeatTimes: number[];
  answer?: ReplyRecord;
  icmpFrames: number[];
}

/** What the first bytes of an NBP say: a PE/COFF image for one machine, or a BIOS NBP (raw real-mode code). */
export type NbpHeadKind =
  | {
      kind: 'pe';
      machine: string;
      machineCode: number;
      /** IMAGE_SUBSYSTEM_* (10 = EFI application), when the optional header was in the first block. */
      subsystem?: number;
      /** Authenticode certificate table present (src/exchange/chain/pe.ts), when the first block reached it. */
      signed?: boolean;
      /** The file is at least this long by its PE section table (src/exchange/chain/pe.ts). */
      rawEnd?: number;
    }
  | { kind: 'bios' };

export type TransferOutcome = 'complete' | 'error' | 'incomplete' | 'no-response' | 'tsize-probe' | 'not-found-probe' | 'not-captured' | 'capture-ended';

export interface TransferRecord {
  write: boolean;
  file: string;
  server: string;
  client: string;
  clientPort: number;
  serverPort?: number;
  clientMac: string;
  rrqFrame: number;
  rrqTs: number;
  /** Retransmitted RRQs (same port, same file). */
  rrqRepeats: number[];
  rrqRepeatTimes: number[];
  options: Record<string, string>;
  oack?: Record<string, string>;
  firstReplyFrame?: number;
  lastFrame: number;
  lastTs: number;
  blksize: number;
  tsize?: number;
  windowsize: number;
  /** Highest block seen, counting across 16-bit wraps. */
  highestBlock: number;
  wrapped: boolean;
  bytes: number;
  dataPackets: number;
  /** DATA packets for blocks already seen. */
  duplicateData: number;
  /** Blocks skipped (never seen) while the transfer went on. */
  missingBlocks: number;
  /** ACKs repeating an older block. */
  duplicateAcks: number;
  lastAckBlock?: number;
  /** Largest silence between two packets of the transfer, seconds. */
  maxGap: number;
  lastDataFrame?: number;
  lastDataLen: number;
  /** A DATA shorter than blksize arrived: the file is complete (RFC 1350 §6). */
  finished: boolean;
  finalAckFrame?: number;
  error?: { code: number; message: string; frame: number; fromClient: boolean };
  icmpFrames: number[];
  /** Frames of IP fragment problems (lost fragments) seen while this transfer ran. */
  fragmentFrames: number[];
  /** DATA frames that were reassembled from IP fragments. */
  fragmentedData: number;
  /**
   * What the first bytes of block 1 say the file is (PE/COFF machine or BIOS NBP), judged when
   * block 1 arrives: the bytes themselves are not kept (they made every client in flight 512 bytes
   * and two objects bigger).
   */
  headKind?: NbpHeadKind;
  role: 'nbp' | 'config' | 'kernel' | 'other';
  outcome: TransferOutcome;
  /** No reply in the capture, yet the client's later requests show it received and ran this NBP: that request's frame (src/exchange/vantage.ts). */
  deliveredBy?: number;
  /** Index of the attempt (DHCP round) the transfer belongs to, -1 when no DHCP was seen. */
  attempt: number;
  timeline?: TimelineStep;
}

/** Who is doing DHCP in an attempt: the firmware, an iPXE loaded as NBP, the NBP itself (syslinux.efi, an OS), or a plain DHCP client. */
export type AttemptRole = 'firmware' | 'ipxe-stage' | 'nbp-dhcp' | 'plain';

/** One DHCP round of a client (a DISCOVER xid and what follows until the next round). */
export interface AttemptRecord {
  index: number;
  role: AttemptRole;
  /** True when the requests carry PXE markers (option 60 PXEClient, 93, iPXE user class, 175). */
  pxe: boolean;
  ipxe: boolean;
  vendorClass?: string;
  arch?: number[];
  userClass?: string[];
  guid?: string;
  hasGuidOption: boolean;
  /** iPXE's version from option 175.235 ("1.21.1"), when sent. */
  ipxeVersion?: string;
  firstFrame: number;
  firstTs: number;
  lastTs: number;
  xids: number[];
  discovers: RequestRecord[];
  requests: RequestRecord[];
  /** OFFERs and BOOTP replies (port 67/68). */
  offers: ReplyRecord[];
  acks: ReplyRecord[];
  naks: ReplyRecord[];
  proxyRequests: ProxyRequestRecord[];
  transfers: TransferRecord[];
  /** Client requests or replies carried a relay address. */
  relayed: boolean;
  /** Address the client got (ACK yiaddr). */
  address?: string;
}

export interface ClientRecord {
  mac: string;
  /** 1, or n when the MAC came back after its state had expired (idle longer than the expiry). */
  session: number;
  guids: string[];
  firstFrame: number;
  lastFrame: number;
  firstTs: number;
  lastTs: number;
  attempts: AttemptRecord[];
  /** Transfers seen with no DHCP of this client in the capture. */
  orphanTransfers: TransferRecord[];
  ips: string[];
  timeline: TimelineStep[];
  /** Timeline entries not kept because of the per-client cap. */
  timelineDropped: number;
  attemptsDropped: number;
  /** DHCPv6, HTTP boot and BSDP steps (src/exchange/boot-methods.ts); absent for a client that used none. */
  boot?: BootSideRecord;
  /** The client's ARP requests and address conflicts (src/exchange/network/arp.ts); absent without any. */
  network?: NetworkRecord;
  /** Spanning-tree BPDUs seen in the capture (src/exchange/network/stp.ts); absent without any. */
  stp?: StpSummary;
  /** Capture interfaces of the client's DHCP requests and of the replies to it (src/exchange/network/interfaces.ts). */
  interfacesSeen?: InterfacesSeen;
  /** What the DHCP servers did for all clients of the capture so far (src/exchange/network/servers.ts), shared. */
  dhcpServers?: DhcpServerLog;
  /** DNS lookups of a client the capture saw get an address (src/exchange/chain/dns-records.ts); absent when none. */
  dns?: DnsLookupRecord[];
}

// ---------------------------------------------------------------------------------------------
// Boot methods beyond PXE over IPv4 (docs/ipv6-http-bsdp.md): DHCPv6 network boot (RFC 5970), UEFI HTTP boot,
// Apple BSDP. Kept beside the IPv4 attempts, filled by src/exchange/boot-methods.ts.

/** A DHCPv6 reply (Advertise / Reply) reduced to what rules need. */
export interface Dhcp6ReplyRecord {
  frame: number;
  ts: number;
  msgType: number;
  transactionId: number;
  /** IPv6 source of the reply. */
  server: string;
  serverDuid?: string;
  bootfileUrl?: string;
  /** Option 16's first entry, when the server sent one (EDK2 HTTP boot needs "HTTPClient" echoed). */
  vendorClass?: string;
  addresses: string[];
  status?: { code: number; message: string };
}

/** One DHCPv6 round of a client: its Solicit (and retries) and what followed until the next round. */
export interface Dhcp6RoundRecord {
  /** From the Solicit's vendor class: PXEClient -> PXEv6, HTTPClient -> HTTPv6. */
  method: 'PXEv6' | 'HTTPv6' | 'DHCPv6';
  vendorClass?: string;
  arch?: number[];
  clientDuid?: string;
  firstFrame: number;
  firstTs: number;
  lastFrame: number;
  lastTs: number;
  transactionIds: number[];
  /** Client messages: frames of Solicit (first + retries), Request, other. */
  solicitFrames: number[];
  requestFrames: number[];
  advertises: Dhcp6ReplyRecord[];
  replies: Dhcp6ReplyRecord[];
}

export type HttpFetchOutcome = 'complete' | 'http-error' | 'refused' | 'reset' | 'incomplete' | 'no-response' | 'head-only' | 'encrypted' | 'tls-failed';

/** One TCP connection of HTTP boot: the request, the response head, and the body bytes seen. */
export interface HttpFetchRecord {
  family: 4 | 6;
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
  firstFrame: number;
  firstTs: number;
  lastFrame: number;
  lastTs: number;
  synFrame?: number;
  synRetries: number;
  synAckFrame?: number;
  method?: string;
  target?: string;
  host?: string;
  requestFrame?: number;
  status?: number;
  reason?: string;
  responseFrame?: number;
  contentLength?: number;
  /** Body bytes from the server (retransmitted ranges counted once); for TLS, every server payload byte. */
  bodyBytes: number;
  /** The client started TLS (https:// boot URL): status and length cannot be seen. */
  tls?: boolean;
  /** The server name the client's ClientHello asked for (SNI). */
  sni?: string;
  /** First application-data record from the client: it accepted the server and finished its handshake. */
  tlsDoneFrame?: number;
  /** A TLS alert before that (a rejected certificate, no common cipher...). */
  tlsAlertFrame?: number;
  /** Next expected server sequence number (bookkeeping for retransmissions). */
  serverNextSeq?: number;
  /** Who reset the connection (TCP RST), and where. */
  resetBy?: 'client' | 'server';
  resetFrame?: number;
  finFrame?: number;
  outcome: HttpFetchOutcome;
}

/** One BSDP packet (option 43 of an AAPLBSDPC INFORM / ACK). */
export interface BsdpRecord {
  frame: number;
  ts: number;
  fromClient: boolean;
  messageType?: number;
  /** Reply source or option 54 / BSDP server identifier. */
  server?: string;
  images?: { id: number; name: string }[];
  defaultImage?: number;
  selectedImage?: number;
}

export interface BootSideRecord {
  dhcp6: Dhcp6RoundRecord[];
  http: HttpFetchRecord[];
  bsdp: BsdpRecord[];
}

/** One DNS lookup (a query, its retransmissions, the answer). */
export interface DnsLookupRecord {
  name: string;
  type: number;
  id: number;
  server: string;
  queryFrame: number;
  queryTs: number;
  repeatFrames: number[];
  responseFrame?: number;
  rcode?: number;
  /** A / AAAA answers. */
  addresses: string[];
  lastFrame: number;
  lastTs: number;
}

/** A one-line, human-readable event for a client (for `live` and progress output). */
export interface ClientEventLine {
  /** Seconds since the capture start. */
  time: number;
  frame: number;
  client: string;
  text: string;
}

/** How far a client's boot got, in order. */
export type Stage =
  | 'none' // nothing but maybe a DISCOVER
  | 'discover' // DISCOVER sent, no usable offer
  | 'offer' // offers received
  | 'bound' // DHCP ACK received (address obtained)
  | 'proxy' // boot information obtained (proxy/4011 step done)
  | 'tftp' // NBP download started
  | 'nbp' // NBP downloaded completely
  | 'second-stage'; // NBP ran: iPXE/pxelinux DHCP or its own TFTP files after the NBP

/**
 * One line of a client's timeline as the tracker keeps it: a TimelineEntry whose label may be
 * left to be written when the client is reported (timelineEntry in tracker.ts). A reply's line
 * keeps the reply it shows, a request's line the details it shows, a transfer's line (mostly) its
 * transfer: label strings held for every client in flight were a fifth of what the young
 * generation copied and promoted.
 */
export interface TimelineStep {
  frame: number;
  time: number;
  from: string;
  to: string;
  kind: string;
  /** The text, when written as the steps came (4011 requests, ICMP, DHCPv6, HTTP, some transfers). */
  label?: string;
  /** The reply this line shows (OFFER, ACK, NAK, 4011 answer): its label is describeReply(kind, reply). */
  reply?: ReplyRecord;
  /** The transfer this line shows, settled when its client is handed over: its label is transferLabel(transfer). */
  transfer?: TransferRecord;
  /** A request's details ("PXEClient:Arch:00000:UNDI:002001; relayed by 10.0.0.1"): label "kind (details)", or kind alone without. */
  details?: string;
  /** Number of folded repeats (retransmissions) and their times. */
  repeats?: number[];
}

/** One line of a client's ladder diagram / timeline. */
export interface TimelineEntry {
  frame: number;
  /** Seconds since the first frame of the capture. */
  time: number;
  from: string;
  to: string;
  /** e.g. DISCOVER, OFFER, PROXY-OFFER, REQUEST, ACK, NAK, 4011-REQUEST, 4011-ACK, RRQ, OACK, DATA, ERROR, ICMP, TFTP-TRANSFER */
  kind: string;
  label: string;
  /** Number of folded repeats (retransmissions) and their times. */
  repeats?: number[];
}
