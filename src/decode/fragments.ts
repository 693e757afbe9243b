/**
 * IPv4 fragment reassembly (RFC 791 section 3.2; RFC 815's hole-filling idea, done by sorting the
 * few pieces a datagram has). Only UDP datagrams are fed here by the dissector.
 *
 * Why it matters: a TFTP blksize above the path MTU makes every DATA packet fragmented. When one
 * fragment is lost (a switch that drops fragments, an MTU black hole) the client never sees the
 * block; the missing-fragment report is the evidence.
 *
 * Bounded: at most `maxDatagrams` pending datagrams and `maxBytes` buffered bytes (the oldest is
 * given up and reported when either is exceeded); datagrams older than `timeout` seconds of PACKET
 * time (not wall time: captures are replayed much faster than real time) are reported incomplete.
 */
import type { Ipv4Header } from './ipv4.js';

export interface FragmentOptions {
  /** Seconds of packet time after the first fragment before a datagram is given up (Linux: 30). */
  timeout?: number;
  maxDatagrams?: number;
  maxBytes?: number;
}

interface Piece {
  start: number;
  end: number;
  /** Owned copy of the fragment's payload (end - start bytes). */
  data: Uint8Array;
}

/** What the dissector needs to describe a datagram in an event. */
export interface PendingDatagram {
  src: number;
  dst: number;
  id: number;
  protocol: number;
  firstTs: number;
  lastTs: number;
  /** Total payload length, known once the last fragment (MF=0) arrived; -1 before. */
  total: number;
  received: number;
  frames: number[];
  /** UDP ports from the first fragment when it arrived (-1 when not seen). */
  sport: number;
  dport: number;
  ttl: number;
  interfaceId: number;
  overlapReported: boolean;
  pieces: Piece[];
}

export interface FragmentProblem {
  problem: 'incomplete' | 'overlap';
  datagram: PendingDatagram;
}

export interface ReassembledDatagram {
  datagram: PendingDatagram;
  /** The reassembled IP payload (owned copy). */
  payload: Uint8Array;
}

export interface FragmentStats {
  fragments: number;
  reassembled: number;
  incomplete: number;
  overlaps: number;
  duplicates: number;
  /** Fragments ignored because they claim bytes beyond the IPv4 maximum of 65535. */
  invalid: number;
  evicted: number;
}

const MAX_IP_PAYLOAD = 65535 - 20;
/**
 * Pieces per datagram: a 64 KB datagram over a 576-byte MTU is ~120 fragments. More is a
 * pathological capture (overlap floods); the datagram is given up rather than sorted forever.
 */
const MAX_PIECES = 256;
/** Frame numbers kept per datagram as evidence (duplicates can repeat without bound). */
const MAX_FRAMES_LISTED = 64;

export class FragmentReassembler {
  readonly timeout: number;
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly stats: FragmentStats = { fragments: 0, reassembled: 0, incomplete: 0, overlaps: 0, duplicates: 0, invalid: 0, evicted: 0 };
  /** Insertion order = age order, so eviction takes the first key. */
  private readonly pending = new Map<string, PendingDatagram>();
  private bytes = 0;
  private readonly onProblem: (p: FragmentProblem) => void;

