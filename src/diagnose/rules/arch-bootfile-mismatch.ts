import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { judgeNbp } from '../helpers.js';
import { archLabel, printableName } from '../../exchange/classify.js';

/** The NBP does not fit option 93 (BIOS NBP for UEFI, .efi for BIOS, wrong PE machine). */
export const archBootfileMismatchRule: Rule = {
  id: 'arch-bootfile-mismatch',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: '',
    summary: 'the NBP does not fit option 93: judged from the first bytes of block 1 when they are in the capture (PE/COFF machine 0x8664/0x14c/0xaa64/... versus a BIOS NBP), else from the name (`.efi` versus `.0`/`.kpxe`/`pxelinux*`/`undionly*`)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of c.attempts) {
      if (a.role !== 'firmware' || !a.arch) continue;
      const j = judgeNbp(a);
      if (!j || j.fits || seen.has(j.file)) continue;
      seen.add(j.file);
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [...(j.offer ? [j.offer.frame] : []), ...j.nbps.slice(0, 2).map((t) => t.rrqFrame), j.withHead?.firstReplyFrame ?? 0],
          title: `Boot file ${printableName(j.file)} is ${j.actual}, but the client is ${archLabel(a.arch)} (option 93 = ${a.arch.join(',')})`,
          cause: `The server hands this client a file for another architecture, judged from the file's ${j.judged === 'header' ? 'first bytes in the capture' : 'name'}. ${j.wantsBios ? 'A BIOS client cannot run an EFI application (it hangs after the download).' : 'A UEFI client cannot run a BIOS NBP (pxelinux.0, undionly.kpxe): the download completes, then the firmware fails to load it and moves on.'}`,
          fix: 'Select the boot file by option 93: 0 -> BIOS NBP (.0/.kpxe), 6 -> ia32 .efi, 7 and 9 -> x64 .efi, 11 -> arm64 .efi (ISC: "if option arch = 00:07"; dnsmasq: dhcp-match=set:efi64,option:client-arch,7 plus tag:efi64 in dhcp-boot/pxe-service).',
          ts: j.nbps[0]?.rrqTs ?? j.offer?.ts,
        }),
      );
    }
    return out;
  },
};
