/**
 * The tracker's TFTP lookup: which transfer a DATA/ACK/ERROR/OACK belongs to.
 *
 * Every DATA and ACK of every transfer is looked up here, so it is built for that: by client port
 * (an array index), then by the address as a number, never by a string made per packet. An
 * address's number is its IPv4 value, or for anything else 2^32 plus a 32-bit hash of its text; a
 * hash can collide, so a hit is confirmed on the address string. The numbers are cached per
 * address string (the dissector hands out one string per address, whose hash V8 keeps).
 */
import type { TransferRecord } from './types.js';

/** Address strings remembered at once; the cache is a pure speed-up, cleared when full. */
const MAX_CACHED_ADDRESSES = 65_536;

/** Everything known about one client address:port. */
interface Endpoint {
  /** addressNumber(text): exact for IPv4. */
  address: number;
  text: string;
  port: number;
  /** The newest transfer (the one the latest RRQ from this endpoint started), while it owns the endpoint. */
  newest: TransferRecord | undefined;
  /**
   * Transfers whose server port is known. A client that reuses its port for a new RRQ (EDK2
   * retries do) still receives late packets from the server port of the earlier transfer; they
   * must be credited to that transfer, not the newest one.
   */
  bound: TransferRecord[];
}

export class TransferIndex {
  private readonly addressNumbers = new Map<string, number>();
  /**
   * Endpoints by client port, then address: the lookup per DATA/ACK indexes an array by the port
   * and compares numbers in a list of (nearly always) one, instead of hashing a 48-bit Map key.
   */
  private readonly byPort: (Endpoint[] | undefined)[] = new Array<Endpoint[] | undefined>(65536);
  /** Every endpoint, for expiry. */
  private readonly all = new Set<Endpoint>();
  /** Endpoints that have a newest transfer, in the order they got it (for endpoints()). */
  private readonly owned = new Set<Endpoint>();

  /** Numeric identity of an address string (its IPv4 value, else 2^32 + a hash). */
  private number(address: string): number {
    let n = this.addressNumbers.get(address);
    if (n === undefined) {
      n = addressNumber(address);
      if (this.addressNumbers.size >= MAX_CACHED_ADDRESSES) this.addressNumbers.clear();
      this.addressNumbers.set(address, n);
    }
    return n;
  }

  /** The newest transfer of client address:port. */
  endpoint(address: string, port: number): TransferRecord | undefined {
    return this.find(address, port)?.newest;
  }

  /** The transfer between client address:port and the server's bound `serverPort`. */
  bound(address: string, port: number, serverPort: number): TransferRecord | undefined {
    const e = this.find(address, port);
    return e === undefined ? undefined : boundOn(e, serverPort);
  }

  /**
   * bound() for an IPv4 datagram read in place (its addresses as 32-bit values, which are exact, so
   * no string is needed to confirm the hit): the transfer whose client is its destination
   * (`toClient`, a DATA from the server) or its source (an ACK). The datagram comes as an object:
   * an address above 2^31 passed as a number argument would be a new heap number per packet.
   */
  boundTo(d: { src: number; sport: number; dst: number; dport: number }, toClient: boolean): TransferRecord | undefined {
    const address = toClient ? d.dst : d.src;
    const list = this.byPort[toClient ? d.dport : d.sport];
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as Endpoint;
      if (e.address === address) return boundOn(e, toClient ? d.sport : d.dport);
    }
    return undefined;
  }

  /** `t` is now the newest transfer of its client endpoint. */
  setEndpoint(t: TransferRecord): void {
    const e = this.findOrAdd(t);
    e.newest = t;
    this.owned.add(e);
  }

  /** `t` no longer owns its client endpoint (only if it still does: a newer RRQ may). */
  releaseEndpoint(t: TransferRecord): void {
    const e = this.find(t.client, t.clientPort);
    if (e === undefined || e.newest !== t) return;
    this.disown(e);
    this.dropIfEmpty(e);
  }

  /** The server answered `t` from its (now set) serverPort. */
  bind(t: TransferRecord): void {
    const list = this.findOrAdd(t).bound;
    // One transfer per server port: a newer one on the same ports replaces the old.
    for (let i = 0; i < list.length; i++) {
      if ((list[i] as TransferRecord).serverPort === t.serverPort) {
        list[i] = t;
        return;
      }
    }
    list.push(t);
  }

  /** Forgets everything of `t` (its client was handed over). */
  drop(t: TransferRecord): void {
    const e = this.find(t.client, t.clientPort);
    if (e === undefined) return;
    if (e.newest === t) this.disown(e);
    const i = e.bound.indexOf(t);
    if (i >= 0) e.bound.splice(i, 1);
    this.dropIfEmpty(e);
  }

  /** Forgets transfers idle for more than `idle` seconds before `now`. */
  expire(now: number, idle: number): void {
    for (const e of this.all) {
      if (e.newest !== undefined && now - e.newest.lastTs > idle) this.disown(e);
      const bound = e.bound;
      let kept = 0;
      for (let i = 0; i < bound.length; i++) {
        const t = bound[i] as TransferRecord;
        if (now - t.lastTs <= idle) bound[kept++] = t;
      }
      // Setting an array's length is a call into V8's runtime even when nothing changes: only on a change.
      if (kept !== bound.length) bound.length = kept;
      this.dropIfEmpty(e);
    }
  }

  clear(): void {
    for (const e of this.all) this.byPort[e.port] = undefined;
    this.all.clear();
    this.owned.clear();
  }

  /** The newest transfer of every client endpoint (for rare searches, e.g. lost fragments). */
  *endpoints(): IterableIterator<TransferRecord> {
    for (const e of this.owned) if (e.newest !== undefined) yield e.newest;
  }

  private find(text: string, port: number): Endpoint | undefined {
    const list = this.byPort[port];
    if (list === undefined) return undefined;
    const n = this.number(text);
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as Endpoint;
      // The text confirms a hashed (non-IPv4) number.
      if (e.address === n && e.text === text) return e;
    }
    return undefined;
  }

  private findOrAdd(t: TransferRecord): Endpoint {
    const found = this.find(t.client, t.clientPort);
    if (found !== undefined) return found;
    const e: Endpoint = { address: this.number(t.client), text: t.client, port: t.clientPort, newest: undefined, bound: [] };
    const list = this.byPort[t.clientPort];
    if (list === undefined) this.byPort[t.clientPort] = [e];
    else list.push(e);
    this.all.add(e);
    return e;
  }

  private disown(e: Endpoint): void {
    e.newest = undefined;
    this.owned.delete(e);
  }

  private dropIfEmpty(e: Endpoint): void {
    if (e.newest !== undefined || e.bound.length > 0) return;
    this.all.delete(e);
    const list = this.byPort[e.port] as Endpoint[];
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byPort[e.port] = undefined;
  }
}

function boundOn(e: Endpoint, serverPort: number): TransferRecord | undefined {
  for (let i = e.bound.length - 1; i >= 0; i--) {
    const t = e.bound[i] as TransferRecord;
    if (t.serverPort === serverPort) return t;
  }
  return undefined;
}

/** IPv4 text -> its 32-bit value; anything else -> 2^32 + FNV-1a of the text (never equal to an IPv4 value). */
function addressNumber(address: string): number {
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
