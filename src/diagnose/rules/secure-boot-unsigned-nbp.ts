import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { chainOf, failedStages } from '../chain-helpers.js';
import { formatBytes, printableName } from '../../exchange/classify.js';

/**
 * An EFI NBP without an Authenticode signature (its PE header's certificate-table directory is
 * empty) was downloaded completely by a UEFI client that then went no further: it fell through to
 * its next boot method, started PXE over, or went silent. Under Secure Boot the firmware refuses to
 * start such an image. A signed NBP that stops is judged by what follows it instead.
 */
export const secureBootUnsignedNbpRule: Rule = {
  id: 'secure-boot-unsigned-nbp',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'EDK2 "Access Denied", "Selected boot image did not authenticate"',
    summary: 'a complete, untruncated, unsigned EFI NBP, then the UEFI client went no further',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const out: Finding[] = [];
    const stages = chainOf(c, ctx).stages;
    for (const s of failedStages(c, ctx, ['unsigned-under-secure-boot'])) {
      const t = s.transfers.find((x) => x.outcome === 'complete') ?? s.transfers[0];
      const next = stages[stages.indexOf(s) + 1];
      const after = next ? `${(next.firstTs - s.lastTs).toFixed(1)} s later the client went on to ${next.kind === 'firmware-dhcp' ? 'a new DHCP round' : next.kind}` : c.boot?.dhcp6.some((r) => r.firstTs > s.lastTs && r.method !== 'DHCPv6') ? 'the firmware then went on to its next boot method (DHCPv6 Solicit)' : 'the client then went silent';
      out.push(
        finding(this.id, c, ctx, {
          severity: 'error',
          frames: [...s.frames, ...(next ? [next.firstFrame] : [])],
          firmwareMessage: 'EDK2: "failed to load Boot0001 ... Access Denied"; others: "Selected boot image did not authenticate", Hyper-V: "hash ... not allowed (DB)"',
          title: `Unsigned EFI boot file ${printableName(s.name)} (likely refused by Secure Boot)`,
          cause: `${printableName(s.name)}${t ? ` (${formatBytes(t.bytes)})` : ''} was downloaded completely, but its PE header carries no Authenticode signature (the certificate-table directory is empty), and ${after}. With Secure Boot on, UEFI firmware verifies an NBP against its db before starting it and refuses an unsigned one; nothing of a second stage was fetched.`,
          fix: 'Serve a signed chain: shim signed by the Microsoft UEFI CA (shimx64.efi) with a vendor-signed GRUB beside it as grubx64.efi, or a signed iPXE (ipxe-snponly signed builds); or turn Secure Boot off on the client. Check a file with: sbverify --list FILE (or pesign -S -i FILE).',
          ts: s.lastTs,
        }),
      );
    }
    return out;
  },
};
