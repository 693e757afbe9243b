import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { chainOf, failedStages } from '../chain-helpers.js';
import { hasGarbageBytes } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/**
 * shim ran (it asked for more files) but its second stage (grubx64.efi, or the loader it was built
 * to chain) could not be fetched. Its optional probes (revocations.efi, mmx64.efi, fbx64.efi) are
 * normal misses and are not this.
 */
export const shimSecondStageMissingRule: Rule = {
  id: 'shim-second-stage-missing',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'shim: "Unable to fetch TFTP image: Not Found", "start_image() returned Not Found"',
    summary: 'shim ran, its second stage (grubx64.efi, or a garbage name from a firmware load-path bug) failed',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const stages = chainOf(c, ctx).stages;
    for (const s of failedStages(c, ctx, ['second-stage-missing'])) {
      const t = [...s.transfers].reverse().find((x) => x.outcome !== 'complete') ?? s.transfers[s.transfers.length - 1];
      if (!t) continue;
      let shim = undefined;
      for (let i = stages.indexOf(s) - 1; i >= 0; i--) if (stages[i]!.loader === 'shim') { shim = stages[i]; break; }
      const dir = shim ? shim.name.replace(/\\/g, '/').replace(/[^/]*$/, '') : '';
      const garbage = hasGarbageBytes(t.file);
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [...(shim ? [shim.lastFrame] : []), ...s.frames],
          firmwareMessage: 'shim: "Failed to open \\EFI\\BOOT\\grubx64.efi - Not Found" / "Failed to load image: Not Found" / "start_image() returned Not Found"',
          title: `shim${shim ? ` (${printableName(shim.name)})` : ''} could not load its second stage ${printableName(t.file)}`,
          cause: garbage
            ? `shim asked the TFTP server for "${printableName(t.file)}", a name with unprintable bytes: some firmware (seen on Dell and Lenovo machines) hands shim a corrupt load path, so it builds a garbage second-stage name (${s.detail}).`
            : `shim ran and asked ${t.server} for its second stage "${printableName(t.file)}" (shim looks for it in its own directory${dir ? `, ${dir || '/'}` : ''}), and the fetch failed: ${s.detail}. shim cannot boot anything without it.`,
          fix: garbage
            ? 'Update the client firmware, or use a shim release that falls back to grubx64.efi when the load path is unusable (15.8+); meanwhile serve GRUB directly where Secure Boot allows it.'
            : `Put the signed GRUB (e.g. Debian's grubnetx64.efi.signed) next to shim in ${dir || 'the TFTP root'} as ${printableName(t.file.replace(/\\/g, '/').replace(/^.*\//, '')) || 'grubx64.efi'}; shim's own misses of revocations.efi and mmx64.efi are normal.`,
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
