/** bsdp-no-images: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type Host } from '../../exchange/scenario.js';
import { encodeBsdp } from '../../../src/decode/dhcp/bsdp.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import type { BsdpOptions } from '../../../src/decode/dhcp/types.js';
import { dhcpSrv, only } from './fixtures.js';

const mac: Host = { mac: '3c:07:54:00:00:01', ip: '192.0.2.140' };
const IMAGE = (1 << 8) * 65536 + 1;

/** A Mac's BSDP INFORM[LIST] and the server's ACK[LIST] carrying `answer`. */
function list(s: Scenario, answer: BsdpOptions): { inform: number; ack: number } {
  const inform = s.dhcp(mac, 68, dhcpSrv, 67, {
    op: 1,
    xid: 1,
    chaddr: mac.mac,
    ciaddr: mac.ip,
    options: [dhcpOpt.messageType(8), dhcpOpt.vendorClass('AAPLBSDPC/i386/MacBookPro11,1'), dhcpOpt.raw(43, encodeBsdp({ messageType: 1, version: '1.1' }))],
  });
  s.wait(0.5);
  const ack = s.dhcp(dhcpSrv, 67, mac, 68, {
    op: 2,
    xid: 1,
    chaddr: mac.mac,
    ciaddr: mac.ip,
    options: [dhcpOpt.messageType(5), dhcpOpt.serverId(dhcpSrv.ip), dhcpOpt.vendorClass('AAPLBSDPC'), dhcpOpt.raw(43, encodeBsdp(answer))],
  });
  return { inform, ack };
}

describe('bsdp-no-images', () => {
  it('fires on an ACK[LIST] without a boot image list, with INFORM and ACK as evidence', () => {
    const s = new Scenario();
    const f1 = list(s, { messageType: 1, serverId: dhcpSrv.ip });
    const f = only(s.run(), 'bsdp-no-images');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([f1.inform, f1.ack]);
  });
  it('stays quiet when the ACK[LIST] lists an image', () => {
    const s = new Scenario();
    list(s, { messageType: 1, serverId: dhcpSrv.ip, defaultImage: IMAGE, images: [{ id: IMAGE, name: 'NetBoot' }] });
    expect(ids(s.run())).not.toContain('bsdp-no-images');
  });
});
