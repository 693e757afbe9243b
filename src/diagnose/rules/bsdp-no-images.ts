import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { failureSeverity, methodsOf } from '../boot-method-helpers.js';

/** Apple NetBoot (BSDP): the server answered INFORM[LIST] with no boot image list (sub-option 9). */
export const bsdpNoImagesRule: Rule = {
  id: 'bsdp-no-images',
  meta: {
    severities: ['error', 'warning'],
    severityText: 'error; warning when another method booted',
    firmwareMessages: '',
    summary: 'BSDP ACK[LIST] without a boot image list (sub-option 9)',
    docs: 'docs/ipv6-http-bsdp.md#rules-stable-ids',
  },
  check(c, ctx) {
    const methods = methodsOf(c);
    return methods
      .filter((m) => m.method === 'BSDP' && m.outcome === 'no-images')
      .map((m) =>
        finding(this.id, c, ctx, {
          severity: failureSeverity(methods, m),
          frames: m.frames,
          title: `BSDP: ${m.server ?? 'the NetBoot server'} offers no boot images`,
          cause: 'The Mac asked for the list of NetBoot images (BSDP INFORM[LIST]); the ACK[LIST] carries no boot image list (option 43 sub-option 9), so there is nothing to select and the Mac shows no network startup disk.',
          fix: 'Enable at least one NetBoot/NetInstall image on the server (bootpd: /etc/bootpd.plist NetBoot images, or the image set of your NetBoot service) and check it matches the client model.',
          ts: m.firstTs,
        }),
      );
  },
};
