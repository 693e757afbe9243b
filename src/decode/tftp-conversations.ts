/**
 * TFTP conversation tracking, as Wireshark does it (RFC 1350 section 4: the server answers from a
 * new transfer port, TID). An RRQ/WRQ to port 69 opens a conversation keyed on the client's
 * address and port with a wildcard server port; the server's first reply from a new port binds it.
 * Later DATA/ACK/ERROR/OACK between exactly those endpoints are TFTP although neither port is 69.
 *
 * A client endpoint keeps several bound server ports. EDK2 (UEFI PXE) retries an unanswered RRQ
 * from the SAME source port, and each retry makes the server open another transfer port; the
 * server keeps retransmitting its OACK/DATA from the older ports too (tftp-hpa: until its own
 * timeout). Wireshark keeps one conversation per server port and recognises all of them, so a new
 * RRQ must add a wildcard, not replace the ports already bound (lab capture
 * fail-tftp-replies-blocked.both-sides.pcapng frames 39, 44, 51, ...).
 *
 * Hot path: `match()` is called for every UDP frame not on a well-known port, i.e. for every
 * DATA and ACK of every transfer. It indexes an array by the 16-bit client port and compares the
 * address in the (nearly always one-element) list there: no Map lookup on a 48-bit key, which
 * would be a heap number per lookup. The Map, keyed on address * 65536 + port, only keeps the
 * endpoints in least-recently-opened order for eviction and sweeps. The table is bounded
 * (endpoints, and ports per endpoint) and expires on packet time.
 */

/** One server transfer port bound to (or, with port 0, awaited by) a client endpoint. */
interface ServerPort {
  server: number;
  /** 0 while awaiting the server's first reply to an RRQ/WRQ (the wildcard). */
  port: number;
  lastTs: number;
}

interface ClientEndpoint {
  address: number;
  port: number;
  /** Oldest first; at most `maxPortsPerClient` entries. */
  ports: ServerPort[];
  lastTs: number;
}

export interface ConversationOptions {
  /** Idle seconds (packet time) after which a conversation is forgotten. */
  idleTimeout?: number;
  /** Client endpoints (address and port) tracked at once. */
  maxConversations?: number;
  /** Server ports (bound or awaited) kept per client endpoint; the least recently used goes first. */
  maxPortsPerClient?: number;
}

/** The two ends of a UDP datagram (addresses as numbers), as matchQuery() reads them. */
export interface ConversationQuery {
  src: number;
  sport: number;
  dst: number;
  dport: number;
}

export class TftpConversations {
  readonly idleTimeout: number;
  readonly maxConversations: number;
  readonly maxPortsPerClient: number;
  private readonly byClient = new Map<number, ClientEndpoint>();
  /** Client endpoints by client port: what match() looks in. */
  private readonly byPort: (ClientEndpoint[] | undefined)[] = new Array<ClientEndpoint[] | undefined>(65536);
  private lastSweep = -Infinity;
  /** match()'s arguments as matchQuery() takes them (reused). */
  private readonly query: ConversationQuery = { src: 0, sport: 0, dst: 0, dport: 0 };
  private readonly clock = new Float64Array(1);
  /** RRQ/WRQs that opened (or re-armed) a conversation. */
  opened = 0;
  /** Client endpoints dropped because the table was full. */
  evicted = 0;

  constructor(opts: ConversationOptions = {}) {
    this.idleTimeout = opts.idleTimeout ?? 120;
    this.maxConversations = opts.maxConversations ?? 4096;
    // EDK2 retries 4-6 times per boot attempt; 8 keeps every port of one attempt.
    this.maxPortsPerClient = opts.maxPortsPerClient ?? 8;
  }

  /** Client endpoints tracked. */
  get size(): number {
    return this.byClient.size;
  }

  /** Server ports bound or awaited for client:clientPort (for tests and stats). */
  portsOf(client: number, clientPort: number): { server: number; port: number }[] {
    return (this.endpoint(client, clientPort)?.ports ?? []).map((p) => ({ server: p.server, port: p.port }));
  }

