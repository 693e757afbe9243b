import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, flatMap, isEdk2PxeClient } from '../helpers.js';
import { offeredTftpServer } from '../network-helpers.js';

/** PXE-E32: RRQs that are never answered, or answered with ICMP port unreachable. */
export const tftpNoResponseRule: Rule = {
  id: 'tftp-no-response',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if a retry worked)',
    firmwareMessages: 'PXE-E32 (EDK2: PXE-E18, PXE-E99 with ICMP port unreachable)',
    summary: 'RRQs to a server retransmitted without any reply, or answered by ICMP port unreachable',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const all = allTransfers(c);
    const byServer = new Map<string, typeof all>();
    for (const t of all) {
      if (t.outcome !== 'no-response') continue;
      if (!ctx.final && t.icmpFrames.length === 0 && t.rrqRepeats.length < 2) continue;
      const list = byServer.get(t.server) ?? [];
      list.push(t);
      byServer.set(t.server, list);
    }
    const out: Finding[] = [];
    for (const [server, list] of byServer) {
      const first = list[0]!;
      // The same file fetched later anyway (a retry that worked): a delay, not the stop.
      const recovered = list.every((t) => all.some((x) => x.rrqTs > t.rrqTs && x.file === t.file && x.outcome === 'complete'));
      const icmp = flatMap(list, (t) => t.icmpFrames);
      const rrqs = list.reduce((n, t) => n + 1 + t.rrqRepeats.length, 0);
      const files = [...new Set(list.map((t) => t.file))];
      const attempt = c.attempts.find((a) => a.transfers.includes(first));
      const offered = attempt ? offeredTftpServer(attempt) : undefined;
      out.push(
        finding(this.id, c, ctx, {
          severity: recovered ? 'warning' : 'error',
          frames: [...flatMap(list, (t) => [t.rrqFrame, ...t.rrqRepeats.slice(0, 4)]).slice(0, 10), ...icmp.slice(0, 3)],
          // EDK2: PXE-E18 after its retries, PXE-E99 at once on ICMP port unreachable (docs/analyze.md, "Firmware messages").
          firmwareMessage: isEdk2PxeClient(c) ? (icmp.length ? 'PXE-E99' : 'PXE-E18') : 'PXE-E32',
          title: `TFTP server ${server} does not answer (${rrqs} RRQ${rrqs > 1 ? 's' : ''} for ${files.join(', ')}${icmp.length ? ', ICMP port unreachable' : ''})`,
          cause: icmp.length
            ? `${server} answered the TFTP request with ICMP port unreachable: no TFTP server listens on udp/69 there.`
            : `No OACK, DATA or ERROR came back from ${server}: the TFTP server is not running, the address (next-server/siaddr) is wrong, or a firewall/NAT drops udp/69 or the reply from the server's ephemeral port.`,
          // The client went to another host than the reply named (option 54/66 firmware): next-server is not what to correct.
          fix: offered && offered.server !== server
            ? `The client sent its RRQs to ${server} although the reply named ${offered.server} (${offered.via}): this firmware follows another field (tftp-server-mismatch). Serve TFTP on ${server}, or make siaddr, option 66 and the server identifier 54 agree on ${offered.server}.`
            : 'Start the TFTP server on that host and allow udp/69 (and its reply ports: nf_conntrack_tftp, or dnsmasq --tftp-port-range / --tftp-single-port behind NAT); check that next-server points at it.',
          ts: first.rrqTs,
        }),
      );
    }
    return out;
  },
};
