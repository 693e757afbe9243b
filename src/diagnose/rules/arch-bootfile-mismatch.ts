import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { archLabel, expectedNbp, nbpKindFromHead, nbpKindFromName, printableName } from '../../exchange/classify.js';
import { offeredBootFile } from '../../exchange/tracker.js';

/** Catalog #14-#17: the NBP does not fit option 93 (BIOS NBP for UEFI, .efi for BIOS, wrong PE machine). */
export const archBootfileMismatchRule: Rule = {
  id: 'arch-bootfile-mismatch',
  check(c, ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const a of c.attempts) {
      if (a.role !== 'firmware' || !a.arch || a.arch.length === 0) continue;
      const expectations = a.arch.map(expectedNbp).filter((e) => e !== undefined);
      if (expectations.length === 0) continue;
      const nbps = a.transfers.filter((t) => t.role === 'nbp');
      const withHead = nbps.find((t) => t.head);
      const offer = offeredBootFile(a);
      const file = withHead?.file ?? nbps[0]?.file ?? offer?.bootFile;
      if (!file || seen.has(file)) continue;
      let actual: string | undefined;
      let judged: 'header' | 'name';
      let ok: boolean;
      if (withHead?.head) {
        const k = nbpKindFromHead(withHead.head);
        judged = 'header';
        if (k.kind === 'bios') {
          actual = 'a BIOS NBP (no PE/COFF header)';
          ok = expectations.some((e) => e.kind === 'bios');
        } else {
          actual = `a PE/COFF image for ${k.machine}`;
          ok = k.machine === 'unknown' ? expectations.some((e) => e.kind === 'pe') : expectations.some((e) => e.kind === 'pe' && e.machines.includes(k.machine));
        }
      } else {
        const k = nbpKindFromName(file);
        if (!k) continue;
        judged = 'name';
        actual = k === 'efi' ? 'an EFI application (by its name)' : 'a BIOS NBP (by its name)';
        ok = expectations.some((e) => (k === 'bios' ? e.kind === 'bios' : e.kind === 'pe'));
      }
      if (ok) continue;
      seen.add(file);
      const wantsBios = expectations.every((e) => e.kind === 'bios');
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [...(offer ? [offer.frame] : []), ...nbps.slice(0, 2).map((t) => t.rrqFrame), withHead?.firstReplyFrame ?? 0],
          title: `Boot file ${printableName(file)} is ${actual}, but the client is ${archLabel(a.arch)} (option 93 = ${a.arch.join(',')})`,
          cause: `The server hands the same or a wrong-architecture file to this client: judged from the file's ${judged === 'header' ? 'first bytes in the capture' : 'name'}. ${wantsBios ? 'A BIOS client cannot run an EFI application (it hangs after the download).' : 'A UEFI client cannot run a BIOS NBP (pxelinux.0, undionly.kpxe): the download completes, then the firmware fails to load it and moves on.'}`,
          fix: 'Select the boot file by option 93: 0 -> BIOS NBP (.0/.kpxe), 6 -> ia32 .efi, 7 and 9 -> x64 .efi, 11 -> arm64 .efi (ISC: "if option arch = 00:07"; dnsmasq: dhcp-match=set:efi64,option:client-arch,7 plus tag:efi64 in dhcp-boot/pxe-service).',
          ts: nbps[0]?.rrqTs ?? offer?.ts,
        }),
      );
    }
    return out;
  },
};
