import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { guidProblem } from '../../exchange/classify.js';

/** Option 97 missing, all zero or all FF (WDS bans such GUIDs; strict proxies drop the client). */
export const clientGuidInvalidRule: Rule = {
  id: 'client-guid-invalid',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'the firmware sends no option 97, or an all-zero / all-FF GUID (the title says how many other MACs share it)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const fw = c.attempts.filter((a) => a.role === 'firmware' && a.pxe);
    if (fw.length === 0) return [];
    const a = fw.find((x) => guidProblem(x.guid) !== undefined && (x.guid !== undefined || !fw.some((y) => y.guid !== undefined)));
    if (!a) return [];
    const problem = guidProblem(a.guid)!;
    const sharers = a.guid ? [...(ctx.guidOwners.get(a.guid.toLowerCase()) ?? [])].filter((m) => m !== c.mac) : [];
    const what = problem === 'missing' ? 'no client GUID (option 97)' : `an all-${problem === 'zero' ? 'zero' : 'FF'} GUID ${a.guid}`;
    return [
      finding(this.id, c, ctx, {
        severity: 'warning',
        frames: [a.firstFrame],
        title: `The client sends ${what}${sharers.length ? ` (shared with ${sharers.length} other MAC${sharers.length > 1 ? 's' : ''})` : ''}`,
        cause:
          problem === 'missing'
            ? 'PXE clients must send option 97 (RFC 4578); strict proxyDHCP servers ignore clients without it, and WDS/ConfigMgr cannot match the machine by GUID.'
            : 'A placeholder SMBIOS UUID: every machine with it looks the same to WDS/ConfigMgr (wrong prestaged record, "banned GUID"), so they fall back to the MAC or pick the wrong machine.',
        fix: 'Set a real system UUID in the firmware (vendor tool / BIOS setup); on WDS use /BannedGuidPolicy so such GUIDs fall back to the MAC.',
        ts: a.firstTs,
      }),
    ];
  },
};
