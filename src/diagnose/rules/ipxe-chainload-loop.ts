import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { isIpxeBinaryName, printableName } from '../../exchange/classify.js';
import { offeredBootFile } from '../../exchange/tracker.js';
import { chainOf } from '../chain-helpers.js';

/**
 * iPXE (user class "iPXE" / option 175) is handed the iPXE binary again
 * and again, by DHCP or, across stages, by its own script or an HTTP URL.
 */
export const ipxeChainloadLoopRule: Rule = {
  id: 'ipxe-chainload-loop',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: '',
    summary: 'iPXE (user class "iPXE" or option 175) is handed an iPXE binary (`undionly.kpxe`, `ipxe.efi`, `snponly.efi`, `*.kpxe`, ...) in two or more DHCP rounds, or again by its own script or an HTTP URL across stages',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const hits: { frame: number; ts: number; start: number; file: string }[] = [];
    for (const a of c.attempts) {
      if (!a.ipxe) continue;
      const nbp = a.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete');
      const file = nbp?.file ?? offeredBootFile(a)?.bootFile;
      if (!file || !isIpxeBinaryName(file)) continue;
      hits.push({ frame: nbp?.rrqFrame ?? offeredBootFile(a)!.frame, ts: nbp?.rrqTs ?? a.firstTs, start: a.firstTs, file });
    }
    // Across stages (issue 18): an iPXE binary fetched by an iPXE that was already running, whatever
    // the way (a script's chain command, an HTTP URL, TFTP): the boot chain shows each such hand-over.
    const stages = chainOf(c, ctx).stages;
    let ipxeRunning = false;
    for (const st of stages) {
      if (st.kind === 'nbp' && st.loader === 'ipxe' && st.status === 'ok' && ipxeRunning && !hits.some((h) => h.frame >= st.firstFrame && h.frame <= st.lastFrame)) {
        hits.push({ frame: st.firstFrame, ts: st.firstTs, start: st.firstTs, file: st.name });
      }
      if (st.kind === 'ipxe-dhcp' || st.kind === 'ipxe-http' || st.kind === 'ipxe-script' || (st.kind === 'nbp' && st.loader === 'ipxe') || (st.kind === 'firmware-dhcp' && st.attempt?.ipxe)) ipxeRunning = true;
      else if (st.kind === 'firmware-dhcp') ipxeRunning = false;
    }
    hits.sort((x, y) => x.ts - y.ts);
    if (hits.length < 2) return [];
    const files = [...new Set(hits.map((h) => printableName(h.file)))];
    // One cycle = from one DHCP round of the loop to the next.
    const cycle = (hits[hits.length - 1]!.start - hits[0]!.start) / (hits.length - 1);
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: hits.slice(0, 10).map((h) => h.frame),
        title: `iPXE chainload loop: iPXE was handed ${files.join(', ')} ${hits.length} times (one cycle every ${cycle.toFixed(1)} s)`,
        cause: 'The DHCP/PXE server gives the iPXE binary to clients that already run iPXE (they send user class "iPXE" / option 175), so iPXE loads iPXE again, forever.',
        fix: 'Hand the iPXE binary only to clients without user class "iPXE" and give iPXE a script or URL instead (ISC: if exists user-class and option user-class = "iPXE" { filename "http://.../boot.ipxe"; }; dnsmasq: dhcp-userclass=set:ipxe,iPXE + dhcp-boot=tag:ipxe,...), or embed a script in the iPXE build.',
        ts: hits[0]!.ts,
      }),
    ];
  },
};