  /** An RRQ/WRQ from client:clientPort to server:69 was seen. */
  open(client: number, clientPort: number, server: number, ts: number): void {
    const key = client * 65536 + clientPort;
    let c = this.byClient.get(key);
    // Re-insert so Map order stays least-recently-opened first for eviction.
    if (c !== undefined) this.byClient.delete(key);
    else {
      c = { address: client, port: clientPort, ports: [], lastTs: ts };
      const list = this.byPort[clientPort];
      if (list === undefined) this.byPort[clientPort] = [c];
      else list.push(c);
    }
    this.byClient.set(key, c);
    c.lastTs = ts;
    this.opened++;
    // Every request waits for its own reply: a forking server (tftpd-hpa) answers a retransmitted
    // RRQ from a second transfer port, and that conversation is TFTP too (Wireshark shows both).
    // The same request captured twice within a moment (two interfaces) re-arms the waiting one.
    const waiting = c.ports.findIndex((p) => p.server === server && p.port === 0 && ts - p.lastTs < 0.05);
    if (waiting >= 0) c.ports.splice(waiting, 1);
    c.ports.push({ server, port: 0, lastTs: ts });
    if (c.ports.length > this.maxPortsPerClient) c.ports.splice(leastRecentlyUsed(c.ports), 1);
    while (this.byClient.size > this.maxConversations) {
      const oldest = this.byClient.keys().next().value as number;
      this.forget(oldest);
      this.evicted++;
    }
  }

  /**
   * True when src:sport -> dst:dport belongs to a known conversation (binding an awaited server
   * port on the server's first reply from it). Allocation-free.
   */
  match(src: number, sport: number, dst: number, dport: number, ts: number): boolean {
    const q = this.query;
    q.src = src;
    q.sport = sport;
    q.dst = dst;
    q.dport = dport;
    this.clock[0] = ts;
    return this.matchQuery(q, this.clock);
  }

  /**
   * match() for the reader's pre-filter, called for every UDP datagram of the capture not on a
   * well-known port: the addresses (IPv4 values above 2^31 are not small integers) and the time
   * come in objects, not as number arguments, for which V8 would make a heap number per call.
   * `clock[0]` is the packet's time.
   */
  matchQuery(q: ConversationQuery, clock: Float64Array): boolean {
    if (this.byClient.size === 0) return false;
    const ts = clock[0] as number;
    // Idle ends are found within 30 s of packet time: precision the 120 s timeout does not need, and a
    // sweep walks every endpoint.
    if (ts - this.lastSweep > 30) this.sweep(ts);
    const src = q.src;
    const sport = q.sport;
    const dst = q.dst;
    const dport = q.dport;
    // Server -> client: a port already bound, else the first reply binds the awaited wildcard.
    let c = this.endpoint(dst, dport);
    if (c !== undefined) {
      let wildcard: ServerPort | undefined;
      for (const p of c.ports) {
        if (p.server !== src) continue;
        if (p.port === sport) {
          p.lastTs = ts;
          c.lastTs = ts;
          return true;
        }
        if (p.port === 0 && wildcard === undefined) wildcard = p;
      }
      if (wildcard !== undefined) {
        wildcard.port = sport;
        wildcard.lastTs = ts;
        c.lastTs = ts;
        return true;
      }
    }
    // Client -> server (ACKs, ERRORs), only to a bound server port.
    c = this.endpoint(src, sport);
    if (c !== undefined) {
      for (const p of c.ports) {
        if (p.server === dst && p.port === dport && p.port !== 0) {
          p.lastTs = ts;
          c.lastTs = ts;
          return true;
        }
      }
    }
    return false;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, c] of this.byClient) {
      if (now - c.lastTs > this.idleTimeout) {
        this.forget(key);
        continue;
      }
      // An endpoint still in use can hold ports whose transfer ended long ago.
      for (let i = c.ports.length - 1; i >= 0; i--) if (now - (c.ports[i] as ServerPort).lastTs > this.idleTimeout) c.ports.splice(i, 1);
      if (c.ports.length === 0) this.forget(key);
    }
  }

  private endpoint(address: number, port: number): ClientEndpoint | undefined {
    const list = this.byPort[port];
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as ClientEndpoint;
      if (c.address === address) return c;
    }
    return undefined;
  }

  /** Drops a client endpoint (key = address * 65536 + port). */
  private forget(key: number): void {
    const c = this.byClient.get(key);
    if (c === undefined) return;
    this.byClient.delete(key);
    const list = this.byPort[c.port] as ClientEndpoint[];
    const i = list.indexOf(c);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byPort[c.port] = undefined;
  }
}

function leastRecentlyUsed(ports: ServerPort[]): number {
  let oldest = 0;
  for (let i = 1; i < ports.length; i++) if ((ports[i] as ServerPort).lastTs < (ports[oldest] as ServerPort).lastTs) oldest = i;
  return oldest;
}
