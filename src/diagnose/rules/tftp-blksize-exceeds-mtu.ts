import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/** Catalog #26: the granted blksize makes DATA datagrams larger than the path MTU; fragments get lost and the transfer stalls. */
export const tftpBlksizeExceedsMtuRule: Rule = {
  id: 'tftp-blksize-exceeds-mtu',
  check(c, ctx) {
    const out: Finding[] = [];
    for (const t of allTransfers(c)) {
      if (t.fragmentFrames.length === 0 || t.outcome === 'complete') continue;
      const datagram = t.blksize + 4 + 8 + 20;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [t.rrqFrame, ...(t.oack ? [t.firstReplyFrame ?? 0] : []), ...t.fragmentFrames.slice(0, 6)],
          firmwareMessage: 'PXE-E35',
          title: `TFTP blksize ${t.blksize} exceeds the path MTU: DATA for ${printableName(t.file)} is fragmented and fragments are lost`,
          cause: `The server granted blksize ${t.blksize}, so each DATA is a ${datagram}-byte IP datagram. It does not fit the path MTU, gets IP-fragmented, and fragments never arrive (${t.fragmentFrames.length} incomplete datagram fragment(s) in the capture); the client cannot reassemble the block and the transfer stalls.`,
          fix: 'Cap the TFTP block size at path MTU - 32 (dnsmasq --tftp-mtu=<mtu> or its automatic limit, tftpd-hpa -B <mtu-32>, WDS RamDiskTFTPBlockSize), or fix the MTU along the path (VLAN/tunnel/NIC).',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
