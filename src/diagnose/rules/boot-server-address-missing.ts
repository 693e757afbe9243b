import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { bootedAfter, bootReplies, pxeAttempts } from '../helpers.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

/** Options 66/67 without siaddr; iPXE and many ROMs use only siaddr (next-server). */
export const bootServerAddressMissingRule: Rule = {
  id: 'boot-server-address-missing',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error / warning',
    firmwareMessages: 'PXE-E32',
    summary: 'a boot file (with or without option 66) but siaddr 0.0.0.0; error when the client then sends no TFTP request and nothing else explains it: at once for iPXE (it takes the TFTP server from siaddr only, and goes on after a failed 4011 step to stop with "Nothing to boot"), for other firmware once it started over or stayed silent for 10 s',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of pxeAttempts(c)) {
      const replies = bootReplies(a);
      for (const r of replies) {
        if (!r.bootFile || r.siaddr !== ZERO_IP || seen.has(r.server)) continue;
        // A proxy's own 4011 answer without siaddr still names the server by its source; only flag DHCP/proxy offers.
        seen.add(r.server);
        const fetched = a.transfers.length > 0;
        const booted = bootedAfter(c, a);
        // The stop when nothing else explains it: no TFTP, and no failed 4011 step - except for iPXE,
        // which treats a ProxyDHCP timeout as non-fatal and then fails on the missing siaddr.
        // iPXE takes the TFTP server from siaddr only, so for it the failure is certain; other firmware
        // may fall back to option 66 or the server id: wait until it moved on or stayed silent for 10 s.
        const movedOn = c.attempts.some((x) => x.index > a.index) || ctx.captureEnd - Math.max(a.lastTs, c.lastTs) >= 10;
        const stopped = !fetched && !booted && (a.proxyRequests.length === 0 || a.ipxe) && ctx.final && (a.ipxe || movedOn);
        out.push(
          finding(this.id, c, ctx, {
            severity: stopped ? 'error' : 'warning',
            frames: [r.frame, ...a.transfers.slice(0, 1).map((t) => t.rrqFrame)],
            firmwareMessage: stopped ? 'PXE-E32' : undefined,
            title: `Boot file ${r.bootFile} offered by ${r.server} without a next-server address (siaddr 0.0.0.0)`,
            cause: `The ${r.from4011 ? '4011 answer' : 'offer'} names the boot file${r.tftpServerName ? ` and option 66 "${r.tftpServerName}"` : ''} but leaves siaddr at 0.0.0.0. iPXE and many PXE ROMs take the TFTP server only from siaddr${fetched ? '; this client found the server anyway, others will not' : a.proxyRequests.length && !a.ipxe ? ' (this client stopped earlier, at the port-4011 step)' : ', so this client never sent a TFTP request (iPXE: "Nothing to boot")'}.`,
            fix: 'Set next-server/siaddr to the TFTP server (ISC: next-server; dnsmasq: dhcp-boot=<file>,,<tftp-ip>; Kea: next-server / boot-file-name), in addition to option 66.',
            ts: r.ts,
          }),
        );
      }
    }
    return out;
  },
};
