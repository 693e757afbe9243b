import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, flatMap } from '../helpers.js';
import { ZERO_IP } from '../../exchange/classify.js';

/** Several servers grant addresses to one client; NAKs between them (PXE-E21 / intermittent boots). */
export const multipleDhcpServersRule: Rule = {
  id: 'multiple-dhcp-servers',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'warning (error with a NAK and no lease)',
    firmwareMessages: 'PXE-E21 with a NAK',
    summary: 'two or more servers grant addresses to one client, or a DHCPNAK from another server',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const grants = flatMap(c.attempts, addressReplies);
    const naks = flatMap(c.attempts, (a) => a.naks);
    const servers = [...new Set(grants.map((r) => r.server))];
    // The usual client: one server grants, none refuses (foreignNaks below are some of naks).
    if (servers.length < 2 && naks.length === 0) return [];
    const ackServers = new Set(flatMap(c.attempts, (a) => a.acks).filter((r) => r.yiaddr !== ZERO_IP).map((r) => r.server));
    const foreignNaks = naks.filter((n) => !ackServers.has(n.server) || servers.length > 1);
    if (servers.length < 2 && foreignNaks.length === 0) return [];
    const everBound = ackServers.size > 0;
    const frames = [...servers.map((s) => grants.find((r) => r.server === s)!.frame), ...foreignNaks.slice(0, 4).map((n) => n.frame)];
    const nakServers = [...new Set(foreignNaks.map((n) => n.server))];
    return [
      finding(this.id, c, ctx, {
        severity: foreignNaks.length > 0 && !everBound ? 'error' : 'warning',
        frames,
        firmwareMessage: foreignNaks.length > 0 ? 'PXE-E21' : undefined,
        title:
          servers.length > 1
            ? `${servers.length} DHCP servers grant addresses to this client: ${servers.join(', ')}${nakServers.length ? `; NAK from ${nakServers.join(', ')}` : ''}`
            : `DHCPNAK from ${nakServers.join(', ')}`,
        cause: `More than one DHCP server answers this segment${foreignNaks.length ? ', and one refuses (DHCPNAK) the lease the client requested from the other' : ''}. Which offer the client takes is a race, so boots fail intermittently, and a server without boot options can win.`,
        fix: 'Remove the extra DHCP server or relay (rogue router, second scope, stray ip-helper); if both are intended, split the pools and make only one authoritative for this subnet.',
        ts: grants[0]?.ts ?? naks[0]?.ts,
      }),
    ];
  },
};
