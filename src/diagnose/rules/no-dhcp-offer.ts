import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { flatMap, pxeAttempts, requestFrames } from '../helpers.js';
import { repliesToOthers } from '../network-helpers.js';

/** PXE-E51: DISCOVERs and not a single reply of any kind. */
export const noDhcpOfferRule: Rule = {
  id: 'no-dhcp-offer',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E51',
    summary: 'a PXE client\'s DISCOVERs (at least two, or one followed by 4 s of capture) and no reply of any kind',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0) return [];
    if (c.attempts.some((a) => a.offers.length > 0 || a.acks.length > 0 || a.naks.length > 0 || a.proxyRequests.some((p) => p.answer))) return [];
    // A REQUEST choosing a server, or TFTP: an offer reached the client, the capture did not see it (src/exchange/vantage.ts).
    if (c.attempts.some((a) => a.requests.some((r) => r.serverId !== undefined) || a.transfers.length > 0) || c.orphanTransfers.length > 0) return [];
    const discovers = flatMap(pxe, (a) => a.discovers);
    if (discovers.length === 0) return [];
    // The server answered other clients meanwhile: dhcp-server-ignores-client says why, not "no server".
    const sends = discovers.flatMap((d) => [d.ts, ...d.repeatTimes]);
    if (sends.length >= 2 && repliesToOthers(c, Math.min(...sends), Math.max(...sends)).length > 0) return [];
    const frames = requestFrames(discovers, 12);
    const times = flatMap(discovers, (d) => [d.ts, ...d.repeatTimes]);
    const last = Math.max(...times);
    // A lone DISCOVER at the very end of the capture proves nothing yet.
    if (times.length < 2 && (!ctx.final || ctx.captureEnd - last < 4)) return [];
    const span = last - Math.min(...times);
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames,
        firmwareMessage: 'PXE-E51',
        title: `No DHCP offer: ${times.length} DISCOVER${times.length > 1 ? 's' : ''} over ${span.toFixed(1)} s, no reply at all`,
        cause:
          'No DHCP server or proxyDHCP answered the client on this segment: the server is down or out of addresses, ignores unknown clients, or the router has no DHCP relay (ip helper-address) for this VLAN.',
        fix: 'Check that a DHCP server serves this subnet (scope/pool, allowed clients); on routed networks add an ip helper-address for the DHCP server (and the PXE server) on the client VLAN.',
        ts: discovers[0]!.ts,
      }),
    ];
  },
};
