import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { pxeAttempts } from '../helpers.js';
import { offeredTftpServer } from '../network-helpers.js';
import { delivered } from '../../exchange/vantage.js';

/**
 * The client fetched its boot file from another host than the one the reply named: firmware that
 * takes the TFTP server from option 54 (the DHCP server identifier) or option 66 instead of siaddr
 * (some vendor ROMs, shim in proxy mode, the Raspberry Pi ROM). Where the two differ, whether the
 * boot works depends on which one the firmware follows.
 */
export const tftpServerMismatchRule: Rule = {
  id: 'tftp-server-mismatch',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the download worked)',
    firmwareMessages: 'PXE-E32 (EDK2: PXE-E18)',
    summary: 'the NBP was requested from another host than the reply named (siaddr / option 66): firmware that follows option 54 or 66; `tftp-no-response` then says so instead of "check next-server"',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const a of pxeAttempts(c)) {
      const target = offeredTftpServer(a);
      if (!target) continue;
      const nbps = a.transfers.filter((t) => t.role === 'nbp' && !t.write);
      const elsewhere = nbps.filter((t) => t.server !== target.server);
      if (elsewhere.length === 0 || nbps.some((t) => t.server === target.server)) continue;
      const t = elsewhere[0]!;
      const r = target.reply;
      const follows = t.server === r.server ? 'option 54 (the DHCP server identifier)' : t.server === r.tftpServerName ? 'option 66' : t.server === r.siaddr ? 'siaddr' : 'an address that is in none of the reply\'s fields';
      const ok = elsewhere.some(delivered);
      out.push(
        finding(this.id, c, ctx, {
          severity: ok ? 'warning' : 'error',
          frames: [r.frame, t.rrqFrame, ...t.rrqRepeats.slice(0, 3)],
          firmwareMessage: ok ? undefined : 'PXE-E32 (EDK2: PXE-E18)',
          title: `The client asked ${t.server} for ${t.file}, but the reply named ${target.server} (${target.via})`,
          cause: `The reply in frame ${r.frame} names ${target.server} as TFTP server (${target.via}${r.tftpServerName && target.via !== 'option 66' ? `; option 66 "${r.tftpServerName}"` : ''}; DHCP server identifier ${r.server}), and the client sent its RRQ to ${t.server}: this firmware takes the TFTP server from ${follows}, not from ${target.via}. ${ok ? 'The boot worked because that host serves the file too; other firmware will go to ' + target.server + '.' : `Nothing useful came back from ${t.server}.`}`,
          fix: `Make the fields agree: serve TFTP where the client goes (${t.server}), or set next-server/siaddr, option 66 and (for firmware that uses it) the DHCP server identifier 54 to the same TFTP server, ${target.server}.`,
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