  constructor(onProblem: (p: FragmentProblem) => void, opts: FragmentOptions = {}) {
    this.onProblem = onProblem;
    this.timeout = opts.timeout ?? 30;
    this.maxDatagrams = opts.maxDatagrams ?? 256;
    this.maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  /**
   * Adds one fragment (header already parsed; payload = frame bytes payloadOffset..payloadEnd,
   * complete: the caller does not feed fragments the snap length cut). Returns the reassembled
   * datagram when this fragment completed it.
   */
  add(h: Ipv4Header, frameData: Uint8Array, frameIndex: number, ts: number, interfaceId: number): ReassembledDatagram | null {
    this.stats.fragments++;
    this.expire(ts);
    const declaredLen = h.totalLength - h.headerLength;
    const start = h.fragmentOffset;
    const end = start + declaredLen;
    // RFC 791: every fragment but the last carries a multiple of 8 bytes; nothing ends past 65535.
    if (end > MAX_IP_PAYLOAD || (h.moreFragments && declaredLen % 8 !== 0) || declaredLen <= 0 || h.payloadEnd - h.payloadOffset < declaredLen) {
      this.stats.invalid++;
      return null;
    }
    const key = `${h.src}|${h.dst}|${h.id}|${h.protocol}`;
    let d = this.pending.get(key);
    if (!d) {
      d = {
        src: h.src,
        dst: h.dst,
        id: h.id,
        protocol: h.protocol,
        firstTs: ts,
        lastTs: ts,
        total: -1,
        received: 0,
        frames: [],
        sport: -1,
        dport: -1,
        ttl: h.ttl,
        interfaceId,
        overlapReported: false,
        pieces: [],
      };
      this.pending.set(key, d);
    }
    d.lastTs = ts;
    if (d.frames.length < MAX_FRAMES_LISTED) d.frames.push(frameIndex);
    const captured = frameData.subarray(h.payloadOffset, h.payloadEnd);

    for (const p of d.pieces) {
      if (start < p.end && end > p.start) {
        if (start === p.start && end === p.end && sameBytes(p.data, captured)) {
          // The same fragment twice (capture on several interfaces, or a retransmission at L2).
          this.stats.duplicates++;
          return null;
        }
        if (!d.overlapReported) {
          // Overlaps are never legitimate for a sender; the first bytes received are kept.
          d.overlapReported = true;
          this.stats.overlaps++;
          this.onProblem({ problem: 'overlap', datagram: d });
        }
      }
    }
    if (!h.moreFragments) {
      if (d.total !== -1 && d.total !== end) {
        if (!d.overlapReported) {
          d.overlapReported = true;
          this.stats.overlaps++;
          this.onProblem({ problem: 'overlap', datagram: d });
        }
      }
      if (d.total === -1) d.total = end;
    }
    if (start === 0 && captured.length >= 4) {
      d.sport = ((captured[0] as number) << 8) | (captured[1] as number);
      d.dport = ((captured[2] as number) << 8) | (captured[3] as number);
      d.ttl = h.ttl;
    }
    d.pieces.push({ start, end, data: captured.slice() });
    d.received += declaredLen;
    this.bytes += captured.length;
    if (d.pieces.length > MAX_PIECES) {
      this.giveUp(key, d);
      return null;
    }

    const done = this.tryAssemble(key, d);
    if (done) return done;
    this.enforceBounds();
    return null;
  }

  private tryAssemble(key: string, d: PendingDatagram): ReassembledDatagram | null {
    if (d.total < 0) return null;
    const sorted = d.pieces.slice().sort((a, b) => a.start - b.start);
    let covered = 0;
    for (const p of sorted) {
      if (p.start > covered) return null; // a hole
      if (p.end > covered) covered = p.end;
    }
    if (covered < d.total) return null;
    const buf = new Uint8Array(d.total);
    // Copy newest first so the first-received bytes win where pieces overlap.
    for (let i = d.pieces.length - 1; i >= 0; i--) {
      const p = d.pieces[i] as Piece;
      const n = Math.min(p.data.length, d.total - p.start);
      if (n > 0) buf.set(p.data.subarray(0, n), p.start);
    }
    this.remove(key, d);
    this.stats.reassembled++;
    return { datagram: d, payload: buf };
  }

  private remove(key: string, d: PendingDatagram): void {
    this.pending.delete(key);
    for (const p of d.pieces) this.bytes -= p.data.length;
  }

  private giveUp(key: string, d: PendingDatagram): void {
    this.remove(key, d);
    this.stats.incomplete++;
    this.onProblem({ problem: 'incomplete', datagram: d });
  }

  private enforceBounds(): void {
    while (this.pending.size > this.maxDatagrams || (this.bytes > this.maxBytes && this.pending.size > 0)) {
      const first = this.pending.entries().next().value as [string, PendingDatagram];
      this.stats.evicted++;
      this.giveUp(first[0], first[1]);
    }
  }

  /** Gives up datagrams whose first fragment is older than the timeout at packet time `now`. */
  expire(now: number): void {
    if (this.pending.size === 0) return;
    for (const [key, d] of this.pending) {
      // Map order is arrival order of the first fragment: stop at the first young one.
      if (now - d.firstTs <= this.timeout) break;
      this.giveUp(key, d);
    }
  }

  /** End of capture: everything still pending is incomplete. */
  flush(): void {
    for (const [key, d] of this.pending) this.giveUp(key, d);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
