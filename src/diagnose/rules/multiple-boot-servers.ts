import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { bootedAfter, pxeAttempts } from '../helpers.js';
import { ZERO_IP, isProxyKind, printableName } from '../../exchange/classify.js';
import type { ReplyRecord } from '../../exchange/types.js';

/** Does this reply tell the client where to boot from (a boot file, or a PXE/proxy offer that leads to one)? */
function isBootSource(r: ReplyRecord): boolean {
  return r.bootFile !== '' || isProxyKind(r.kind) || r.kind === 'dhcp-pxe' || r.kind === 'dhcp-binl';
}

/**
 * In one DHCP round, several servers offer boot information that disagrees (another
 * boot file, another TFTP/boot server). The client follows one by its own rules (EDK2 the first
 * proxy offer, iPXE the last), so the result is a race. An error when the client then failed.
 */
export const multipleBootServersRule: Rule = {
  id: 'multiple-boot-servers',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error when the client then failed, else warning',
    firmwareMessages: '',
    summary: 'in one DHCP round, several servers offer boot information that disagrees: different boot files or boot/TFTP servers, including BINL-style proxy offers of two PXE servers (the file each meant is taken from its 4011 answer when the client asked)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    for (const a of pxeAttempts(c)) {
      const byServer = new Map<string, { frame: number; ts: number; file: string; next: string }>();
      for (const r of a.offers) {
        if (!isBootSource(r) || byServer.has(r.server)) continue;
        byServer.set(r.server, { frame: r.frame, ts: r.ts, file: r.bootFile, next: r.siaddr !== ZERO_IP ? r.siaddr : (r.tftpServerName ?? r.server) });
      }
      if (byServer.size < 2) continue;
      // The 4011 answers say which file a BINL-style proxy meant.
      for (const p of a.proxyRequests) {
        const v = p.answer && byServer.get(p.answer.server);
        if (v && p.answer!.bootFile) v.file = p.answer!.bootFile;
      }
      const variants = new Set([...byServer.values()].map((v) => `${v.file}@${v.next}`));
      if (variants.size < 2) continue;
      const list = [...byServer.entries()];
      const followed = a.proxyRequests[0]?.server ?? a.transfers[0]?.server;
      const booted = bootedAfter(c, a);
      const describe = ([s, v]: [string, { file: string; next: string }]) => `${s} -> ${v.file ? printableName(v.file) : '(boot file via port 4011)'}${v.next !== s ? ` on ${v.next}` : ''}`;
      out.push(
        finding(this.id, c, ctx, {
          severity: booted ? 'warning' : 'error',
          frames: [...list.map(([, v]) => v.frame), ...(a.proxyRequests[0] ? [a.proxyRequests[0].frame] : []), ...(a.transfers[0] ? [a.transfers[0].rrqFrame] : [])],
          title: `${list.length} PXE servers answer this client with different boot information: ${list.map(describe).join('; ')}`,
          cause: `More than one DHCP/proxyDHCP/PXE service offers this client a boot file or boot server, and they disagree. The client picks one by its own rules (EDK2 keeps the first proxy offer; iPXE the last one that arrived before it stopped collecting offers), so which one wins is a race${followed ? `; this time it followed ${followed}${booted ? '' : ' and the boot failed there'}` : ''}.`,
          fix: 'Run one PXE service per segment: stop the extra one or exclude this subnet/these clients from it; if both are intended, delay the unwanted one (dnsmasq dhcp-reply-delay, WDS /ResponseDelay) or make both serve the same files.',
          ts: list[0]![1].ts,
        }),
      );
    }
    return out;
  },
};
