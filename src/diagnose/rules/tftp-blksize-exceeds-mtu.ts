import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, isEdk2PxeClient, mtuEvidence } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/**
 * The granted blksize makes DATA datagrams larger than the path MTU. A bridge or router
 * either fragments them and fragments get lost, or drops them outright (DF set, or no fragmentation
 * on an L2 path): the client sees the OACK, acknowledges it, and no DATA ever arrives.
 */
export const tftpBlksizeExceedsMtuRule: Rule = {
  id: 'tftp-blksize-exceeds-mtu',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if a retry worked)',
    firmwareMessages: 'PXE-E35 (EDK2: PXE-E18)',
    summary: 'a granted blksize whose DATA datagrams (blksize + 32 bytes) do not cross the path: IP fragments of the DATA are lost; or the OACK grants a blksize above 1024, the client acknowledges it (ACK 0) and no DATA ever arrives; or (server-side capture) DATA 1 is resent without ever being acknowledged',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    if (!ctx.final) return [];
    const out: Finding[] = [];
    const all = allTransfers(c);
    const seen = new Set<string>();
    for (const t of all) {
      const why = mtuEvidence(t);
      if (!why || seen.has(t.file)) continue;
      seen.add(t.file);
      const datagram = t.blksize + 4 + 8 + 20;
      const recovered = all.some((x) => x.rrqTs > t.rrqTs && x.file === t.file && x.outcome === 'complete');
      const shown =
        why === 'fragments'
          ? `DATA arrives IP-fragmented and fragments never arrive (${t.fragmentFrames.length} incomplete datagram fragment(s) in the capture), so the client cannot reassemble the block`
          : why === 'no-data-after-oack'
            ? `the client acknowledged the OACK (ACK 0${t.duplicateAcks ? `, repeated ${t.duplicateAcks} time${t.duplicateAcks > 1 ? 's' : ''}` : ''}) and not one DATA packet reached this capture point: the ${datagram}-byte datagrams are dropped on the way`
            : `the server sent DATA 1 ${1 + t.duplicateData} times and the client never acknowledged it: the ${datagram}-byte datagrams do not reach the client`;
      out.push(
        finding(this.id, c, ctx, {
          severity: recovered ? 'warning' : 'error',
          frames: [t.rrqFrame, t.firstReplyFrame ?? 0, ...t.fragmentFrames.slice(0, 6), t.lastFrame],
          firmwareMessage: isEdk2PxeClient(c) ? 'PXE-E18' : 'PXE-E35',
          title: `TFTP blksize ${t.blksize} for ${printableName(t.file)} does not fit the path MTU: the transfer stalls before any data${recovered ? ' (a retry with other options worked)' : ''}`,
          cause: `The server granted blksize ${t.blksize}, so each DATA is a ${datagram}-byte IP datagram; ${shown}. A link on the path (VLAN, tunnel, a NIC or bridge with a smaller MTU) cannot carry it.`,
          fix: 'Cap the TFTP block size at path MTU - 32 (dnsmasq --tftp-mtu=<mtu> or its automatic limit, tftpd-hpa -B <mtu-32>, WDS RamDiskTFTPBlockSize), or fix the MTU along the path.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
