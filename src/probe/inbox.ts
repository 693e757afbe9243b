/**
 * Replies waiting to be consumed by the probe's steps. The socket listener decides what is ours
 * (DHCP replies with one of our xids and our chaddr, anything on one of our TFTP ports), records
 * it, and queues it here; a step takes the first packet its predicate accepts, or gives up at a
 * deadline. Anything no step wants is dropped when the next architecture starts.
 */
import { decodeDhcp } from '../decode/dhcp/codec.js';
import type { ProbePacket, SocketRole } from './net.js';
import { BootpOp } from '../decode/dhcp/constants.js';

interface Waiter {
  match: (p: ProbePacket) => boolean;
  resolve: (p: ProbePacket | undefined) => void;
  timer: NodeJS.Timeout;
}

export class Inbox {
  private readonly queue: ProbePacket[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly xids = new Set<number>();
  private readonly tftpPorts = new Set<number>();
  private mac = '';

  /** A new client (next architecture): earlier xids and unclaimed replies are no longer ours. */
  reset(mac: string): void {
    this.mac = mac;
    this.xids.clear();
    this.queue.length = 0;
  }

  /** DHCP replies for the current chaddr with this xid are ours from now on. */
  expect(xid: number): void {
    this.xids.add(xid);
  }

  watchTftpPort(port: number): void {
    this.tftpPorts.add(port);
  }

  unwatchTftpPort(port: number): void {
    this.tftpPorts.delete(port);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.dst.port === port) this.queue.splice(i, 1);
  }

  /** Is this received datagram ours? (Only those are recorded and analyzed.) */
  claims(p: ProbePacket, role: SocketRole): boolean {
    if (role === 'tftp') return this.tftpPorts.has(p.dst.port);
    const m = decodeDhcp(p.payload);
    return m.op === BootpOp.Reply && this.xids.has(m.xid) && m.chaddr === this.mac;
  }

  push(p: ProbePacket): void {
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i]!;
      if (w.match(p)) {
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(p);
        return;
      }
    }
    if (this.queue.length < 10_000) this.queue.push(p);
  }

  /** The first queued or arriving packet `match` accepts, or undefined at `deadline` (ms since the epoch). */
  take(match: (p: ProbePacket) => boolean, deadline: number): Promise<ProbePacket | undefined> {
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    return new Promise((resolve) => {
      const w: Waiter = {
        match,
        resolve,
        timer: setTimeout(() => {
          const k = this.waiters.indexOf(w);
          if (k >= 0) this.waiters.splice(k, 1);
          resolve(undefined);
        }, Math.max(0, deadline - Date.now())),
      };
      this.waiters.push(w);
    });
  }
}
