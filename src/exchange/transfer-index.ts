/**
 * The tracker's TFTP lookup: which transfer a DATA/ACK/ERROR/OACK belongs to.
 *
 * Every DATA and ACK of every transfer is looked up here, so it is built for that: keys are numbers
 * (address * 65536 + port), not strings made per packet. An address's number is its IPv4 value, or
 * for anything else 2^32 plus a 32-bit hash of its text; a hash can collide, so a hit is confirmed
 * on the transfer's own address string. The numbers are cached per address string (the dissector
 * hands out one string per address, whose hash V8 keeps), and recomputed if the cache is cleared.
 */
import type { TransferRecord } from './types.js';

/** Address strings remembered at once; the cache is a pure speed-up, cleared when full. */
const MAX_CACHED_ADDRESSES = 65_536;

export class TransferIndex {
  private readonly addressNumbers = new Map<string, number>();
  /** The newest transfer per client address:port (the one an RRQ from that endpoint started). */
  private readonly byEndpoint = new Map<number, TransferRecord>();
  /**
   * Transfers whose server port is known, per client address:port. A client that reuses its port
   * for a new RRQ (EDK2 retries do) still receives late packets from the server port of the earlier
   * transfer; they must be credited to that transfer, not the newest one.
   */
  private readonly byBoundEndpoint = new Map<number, TransferRecord[]>();

  /** Numeric key of address:port. */
  key(address: string, port: number): number {
    let n = this.addressNumbers.get(address);
    if (n === undefined) {
      n = addressNumber(address);
      if (this.addressNumbers.size >= MAX_CACHED_ADDRESSES) this.addressNumbers.clear();
      this.addressNumbers.set(address, n);
    }
    return n * 65536 + port;
  }

  /** The newest transfer of client address:port. */
  endpoint(address: string, port: number): TransferRecord | undefined {
    const t = this.byEndpoint.get(this.key(address, port));
    return t !== undefined && t.client === address ? t : undefined;
  }

  /** The transfer between client address:port and the server's bound `serverPort`. */
  bound(address: string, port: number, serverPort: number): TransferRecord | undefined {
    const list = this.byBoundEndpoint.get(this.key(address, port));
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const t = list[i] as TransferRecord;
      if (t.serverPort === serverPort && t.client === address) return t;
    }
    return undefined;
  }

  /**
   * bound() for an IPv4 client given as its 32-bit value (a packet read in place): IPv4 numbers
   * are exact, so no string is needed to confirm the hit.
   */
  boundByNumber(address: number, port: number, serverPort: number): TransferRecord | undefined {
    const list = this.byBoundEndpoint.get(address * 65536 + port);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const t = list[i] as TransferRecord;
      if (t.serverPort === serverPort) return t;
    }
    return undefined;
  }

  /** `t` is now the newest transfer of its client endpoint. */
  setEndpoint(t: TransferRecord): void {
    this.byEndpoint.set(this.key(t.client, t.clientPort), t);
  }

  /** `t` no longer owns its client endpoint (only if it still does: a newer RRQ may). */
  releaseEndpoint(t: TransferRecord): void {
    const k = this.key(t.client, t.clientPort);
    if (this.byEndpoint.get(k) === t) this.byEndpoint.delete(k);
  }

  /** The server answered `t` from its (now set) serverPort. */
  bind(t: TransferRecord): void {
    const k = this.key(t.client, t.clientPort);
    const list = this.byBoundEndpoint.get(k);
    if (list === undefined) {
      this.byBoundEndpoint.set(k, [t]);
      return;
    }
    // One transfer per server port: a newer one on the same ports replaces the old.
    for (let i = 0; i < list.length; i++) {
      const old = list[i] as TransferRecord;
      if (old.serverPort === t.serverPort && old.client === t.client) {
        list[i] = t;
        return;
      }
    }
    list.push(t);
  }

  /** Forgets everything of `t` (its client was handed over). */
  drop(t: TransferRecord): void {
    this.releaseEndpoint(t);
    if (t.serverPort === undefined) return;
    const k = this.key(t.client, t.clientPort);
    const list = this.byBoundEndpoint.get(k);
    if (list === undefined) return;
    const i = list.indexOf(t);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.byBoundEndpoint.delete(k);
  }

  /** Forgets transfers idle for more than `idle` seconds before `now`. */
  expire(now: number, idle: number): void {
    for (const [k, t] of this.byEndpoint) if (now - t.lastTs > idle) this.byEndpoint.delete(k);
    for (const [k, list] of this.byBoundEndpoint) {
      let kept = 0;
      for (const t of list) if (now - t.lastTs <= idle) list[kept++] = t;
      if (kept === 0) this.byBoundEndpoint.delete(k);
      else list.length = kept;
    }
  }

  clear(): void {
    this.byEndpoint.clear();
    this.byBoundEndpoint.clear();
  }

  /** The newest transfer of every client endpoint (for rare searches, e.g. lost fragments). */
  endpoints(): IterableIterator<TransferRecord> {
    return this.byEndpoint.values();
  }
}

/** IPv4 text -> its 32-bit value; anything else -> 2^32 + FNV-1a of the text (never equal to an IPv4 value). */
export function addressNumber(address: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && part <= 255 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return 2 ** 32 + fnv1a(address);
  }
  if (dots !== 3 || digits === 0 || part > 255) return 2 ** 32 + fnv1a(address);
  return value * 256 + part;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
