/** proxy-offer-missing-option60: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, bios, biosHost, only } from './fixtures.js';

describe('proxy-offer-missing-option60', () => {
  it('fires on a yiaddr-0 offer with boot information but no option 60', () => {
    const s = new Scenario();
    s.discover(bios, 9);
    const bad = s.reply(pxeSrv, bios, 9, 2, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.reply(dhcpSrv, bios, 9, 2, { yiaddr: biosHost.ip });
    s.request(bios, 9, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 9, 5, { yiaddr: biosHost.ip });
    s.wait(5);
    const f = only(s.run(), 'proxy-offer-missing-option60');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([bad]);
  });
  it('stays quiet when the proxy offer says PXEClient', () => {
    const s = new Scenario();
    s.discover(bios, 9);
    s.reply(pxeSrv, bios, 9, 2, { siaddr: pxeSrv.ip, file: 'pxelinux.0', vendorClass: 'PXEClient' });
    s.reply(dhcpSrv, bios, 9, 2, { yiaddr: biosHost.ip });
    s.request(bios, 9, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 9, 5, { yiaddr: biosHost.ip });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 1500, { head: biosHead() });
    expect(ids(s.run())).not.toContain('proxy-offer-missing-option60');
  });
  it('stays quiet on a yiaddr-0 offer with option 60 HTTPClient (a proxy answer to a UEFI HTTP boot client)', () => {
    const s = new Scenario();
    s.discover(bios, 9);
    s.reply(pxeSrv, bios, 9, 2, { file: 'http://192.0.2.2/efi64/syslinux.efi', vendorClass: 'HTTPClient' });
    s.reply(dhcpSrv, bios, 9, 2, { yiaddr: biosHost.ip });
    s.request(bios, 9, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 9, 5, { yiaddr: biosHost.ip });
    s.wait(5);
    expect(ids(s.run())).not.toContain('proxy-offer-missing-option60');
  });
});
