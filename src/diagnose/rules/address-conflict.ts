import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { bootedAfter, pxeAttempts } from '../helpers.js';

/**
 * The client's address is claimed by another host: the DHCP server granted the same address to
 * another MAC in this capture, or another MAC answers ARP for it / announces it (a static address
 * inside the pool, a stale lease). The client's ARP check then fails (DHCPDECLINE), or both hosts
 * fight over the address and the TFTP replies go to the other one.
 */
export const addressConflictRule: Rule = {
  id: 'address-conflict',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error (warning if the boot went on)',
    firmwareMessages: '',
    summary: 'one address given to two MACs in this capture, another MAC answering ARP for it or announcing it, or a DHCPDECLINE from the client: a static address inside the pool or a stale lease',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const mine = new Set(c.attempts.map((a) => a.address).filter((x): x is string => x !== undefined));
    const dup = (c.dhcpServers?.duplicates ?? []).find((d) => (d.first.mac === c.mac || d.second.mac === c.mac) && mine.has(d.ip));
    const arp = (c.network?.conflicts ?? []).find((x) => mine.has(x.ip));
    const declines = c.attempts.flatMap((a) => a.requests.filter((r) => r.messageType === 4));
    if (!dup && !arp && declines.length === 0) return [];
    const pxe = pxeAttempts(c);
    const booted = pxe.length > 0 && bootedAfter(c, pxe[0]!);
    const ip = dup?.ip ?? arp?.ip ?? [...mine][0] ?? '?';
    const other = dup ? (dup.first.mac === c.mac ? dup.second.mac : dup.first.mac) : arp?.mac;
    const evidence: string[] = [];
    if (dup) evidence.push(`${dup.server} ACKed ${dup.ip} to ${dup.first.mac} (frame ${dup.first.frame}) and to ${dup.second.mac} (frame ${dup.second.frame})`);
    if (arp) evidence.push(`${arp.mac} claims ${arp.ip} in ARP (frame ${arp.frame})`);
    if (declines.length) evidence.push(`the client sent DHCPDECLINE (frame ${declines[0]!.frame}): its own ARP check found the address in use`);
    out.push(
      finding(this.id, c, ctx, {
        severity: booted ? 'warning' : 'error',
        frames: [...(dup ? [dup.first.frame, dup.second.frame] : []), ...(arp ? [arp.frame] : []), ...declines.map((d) => d.frame)],
        title: `Address conflict on ${ip}${other ? `: also used by ${other}` : ''}`,
        cause: `${evidence.join('; ')}. Two hosts use one address: a static address inside the DHCP pool, a lease database lost or shared by two servers, or a duplicate reservation; replies meant for one host reach the other.`,
        fix: 'Find the other host by its MAC (switch MAC table), take its static address out of the pool (or exclude it in the scope), and make sure only one DHCP server leases this range.',
        ts: dup?.second.ts ?? arp?.ts ?? declines[0]?.ts,
      }),
    );
    return out;
  },
};
