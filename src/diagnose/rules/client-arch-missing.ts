import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { isPxeClientClass } from '../../exchange/classify.js';

/** RFC 4578 §2.1: option 93 MUST be in PXE client packets; servers then cannot pick a per-arch file. */
export const clientArchMissingRule: Rule = {
  id: 'client-arch-missing',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'a PXEClient\'s firmware requests without option 93',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const a = c.attempts.find((x) => x.role === 'firmware' && isPxeClientClass(x.vendorClass) && x.arch === undefined);
    if (!a) return [];
    return [
      finding(this.id, c, ctx, {
        severity: 'warning',
        frames: [a.firstFrame],
        title: 'The PXE client sends no option 93 (client architecture)',
        cause: `Its requests carry option 60 "${a.vendorClass}" but no option 93, which PXE clients must send (RFC 4578); servers that choose the boot file by architecture fall back to a default that may not fit this machine.`,
        fix: 'Match this client by its option 60 "Arch:" field or MAC instead, or update the firmware.',
        ts: a.firstTs,
      }),
    ];
  },
};
