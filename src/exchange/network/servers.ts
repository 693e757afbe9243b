/**
 * What the DHCP servers did for every client of the capture (issue 22), so that one client's
 * silence can be compared with the others': a server that answers other clients but not this one
 * (pool exhausted, a class or policy that excludes it), and one address handed to two MACs.
 * Bounded: the latest replies per server, and the latest owner per address.
 */
import type { DhcpEvent } from '../../decode/events.js';

const MAX_REPLIES_PER_SERVER = 64;
const MAX_ADDRESSES = 4096;
const MAX_SERVERS = 64;
const MAX_DUPLICATES = 64;

export interface ServerReply {
  frame: number;
  ts: number;
  mac: string;
  /** DHCP message type (2 OFFER, 5 ACK, 6 NAK). */
  type: number;
  yiaddr: string;
}

export class DhcpServerLog {
  /** Server (option 54, else source) -> its latest replies, oldest first. */
  readonly replies = new Map<string, ServerReply[]>();
  /** Address -> the MAC of the latest ACK that granted it. */
  readonly owners = new Map<string, { mac: string; frame: number; ts: number }>();
  /** One address ACKed to two MACs in this capture (the earlier owner and the later one). */
  readonly duplicates: { ip: string; server: string; first: { mac: string; frame: number; ts: number }; second: { mac: string; frame: number; ts: number } }[] = [];

  note(ev: DhcpEvent): void {
    const m = ev.dhcp;
    if (m.op !== 2 || ev.meta.sport === 4011 || m.messageType === undefined || !m.chaddr) return;
    const server = m.serverId ?? ev.meta.src;
    let list = this.replies.get(server);
    if (!list) {
      if (this.replies.size >= MAX_SERVERS) return;
      list = [];
      this.replies.set(server, list);
    }
    list.push({ frame: ev.meta.frame, ts: ev.meta.ts, mac: m.chaddr, type: m.messageType, yiaddr: m.yiaddr });
    if (list.length > MAX_REPLIES_PER_SERVER) list.shift();
    if (m.messageType === 5 && m.yiaddr !== '0.0.0.0') {
      const prev = this.owners.get(m.yiaddr);
      if (prev && prev.mac !== m.chaddr && this.duplicates.length < MAX_DUPLICATES) {
        this.duplicates.push({ ip: m.yiaddr, first: prev, second: { mac: m.chaddr, frame: ev.meta.frame, ts: ev.meta.ts }, server });
      }
      this.owners.delete(m.yiaddr);
      this.owners.set(m.yiaddr, { mac: m.chaddr, frame: ev.meta.frame, ts: ev.meta.ts });
      if (this.owners.size > MAX_ADDRESSES) this.owners.delete(this.owners.keys().next().value as string);
    }
  }
}
