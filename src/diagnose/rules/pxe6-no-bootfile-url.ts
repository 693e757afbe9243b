import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failureSeverity, methodsOf } from '../boot-method-helpers.js';

/**
 * PXE over IPv6 (RFC 5970 section 3.1): the DHCPv6 server answered the PXE client's Solicit but no
 * Advertise/Reply carries OPT_BOOTFILE_URL (59). EDK2 (PxeBcDhcp6.c) ignores such offers and the
 * boot over IPv6 fails with "PXE-E16: No valid offer received".
 */
export const pxe6NoBootfileUrlRule: Rule = {
  id: 'pxe6-no-bootfile-url',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error; warning when another method booted',
    firmwareMessages: 'PXE-E16',
    summary: 'a PXEv6 client\'s Solicit was answered, but no Advertise/Reply carries option 59 (`PXE-E16`)',
    docs: 'docs/ipv6-http-bsdp.md#rules-stable-ids',
  },
  check(c, ctx) {
    const methods = methodsOf(c);
    return methods
      .filter((m) => m.method === 'PXEv6' && m.outcome === 'no-boot-file')
      .map((m) => {
        const r = m.round!;
        const replies = [...r.advertises, ...r.replies];
        const servers = [...new Set(replies.map((x) => x.server))];
        return finding(this.id, c, ctx, {
          severity: failureSeverity(methods, m),
          frames: [r.solicitFrames[0] ?? r.firstFrame, ...replies.slice(0, 6).map((x) => x.frame)],
          firmwareMessage: 'PXE-E16',
          title: `PXE over IPv6: ${servers.join(', ')} answered without a boot file URL (DHCPv6 option 59)`,
          cause:
            'The PXEv6 client asked for OPT_BOOTFILE_URL (option 59, RFC 5970) in its Solicit, but the Advertise/Reply carries none, so the firmware has no boot file over IPv6 ("No valid offer received").',
          fix: 'Give DHCPv6 clients with vendor class PXEClient a boot file URL, e.g. dnsmasq: dhcp-option=option6:bootfile-url,tftp://[2001:db8::1]/bootx64.efi; ISC Kea: option-data { name: "bootfile-url", data: "tftp://[...]/bootx64.efi" }.',
          ts: replies[0]?.ts ?? r.firstTs,
        });
      });
  },
};
