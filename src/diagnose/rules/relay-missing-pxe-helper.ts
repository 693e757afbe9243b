import type { Rule } from '../rule.js';
import { finding } from '../rule.js';
import { addressReplies, flatMap, hasBootInfo, pxeAttempts } from '../helpers.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

/** Relayed DHCP: the address comes back through the relay, no proxy/boot offer does. */
export const relayMissingPxeHelperRule: Rule = {
  id: 'relay-missing-pxe-helper',
  meta: {
    severities: ['error'],
    severityText: 'error',
    firmwareMessages: 'PXE-E53',
    summary: 'the same, on a relayed segment (giaddr set): the relay\'s helper list lacks the PXE server',
    docs: 'docs/analyze.md#rules',
  },
  check(c, ctx) {
    const pxe = pxeAttempts(c);
    if (pxe.length === 0 || !pxe.some((a) => a.relayed)) return [];
    const addr = flatMap(pxe, addressReplies);
    if (addr.length === 0) return [];
    if (pxe.some(hasBootInfo)) return [];
    const relays = [...new Set(addr.map((r) => r.giaddr).filter((g) => g !== ZERO_IP))];
    return [
      finding(this.id, c, ctx, {
        severity: 'error',
        frames: addr.slice(0, 8).map((r) => r.frame),
        firmwareMessage: 'PXE-E53',
        title: `Relayed DHCP${relays.length ? ` (relay ${relays.join(', ')})` : ''} brings an address but no PXE/proxy offer`,
        cause:
          "The client's DISCOVERs are relayed (giaddr set) and only the address-granting server answers: the relay's helper list does not include the PXE/proxyDHCP server, so its offers never reach this subnet.",
        fix: 'Add the PXE server to the relay (Cisco: a second "ip helper-address <pxe-server>" on the client VLAN interface; dhcrelay: list it as another server), or put option 67 + next-server on the DHCP server.',
        ts: addr[0]!.ts,
      }),
    ];
  },
};
