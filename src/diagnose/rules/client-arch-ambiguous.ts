import type { Rule } from '../rule.js';
import { finding } from '../rule.js';

/** RFC 4578 erratum 4624 swapped 7 and 9: 9 means EBC to IANA but x64 UEFI to older servers and firmware. */
export const clientArchAmbiguousRule: Rule = {
  id: 'client-arch-ambiguous',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'option 93 = 9 (EBC to IANA, x64 to the original RFC 4578)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const a = c.attempts.find((x) => x.role === 'firmware' && x.arch?.includes(9));
    if (!a) return [];
    return [
      finding(this.id, c, ctx, {
        severity: 'warning',
        frames: [a.firstFrame],
        title: 'The client sends option 93 = 9 (EBC per IANA, x64 UEFI per the original RFC 4578)',
        cause: 'RFC 4578 listed 9 as "EFI x86-64"; erratum 4624 and the IANA registry swap 7 and 9 (7 = x64 UEFI, 9 = EBC). Servers that match only one of them give x64 machines a BIOS or default file.',
        fix: 'Match both 7 and 9 for x64 UEFI in the DHCP/PXE server (dnsmasq: dhcp-match=set:efi64,option:client-arch,7 and ...,9).',
        ts: a.firstTs,
      }),
    ];
  },
};
