import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, isEdk2PxeClient, pxeAttempts } from '../helpers.js';
import { offeredTftpServer } from '../network-helpers.js';

/**
 * The client was told to fetch its boot file from an address where no host answers ARP (host down,
 * a wrong next-server, a host in another VLAN): it asks "who has <server>?" again and again and
 * never sends a single RRQ, so no TFTP rule can see anything (lab capture fail-next-server-no-host).
 */
export const bootServerNoArpRule: Rule = {
  id: 'boot-server-no-arp',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E32 (EDK2: PXE-E18; iPXE "Connection timed out")',
    summary: 'the client ARPs three times or more for the TFTP server its reply named (siaddr, option 66, 4011 server), no ARP reply and no reply from that host at all: host down, wrong next-server, another VLAN',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const asked = c.network?.arpAsked ?? [];
    if (asked.length === 0) return [];
    for (const a of [...pxeAttempts(c)].reverse()) {
      const target = offeredTftpServer(a);
      if (!target) continue;
      const ask = asked.find((x) => x.ip === target.server && x.replyFrame === undefined && x.firstTs >= a.firstTs);
      // One unanswered request proves little (the capture may have ended); firmware repeats it.
      if (!ask || ask.count < 3) continue;
      // Replies from that server are in the capture after all: not an ARP problem.
      const answered = allTransfers(c).some((t) => t.server === target.server && (t.firstReplyFrame !== undefined || t.icmpFrames.length > 0));
      if (answered) continue;
      const rrqs = allTransfers(c).filter((t) => t.server === target.server).length;
      return [
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [target.reply.frame, ...ask.frames.slice(0, 8)],
          firmwareMessage: a.ipxe ? 'Connection timed out (http://ipxe.org/4c126035)' : isEdk2PxeClient(c) ? 'PXE-E18' : 'PXE-E32',
          title: `Boot server ${target.server} does not answer ARP: ${ask.count} ARP requests from the client, no reply${rrqs === 0 ? ', no TFTP request ever sent' : ''}`,
          cause: `The ${target.via} of the reply in frame ${target.reply.frame} sends the client to ${target.server} for its boot file. Before the first RRQ the client must learn that address's MAC: it asked ${ask.count} times over ${(ask.lastTs - ask.firstTs).toFixed(1)} s ("who has ${target.server}?") and no host answered. Nothing at ${target.server} is on the client's segment: the host is down or unplugged, next-server / option 66 names the wrong address, or the server is in another VLAN (a host on another subnet is reached through the router, which needs option 3 and a next-server outside the client's subnet).`,
          fix: `Check that ${target.server} is up and in the client's VLAN (ping it from a host on the client's segment), or point next-server / option 66 at the real TFTP server.`,
          ts: ask.firstTs,
        }),
      ];
    }
    return [];
  },
};
