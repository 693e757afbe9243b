import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { endedWhileAtWork } from '../blind-spots.js';
import { bootedAfter, bootReplies, dhcpPhaseMessage, isEdk2PxeClient, pxeAttempts } from '../helpers.js';
import { DhcpOptionCode, ZERO_IP } from '../../decode/dhcp/constants.js';

/**
 * Option 43 in a PXEClient reply that does not parse as PXE sub-options (typically the
 * Windows-style hex string pasted as text into an ISC/Linux server: "24AC11..."), so the firmware
 * ignores the boot menu / discovery control it was meant to carry.
 */
export const pxeOption43MalformedRule: Rule = {
  id: 'pxe-option43-malformed',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the boot went on)',
    firmwareMessages: 'PXE-E55 (EDK2: PXE-E16)',
    summary: 'a PXEClient reply whose option 43 does not parse as PXE sub-options (a hex string typed in as text, a sub-option running past the end)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of pxeAttempts(c)) {
      for (const r of bootReplies(a)) {
        if (!r.hasPxeOptions || !r.vendorClass?.startsWith('PXEClient') || seen.has(r.server)) continue;
        const problems = r.anomalies.filter((x) => x.option === DhcpOptionCode.VendorSpecific).map((x) => x.detail);
        if (problems.length === 0) continue;
        seen.add(r.server);
        // Booted anyway, or the capture ended before the client showed whether it would.
        const booted = bootedAfter(c, a) || (a === c.attempts[c.attempts.length - 1] && endedWhileAtWork(c, ctx));
        out.push(
          finding(this.id, c, ctx, {
            severity: booted ? 'warning' : 'error',
            frames: [r.frame],
            firmwareMessage: booted ? undefined : dhcpPhaseMessage(c, 'PXE-E55'),
            title: `Option 43 from ${r.server} is not valid PXE sub-options (${problems[0]})`,
            cause: `The reply says "PXEClient" (option 60), so the firmware reads option 43 as PXE sub-options (code, length, value), but it does not parse: ${problems.join('; ')}. A hex string entered as text (e.g. "060108" typed into an ISC/Kea text option) is the usual cause. ${
              isEdk2PxeClient(c)
                ? `EDK2 then takes the reply for one without PXE options (a BINL offer): it does not use the boot file in it but asks ${r.siaddr !== ZERO_IP ? r.siaddr : r.server} on UDP 4011 for one instead.`
                : 'The firmware then ignores the boot menu and discovery control it was meant to carry.'
            }`,
            fix: 'Encode option 43 as binary sub-options (ISC: option space PXE with "option PXE.discovery-control 8;", or colon-separated hex 06:01:08:ff; dnsmasq builds it from pxe-service/dhcp-option=vendor:PXEClient,...).',
            ts: r.ts,
          }),
        );
      }
    }
    return out;
  },
};
