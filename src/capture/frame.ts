/**
 * One captured record, as the readers hand it out.
 *
 * Ownership rule (gopacket's): `data` is a view into the reader's buffer and is only valid during
 * the callback that received it. Copy (`data.slice()`) anything you keep.
 */
export interface Frame {
  /** 1-based frame number, as Wireshark shows it. */
  index: number;
  /** Capture time in seconds since the Unix epoch (microsecond precision is kept; ns is rounded). */
  ts: number;
  /** pcap LINKTYPE_* of the interface this frame was captured on. */
  linkType: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
  /** Captured bytes (a reused view, see above). */
  data: Uint8Array;
  /** Original length on the wire (>= data.length when the snap length cut it). */
  origLen: number;
}

/** A one-element cell holding a record's time in epoch seconds (see FrameSink.select). */
export type Clock = Float64Array;

/** A problem in the capture file itself: reported, never thrown past the reader. */
export interface CaptureWarning {
  /** Byte offset in the (decompressed) capture stream where the damage starts. */
  offset: number;
  /** Frame number that would have come next (1-based). */
  frame: number;
  message: string;
}

/** What a reader says once the stream ended. */
export interface CaptureSummary {
  format: 'pcap' | 'pcap-ns' | 'pcapng';
  frames: number;
  bytes: number;
  /** Link types seen (pcapng can have several interfaces). */
  linkTypes: number[];
  warnings: CaptureWarning[];
}

/** Callbacks a capture parser pushes into; no promise or closure per packet in the hot path. */
export interface FrameSink {
  frame(f: Frame): void;
  warning?(w: CaptureWarning): void;
  /**
   * Optional pre-filter, asked before a Frame is built: the record's bytes are data[start, end) in
   * the reader's own buffer (valid only during the call). Return false to skip the record: it is
   * still counted (frame numbers do not shift) but frame() is not called for it. Lets a consumer
   * that wants a few packets of a huge capture reject the rest with no allocation at all.
   * `index` and `interfaceId` are what the Frame would carry: a consumer may also take the record
   * whole from here (e.g. a TFTP block it can account for without a Frame) and return false.
   * The record's time is `clock[0]` (epoch seconds): a cell the reader rewrites per record rather
   * than a number argument, because V8 makes a new heap number for each double passed to a call it
   * does not inline, and this is called for every record of the capture.
   */
  select?(data: Uint8Array, start: number, end: number, linkType: number, clock: Clock, index: number, interfaceId: number): boolean;
}
