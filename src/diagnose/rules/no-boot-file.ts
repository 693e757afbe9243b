import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, hasBootInfo, pxeAttempts } from '../helpers.js';

/** PXE-E53: an address, but no boot file, no PXE offer, no proxy (catalog #4). Relayed clients get relay-missing-pxe-helper instead. */
export const noBootFileRule: Rule = {
  id: 'no-boot-file',
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0) return [];
    const addr = pxe.flatMap(addressReplies);
    if (addr.length === 0) return [];
    if (pxe.some(hasBootInfo)) return [];
    if (pxe.some((a) => a.relayed)) return [];
    const servers = [...new Set(addr.map((r) => r.server))];
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: addr.slice(0, 8).map((r) => r.frame),
        firmwareMessage: 'PXE-E53',
        title: `No boot file: ${servers.join(', ')} gave an address but no boot file, and no proxyDHCP answered`,
        cause:
          'The DHCP offers carry no boot file name (no option 67, empty file field), no PXEClient option 60, and no proxyDHCP offer arrived, so the firmware has nothing to download ("No boot filename received").',
        fix: 'Add the boot file and TFTP server to the DHCP scope (option 67 / filename and next-server/siaddr, per architecture), or run a proxyDHCP (e.g. dnsmasq --dhcp-range=<net>,proxy with pxe-service) on this segment.',
        ts: addr[0]!.ts,
      }),
    ];
  },
};
