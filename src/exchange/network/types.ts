/**
 * What the network between a client and its servers showed (issue 22): the client's ARP requests
 * and their answers, addresses claimed by two hosts, and spanning-tree BPDUs on the capture's port.
 * Filled by src/exchange/network/arp.ts and stp.ts from 'arp' / 'stp' events.
 */

/** The client's ARP requests for one address, and the answer if one came. */
export interface ArpAskRecord {
  ip: string;
  firstFrame: number;
  firstTs: number;
  lastTs: number;
  /** Requests sent (the first frames are kept). */
  count: number;
  frames: number[];
  replyFrame?: number;
  replyMac?: string;
}

/** Another host claiming the client's address (ARP reply or announcement from another MAC). */
export interface ArpConflictRecord {
  ip: string;
  mac: string;
  frame: number;
  ts: number;
}

export interface NetworkRecord {
  arpAsked: ArpAskRecord[];
  conflicts: ArpConflictRecord[];
}

/** The BPDUs seen in the capture (one summary per capture, shared by its clients). */
export interface StpSummary {
  count: number;
  firstFrame: number;
  firstTs: number;
  lastFrame: number;
  lastTs: number;
  /** The first BPDU frames (evidence). */
  frames: number[];
  interfaceId: number;
  /** 0 STP, 2 RSTP, 3 MSTP (of the first BPDU). */
  version: number;
  /** Forward delay announced, seconds. */
  forwardDelay?: number;
  /** BPDUs with the topology-change flag, and TCNs (first frames). */
  topologyChangeFrames: number[];
  /** RSTP only: the last port state announced (discarding / learning / forwarding). */
  lastState?: string;
  /** The sending switch port's MAC. */
  portMac?: string;
}

/** The capture interfaces (pcapng interface ids) a client's DHCP requests and the replies to it were seen on. */
export interface InterfacesSeen {
  requests: number[];
  replies: number[];
}
