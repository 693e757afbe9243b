import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failedStages } from '../chain-helpers.js';

/**
 * A loader (iPXE, GRUB, UEFI HTTP boot) had to resolve the host of a URL and the lookup failed:
 * NXDOMAIN, SERVFAIL/REFUSED, an answer without an address, or no answer at all.
 */
export const loaderNameNotResolvedRule: Rule = {
  id: 'loader-name-not-resolved',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'iPXE "Error 0x3e11613b"; GRUB "no DNS record found"',
    summary: 'a loader\'s DNS lookup of a URL\'s host: NXDOMAIN / SERVFAIL / REFUSED, an answer without an address, or no answer (DNS is decoded once a DHCP reply handed out a URL naming its host by name; lab: fail-ipxe-dns-nxdomain-bios)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const s of failedStages(c, ctx, ['name-not-resolved'])) {
      const l = s.lookups.find((x) => x.rcode !== undefined && x.rcode !== 0) ?? s.lookups.find((x) => x.rcode === 0) ?? s.lookups[0];
      if (!l) continue;
      const answered = l.responseFrame !== undefined;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: s.frames,
          // iPXE 1.0.0 (2019) prints the bare error number for NXDOMAIN (lab capture fail-ipxe-dns-nxdomain-bios).
          firmwareMessage: 'iPXE: "Error 0x3e11613b (http://ipxe.org/3e11613b)"; GRUB: "error: no DNS record found"',
          title: `The name ${s.name} could not be resolved (${s.detail})`,
          cause: answered
            ? `The loader asked the DNS server ${l.server} for ${s.name} and got ${l.rcode === 3 ? 'NXDOMAIN: the name does not exist in DNS' : l.rcode === 0 ? 'an answer without any address' : `an error (${s.detail})`}. The URL it was given (DHCP boot file, a script, grub.cfg) names a host the DNS server does not know; the fetch cannot start.`
            : `The loader asked ${l.server} for ${s.name} and no answer came: the DNS server handed out in DHCP (option 6) is wrong, down, or unreachable from the client.`,
          fix: answered
            ? `Add ${s.name} to DNS (or the domain in DHCP option 15 the loader appends), or use the server's IP address in the URL.`
            : 'Give the client a working DNS server in DHCP option 6, or use the server\'s IP address in the URL.',
          ts: s.firstTs,
        }),
      );
    }
    return out;
  },
};
