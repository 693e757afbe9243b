import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, hasGarbageBytes, isEdk2PxeClient } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';
import { chainOf } from '../chain-helpers.js';
import type { TransferRecord } from '../../exchange/types.js';

const CHAIN_RULE_KINDS: ReadonlySet<string> = new Set(['shim', 'grub-config', 'kernel', 'initrd', 'os', 'wds']);

/** PXE-E3B: ERROR 1 for a file the boot needs; PXELINUX/GRUB config probing is normal. */
export const tftpFileNotFoundRule: Rule = {
  id: 'tftp-file-not-found',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error / warning',
    firmwareMessages: 'PXE-E3B (EDK2: PXE-E23)',
    summary: 'ERROR 1 for the NBP, or for a file after which nothing completes; warning when the boot went on; never for config-search probes (`pxelinux.cfg/<uuid>`, `01-<mac>`, hex IP prefixes, `grub.cfg-*`, `autoexec.ipxe`); `pxelinux.cfg/default` is not a probe',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const all = allTransfers(c);
    const out: Finding[] = [];
    // Files of a boot-chain stage that a chain rule explains (shim's second stage, GRUB's config, a kernel ...).
    const explained = new Set<TransferRecord>();
    for (const s of chainOf(c, ctx).stages) if (s.status === 'failed' && CHAIN_RULE_KINDS.has(s.kind)) for (const t of s.transfers) explained.add(t);
    const seen = new Set<string>();
    for (const t of all) {
      if (t.outcome !== 'error' || !t.error || t.error.fromClient || t.error.code !== 1) continue;
      if (hasGarbageBytes(t.file)) continue; // bootfile-name-garbage explains it
      if (explained.has(t)) continue; // shim-second-stage-missing, grub-no-config, loader-file-missing
      if (seen.has(t.file)) continue;
      seen.add(t.file);
      // Needed when it is the NBP, or when nothing completes after it (the loader gave up).
      const completesAfter = all.some((x) => x.rrqTs > t.rrqTs && x.outcome === 'complete');
      const gotItLater = all.some((x) => x.rrqTs > t.rrqTs && x.file === t.file && x.outcome === 'complete');
      if (gotItLater) continue;
      const needed = t.role === 'nbp' || !completesAfter;
      out.push(
        finding(this.id, c, ctx, {
          severity: needed ? 'error' : 'warning',
          frames: [t.rrqFrame, t.error.frame],
          firmwareMessage: t.role === 'nbp' ? (isEdk2PxeClient(c) ? 'PXE-E23' : 'PXE-E3B') : undefined,
          title: `TFTP file not found: ${printableName(t.file)} on ${t.server}${t.role === 'nbp' ? ' (the boot file)' : ''}`,
          cause: `The client asked ${t.server} for "${printableName(t.file)}" and the server answered ERROR 1 "${t.error.message}"${needed ? '' : '; the boot went on without it'}. Usual causes: wrong path or case, a path prefix the TFTP root does not have, backslashes, or the file is missing from the TFTP root.`,
          fix: 'Put the file in the TFTP root under exactly that name (or fix the boot file name / pxelinux path prefix in DHCP); dnsmasq --tftp-lowercase or tftpd-hpa remapping helps with case problems.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
