import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { pxeAttempts } from '../helpers.js';
import { ZERO_IP, printableName } from '../../exchange/classify.js';

/** Catalog #23: different boot files or boot servers offered to one client in one DHCP round. */
export const multipleBootServersRule: Rule = {
  id: 'multiple-boot-servers',
  check(c, ctx) {
    const out: Finding[] = [];
    for (const a of pxeAttempts(c)) {
      const byServer = new Map<string, { frame: number; ts: number; file: string; next: string }>();
      for (const r of [...a.offers, ...a.proxyRequests.flatMap((p) => (p.answer ? [p.answer] : []))]) {
        if (!r.bootFile) continue;
        if (!byServer.has(r.server)) byServer.set(r.server, { frame: r.frame, ts: r.ts, file: r.bootFile, next: r.siaddr !== ZERO_IP ? r.siaddr : (r.tftpServerName ?? r.server) });
      }
      if (byServer.size < 2) continue;
      const variants = new Set([...byServer.values()].map((v) => `${v.file}@${v.next}`));
      if (variants.size < 2) continue;
      const list = [...byServer.entries()];
      const used = a.transfers.find((t) => t.role === 'nbp');
      out.push(
        finding(this.id, c, ctx, {
          severity: 'warning',
          frames: list.map(([, v]) => v.frame),
          title: `Several servers offer different boot files: ${list.map(([s, v]) => `${s} -> ${printableName(v.file)} on ${v.next}`).join('; ')}`,
          cause: `More than one DHCP/PXE service answers this client with boot information, and they disagree. The client takes one by its own rules (EDK2 the first proxy offer, iPXE the last), so which one wins is a race${used ? `; this time it fetched ${printableName(used.file)} from ${used.server}` : ''}.`,
          fix: 'Run one PXE service per segment (stop the extra one or exclude this subnet from it), or delay the unwanted one (dnsmasq dhcp-reply-delay, WDS /ResponseDelay).',
          ts: list[0]![1].ts,
        }),
      );
    }
    return out;
  },
};
