import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { bootedAfter, dhcpPhaseMessage, pxeAttempts } from '../helpers.js';

/** PXE-E55: a request to a boot server on UDP 4011 gets no answer, or ICMP port unreachable. */
export const proxyRequestUnansweredRule: Rule = {
  id: 'proxy-request-unanswered',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the boot went on)',
    firmwareMessages: 'PXE-E55 (EDK2: PXE-E16)',
    summary: 'a request to UDP 4011 of a boot server, retried or answered by ICMP port unreachable, with no answer',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const a of pxeAttempts(c)) {
      // The option60-on-dhcp-server rule explains requests sent to an address-granting server with option 60.
      const binlServers = new Set<string>();
      for (const o of [...a.offers, ...a.acks]) if (o.kind === 'dhcp-binl') binlServers.add(o.server).add(o.siaddr).add(o.src);
      for (const p of a.proxyRequests) {
        if (p.answer || binlServers.has(p.server)) continue;
        const lastTry = Math.max(p.ts, ...p.repeatTimes);
        if (p.icmpFrames.length === 0 && p.repeatFrames.length === 0 && (!ctx.final || ctx.captureEnd - lastTry < 2)) continue;
        // iPXE treats a missing ProxyDHCPACK as non-fatal; if the boot went on, it is a delay, not the stop.
        const booted = bootedAfter(c, a);
        out.push(
          finding(this.id, c, ctx, {
            severity: booted ? 'warning' : 'error',
            frames: [p.frame, ...p.repeatFrames.slice(0, 6), ...p.icmpFrames.slice(0, 3)],
            firmwareMessage: dhcpPhaseMessage(c, 'PXE-E55'),
            title: `Boot server ${p.server} does not answer on UDP 4011 (${1 + p.repeatFrames.length} request${p.repeatFrames.length ? 's' : ''}${p.icmpFrames.length ? ', ICMP port unreachable' : ''})`,
            cause: `The client asked ${p.server}:4011 for its boot file (ProxyDHCP/boot-server request from port ${p.sport}) and ${p.icmpFrames.length ? 'the host answered ICMP port unreachable: nothing listens on udp/4011' : 'no answer came: the service is not running there or a firewall drops udp/4011'}.`,
            fix: 'Run the PXE/proxyDHCP service on that host and allow udp/4011 (not tcp) through its firewall, or stop advertising that host as boot server (option 60 / 43.8 / siaddr).',
            ts: p.ts,
          }),
        );
      }
    }
    return out;
  },
};
