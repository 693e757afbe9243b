import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { flatMap, pxeAttempts } from '../helpers.js';
import { discoverTimes, repliesToOthers } from '../network-helpers.js';

/**
 * The DHCP server answers other clients in the same capture but not this one: it is up and serves
 * the segment, so "no DHCP server" would be wrong. The usual reasons are on the server: the pool is
 * exhausted (isc-dhcpd logs "no free leases" and stays silent), the client is excluded by a class,
 * `deny unknown-clients`, a MAC filter or a reservation for another subnet.
 */
export const dhcpServerIgnoresClientRule: Rule = {
  id: 'dhcp-server-ignores-client',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E51',
    summary: 'the DHCP server answers other clients in this capture but not this one: pool exhausted, the client excluded by a class or policy, a reservation for another MAC',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0) return [];
    if (c.attempts.some((a) => a.offers.length > 0 || a.acks.length > 0 || a.naks.length > 0 || a.proxyRequests.some((p) => p.answer))) return [];
    const sends = flatMap(pxe, discoverTimes);
    if (sends.length < 2) return [];
    const others = repliesToOthers(c, sends[0]!.ts, sends[sends.length - 1]!.ts);
    if (others.length === 0) return [];
    const names = others.map((o) => `${o.server} (${o.macs} other client${o.macs > 1 ? 's' : ''})`).join(', ');
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: [...sends.slice(0, 4).map((s) => s.frame), ...flatMap(others, (o) => o.frames)],
        firmwareMessage: 'PXE-E51',
        title: `The DHCP server answers other clients but not this one: ${sends.length} DISCOVERs unanswered while ${names} got offers`,
        cause: `${names} sent OFFER/ACK to other clients in the same capture, around the time this client's DISCOVERs went unanswered: the server is up and serves this segment, and its DISCOVERs reach it as well as the others' (same capture point). It chooses not to answer this client: the address pool is exhausted (isc-dhcpd logs "no free leases"), or the client is excluded by a class or policy (deny unknown-clients, a MAC filter, a vendor-class match, a reservation for another subnet).`,
        fix: 'Look in the DHCP server log for this MAC (isc-dhcpd: "no free leases", "unknown client"; Windows: filters and policies); widen or clean up the pool (shorter leases for provisioning networks), or allow the client\'s class/MAC.',
        ts: sends[0]!.ts,
      }),
    ];
  },
};
