import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, dhcpPhaseMessage, flatMap, hasBootInfo, pxeAttempts } from '../helpers.js';
import { ZERO_IP } from '../../exchange/classify.js';

/** PXE-E53: an address, but no boot file, no PXE offer, no proxy. Relayed clients get relay-missing-pxe-helper instead. */
export const noBootFileRule: Rule = {
  id: 'no-boot-file',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E53 (EDK2: PXE-E16)',
    summary: 'an address, but no boot file (option 67 / file field), no PXEClient offer, no proxy offer, no 4011 step, no TFTP (proxy offers the firmware cannot take, option 60 not "PXEClient", are `proxy-offer-missing-option60` instead)',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0) return [];
    const addr = flatMap(pxe, addressReplies);
    if (addr.length === 0) return [];
    if (pxe.some(hasBootInfo)) return [];
    if (pxe.some((a) => a.relayed)) return [];
    // Proxy offers did come, but the firmware cannot take them (option 60 is not "PXEClient"):
    // proxy-offer-missing-option60 names them and the fix; "no proxyDHCP answered" would be false.
    if (pxe.some((a) => a.offers.some((o) => o.kind === 'proxy-no-option60' && (o.bootFile || o.siaddr !== ZERO_IP || o.hasPxeOptions)))) return [];
    const servers = [...new Set(addr.map((r) => r.server))];
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: addr.slice(0, 8).map((r) => r.frame),
        firmwareMessage: dhcpPhaseMessage(c, 'PXE-E53'),
        title: `No boot file: ${servers.join(', ')} gave an address but no boot file, and no proxyDHCP answered`,
        cause:
          'The DHCP offers carry no boot file name (no option 67, empty file field), no PXEClient option 60, and no proxyDHCP offer arrived, so the firmware has nothing to download ("No boot filename received").',
        fix: 'Add the boot file and TFTP server to the DHCP scope (option 67 / filename and next-server/siaddr, per architecture), or run a proxyDHCP (e.g. dnsmasq --dhcp-range=<net>,proxy with pxe-service) on this segment.',
        ts: addr[0]!.ts,
      }),
    ];
  },
};
