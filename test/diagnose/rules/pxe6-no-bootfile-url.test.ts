/** pxe6-no-bootfile-url: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { BCAST_MAC, Scenario, ids } from '../../exchange/scenario.js';
import { dhcp6Opt, duid, encodeDhcp6 } from '../../../src/decode/dhcp6/codec.js';
import { ipv6, udp } from '../../ipv6/packets6.js';
import { dhcpSrv, uefi, only } from './fixtures.js';

const LL = 'fe80::5054:ff:feef:1';
const SERVER_LL = 'fe80::ff:fe00:101';

/** Solicit, Advertise, Request, Reply of a PXEv6 client; the server's answers carry `url` as option 59 when given. */
function exchange(s: Scenario, url: string | undefined): number[] {
  const fromClient = (type: number, xid: number) =>
    s.ipv6(uefi.mac, BCAST_MAC, ipv6(LL, 'ff02::1:2', 17, udp(546, 547, encodeDhcp6({ msgType: type, transactionId: xid, options: [dhcp6Opt.clientId(duid.ll(uefi.mac)), dhcp6Opt.vendorClass(343, ['PXEClient:Arch:00007:UNDI:003000']), dhcp6Opt.oro([59, 60, 23])] }).slice())));
  const fromServer = (type: number, xid: number) => {
    const options = [dhcp6Opt.clientId(duid.ll(uefi.mac)), dhcp6Opt.serverId(duid.ll(dhcpSrv.mac)), dhcp6Opt.iaNa({ iaid: 1, addresses: [{ address: '2001:db8:1::161', preferredLifetime: 600, validLifetime: 600 }] })];
    if (url) options.push(dhcp6Opt.bootfileUrl(url));
    return s.ipv6(dhcpSrv.mac, uefi.mac, ipv6(SERVER_LL, LL, 17, udp(547, 546, encodeDhcp6({ msgType: type, transactionId: xid, options }).slice())));
  };
  return [fromClient(1, 1), fromServer(2, 1), fromClient(3, 2), fromServer(7, 2)];
}

describe('pxe6-no-bootfile-url', () => {
  it('fires when the Advertise and Reply carry no option 59', () => {
    const s = new Scenario();
    const [solicit, advertise, , reply] = exchange(s, undefined);
    const f = only(s.run(), 'pxe6-no-bootfile-url');
    expect(f).toMatchObject({ severity: 'error', firmwareMessage: 'PXE-E16' });
    // The Solicit, and the Advertise and Reply that lacked the URL.
    expect(f.frames).toEqual([solicit, advertise, reply]);
  });
  it('stays quiet when option 59 names the boot file', () => {
    const s = new Scenario();
    exchange(s, 'tftp://[2001:db8:1::1]/bootx64.efi');
    expect(ids(s.run())).not.toContain('pxe6-no-bootfile-url');
  });
});
