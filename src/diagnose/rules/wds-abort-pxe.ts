import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failedStages } from '../chain-helpers.js';
import { printableName } from '../../exchange/classify.js';

/**
 * ConfigMgr / WDS answered the client with abortpxe.com (abortpxe.efi): a decision of the server,
 * not a network fault. The machine has no deployment, is unknown (unknown-computer support off),
 * or waits for approval; the firmware then boots the next device.
 */
export const wdsAbortPxeRule: Rule = {
  id: 'wds-abort-pxe',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: '"PXE Boot aborted. Booting to next device..."',
    summary: 'the boot server sent abortpxe.com / abortpxe.efi: ConfigMgr/WDS decided not to boot the machine (no deployment, unknown computer, pending approval): a policy verdict, not a network fault (checked on sequences built with the project\'s codecs; no WDS server can run here)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const s of failedStages(c, ctx, ['wds-abort'])) {
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: s.frames,
          firmwareMessage: '"PXE Boot aborted. Booting to next device..."',
          title: `The deployment server chose not to boot this machine (it sent ${printableName(s.name)})`,
          cause: `The network worked: the WDS / ConfigMgr PXE service answered and the client downloaded ${printableName(s.name)}, which only tells the firmware to boot the next device. ConfigMgr sends it when no task sequence is deployed to this machine (or to "Unknown Computers" for an unknown one), when the machine already ran its required deployment, or when it is not approved yet. This is a policy verdict of the server, not a PXE fault.`,
          fix: 'In ConfigMgr: deploy a task sequence (made available to media and PXE) to a collection holding this machine, or to Unknown Computers with unknown-computer support on; clear a previous required PXE deployment for it; check SMSPXE.log on the distribution point for the reason it gives for this MAC/GUID. In WDS: approve the pending device.',
          ts: s.firstTs,
        }),
      );
    }
    return out;
  },
};
