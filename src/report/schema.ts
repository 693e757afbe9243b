/**
 * The JSON that `analyze --json` prints. Scripts and `check` depend on it: bump schemaVersion on any
 * incompatible change, and document fields in the README.
 */
import type { Finding } from '../diagnose/finding.js';

export const SCHEMA_VERSION = 1;

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

export interface TransferJson {
  file: string;
  server: string;
  client: string;
  /** RRQ frame, and the frames of the first reply and the last packet. */
  frames: number[];
  options: Record<string, string>;
  /** complete | error | incomplete | no-response | tsize-probe | not-found-probe */
  outcome: string;
  bytes: number;
  blocks: number;
  blksize: number;
  tsize?: number;
  retransmissions: number;
  /** Seconds from RRQ to last packet. */
  duration: number;
  /** Bytes per second. */
  rate: number;
  errorCode?: number;
  errorMessage?: string;
  /** What the file is: 'nbp' | 'config' | 'kernel' | 'other'. */
  role: string;
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

export interface ClientJson {
  mac: string;
  /** Present (2, 3, ...) when this MAC came back after being idle past the expiry (10 min): a separate entry. */
  session?: number;
  guid?: string;
  arch?: number[];
  archName?: string;
  vendorClass?: string;
  ok: boolean;
  stage: Stage;
  bootFile?: string;
  bootServer?: string;
  /** Offers seen: server, kind (dhcp | dhcp-boot | proxy | proxy-binl | bootp), frame. */
  offers: { server: string; kind: string; frame: number; yiaddr?: string; bootFile?: string; bootServer?: string }[];
  transfers: TransferJson[];
  /** Finding ids for this client. */
  findings: string[];
  timeline: TimelineEntry[];
  firstFrame: number;
  lastFrame: number;
}

export interface AnalysisJson {
  schemaVersion: number;
  capture: { file: string; format?: string; frames: number; firstTime?: string; duration: number; warnings: string[] };
  clients: ClientJson[];
  findings: Finding[];
}
