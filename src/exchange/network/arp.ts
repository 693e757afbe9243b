/**
 * ARP evidence per client (issue 22): which addresses the client asked for and whether anyone
 * answered, and other hosts claiming the client's own address. A client that was told to fetch its
 * boot file from an address where no host answers ARP never sends a TFTP request at all: the
 * unanswered ARP requests are the only trace.
 */
import type { ArpEvent } from '../../decode/events.js';
import { ARP_REPLY, ARP_REQUEST, isArpProbe, isGratuitousArp } from '../../decode/arp.js';
import type { ClientRecord } from '../types.js';
import type { ArpAskRecord, NetworkRecord } from './types.js';

/** Addresses asked per client, frames kept per address: bounded whatever the capture holds. */
const MAX_ASKED = 16;
const MAX_FRAMES = 12;
const MAX_CONFLICTS = 8;

function network(rec: ClientRecord): NetworkRecord {
  rec.network ??= { arpAsked: [], conflicts: [] };
  return rec.network;
}

/**
 * One ARP message. `byMac` finds a client in flight by its MAC, `byIp` the client that holds an
 * address; ARP of hosts that are not clients is not kept.
 */
export function recordArp(ev: ArpEvent, byMac: (mac: string) => ClientRecord | undefined, byIp: (ip: string) => ClientRecord | undefined): void {
  const a = ev.arp;
  const frame = ev.meta.frame;
  const ts = ev.meta.ts;
  if (a.opcode === ARP_REQUEST && !isArpProbe(a) && !isGratuitousArp(a)) {
    const rec = byMac(a.senderMac);
    if (!rec) return;
    const net = network(rec);
    let ask = net.arpAsked.find((x) => x.ip === a.targetIp);
    if (!ask) {
      if (net.arpAsked.length >= MAX_ASKED) return;
      ask = { ip: a.targetIp, firstFrame: frame, firstTs: ts, lastTs: ts, count: 0, frames: [] };
      net.arpAsked = net.arpAsked.concat([ask]);
    }
    ask.count++;
    ask.lastTs = ts;
    if (ask.frames.length < MAX_FRAMES) ask.frames.push(frame);
    return;
  }
  if (a.opcode === ARP_REPLY) {
    const rec = byMac(a.targetMac);
    const ask: ArpAskRecord | undefined = rec?.network?.arpAsked.find((x) => x.ip === a.senderIp);
    if (ask && ask.replyFrame === undefined) {
      ask.replyFrame = frame;
      ask.replyMac = a.senderMac;
    }
  }
  // Another MAC claiming an address a client holds: a reply or an announcement (gratuitous ARP).
  if (a.opcode === ARP_REPLY || isGratuitousArp(a)) {
    const owner = byIp(a.senderIp);
    if (owner && owner.mac !== a.senderMac && !owner.mac.startsWith('ip:')) {
      const net = network(owner);
      if (net.conflicts.length < MAX_CONFLICTS && !net.conflicts.some((c) => c.mac === a.senderMac && c.ip === a.senderIp)) {
        net.conflicts = net.conflicts.concat([{ ip: a.senderIp, mac: a.senderMac, frame, ts }]);
      }
    }
  }
}
