import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { bootReplies, pxeAttempts } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/** Option 67 without a trailing NUL, and the name is not in the file field either. */
export const bootfileOptionNotNulTerminatedRule: Rule = {
  id: 'bootfile-option-not-nul-terminated',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'option 67 without a trailing NUL and the name is not also in the file field (old ROMs then request `name\\xff...`)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of pxeAttempts(c)) {
      for (const r of bootReplies(a)) {
        if (r.bootFileSource !== 'option67' || r.bootFileNulTerminated !== false || seen.has(r.server)) continue;
        if (r.fileField === r.bootFile) continue; // old ROMs read the file field, which has the name
        seen.add(r.server);
        out.push(
          finding(this.id, c, ctx, {
            severity: 'warning',
            frames: [r.frame],
            title: `Option 67 "${printableName(r.bootFile)}" from ${r.server} has no trailing NUL`,
            cause: 'RFC 2132 allows option 67 without a NUL, but old PXE ROMs read it as a C string and request the name followed by whatever bytes come next (TFTP "file not found" for "name\\xff...").',
            fix: 'NUL-terminate option 67 or also put the name in the BOOTP file field (dnsmasq does both).',
            ts: r.ts,
          }),
        );
      }
    }
    return out;
  },
};
