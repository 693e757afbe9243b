import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/** DATA arrived as IP fragments yet completed: works on this path, fragile on one that drops fragments. */
export const tftpDataFragmentedRule: Rule = {
  id: 'tftp-data-fragmented',
  meta: {
    severities: ['info'],
    severityText: 'info',
    firmwareMessages: '',
    summary: 'DATA arrived IP-fragmented and the transfer still completed (fragile on other paths)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const t of allTransfers(c)) {
      if (t.fragmentedData === 0 || t.outcome !== 'complete' || t.fragmentFrames.length > 0) continue;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'info',
          frames: [t.rrqFrame, t.firstReplyFrame ?? 0],
          title: `TFTP DATA for ${printableName(t.file)} arrived IP-fragmented (blksize ${t.blksize})`,
          cause: `${t.fragmentedData} DATA datagrams were larger than the link MTU and were fragmented on the way; the transfer completed, but some PXE ROMs cannot reassemble fragments and firewalls often drop them.`,
          fix: 'Prefer a blksize that fits the path MTU (MTU - 32), e.g. dnsmasq --tftp-mtu or tftpd-hpa -B.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
