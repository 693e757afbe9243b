import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { guidProblem } from '../../exchange/classify.js';
import { smbiosGuid } from '../../exchange/guid.js';

/** One valid GUID sent by several MACs (cloned SMBIOS UUID). Placeholder GUIDs are client-guid-invalid. */
export const clientGuidDuplicateRule: Rule = {
  id: 'client-guid-duplicate',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'a valid GUID sent by several MACs',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    for (const g of c.guids) {
      // The owners first: most GUIDs have one, and then whether the GUID is a placeholder does not matter.
      const owners = (ctx.guidOwners.get(g) ?? []).filter((m) => m !== c.mac);
      if (owners.length === 0) continue;
      if (guidProblem(g) !== undefined) continue;
      const a = c.attempts.find((x) => x.guid?.toLowerCase() === g);
      return [
        finding(this.id, c, ctx, {
          severity: 'warning',
          frames: a ? [a.firstFrame] : [c.firstFrame],
          title: `GUID ${smbiosGuid(g)} is also sent by ${owners.join(', ')}`,
          cause: 'Several machines report the same system UUID (cloned or placeholder SMBIOS data). WDS/ConfigMgr and GUID-keyed PXE configs treat them as one machine and may boot the wrong image or record.',
          fix: 'Give each machine a unique SMBIOS UUID (vendor tool); key PXE configuration by MAC for these machines.',
          ts: a?.firstTs ?? c.firstTs,
        }),
      ];
    }
    return [];
  },
};
