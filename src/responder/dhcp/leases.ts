/**
 * Address pool and lease table for full DHCP mode (RFC 2131 section 4.3).
 * In memory only: `serve` is a lab/diagnostic responder, not a site DHCP server.
 */
import { intToIp, ipToInt } from '../../net/netif.js';

export interface Lease {
  address: string;
  mac: string;
  /** 'offered' holds the address for a DISCOVER until the REQUEST; 'bound' after the ACK. */
  state: 'offered' | 'bound';
  /** ms since the epoch. */
  expires: number;
}

export class LeasePool {
  readonly start: number;
  readonly end: number;
  private readonly byAddress = new Map<string, Lease>();
  private readonly byMac = new Map<string, Lease>();
  /** Declined addresses (another host answers ARP for them): address -> until (ms). */
  private readonly declined = new Map<string, number>();

  /** Excluded addresses (ours, the router, ...). */
  private readonly reserved: Set<string>;
  readonly offerHoldMs: number;
  readonly declineHoldMs: number;
  private readonly now: () => number;

  constructor(start: string, end: string, reserved: Set<string>, offerHoldMs = 60_000, declineHoldMs = 10 * 60_000, now: () => number = Date.now) {
    this.reserved = reserved;
    this.offerHoldMs = offerHoldMs;
    this.declineHoldMs = declineHoldMs;
    this.now = now;
    this.start = ipToInt(start);
    this.end = ipToInt(end);
  }

  get size(): number {
    return this.end - this.start + 1;
  }

  inRange(address: string): boolean {
    const v = ipToInt(address);
    return v >= this.start && v <= this.end;
  }

  private expire(lease: Lease | undefined): Lease | undefined {
    if (lease && lease.expires <= this.now()) {
      this.remove(lease);
      return undefined;
    }
    return lease;
  }

  private remove(lease: Lease): void {
    if (this.byAddress.get(lease.address) === lease) this.byAddress.delete(lease.address);
    if (this.byMac.get(lease.mac) === lease) this.byMac.delete(lease.mac);
  }

  leaseOf(mac: string): Lease | undefined {
    return this.expire(this.byMac.get(mac));
  }

  holder(address: string): Lease | undefined {
    return this.expire(this.byAddress.get(address));
  }

  /** Usable for `mac`: in range, not reserved, not declined, and free or already this client's. */
  available(address: string, mac: string): boolean {
    if (!this.inRange(address) || this.reserved.has(address)) return false;
    const until = this.declined.get(address);
    if (until !== undefined) {
      if (until > this.now()) return false;
      this.declined.delete(address);
    }
    const h = this.holder(address);
    return h === undefined || h.mac === mac;
  }

  /** Pick an address for a DISCOVER: the client's lease, then its requested address, then the first free. */
  choose(mac: string, requested?: string): string | undefined {
    const own = this.leaseOf(mac);
    if (own) return own.address;
    if (requested !== undefined && this.available(requested, mac)) return requested;
    for (let v = this.start; v <= this.end; v++) {
      const a = intToIp(v);
      if (this.available(a, mac)) return a;
    }
    return undefined;
  }

  private set(address: string, mac: string, state: Lease['state'], ms: number): Lease {
    const old = this.byMac.get(mac);
    if (old && old.address !== address) this.remove(old);
    const lease: Lease = { address, mac, state, expires: this.now() + ms };
    this.byAddress.set(address, lease);
    this.byMac.set(mac, lease);
    return lease;
  }

  offer(address: string, mac: string): Lease {
    const own = this.leaseOf(mac);
    // Re-offering a bound lease must not shorten it.
    if (own && own.address === address && own.state === 'bound') return own;
    return this.set(address, mac, 'offered', this.offerHoldMs);
  }

  bind(address: string, mac: string, leaseSeconds: number): Lease {
    return this.set(address, mac, 'bound', leaseSeconds * 1000);
  }

  /** DHCPRELEASE: free the lease if it is this client's. */
  release(address: string, mac: string): boolean {
    const h = this.holder(address);
    if (!h || h.mac !== mac) return false;
    this.remove(h);
    return true;
  }

  /** DHCPDECLINE: the client found the address in use; keep it out of the pool for a while. */
  decline(address: string, mac: string): void {
    const h = this.holder(address);
    if (h && h.mac === mac) this.remove(h);
    if (this.inRange(address)) this.declined.set(address, this.now() + this.declineHoldMs);
  }

  /** Client chose another server's offer: drop our pending offer. */
  withdrawOffer(mac: string): void {
    const own = this.leaseOf(mac);
    if (own && own.state === 'offered') this.remove(own);
  }

  list(): Lease[] {
    return [...this.byMac.values()].filter((l) => this.expire(l) !== undefined);
  }
}
