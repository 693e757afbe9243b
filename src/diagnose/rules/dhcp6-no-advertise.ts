import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failureSeverity, methodsOf } from '../boot-method-helpers.js';

/** PXEv6 / HTTPv6: the client's DHCPv6 Solicits (RFC 8415 section 18.2.1) got no Advertise at all. */
export const dhcp6NoAdvertiseRule: Rule = {
  id: 'dhcp6-no-advertise',
  meta: {
    severities: ['error', 'warning', 'info'],
    severityText: 'info when the PXEv4 path started; otherwise error (warning when another IPv6 method booted)',
    firmwareMessages: 'PXE-E16',
    summary: 'PXEv6/HTTPv6 Solicits and no Advertise (only after a retransmitted Solicit or 4 s of capture: a capture that ends right after the first Solicit proves nothing)',
    docs: 'docs/ipv6-http-bsdp.md#rules-stable-ids',
  },
  check(c, ctx) {
    if (!ctx.final) return [];
    const methods = methodsOf(c);
    // The PXEv4 path (a DHCPv4 DISCOVER or REQUEST, or an IPv4 boot method) decides the boot: a
    // DHCPv6 attempt beside it (EDK2 tries IPv6 after IPv4, on networks that mostly have no DHCPv6
    // boot service) did not stop anything, so it is only worth knowing. Without it, DHCPv6 is what
    // the client tried: an error, or a warning when another IPv6 method booted.
    const v4Started =
      methods.some((x) => x.method === 'PXEv4' || x.method === 'HTTPv4' || x.method === 'BSDP') ||
      c.attempts.some((a) => a.discovers.length > 0 || a.requests.length > 0);
    return methods
      // Unanswered only when the client had time to hear back: a retransmitted Solicit (RFC 8415
      // section 18.2.1, first retry after about 1 s) or 4 s of capture after it. A capture that
      // ends right after the first Solicit proves nothing.
      .filter((m) => (m.method === 'PXEv6' || m.method === 'HTTPv6') && m.outcome === 'no-offer')
      .filter((m) => m.round!.solicitFrames.length >= 2 || ctx.captureEnd - m.round!.lastTs >= 4)
      .map((m) =>
        finding(this.id, c, ctx, {
          severity: v4Started ? 'info' : failureSeverity(methods, m),
          frames: m.round!.solicitFrames.slice(0, 8),
          firmwareMessage: 'PXE-E16',
          title: `${m.method === 'PXEv6' ? 'PXE' : 'HTTP boot'} over IPv6: ${m.round!.solicitFrames.length} DHCPv6 Solicit(s), no Advertise`,
          cause: 'No DHCPv6 server (or relay) answered on this link, so network boot over IPv6 cannot start.',
          fix: 'If IPv6 network boot is wanted, run a DHCPv6 server (or relay, RFC 8415 section 19) for this link with a boot file URL; otherwise disable the IPv6 boot options in the firmware setup so the client does not wait for them.',
          ts: m.firstTs,
        }),
      );
  },
};
