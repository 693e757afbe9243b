import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { pxeAttempts } from '../helpers.js';

/**
 * Replies that come only after the client retransmitted for seconds, or after it gave up; and a first
 * DISCOVER whose secs field already says the client had been trying (earlier packets lost: STP on the
 * switch port, or a capture started late). iPXE's secs runs fast and EDK2 sends 0, so secs is used
 * only for that hint and only for non-iPXE clients; delays are measured on packet times. The tracker
 * has already byte-swapped a secs the client wrote little-endian (EDK2's 4011 retries: 256 = 1 s),
 * so 256 is read as 1 s, not as minutes of lost DISCOVERs.
 */
export const slowServerResponseRule: Rule = {
  id: 'slow-server-response',
  meta: {
    severities: ['warning'],
    severityText: 'warning',
    firmwareMessages: '',
    summary: 'the first offer came 4 s or more after the first DISCOVER, or after the client had started a new round; or a non-iPXE client\'s first DISCOVER already has `secs` >= 4 (lost packets: spanning tree, late capture). Delays are measured on packet times, never on `secs` (iPXE\'s runs fast, EDK2 sends 0); a `secs` the client wrote little-endian (EDK2\'s 4011 retries: 256 = 1 s) is byte-swapped first',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const attempts = pxeAttempts(c);
    for (let i = 0; i < attempts.length; i++) {
      const a = attempts[i]!;
      const d = a.discovers[0];
      if (!d) continue;
      const replies = [...a.offers].sort((x, y) => x.ts - y.ts);
      const first = replies[0];
      if (!first) continue;
      const delay = first.ts - d.ts;
      const retries = d.repeatTimes.filter((t) => t < first.ts).length;
      const next = c.attempts.find((x) => x.index > a.index);
      const afterGiveUp = next !== undefined && first.ts > next.firstTs;
      if (delay < 4 && !afterGiveUp) continue;
      out.push(
        finding(this.id, c, ctx, {
          severity: 'warning',
          frames: [d.frame, ...d.repeatFrames.slice(0, 4), first.frame],
          title: afterGiveUp
            ? `Offer from ${first.server} arrived after the client had given up on that DHCP round`
            : `First offer came ${delay.toFixed(1)} s after the first DISCOVER (${retries} retransmission${retries === 1 ? '' : 's'})`,
          cause: `${first.server} answered late. PXE firmware waits 4, 8, 16, 32 s between DISCOVERs (iPXE 1-10 s, and only 2 s for proxy offers), so a slow server, an overloaded relay, a DHCP server's ping check, or a switch port still in spanning-tree listening/learning state can make boots fail intermittently.`,
          fix: 'Enable PortFast / edge port (RSTP) on client ports, check relay and server load; remove artificial response delays.',
          ts: first.ts,
        }),
      );
    }
    // A boot server or TFTP server that answers only after the client asked three times or more.
    for (const a of attempts) {
      for (const p of a.proxyRequests) {
        if (!p.answer || p.repeatFrames.length < 2 || p.answer.frame < (p.repeatFrames[p.repeatFrames.length - 1] ?? 0)) continue;
        out.push(
          finding(this.id, c, ctx, {
            severity: 'warning',
            frames: [p.frame, ...p.repeatFrames.slice(0, 4), p.answer.frame],
            title: `Boot server ${p.server} answered on port 4011 only after ${1 + p.repeatFrames.length} requests (${(p.answer.ts - p.ts).toFixed(1)} s)`,
            cause: 'The boot server is slow or loses requests; PXE firmware waits only a few seconds for it (the PXE spec: 4 tries, about 7 s in all; iPXE: 2 s) before giving up on the boot-server step.',
            fix: 'Check the PXE server load and the path to it (relay, firewall rate limits on udp/4011).',
            ts: p.answer.ts,
          }),
        );
      }
      for (const t of a.transfers) {
        if (t.rrqRepeats.length < 2 || t.firstReplyFrame === undefined) continue;
        out.push(
          finding(this.id, c, ctx, {
            severity: 'warning',
            frames: [t.rrqFrame, ...t.rrqRepeats.slice(0, 4), t.firstReplyFrame],
            title: `TFTP server ${t.server} answered the request for ${t.file} only after ${1 + t.rrqRepeats.length} RRQs`,
            cause: 'The TFTP server is slow to answer or loses requests; firmware gives up after a few retries (PXE-E32).',
            fix: 'Check the TFTP server load and any firewall/conntrack on udp/69 between client and server.',
            ts: t.rrqTs,
          }),
        );
      }
    }
    const firstAttempt = attempts[0];
    const firstDiscover = firstAttempt?.discovers[0];
    if (firstAttempt && firstDiscover && !firstAttempt.ipxe && firstDiscover.secs >= 4 && c.attempts[0] === firstAttempt) {
      out.push(
        finding(this.id, c, ctx, {
          severity: 'warning',
          frames: [firstDiscover.frame],
          title: `First DISCOVER seen already has secs = ${firstDiscover.secs}: earlier DISCOVERs were lost`,
          cause: 'The client says it has been trying for a while, but this is its first DISCOVER in the capture: earlier packets were lost (switch port blocked by spanning tree for 30-50 s after link-up, port security) or the capture started late.',
          fix: 'Enable PortFast / edge port on the client switch port; otherwise start the capture before powering the client on.',
          ts: firstDiscover.ts,
        }),
      );
    }
    return out;
  },
};
