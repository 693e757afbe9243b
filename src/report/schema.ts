/**
 * The JSON that `analyze --json` prints. Scripts and `check` depend on it: bump schemaVersion on any
 * incompatible change, and document fields in the README.
 */
import type { Finding } from '../diagnose/finding.js';
import type { Stage, TimelineEntry } from '../exchange/types.js';

// Defined by the exchange layer, which builds them; part of this JSON contract.
export type { Stage, TimelineEntry };

export const SCHEMA_VERSION = 1;


export interface TransferJson {
  file: string;
  server: string;
  client: string;
  /** RRQ frame, and the frames of the first reply and the last packet. */
  frames: number[];
  options: Record<string, string>;
  /** complete | error | incomplete | no-response | tsize-probe | not-found-probe | not-captured (replies missing from the capture) | capture-ended (still running at the end) */
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
  /** Options the server granted in its OACK (absent without an OACK). */
  negotiated?: Record<string, string>;
  /** Longest silence between two packets of the transfer, seconds (present when >= 0.5 s). */
  maxGap?: number;
  /** Blocks never seen while the transfer went on. */
  missingBlocks?: number;
  /** The 16-bit block number wrapped during the transfer. */
  wrapped?: boolean;
  /** DATA datagrams that arrived as IP fragments. */
  fragmentedData?: number;
  /** What block 1 says the file is, when the capture has it: "PE/COFF x64", "PE/COFF arm64", "BIOS NBP (no PE/COFF header)". */
  format?: string;
  /** For an EFI NBP whose first block showed its PE data directories: an Authenticode signature is present (certificate table non-empty). */
  signed?: boolean;
}


export interface ClientJson {
  mac: string;
  /** Present (2, 3, ...) when this MAC came back after its entry closed (10 min idle, or 60 s after a completed boot): a separate entry. */
  session?: number;
  /** Client GUID (option 97) as Wireshark, the firmware setup screen and WDS show it (SMBIOS byte order). */
  guid?: string;
  /** The same GUID in the byte order of the packet (first three fields little-endian). */
  guidWire?: string;
  arch?: number[];
  archName?: string;
  vendorClass?: string;
  /** What does PXE on the client, from its requests: "iPXE 1.0.0", "UEFI PXE firmware (UNDI 3.0)", "BIOS PXE firmware (UNDI 2.1)", "DHCP client (no PXE options)". */
  firmware?: string;
  ok: boolean;
  stage: Stage;
  /**
   * The outcome in words, decided from ok, stage, the first error finding and whether the capture
   * ended (src/report/verdict.ts): "OK", "FAILED at <stage>: <finding id>", "INCOMPLETE at <stage>
   * (the capture ended)" or "NOT A PXE CLIENT".
   */
  verdict: string;
  bootFile?: string;
  bootServer?: string;
  /** Offers seen: server, kind (dhcp | dhcp-boot | dhcp-pxe | dhcp-binl | proxy | proxy-binl | proxy-no-option60 | bootp | boot-server-ack), frame. */
  offers: { server: string; kind: string; frame: number; yiaddr?: string; bootFile?: string; bootServer?: string }[];
  transfers: TransferJson[];
  /** Finding ids for this client. */
  findings: string[];
  timeline: TimelineEntry[];
  /** Timeline entries left out because of the per-client cap (2000), when any. */
  timelineDropped?: number;
  /** DHCP rounds whose details were dropped (a client looping for hours keeps its first and last 63 rounds), when any. */
  roundsDropped?: number;
  firstFrame: number;
  lastFrame: number;
  /**
   * Boot methods the client tried, in order (docs/ipv6-http-bsdp.md). Present only when
   * the client did more than PXE over IPv4: DHCPv6 (PXEv6/HTTPv6), HTTP boot over IPv4, or BSDP.
   */
  methods?: BootMethodJson[];
  /** The method that came closest to booting (name), when `methods` is present. */
  closestMethod?: string;
  /**
   * What the capture could not see of this client (a filter that dropped the TFTP replies, a late
   * start, an end mid-exchange, a vantage point that misses the unicast replies to the client), from
   * the info findings that state it (src/exchange/vantage.ts). Absent when nothing was missed.
   */
  blindSpots?: BlindSpotJson[];
  /**
   * The boot chain as far as the capture shows it (docs/analyze.md, "The boot chain"): firmware
   * DHCP, NBP, what the NBP did (iPXE DHCP/HTTP, shim, GRUB/PXELINUX config, WDS), kernel/initrd/OS.
   * `ok` is true only when the last of these ended well.
   */
  chain?: ChainStageJson[];
  /** The last stage of `chain`: how far the boot got, by kind and name. */
  lastStage?: ChainStageJson;
}

export interface BlindSpotJson {
  /** The finding id that states it: tftp-replies-not-captured | capture-started-late | capture-ended-mid-exchange | replies-to-client-not-seen */
  kind: string;
  frames: number[];
  detail: string;
  /** How to capture it next time. */
  howToCapture: string;
}

export interface ChainStageJson {
  /** firmware-dhcp | nbp | nbp-dhcp | ipxe-dhcp | ipxe-http | ipxe-script | shim | grub-config | pxelinux-config | wds | kernel | initrd | os | http | dns | file */
  kind: string;
  /** File, URL, or "DHCP". */
  name: string;
  /** For an nbp stage: ipxe | shim | grub | pxelinux | wds | wds-abort | efi | bios. */
  loader?: string;
  /** ok | failed | capture-ended */
  status: string;
  /** Why it failed: dhcp-unanswered | dhcp-no-ack | no-boot-file | not-found | download-failed | http-failed | second-stage-missing | no-config | not-started | unsigned-under-secure-boot | wds-abort | name-not-resolved */
  failure?: string;
  detail: string;
  frames: number[];
  firstFrame: number;
  lastFrame: number;
  /** Normal search misses folded into the stage (config candidates, shim's revocations.efi, GRUB's .lst files). */
  probes?: number;
}

export interface BootMethodJson {
  /** PXEv4 | PXEv6 | HTTPv4 | HTTPv6 | BSDP */
  method: string;
  /** booted | download-failed | download-encrypted | no-download | no-boot-file | no-offer | image-selected | images-listed | no-images */
  outcome: string;
  /** Evidence frames: the first request, the answer with the boot file/URL, the download. */
  frames: number[];
  firstFrame: number;
  lastFrame: number;
  /** Boot file or URL offered for this method. */
  bootFile?: string;
  server?: string;
  /** One line on what happened. */
  detail: string;
}

export interface CaptureFileJson {
  file: string;
  format: string;
  /** Frames in the file. */
  frames: number;
  firstFrame?: number;
  lastFrame?: number;
  firstTime?: string;
}

export interface AnalysisJson {
  schemaVersion: number;
  capture: {
    file: string;
    format?: string;
    frames: number;
    firstTime?: string;
    duration: number;
    warnings: string[];
    /**
     * Present when the capture was read from several files (docs/capture.md, "Several files"): each
     * file in time order, with the merged frame numbers of its first and last frame.
     */
    files?: CaptureFileJson[];
  };
  clients: ClientJson[];
  findings: Finding[];
}
