/**
 * TFTP conversation tracking, as Wireshark does it (RFC 1350 section 4: the server answers from a
 * new transfer port, TID). An RRQ/WRQ to port 69 opens a conversation keyed on the client's
 * address and port with a wildcard server port; the server's first reply from a new port binds it.
 * Later DATA/ACK/ERROR/OACK between exactly those endpoints are TFTP although neither port is 69.
 *
 * Hot path: `match()` is called for every UDP frame not on a well-known port. Keys are numbers
 * (address * 65536 + port), so a lookup allocates nothing. The table is bounded and expires on
 * packet time.
 */

interface Conversation {
  client: number;
  clientPort: number;
  server: number;
  /** 0 until the server's first reply binds its transfer port. */
  serverPort: number;
  lastTs: number;
}

export interface ConversationOptions {
  /** Idle seconds (packet time) after which a conversation is forgotten. */
  idleTimeout?: number;
  maxConversations?: number;
}

export class TftpConversations {
  readonly idleTimeout: number;
  readonly maxConversations: number;
  private readonly byClient = new Map<number, Conversation>();
  private lastSweep = -Infinity;
  opened = 0;
  evicted = 0;

  constructor(opts: ConversationOptions = {}) {
    this.idleTimeout = opts.idleTimeout ?? 120;
    this.maxConversations = opts.maxConversations ?? 4096;
  }

  get size(): number {
    return this.byClient.size;
  }

  /** An RRQ/WRQ from client:clientPort to server:69 was seen. */
  open(client: number, clientPort: number, server: number, ts: number): void {
    const key = client * 65536 + clientPort;
    // Re-insert so Map order stays oldest-first for eviction.
    this.byClient.delete(key);
    this.byClient.set(key, { client, clientPort, server, serverPort: 0, lastTs: ts });
    this.opened++;
    while (this.byClient.size > this.maxConversations) {
      const oldest = this.byClient.keys().next().value as number;
      this.byClient.delete(oldest);
      this.evicted++;
    }
  }

  /**
   * True when src:sport -> dst:dport belongs to a known conversation (binding the server port on
   * the server's first reply). Allocation-free when there is no match.
   */
  match(src: number, sport: number, dst: number, dport: number, ts: number): boolean {
    if (this.byClient.size === 0) return false;
    if (ts - this.lastSweep > 10) this.sweep(ts);
    // Server -> client.
    let c = this.byClient.get(dst * 65536 + dport);
    if (c !== undefined && c.server === src && (c.serverPort === 0 || c.serverPort === sport)) {
      if (c.serverPort === 0) c.serverPort = sport;
      c.lastTs = ts;
      return true;
    }
    // Client -> server (ACKs), only once the server port is bound.
    c = this.byClient.get(src * 65536 + sport);
    if (c !== undefined && c.server === dst && c.serverPort === dport) {
      c.lastTs = ts;
      return true;
    }
    return false;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, c] of this.byClient) {
      if (now - c.lastTs > this.idleTimeout) this.byClient.delete(key);
    }
  }
}
