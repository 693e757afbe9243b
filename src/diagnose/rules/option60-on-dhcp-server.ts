import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { dhcpPhaseMessage, flatMap, pxeAttempts } from '../helpers.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

/**
 * Microsoft KB 259670: the address offer carries option 60 "PXEClient" without option 43, so
 * EDK2 classifies it "DhcpBinl" and asks siaddr (or option 54) on UDP 4011 for the boot file.
 */
export const option60OnDhcpServerRule: Rule = {
  id: 'option60-on-dhcp-server',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error / warning',
    firmwareMessages: 'PXE-E55 (EDK2: PXE-E16)',
    summary: 'the address-granting offer carries option 60 "PXEClient" without 43 (EDK2 "DhcpBinl"); error when the client\'s 4011 request to that server goes unanswered (or ICMP port unreachable), warning when the client did not ask; nothing when that server does answer on 4011',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of pxeAttempts(c)) {
      for (const o of [...a.offers, ...a.acks]) {
        if (o.kind !== 'dhcp-binl' || seen.has(o.server)) continue;
        seen.add(o.server);
        const targets = new Set([o.server, o.src, o.siaddr]);
        const reqs = a.proxyRequests.filter((p) => targets.has(p.server));
        const answered = reqs.some((p) => p.answer);
        if (answered) continue;
        const unanswered = reqs.filter((p) => !p.answer);
        const frames = [o.frame, ...flatMap(unanswered, (p) => [p.frame, ...p.repeatFrames.slice(0, 4), ...p.icmpFrames.slice(0, 2)])];
        if (unanswered.length > 0) {
          out.push(
            finding(this.id, c, ctx, {
              severity: 'error',
              frames,
              firmwareMessage: dhcpPhaseMessage(c, 'PXE-E55'),
              title: `DHCP server ${o.server} sends option 60 "PXEClient"; the client asks it on port 4011 and gets no answer`,
              cause: `The offer from ${o.server} grants an address and carries option 60 "${o.vendorClass}" without PXE option 43, which tells the firmware that this host is also the PXE boot server. The client sends its boot-server request to ${unanswered[0]!.server}:4011, where nothing answers${unanswered.some((p) => p.icmpFrames.length) ? ' (ICMP port unreachable)' : ''}. Legacy ROMs report PXE-E55; EDK2/UEFI gives up with "PXE-E16: No valid offer received".`,
              fix: 'Remove option 60 from the DHCP server (Microsoft KB 259670) and point clients at the real PXE server (ip helper-address or options 66/67 + next-server), or run a PXE/BINL service on UDP 4011 of that host and open udp/4011 in its firewall.',
              ts: o.ts,
            }),
          );
        } else {
          out.push(
            finding(this.id, c, ctx, {
              severity: 'warning',
              frames,
              title: `DHCP server ${o.server} sends option 60 "PXEClient" in its address offer`,
              cause: `Option 60 "${o.vendorClass}" without PXE option 43 in an address offer makes UEFI (EDK2) clients ask ${o.siaddr !== ZERO_IP ? o.siaddr : o.server} on UDP 4011 for boot information; this client did not, but UEFI machines will, and fail with PXE-E55 if nothing answers there.`,
              fix: 'Remove option 60 from the DHCP scope unless this host runs a PXE/BINL service on UDP 4011.',
              ts: o.ts,
            }),
          );
        }
      }
    }
    return out;
  },
};
