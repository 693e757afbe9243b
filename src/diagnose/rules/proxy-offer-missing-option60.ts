import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { bootedAfter, dhcpPhaseMessage, pxeAttempts } from '../helpers.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

/** EDK2 and iPXE honour a yiaddr-0 offer only with option 60 "PXEClient". */
export const proxyOfferMissingOption60Rule: Rule = {
  id: 'proxy-offer-missing-option60',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the boot went on)',
    firmwareMessages: '(EDK2: PXE-E16)',
    summary: 'a yiaddr-0 offer with boot information but no option 60 "PXEClient" (none, or another text such as dnsmasq\'s `dhcp-pxe-vendor` match "PXE")',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of pxeAttempts(c)) {
      for (const o of a.offers) {
        if (o.kind !== 'proxy-no-option60' || seen.has(o.server)) continue;
        if (!o.bootFile && o.siaddr === ZERO_IP && !o.hasPxeOptions) continue;
        // Option 60 "HTTPClient": a proxy answer to a UEFI HTTP boot client, which EDK2 accepts.
        if (o.vendorClass?.startsWith('HTTPClient')) continue;
        seen.add(o.server);
        const booted = bootedAfter(c, a);
        out.push(
          finding(this.id, c, ctx, {
            severity: booted ? 'warning' : 'error',
            frames: [o.frame],
            firmwareMessage: booted ? undefined : dhcpPhaseMessage(c, undefined),
            title: `Proxy offer from ${o.server} has no option 60 "PXEClient": firmware ignores it`,
            cause: `The offer has yiaddr 0.0.0.0 (a proxyDHCP offer)${o.bootFile ? ` with boot file ${o.bootFile}` : ''} but ${o.vendorClass ? `option 60 "${o.vendorClass}"` : 'no option 60'}; EDK2 and iPXE only accept proxy offers whose option 60 begins with "PXEClient".`,
            fix: 'Configure the proxyDHCP to send option 60 = "PXEClient" in its offers (dnsmasq and pixiecore do this by default).',
            ts: o.ts,
          }),
        );
      }
    }
    return out;
  },
};
