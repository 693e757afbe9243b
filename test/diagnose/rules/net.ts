/** Link-layer frames for the network rule tests (ARP, spanning-tree BPDUs), from the real codecs, and the qemu BIOS client (iPXE ROM). */
import type { ClientSpec, Host, Scenario } from '../../exchange/scenario.js';
import { encodeArp } from '../../../src/decode/arp.js';
import { BPDU_CONFIG, encodeBpdu } from '../../../src/decode/stp.js';
import { bios } from './fixtures.js';

/** The BIOS client of fixtures.ts as qemu's iPXE ROM announces itself (user class "iPXE", option 175). */
export const ipxeBios: ClientSpec = { ...bios, ipxe: true };

/** A broadcast ARP request from `from` asking who has `target`. */
export function arpRequest(s: Scenario, from: Host, target: string): number {
  return s.raw(from.mac, 'ff:ff:ff:ff:ff:ff', encodeArp({ hwType: 1, protoType: 0x0800, hwSize: 6, protoSize: 4, opcode: 1, senderMac: from.mac, senderIp: from.ip, targetMac: '00:00:00:00:00:00', targetIp: target }).slice(), 0x0806);
}

/** `from` answering `to`'s ARP request. */
export function arpReply(s: Scenario, from: Host, to: Host): number {
  return s.raw(from.mac, to.mac, encodeArp({ hwType: 1, protoType: 0x0800, hwSize: 6, protoSize: 4, opcode: 2, senderMac: from.mac, senderIp: from.ip, targetMac: to.mac, targetIp: to.ip }).slice(), 0x0806);
}

/** A configuration BPDU (802.3 length + LLC 42 42 03) from a switch port. */
export function bpdu(s: Scenario): number {
  const llc = Uint8Array.from([0x42, 0x42, 0x03, ...encodeBpdu({ protocolId: 0, version: 0, type: BPDU_CONFIG, flags: 0, rootPriority: 32768, rootMac: '02:00:00:00:99:01', rootCost: 0, bridgePriority: 32768, bridgeMac: '02:00:00:00:99:01', portId: 0x8001, messageAge: 0, maxAge: 20, helloTime: 2, forwardDelay: 15 })]);
  return s.raw('02:00:00:00:99:01', '01:80:c2:00:00:00', llc, llc.length);
}
