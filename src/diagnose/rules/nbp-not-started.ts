import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { judgeNbp } from '../helpers.js';
import { formatBytes, printableName } from '../../exchange/classify.js';

/**
 * Catalog #25 / #37: the firmware downloaded the NBP completely and then, instead of running it,
 * started PXE over: a new DHCP round with the same firmware identity (option 60/93), and no file of a
 * second stage in between. Secure Boot rejecting an unsigned NBP, a corrupt or truncated file, or
 * PXE-E79 (NBP too big for base memory). A wrong architecture is arch-bootfile-mismatch instead.
 * iPXE clients are left out: an iPXE script may legitimately run DHCP again.
 */
export const nbpNotStartedRule: Rule = {
  id: 'nbp-not-started',
  check(c, ctx) {
    const out: Finding[] = [];
    const list = c.attempts;
    for (let i = 0; i + 1 < list.length; i++) {
      const a = list[i]!;
      if (a.role !== 'firmware' || a.ipxe || !a.vendorClass) continue;
      const nbp = a.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete');
      if (!nbp) continue;
      if (a.transfers.some((t) => t.rrqTs > nbp.rrqTs && t.role !== 'nbp')) continue; // the NBP ran and fetched files
      const next = list[i + 1]!;
      if (next.role !== 'firmware' || next.vendorClass !== a.vendorClass || next.firstTs - nbp.lastTs > 120) continue;
      const j = judgeNbp(a);
      if (j && !j.fits) continue; // arch-bootfile-mismatch explains it
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [nbp.rrqFrame, nbp.lastFrame, next.firstFrame],
          title: `The firmware downloaded ${printableName(nbp.file)} (${formatBytes(nbp.bytes)}) and started PXE over instead of running it`,
          cause: `${(next.firstTs - nbp.lastTs).toFixed(1)} s after the download completed, the same firmware (option 60 "${a.vendorClass}") sent a new DISCOVER, and no file of a second stage was requested: the firmware refused or could not start the NBP. Usual causes: Secure Boot rejecting an unsigned NBP ("Selected boot image did not authenticate" / "Access denied"), a corrupt or truncated file on the TFTP server, or a BIOS NBP too big for base memory (PXE-E79).`,
          fix: 'Under Secure Boot serve a signed chain (shim + signed GRUB, or a signed iPXE) or disable Secure Boot; check the file on the TFTP server (size, checksum); for BIOS use a small NBP (undionly.kpxe, pxelinux.0).',
          ts: nbp.lastTs,
        }),
      );
    }
    return out;
  },
};
