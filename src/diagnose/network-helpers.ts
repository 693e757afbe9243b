/** Questions the network rules (issue 22) ask about a client record. */
import type { AttemptRecord, ClientRecord, ReplyRecord } from '../exchange/types.js';
import { ZERO_IP } from '../exchange/classify.js';
import { offeredBootFile } from '../exchange/tracker.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Where the attempt's boot reply tells the client to fetch its boot file: siaddr, else an IPv4 option 66, else the 4011 server. */
export function offeredTftpServer(a: AttemptRecord): { server: string; via: 'siaddr' | 'option 66' | '4011 answer'; reply: ReplyRecord } | undefined {
  const r = offeredBootFile(a);
  if (!r) return undefined;
  if (r.siaddr !== ZERO_IP) return { server: r.siaddr, via: 'siaddr', reply: r };
  if (r.tftpServerName && IPV4.test(r.tftpServerName)) return { server: r.tftpServerName, via: 'option 66', reply: r };
  if (r.from4011) return { server: r.src, via: '4011 answer', reply: r };
  return undefined;
}

/** Every DISCOVER transmission of an attempt (first sends and retransmissions), in time order. */
export function discoverTimes(a: AttemptRecord): { ts: number; frame: number }[] {
  const out: { ts: number; frame: number }[] = [];
  for (const d of a.discovers) {
    out.push({ ts: d.ts, frame: d.frame });
    d.repeatTimes.forEach((t, i) => out.push({ ts: t, frame: d.repeatFrames[i]! }));
  }
  out.sort((x, y) => x.ts - y.ts);
  // The same DISCOVER seen twice within a moment (two capture points written as one) is one send.
  return out.filter((s, i) => i === 0 || s.ts - out[i - 1]!.ts > 0.2);
}

/** The client's REQUESTs (type 3) in an attempt. */
export function requestsOf(a: AttemptRecord): number {
  return a.requests.filter((r) => r.messageType === 3).length;
}

/** The record's transfers in all attempts and outside them. */
export function anyTransfer(c: ClientRecord): boolean {
  return c.attempts.some((a) => a.transfers.length > 0) || c.orphanTransfers.length > 0;
}

/**
 * Replies a DHCP server sent to OTHER clients while this client's DISCOVERs went unanswered (from
 * `from` to `to`, with a margin): the server is up and serving this segment, just not this client.
 */
export function repliesToOthers(c: ClientRecord, from: number, to: number): { server: string; frames: number[]; macs: number }[] {
  const out: { server: string; frames: number[]; macs: number }[] = [];
  for (const [server, list] of c.dhcpServers?.replies ?? []) {
    const others = list.filter((r) => r.mac !== c.mac && (r.type === 2 || r.type === 5) && r.ts >= from - 30 && r.ts <= to + 30);
    if (others.length === 0) continue;
    out.push({ server, frames: others.slice(0, 4).map((r) => r.frame), macs: new Set(others.map((r) => r.mac)).size });
  }
  return out;
}
