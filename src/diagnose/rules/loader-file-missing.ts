import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { chainOf, failedStages } from '../chain-helpers.js';
import { printableName } from '../../exchange/classify.js';

const WHAT: Record<string, string> = { kernel: 'kernel', initrd: 'initrd', os: 'OS image', wds: 'Windows boot file' };

/**
 * A loader (PXELINUX, GRUB, iPXE, WDS) ran its configuration and asked over TFTP for a file of the
 * next stage (kernel, initrd, boot.wim, BCD, a module) that the server does not have or could not
 * send. HTTP fetches are loader-http-fetch-failed.
 */
export const loaderFileMissingRule: Rule = {
  id: 'loader-file-missing',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXELINUX "Could not find kernel image", GRUB "file not found", Windows 0xc000000f',
    summary: 'a kernel, initrd, boot.wim or BCD asked for over TFTP by a loader that ran, missing or failed',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const stages = chainOf(c, ctx).stages;
    for (const s of failedStages(c, ctx, ['not-found', 'download-failed'])) {
      if (!(s.kind in WHAT) || s.fetches.length > 0) continue;
      const i = stages.indexOf(s);
      // Only after a loader ran: the NBP itself is the TFTP rules' business.
      if (!stages.slice(0, i).some((x) => x.kind === 'nbp' && x.status === 'ok')) continue;
      const t = [...s.transfers].reverse().find((x) => x.outcome !== 'complete') ?? s.transfers[s.transfers.length - 1];
      if (!t) continue;
      let loader = undefined;
      for (let k = i - 1; k >= 0; k--) if (stages[k]!.kind === 'nbp') { loader = stages[k]; break; }
      const missing = t.outcome === 'error' && t.error?.code === 1;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: s.frames,
          firmwareMessage: s.kind === 'os' || s.kind === 'wds' ? 'Windows Boot Manager: 0xc000000f / "A required file is missing"' : 'PXELINUX: "Could not find kernel image"; GRUB: "error: file ... not found"',
          title: `${WHAT[s.kind]} ${printableName(t.file)} ${missing ? 'not found' : 'could not be fetched'}${loader ? ` (asked for by ${printableName(loader.name)})` : ''}`,
          cause: `The loader${loader ? ` ${printableName(loader.name)}` : ''} ran and asked ${t.server} for "${printableName(t.file)}": ${s.detail}. The boot cannot go on without it. The path comes from the loader's configuration (pxelinux.cfg, grub.cfg, an iPXE script, the WDS BCD) and is relative to the loader's directory unless it starts with /.`,
          fix: `Put ${printableName(t.file)} on ${t.server} under exactly that path, or correct the path in the loader's configuration.`,
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
