import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, bootReplies, flatMap, hasGarbageBytes } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';
import { chainOf } from '../chain-helpers.js';
import type { TransferRecord } from '../../exchange/types.js';

/** Old ROMs read option 67 as a C string and send the name plus the bytes after it. */
export const bootfileNameGarbageRule: Rule = {
  id: 'bootfile-name-garbage',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if it completed)',
    firmwareMessages: 'PXE-E3B',
    summary: 'the RRQ\'s name is an offered name plus bytes outside printable ASCII (old ROMs reading option 67 past its end)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const offered = flatMap(c.attempts, bootReplies).filter((r) => r.bootFile);
    const seen = new Set<string>();
    // A garbage name shim asks for after it ran is shim's (firmware load-path bug): shim-second-stage-missing.
    const shimFiles = new Set<TransferRecord>();
    for (const st of chainOf(c, ctx).stages) if (st.kind === 'shim') for (const t of st.transfers) shimFiles.add(t);
    for (const t of allTransfers(c)) {
      if (seen.has(t.file) || shimFiles.has(t)) continue;
      const src = offered.find((r) => t.file.length > r.bootFile.length && t.file.startsWith(r.bootFile));
      const garbage = hasGarbageBytes(t.file);
      if (!garbage && !(src && hasGarbageBytes(t.file.slice(src.bootFile.length)))) continue;
      seen.add(t.file);
      const noNul = src && src.bootFileSource === 'option67' && src.bootFileNulTerminated === false;
      out.push(
        finding(this.id, c, ctx, {
          severity: t.outcome === 'complete' ? 'warning' : 'error',
          frames: [...(src ? [src.frame] : []), t.rrqFrame, t.error?.frame ?? 0],
          firmwareMessage: t.outcome === 'complete' ? undefined : 'PXE-E3B',
          title: `The client requests "${printableName(t.file)}": garbage bytes after the boot file name`,
          cause: `The RRQ's file name carries bytes that are not part of any offered name${src ? ` ("${printableName(src.bootFile)}" from ${src.server}${noNul ? ', sent in option 67 without a trailing NUL' : ''})` : ''}. Old PXE ROMs treat option 67 as a NUL-terminated C string and read past its end.`,
          fix: 'Send the boot file name NUL-terminated or in the BOOTP file field (ISC: filename; dnsmasq does this itself); Kea/UniFi: append a NUL to option 67, or stop sending option 67 and use the file field.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
