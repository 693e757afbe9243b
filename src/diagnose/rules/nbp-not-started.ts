import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { judgeNbp } from '../helpers.js';
import { clientTransfers } from '../../exchange/records.js';
import type { AttemptRecord, ClientRecord } from '../../exchange/types.js';
import { formatBytes, printableName } from '../../exchange/classify.js';

/** What the firmware did next after an NBP download: a new PXEv4 round, or another boot method. */
interface NextStep {
  ts: number;
  frame: number;
  what: string;
}

/**
 * The firmware's next boot step after `after`: a new firmware DHCP round with the same option 60
 * (PXE over again), or EDK2's next boot option, PXE over IPv6 / HTTP boot (a DHCPv6 Solicit with
 * PXEClient/HTTPClient, or a DHCPv4 round with HTTPClient). Undefined when the NBP evidently ran
 * first: any later TFTP/HTTP request, or a DHCP round of the NBP itself or of an iPXE stage.
 */
function nextFirmwareStep(c: ClientRecord, a: AttemptRecord, after: number, nbpRrq: number): NextStep | undefined {
  const transfers = clientTransfers(c);
  const steps: NextStep[] = [];
  for (const x of c.attempts) {
    if (x === a || x.firstTs <= after) continue;
    if (x.role === 'firmware' && x.vendorClass === a.vendorClass) steps.push({ ts: x.firstTs, frame: x.firstFrame, what: `sent a new DISCOVER (option 60 "${a.vendorClass}")` });
    else if (x.role === 'firmware' && x.vendorClass?.startsWith('HTTPClient')) steps.push({ ts: x.firstTs, frame: x.firstFrame, what: 'moved on to HTTP boot (DHCPv4 with HTTPClient)' });
    else steps.push({ ts: x.firstTs, frame: x.firstFrame, what: '' }); // the NBP's own DHCP, an iPXE stage, ...
  }
  for (const r of c.boot?.dhcp6 ?? []) {
    if (r.firstTs <= after) continue;
    if (r.method === 'PXEv6' || r.method === 'HTTPv6') steps.push({ ts: r.firstTs, frame: r.firstFrame, what: `moved on to ${r.method === 'PXEv6' ? 'PXE over IPv6' : 'HTTP boot over IPv6'} (DHCPv6 Solicit)` });
  }
  for (const t of transfers) if (t.rrqTs > nbpRrq) steps.push({ ts: t.rrqTs, frame: t.rrqFrame, what: '' });
  for (const f of c.boot?.http ?? []) if (f.firstTs > after) steps.push({ ts: f.firstTs, frame: f.firstFrame, what: '' });
  steps.sort((x, y) => x.ts - y.ts);
  const first = steps[0];
  return first && first.what !== '' && first.ts - after <= 120 ? first : undefined;
}

/**
 * The firmware downloaded the NBP completely and then, instead of running it,
 * started PXE over (a new DHCP round with the same option 60/93) or went on to its next boot option
 * (EDK2: PXE over IPv6, HTTP boot; lab capture fail-nbp-truncated-uefi: "failed to load Boot0001
 * ... Unsupported"), with no file of a second stage in between. Secure Boot rejecting an unsigned
 * NBP, a corrupt or truncated file, or PXE-E79 (NBP too big for base memory). A wrong architecture
 * is arch-bootfile-mismatch instead. iPXE clients are left out: an iPXE script may legitimately run
 * DHCP again.
 */
export const nbpNotStartedRule: Rule = {
  id: 'nbp-not-started',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: '',
    summary: 'a non-iPXE firmware downloaded an NBP that fits its architecture and then, within 120 s and before any second-stage file or DHCP of the NBP itself, sent a new DISCOVER with the same option 60 or went on to its next boot option (PXEv6 / HTTP boot: EDK2\'s "failed to load Boot0001 ... Unsupported" then ">>Start PXE over IPv6"): Secure Boot rejection, corrupt/truncated file, or PXE-E79',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const a of c.attempts) {
      if (a.role !== 'firmware' || a.ipxe || !a.vendorClass?.startsWith('PXEClient')) continue;
      const nbp = a.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete');
      if (!nbp) continue;
      const next = nextFirmwareStep(c, a, nbp.lastTs, nbp.rrqTs);
      if (!next) continue;
      const j = judgeNbp(a);
      if (j && !j.fits) continue; // arch-bootfile-mismatch explains it
      // An unsigned EFI image that is not truncated: secure-boot-unsigned-nbp explains it.
      const h = nbp.headKind;
      if (h?.kind === 'pe' && h.signed === false && !(h.rawEnd !== undefined && nbp.bytes < h.rawEnd)) continue;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [nbp.rrqFrame, nbp.lastFrame, next.frame],
          title: `The firmware downloaded ${printableName(nbp.file)} (${formatBytes(nbp.bytes)}) and did not run it`,
          cause: `${(next.ts - nbp.lastTs).toFixed(1)} s after the download completed, the firmware ${next.what}, and no file of a second stage was requested: the firmware refused or could not start the NBP (or it ran and returned at once without touching the network). Usual causes: Secure Boot rejecting an unsigned NBP ("Selected boot image did not authenticate" / "Access denied"), a corrupt or truncated file on the TFTP server (EDK2: "failed to load Boot0001 ... Unsupported"), or a BIOS NBP too big for base memory (PXE-E79).`,
          fix: 'Under Secure Boot serve a signed chain (shim + signed GRUB, or a signed iPXE) or disable Secure Boot; check the file on the TFTP server (size, checksum); for BIOS use a small NBP (undionly.kpxe, pxelinux.0).',
          ts: nbp.lastTs,
        }),
      );
    }
    return out;
  },
};
