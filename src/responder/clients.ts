/**
 * What `serve` remembers per client, bounded: a table of at most `cap` clients ordered by last
 * activity (least recently active first). When a new client would exceed the cap, the least
 * recently active one is dropped and counted by the outcome it had; so a flood of random MACs
 * (a misbehaving switch, a boot storm, a hostile host) costs a fixed amount of memory, and the
 * closing summary still says how many clients ended how. See docs/serve.md, "Bounded state".
 */

export interface ClientSummary {
  /** MAC, or the IP address when only TFTP/HTTP was seen from it. */
  id: string;
  mac?: string;
  ip?: string;
  arch?: number;
  ipxe: boolean;
  offers: number;
  bootAcks: number;
  acks: number;
  naks: number;
  /** Requests not answered (policy, no boot file, --delay still running is not counted). */
  ignored: number;
  transfersComplete: number;
  transfersFailed: number;
  /** TFTP requests refused (file not found, access violation) and HTTP 4xx/5xx answers. */
  refused: number;
  bytes: number;
  files: string[];
  lastEvent: string;
  /** Set once: the client's claimed architecture is contradicted (vendor class or behaviour). */
  archMismatch?: string;
  /** The banned GUID this client sent (logged once). */
  bannedGuid?: string;
}

/** How a client ended, problems first (the order of the closing summary). */
export const OUTCOMES = ['failed', 'refused', 'not answered', 'answered, no download', 'downloaded'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function outcomeOf(c: ClientSummary): Outcome {
  if (c.transfersFailed > 0 && c.transfersComplete === 0) return 'failed';
  if (c.naks > 0 && c.acks === 0 && c.transfersComplete === 0) return 'failed';
  if (c.refused > 0 && c.transfersComplete === 0) return 'refused';
  if (c.transfersComplete > 0) return 'downloaded';
  if (c.offers > 0 || c.bootAcks > 0 || c.acks > 0) return 'answered, no download';
  return 'not answered';
}

export function newClient(id: string): ClientSummary {
  return { id, ipxe: false, offers: 0, bootAcks: 0, acks: 0, naks: 0, ignored: 0, transfersComplete: 0, transfersFailed: 0, refused: 0, bytes: 0, files: [], lastEvent: '' };
}

/** A Map kept in least-recently-used order (Map iterates in insertion order: a touch re-inserts). */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  readonly cap: number;
  private readonly onEvict: ((key: K, value: V) => void) | undefined;

  constructor(cap: number, onEvict?: (key: K, value: V) => void) {
    this.cap = Math.max(1, Math.floor(cap));
    this.onEvict = onEvict;
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, without changing its place. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** The value, moved to the most recently used end. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.cap) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      const k = oldest.value;
      const v = this.map.get(k) as V;
      this.map.delete(k);
      this.onEvict?.(k, v);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}

export interface TableSummary {
  /** Clients in the table (at most the cap), problem outcomes first, then by first appearance. */
  clients: ClientSummary[];
  /** Per outcome: clients in the table plus clients dropped from it with that outcome. */
  counts: Record<Outcome, number>;
  /** Clients dropped from the table (least recently active) to stay within the cap. */
  dropped: number;
  cap: number;
}

/**
 * Two tiers, each an LRU of at most `cap` clients: newcomers (seen asking, e.g. one DISCOVER) and
 * clients that went further (a REQUEST with an address, 4011, TFTP, HTTP): `promote` moves a client
 * up. A flood of one-off DISCOVERs from random MACs only churns the newcomers, so it cannot push
 * a real client in the middle of its boot out of the table.
 */
export class ClientTable {
  private readonly newcomers: LruMap<string, ClientSummary>;
  private readonly active: LruMap<string, ClientSummary>;
  private readonly droppedBy: Record<Outcome, number> = { failed: 0, refused: 0, 'not answered': 0, 'answered, no download': 0, downloaded: 0 };
  private droppedTotal = 0;

  constructor(cap: number) {
    const onEvict = (_k: string, c: ClientSummary): void => {
      this.droppedBy[outcomeOf(c)]++;
      this.droppedTotal++;
    };
    this.newcomers = new LruMap(cap, onEvict);
    this.active = new LruMap(cap, onEvict);
  }

  get cap(): number {
    return this.newcomers.cap;
  }

  /** Clients dropped so far to stay within the cap. */
  get dropped(): number {
    return this.droppedTotal;
  }

  get size(): number {
    return this.newcomers.size + this.active.size;
  }

  /** The client, marked as just active. */
  touch(id: string): ClientSummary | undefined {
    return this.active.get(id) ?? this.newcomers.get(id);
  }

  peek(id: string): ClientSummary | undefined {
    return this.active.peek(id) ?? this.newcomers.peek(id);
  }

  /** A new client: a newcomer, or straight into the active tier (e.g. first seen by TFTP). */
  add(c: ClientSummary, active = false): void {
    (active ? this.active : this.newcomers).set(c.id, c);
  }

  /** Whether the client went further than asking (it is in the active tier). */
  isActive(id: string): boolean {
    return this.active.peek(id) !== undefined;
  }

  /** The client went further than asking: keep it in the active tier. */
  promote(id: string): void {
    const c = this.newcomers.peek(id);
    if (c === undefined) return;
    this.newcomers.delete(id);
    this.active.set(id, c);
  }

  delete(id: string): void {
    if (!this.active.delete(id)) this.newcomers.delete(id);
  }

  summary(): TableSummary {
    const counts: Record<Outcome, number> = { ...this.droppedBy };
    const rank = new Map<ClientSummary, number>();
    const active = [...this.active.values()];
    const newcomers = [...this.newcomers.values()];
    for (const c of [...active, ...newcomers]) {
      const o = outcomeOf(c);
      counts[o]++;
      rank.set(c, OUTCOMES.indexOf(o));
    }
    // Clients that went further first (under a flood they are the few that matter), then the
    // newcomers; within each, problem outcomes first (stable: least recently active first).
    const byRank = (a: ClientSummary, b: ClientSummary): number => (rank.get(a) as number) - (rank.get(b) as number);
    const clients = [...active.sort(byRank), ...newcomers.sort(byRank)];
    return { clients, counts, dropped: this.droppedTotal, cap: this.cap };
  }
}
