import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, bootedAfter, flatMap, proxyOffers, pxeAttempts } from '../helpers.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

/**
 * The client got a valid proxy offer (and an address offer), yet never uses it:
 * it re-sends DISCOVER (old EDK2 dropping ProxyPxe10 offers), or takes the address and stops
 * (iPXE stops waiting for proxy offers at its next DHCP retransmission, ~3 s: lab capture
 * fail-proxy-offer-late-bios) - no 4011 request, no TFTP.
 */
export const proxyOfferIgnoredRule: Rule = {
  id: 'proxy-offer-ignored',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the boot went on)',
    firmwareMessages: 'PXE-E16',
    summary: 'a valid proxy offer and an address offer arrive, yet the client re-sends DISCOVER with no REQUEST to use it; or it takes the address and then neither asks on 4011 nor fetches anything (judged once it started over or stayed silent for 20 s: iPXE may wait ~16 s for IPv6 router advertisements first)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const a of pxeAttempts(c)) {
      const proxies = proxyOffers(a);
      if (proxies.length === 0 || addressReplies(a).length === 0) continue;
      if (a.transfers.length > 0 || a.proxyRequests.length > 0) continue;
      const first = proxies[0]!;
      const rediscover = flatMap(a.discovers, (d) => d.repeatFrames.filter((_, i) => (d.repeatTimes[i] ?? 0) > first.ts + 0.5));
      const bound = a.acks.some((r) => r.yiaddr !== ZERO_IP);
      const lastSeen = Math.max(a.lastTs, c.lastTs);
      // Bound and silent: only a verdict once the client moved on (a new round) or stayed silent for
      // 20 s (iPXE may wait ~16 s for IPv6 router advertisements before it fetches anything).
      const movedOn = c.attempts.some((x) => x.index > a.index);
      if (rediscover.length === 0 && !(bound && ctx.final && (movedOn || ctx.captureEnd - lastSeen >= 20))) continue;
      const booted = bootedAfter(c, a);
      const late = first.ts - (a.discovers[0]?.ts ?? first.ts);
      out.push(
        finding(this.id, c, ctx, {
          severity: booted ? 'warning' : 'error',
          frames: [first.frame, ...rediscover.slice(0, 6), ...a.acks.slice(0, 1).map((r) => r.frame)],
          firmwareMessage: rediscover.length ? 'PXE-E16' : undefined,
          title: rediscover.length
            ? `Client ignores the proxy offer from ${first.server} and keeps sending DISCOVER`
            : `Client took an address but never used the proxy offer from ${first.server}`,
          cause: rediscover.length
            ? `A ${first.kind === 'proxy' ? 'proxy offer with option 43 (PXE boot menu/discovery control)' : 'proxy offer'} arrived, but the client sent no REQUEST and no 4011 request and re-sent DISCOVER: a known UEFI firmware behaviour with proxy offers that carry option 43 (EDK2 dropping cached ProxyPxe10 offers).`
            : `The proxy offer came ${late.toFixed(1)} s after the first DISCOVER; the client completed DHCP with the address offer only and never asked for or downloaded a boot file (iPXE stops waiting for proxy offers after about 3 s, at its next DHCP retransmission).`,
          fix: rediscover.length
            ? 'Send a BINL-style proxy offer without option 43 so the client asks on UDP 4011 (dnsmasq >= 2.76 does this for UEFI, pixiecore too), or put options 66/67 + next-server on the DHCP server; update the firmware.'
            : 'Make the proxyDHCP answer faster than the DHCP server (or delay the DHCP server, dnsmasq dhcp-reply-delay), or put the boot file on the DHCP server.',
          ts: first.ts,
        }),
      );
    }
    return out;
  },
};
