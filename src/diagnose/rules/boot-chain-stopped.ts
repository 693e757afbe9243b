import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { chainOf } from '../chain-helpers.js';
import { stageLabel } from '../../exchange/chain/stages.js';

/**
 * The fallback of the boot chain (run by diagnoseClient only when no other rule found an error):
 * the last stage the capture shows failed, and no more specific rule explains it. It names the
 * stage and how it ended, so a client that is not OK is never left without a reason.
 */
export const bootChainStoppedRule: Rule = {
  id: 'boot-chain-stopped',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: '',
    summary: 'fallback, only when no other rule found an error: the last stage failed; names it and how it ended',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const s = chainOf(c, ctx).last;
    if (!s || s.status !== 'failed') return [];
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: s.frames.length > 0 ? s.frames : [s.firstFrame, s.lastFrame],
        title: `The boot stopped at ${stageLabel(s)}: ${s.detail}`,
        cause: `This is the last stage of the boot the capture shows, and it did not end well (${s.failure ?? 'failed'}: ${s.detail}); nothing after it came from the client.`,
        fix: 'Look at what this stage asked for and what the server answered (the frames); the client console names the loader\'s own error.',
        ts: s.firstTs,
      }),
    ];
  },
};
