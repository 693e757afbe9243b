import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failedStages } from '../chain-helpers.js';

/**
 * GRUB loaded over the network walked its configuration search (grub.cfg-01-<mac>,
 * grub.cfg-<HEX IP> shortened digit by digit, grub.cfg, plus its module lists) and found no
 * grub.cfg: it stops at the grub> prompt. The individual misses are normal; none found is not.
 */
export const grubNoConfigRule: Rule = {
  id: 'grub-no-config',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'the `grub>` prompt',
    summary: 'GRUB\'s config search (grub.cfg-01-<mac>, grub.cfg-<hex ip>, grub.cfg) and module lists all missing, then silence',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const s of failedStages(c, ctx, ['no-config', 'not-found', 'download-failed'])) {
      if (s.kind !== 'grub-config') continue;
      const names = [...new Set(s.transfers.map((t) => t.file))];
      const cfg = names.filter((n) => /grub\.cfg/i.test(n));
      const dir = (cfg[cfg.length - 1] ?? names[0] ?? '').replace(/\\/g, '/').replace(/[^/]*$/, '');
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: s.frames,
          firmwareMessage: 'GRUB: the "grub>" command prompt (no menu)',
          title: `GRUB found no configuration (${cfg.length} grub.cfg candidate${cfg.length === 1 ? '' : 's'} missing)`,
          cause: `GRUB asked the TFTP server for ${cfg.length > 0 ? cfg.slice(0, 6).join(', ') + (cfg.length > 6 ? ', ...' : '') : names.slice(0, 6).join(', ')} and every one was missing (${s.detail}); without a grub.cfg it stops at its command prompt. GRUB looks in its prefix directory ${dir ? `(${dir}) ` : ''}for grub.cfg-01-<MAC>, grub.cfg-<client IP in hex>, shortening it one digit at a time, then grub.cfg.`,
          fix: `Put a grub.cfg in ${dir || 'the directory GRUB asks in'} (or one of the per-client names above), or build GRUB with the prefix where your grub.cfg is.`,
          ts: s.firstTs,
        }),
      );
    }
    return out;
  },
};
