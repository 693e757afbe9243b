import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, flatMap, proxyOffers, pxeAttempts, requestFrames } from '../helpers.js';

/** PXE-E52: proxy offers arrive but nobody offers an address. */
export const noAddressOfferRule: Rule = {
  id: 'no-address-offer',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E52',
    summary: 'proxy offers only, no offer with an address',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0) return [];
    const proxies = flatMap(pxe, proxyOffers);
    if (proxies.length === 0) return [];
    if (c.attempts.some((a) => addressReplies(a).length > 0)) return [];
    const servers = [...new Set(proxies.map((p) => p.server))];
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: [...requestFrames(flatMap(pxe, (a) => a.discovers), 4), ...proxies.map((p) => p.frame)],
        firmwareMessage: 'PXE-E52',
        title: `Only proxyDHCP offers (from ${servers.join(', ')}), no DHCP offer with an address`,
        cause: 'The PXE service answers, but the address-granting DHCP server does not: it is down, out of addresses, or not relayed to this segment.',
        fix: 'Restore the DHCP server or its relay (ip helper-address) for this VLAN; the proxyDHCP only adds boot information, it never assigns addresses.',
        ts: proxies[0]!.ts,
      }),
    ];
  },
};
