import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, isEdk2PxeClient, mtuEvidence } from '../helpers.js';
import { formatBytes, printableName } from '../../exchange/classify.js';

/** PXE-E35: a transfer that started and never completed. */
export const tftpTransferIncompleteRule: Rule = {
  id: 'tftp-transfer-incomplete',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if a retry worked)',
    firmwareMessages: 'PXE-E35 (EDK2: PXE-E18)',
    summary: 'data started and the transfer never completed (stall, missing blocks, retransmissions, block-number wrap), and the capture went on for more than 2 s',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    if (!ctx.final) return [];
    const all = allTransfers(c);
    const out: Finding[] = [];
    for (const t of all) {
      if (t.outcome !== 'incomplete') continue;
      if (mtuEvidence(t)) continue; // tftp-blksize-exceeds-mtu explains it
      // tftp-replies-blocked explains a reply that was never acknowledged before a new RRQ.
      if (t.lastAckBlock === undefined && all.some((x) => x !== t && x.file === t.file && x.firstReplyFrame !== undefined && x.lastAckBlock === undefined && !x.error)) continue;
      // The client went on with the conversation a forking server opened for its retransmitted RRQ
      // (same client port, a second server port): this one was abandoned, not failed.
      if (all.some((x) => x !== t && x.file === t.file && x.client === t.client && x.clientPort === t.clientPort && x.rrqTs > t.rrqTs && x.rrqTs - t.rrqTs < 10 && (x.outcome === 'complete' || x.outcome === 'capture-ended' || x.dataPackets > t.dataPackets))) continue;
      const recovered = all.some((x) => x.rrqTs > t.rrqTs && x.file === t.file && x.outcome === 'complete');
      const details: string[] = [];
      details.push(`${t.highestBlock} block${t.highestBlock === 1 ? '' : 's'} (${formatBytes(t.bytes)}${t.tsize ? ` of ${formatBytes(t.tsize)}` : ''}) arrived, then the transfer stopped`);
      if (t.duplicateData) details.push(`${t.duplicateData} DATA retransmission${t.duplicateData > 1 ? 's' : ''}`);
      if (t.duplicateAcks) details.push(`${t.duplicateAcks} repeated ACK${t.duplicateAcks > 1 ? 's' : ''}`);
      if (t.missingBlocks) details.push(`${t.missingBlocks} block${t.missingBlocks > 1 ? 's' : ''} never seen`);
      if (t.maxGap >= 1) details.push(`longest silence ${t.maxGap.toFixed(1)} s`);
      if (t.wrapped || t.highestBlock >= 65000) details.push('the 16-bit block number wrapped or was about to wrap');
      out.push(
        finding(this.id, c, ctx, {
          severity: recovered ? 'warning' : 'error',
          frames: [t.rrqFrame, t.firstReplyFrame ?? 0, t.lastDataFrame ?? 0, t.lastFrame],
          firmwareMessage: isEdk2PxeClient(c) ? 'PXE-E18' : 'PXE-E35',
          title: `TFTP transfer of ${printableName(t.file)} from ${t.server} never completed${recovered ? ' (a retry succeeded)' : ''}`,
          cause: `${details.join('; ')}. Packet loss, a duplex mismatch, a block size the path cannot carry, a client or server without block-number rollover, or a server that gave up.`,
          fix:
            t.wrapped || t.highestBlock >= 65000
              ? 'Use a larger blksize so the file needs fewer than 65536 blocks, or load large files over HTTP (iPXE).'
              : 'Check the link (errors, duplex, congestion); try a smaller blksize (tftpd-hpa -B 1468 or less, dnsmasq --tftp-mtu) and make sure the path MTU carries blksize + 32 bytes.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
