import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { dhcpPhaseMessage, pxeAttempts } from '../helpers.js';
import { discoverTimes } from '../network-helpers.js';
import { delivered } from '../../exchange/vantage.js';
import { clientTransfers } from '../../exchange/records.js';

/** Silence this long after a client's first DISCOVER, with BPDUs on its port, is the spanning-tree delay (2 x 15 s forward delay by default). */
const STP_SILENCE = 8;

/**
 * A switch port running spanning tree without PortFast / edge mode drops the client's frames for
 * 2 x forward delay after the link comes up (listening, learning), while it sends BPDUs. The first
 * DISCOVERs go unanswered and later ones are answered, or the firmware gives up first. iPXE resets
 * the NIC when it starts, so a chainloaded iPXE meets the delay again (lab capture ok-stp-forward-delay).
 */
export const spanningTreeNotForwardingRule: Rule = {
  id: 'spanning-tree-not-forwarding',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the boot went on)',
    firmwareMessages: 'PXE-E51, iPXE "No configuration methods succeeded"',
    summary: 'spanning-tree BPDUs in the capture, and the client\'s first DISCOVERs unanswered for 8 s or more (across DHCP rounds), or never answered: a switch port without PortFast listening/learning for 2 x forward delay; a chainloaded iPXE round meets it again after its NIC reset',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const stp = c.stp;
    if (!stp) return [];
    const attempts = pxeAttempts(c);
    for (const a of attempts) {
      const sends = discoverTimes(a);
      if (sends.length === 0) continue;
      const first = sends[0]!;
      // The first reply to this client from then on, in this round or a later one (iPXE gives up a
      // round and starts another with a new xid while the port is still blocking).
      const reply = attempts
        .filter((x) => x.index >= a.index)
        .flatMap((x) => [...x.offers, ...x.acks])
        .filter((r) => r.ts >= first.ts)
        .sort((x, y) => x.ts - y.ts)[0];
      // Answered at once: this round met a forwarding port.
      if (reply && reply.ts - first.ts < STP_SILENCE) continue;
      const unanswered = attempts.filter((x) => x.index >= a.index).flatMap(discoverTimes).filter((s) => s.ts >= first.ts && (!reply || s.ts < reply.ts));
      if (unanswered.length < 2) continue;
      const silence = (reply ? reply.ts : unanswered[unanswered.length - 1]!.ts) - first.ts;
      if (reply === undefined && silence < 2) continue;
      const booted = clientTransfers(c).some((t) => t.role === 'nbp' && delivered(t) && t.rrqTs > first.ts);
      const fd = stp.forwardDelay;
      const afterNbp = a.role === 'ipxe-stage';
      // Answered in the end: a delay (whatever stopped the boot later is another finding's).
      const stopped = !booted && reply === undefined;
      return [
        finding(this.id, c, ctx, {
          severity: stopped ? 'error' : 'warning',
          frames: [...unanswered.slice(0, 4).map((s) => s.frame), ...stp.frames.slice(0, 3), ...(reply ? [reply.frame] : [])],
          firmwareMessage: !stopped ? undefined : a.ipxe ? 'No configuration methods succeeded (http://ipxe.org/040ee186)' : dhcpPhaseMessage(c, 'PXE-E51'),
          title: `Spanning tree not forwarding yet: ${unanswered.length} DISCOVER${unanswered.length > 1 ? 's' : ''} unanswered for ${silence.toFixed(1)} s while the switch port sends BPDUs${booted ? ' (the boot went on later)' : reply ? ' (answered later)' : ''}`,
          cause: `The capture holds ${stp.count} spanning-tree BPDU${stp.count > 1 ? 's' : ''} (${stp.version === 2 ? 'RSTP' : stp.version === 3 ? 'MSTP' : 'STP'}${fd !== undefined ? `, forward delay ${fd} s` : ''}${stp.lastState ? `, port ${stp.lastState}` : ''}): the client's switch port runs spanning tree. A port that is not an edge port (PortFast off) listens and learns for 2 x forward delay${fd !== undefined ? ` (${2 * fd} s)` : ''} after the link comes up and drops the client's frames meanwhile, so the first DISCOVERs ${reply ? `went unanswered; the first reply came ${silence.toFixed(1)} s after the first DISCOVER` : 'were never answered before the firmware gave up'}.${afterNbp ? ' This round is a chainloaded iPXE: it resets the NIC when it starts, the link goes down and up, and the delay starts over.' : ''}`,
          fix: 'Make the client ports edge ports: spanning-tree portfast (Cisco), spanning-tree port type edge (NX-OS), or disable spanning tree / set forward delay low on access ports where clients PXE-boot.',
          ts: first.ts,
        }),
      ];
    }
    return [];
  },
};
