/** dhcp6-no-advertise: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { BCAST_MAC, Scenario, ids } from '../../exchange/scenario.js';
import { dhcp6Opt, duid, encodeDhcp6 } from '../../../src/decode/dhcp6/codec.js';
import { ipv6, udp } from '../../ipv6/packets6.js';
import { dhcpSrv, uefi, only } from './fixtures.js';

const LL = 'fe80::5054:ff:feef:1';
const SERVER_LL = 'fe80::ff:fe00:101';

function solicit(s: Scenario): number {
  const msg = encodeDhcp6({ msgType: 1, transactionId: 0x20, options: [dhcp6Opt.clientId(duid.ll(uefi.mac)), dhcp6Opt.clientArch([7]), dhcp6Opt.vendorClass(343, ['PXEClient:Arch:00007:UNDI:003000'])] });
  return s.ipv6(uefi.mac, BCAST_MAC, ipv6(LL, 'ff02::1:2', 17, udp(546, 547, msg.slice())));
}

describe('dhcp6-no-advertise', () => {
  it('fires on retransmitted Solicits with no Advertise (an error: the only method tried)', () => {
    const s = new Scenario();
    const frames = [solicit(s)];
    s.wait(1.1);
    frames.push(solicit(s));
    s.wait(2.1);
    frames.push(solicit(s));
    const f = only(s.run(), 'dhcp6-no-advertise');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E16');
    expect(f.frames).toEqual(frames);
  });
  it('stays quiet on one Solicit at the end of the capture', () => {
    const s = new Scenario();
    solicit(s);
    expect(ids(s.run())).not.toContain('dhcp6-no-advertise');
  });
  it('stays quiet when an Advertise answers', () => {
    const s = new Scenario();
    solicit(s);
    const advertise = encodeDhcp6({
      msgType: 2,
      transactionId: 0x20,
      options: [dhcp6Opt.clientId(duid.ll(uefi.mac)), dhcp6Opt.serverId(duid.ll(dhcpSrv.mac)), dhcp6Opt.iaNa({ iaid: 1, addresses: [{ address: '2001:db8:1::161' }] }), dhcp6Opt.bootfileUrl('tftp://[2001:db8:1::1]/bootx64.efi')],
    });
    s.ipv6(dhcpSrv.mac, uefi.mac, ipv6(SERVER_LL, LL, 17, udp(547, 546, advertise.slice())));
    s.wait(2);
    solicit(s);
    expect(ids(s.run())).not.toContain('dhcp6-no-advertise');
  });
});
