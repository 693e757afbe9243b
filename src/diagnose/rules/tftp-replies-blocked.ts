import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { allTransfers, isEdk2PxeClient } from '../helpers.js';
import { printableName } from '../../exchange/classify.js';

/**
 * The server answers (OACK or DATA, from its new ephemeral port), the client never
 * acknowledges anything and asks again with a new RRQ: the replies do not reach it. A stateful
 * firewall or NAT between them matches only port 69 (no TFTP helper). Seen this way from the
 * server side or a SPAN port; from the client side it looks like tftp-no-response.
 */
export const tftpRepliesBlockedRule: Rule = {
  id: 'tftp-replies-blocked',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if a retry worked)',
    firmwareMessages: 'PXE-E32 (EDK2: PXE-E18)',
    summary: 'the server answers (OACK/DATA from its ephemeral port), the client acknowledges nothing and sends a new RRQ for the same file: the replies are dropped on the way (firewall/NAT without a TFTP helper); seen from the server side or a SPAN port',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const all = allTransfers(c);
    const seen = new Set<string>();
    for (const t of all) {
      if (t.firstReplyFrame === undefined || t.lastAckBlock !== undefined || t.error || t.finished || seen.has(t.file)) continue;
      const again = all.find((x) => x !== t && x.file === t.file && x.client === t.client && x.rrqTs > t.rrqTs && x.rrqTs - t.lastTs < 30);
      if (!again) continue;
      // Replies from this server do reach the client in another transfer (DATA acknowledged): a
      // firewall without a TFTP helper drops them all; a lossy path (tftp-lossy-path) drops some.
      if (all.some((x) => x !== t && x.server === t.server && x.client === t.client && x.lastAckBlock !== undefined && x.lastAckBlock > 0)) continue;
      seen.add(t.file);
      const recovered = all.some((x) => x.rrqTs > t.rrqTs && x.file === t.file && x.outcome === 'complete');
      out.push(
        finding(this.id, c, ctx, {
          severity: recovered ? 'warning' : 'error',
          frames: [t.rrqFrame, t.firstReplyFrame, again.rrqFrame],
          firmwareMessage: isEdk2PxeClient(c) ? 'PXE-E18' : 'PXE-E32',
          title: `TFTP replies from ${t.server}:${t.serverPort ?? '?'} do not reach the client: it never acknowledges and asks for ${printableName(t.file)} again`,
          cause: `The server answered the RRQ from its ephemeral port ${t.serverPort ?? ''} (${t.oack ? 'OACK' : 'DATA'}), but the client acknowledged nothing and sent a new request: the answer was dropped on the way. A stateful firewall or NAT that lets udp/69 through but not the reply from another port (no TFTP helper) does exactly this.`,
          fix: 'Load the TFTP conntrack/NAT helper (nf_conntrack_tftp / nf_nat_tftp, "ip inspect tftp"), or pin the server to known ports (dnsmasq --tftp-port-range, or --tftp-single-port behind NAT) and open them.',
          ts: t.rrqTs,
        }),
      );
    }
    return out;
  },
};
