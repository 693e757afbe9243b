import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, hasBootInfo, isEdk2PxeClient, pxeAttempts } from '../helpers.js';
import { discoverTimes, requestsOf } from '../network-helpers.js';

/**
 * Seen from the server side or a SPAN port: every DISCOVER is answered by an OFFER the client could
 * use, yet the client keeps sending DISCOVERs and never a REQUEST, as if no offer had arrived. The
 * offers are lost between this capture point and the client: DHCP snooping on an untrusted port, a
 * VLAN mismatch, an ACL (lab capture fail-offers-dropped).
 */
export const offersNotReachingClientRule: Rule = {
  id: 'offers-not-reaching-client',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E51 (EDK2: PXE-E18)',
    summary: 'seen from the server side or a SPAN port: an OFFER the client could use after every DISCOVER (3 or more), and never a REQUEST: the offers die on the way (DHCP snooping on an untrusted port, VLAN, ACL); with two capture interfaces in one pcapng, the one where the offers are missing is named',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0 || c.attempts.some((a) => requestsOf(a) > 0 || a.acks.length > 0 || a.proxyRequests.length > 0 || a.transfers.length > 0)) return [];
    const offered = pxe.filter((a) => addressReplies(a).length > 0 && (hasBootInfo(a) || a.ipxe));
    if (offered.length === 0) return [];
    const sends = pxe.flatMap(discoverTimes);
    const offers = pxe.flatMap((a) => a.offers).sort((x, y) => x.ts - y.ts);
    if (sends.length < 3) return [];
    // An offer after every DISCOVER that had time to be answered (the last may be at the end).
    let answered = 0;
    for (let i = 0; i < sends.length; i++) {
      const next = sends[i + 1]?.ts ?? Infinity;
      if (offers.some((o) => o.ts >= sends[i]!.ts && o.ts < next)) answered++;
    }
    if (answered < sends.length - 1) return [];
    const servers = [...new Set(offers.map((o) => o.server))];
    // Two vantage points (a pcapng with two interfaces): the offers seen on one, missing on the other.
    const seen = c.interfacesSeen;
    const missingOn = seen ? seen.requests.filter((i) => !seen.replies.includes(i)) : [];
    const where =
      seen && missingOn.length > 0 && seen.replies.length > 0
        ? ` Both vantage points are in this capture: the OFFERs are on interface ${seen.replies.join(', ')} and missing on interface ${missingOn.join(', ')}, where the client's DISCOVERs are also seen: they are lost between those two points (on the way to the client).`
        : '';
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: [...sends.slice(0, 4).map((s) => s.frame), ...offers.slice(0, 4).map((o) => o.frame)],
        // EDK2 with no offer at all: "PXE-E18: Server response timeout." (lab capture fail-offers-dropped).
        firmwareMessage: isEdk2PxeClient(c) ? 'PXE-E18' : 'PXE-E51',
        title: `The offers never reach the client: ${servers.join(', ')} answered ${answered} of ${sends.length} DISCOVERs, the client never sent a REQUEST`,
        cause: `This capture sees an OFFER after every DISCOVER, and the offers carry what the client needs, yet the client keeps sending DISCOVERs (${sends.length} over ${(sends[sends.length - 1]!.ts - sends[0]!.ts).toFixed(1)} s) and never a REQUEST: it behaves as if nothing came back. The offers are dropped between this capture point and the client: DHCP snooping with the server's uplink not trusted (the switch drops OFFER/ACK arriving on untrusted ports), the client's port in another VLAN than the one the server answers in, or an ACL/firewall dropping udp/68 towards the client.${where}`,
        fix: 'Trust the port towards the DHCP server in DHCP snooping (Cisco: ip dhcp snooping trust on the uplink), check the client port\'s access VLAN, and allow udp 67->68 towards the client; to see where the offers die, capture on the client\'s own port as well (pxe-doctor takes both captures in one pcapng).',
        ts: sends[0]!.ts,
      }),
    ];
  },
};
