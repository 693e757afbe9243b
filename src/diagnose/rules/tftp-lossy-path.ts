import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/** Retransmitted DATA/ACKs per DATA block above which a path is lossy (a clean LAN shows none). */
const LOSSY_RATE = 0.05;
/** And at least this many of them: one or two retries happen on any network. */
const LOSSY_MIN = 3;
/** A silence this long inside a transfer is a timeout (iPXE and EDK2 retransmit after ~1 s or more). */
const TIMEOUT_GAP = 0.9;

/**
 * TFTP over a lossy path: blocks sent again, ACKs repeated, timeouts inside the transfers. The
 * normal patterns are not counted: EDK2's tsize probe (RRQ, OACK, ERROR 8) is a transfer of its own,
 * and an RRQ sent again before the first reply is the firmware's retry, counted only as such.
 */
export const tftpLossyPathRule: Rule = {
  id: 'tftp-lossy-path',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'in a transfer of 8 blocks or more, DATA sent again plus ACKs repeated are 5 % of the blocks or more (and at least 3): a lossy path; EDK2\'s tsize probe and RRQ retries before the first reply are not counted',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const lossy = allTransfers(c).filter((t) => {
      if (t.outcome === 'tsize-probe' || t.outcome === 'not-found-probe' || t.dataPackets < 8) return false;
      const retrans = t.duplicateData + t.duplicateAcks;
      return retrans >= LOSSY_MIN && retrans / t.dataPackets >= LOSSY_RATE;
    });
    if (lossy.length === 0) return [];
    const worst = lossy.reduce((w, t) => ((t.duplicateData + t.duplicateAcks) / t.dataPackets > (w.duplicateData + w.duplicateAcks) / w.dataPackets ? t : w));
    const lines = lossy.slice(0, 4).map((t) => {
      const r = t.duplicateData + t.duplicateAcks;
      return `${printableName(t.file)}: ${r} retransmission${r > 1 ? 's' : ''} for ${t.dataPackets} blocks (${Math.round((100 * r) / t.dataPackets)} %: ${t.duplicateData} DATA sent again, ${t.duplicateAcks} ACKs repeated)${t.maxGap >= TIMEOUT_GAP ? `, longest silence ${t.maxGap.toFixed(1)} s` : ''}, ${t.outcome}`;
    });
    const failed = lossy.some((t) => t.outcome === 'incomplete');
    return [
      finding(this.id, c, ctx, {
        severity: 'warning',
        frames: [worst.rrqFrame, worst.firstReplyFrame ?? 0, worst.lastFrame],
        title: `TFTP over a lossy path: ${lines[0]}${lossy.length > 1 ? ` (and ${lossy.length - 1} more transfer${lossy.length > 2 ? 's' : ''})` : ''}`,
        cause: `Blocks were sent again and ACKs repeated far beyond what a healthy LAN shows (none): packets are lost between the server and the client. ${lines.join('; ')}.${failed ? ' The loss made a transfer fail.' : ' Each loss costs a timeout, so the boot is slow even when it completes.'} Usual causes: a duplex mismatch or bad cable on the client's port, an overloaded or policing link, a wireless bridge, or fragments dropped on the way.`,
        fix: 'Check the error counters of the switch ports and links on the path (CRC errors, duplex mismatch, drops), and capture on the client\'s port to see on which side the packets vanish; a smaller TFTP block size makes each loss cheaper.',
        ts: worst.rrqTs,
      }),
    ];
  },
};
