/** proxy-offer-ignored: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, uefi, uefiHost, only } from './fixtures.js';

describe('proxy-offer-ignored', () => {
  it('fires when the client re-sends DISCOVER after a proxy offer with option 43', () => {
    const s = new Scenario();
    s.discover(uefi, 10);
    s.reply(dhcpSrv, uefi, 10, 2, { yiaddr: uefiHost.ip });
    const proxy = s.reply(pxeSrv, uefi, 10, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'efi64/syslinux.efi' });
    s.wait(4);
    const d2 = s.discover(uefi, 10);
    s.wait(8);
    const d3 = s.discover(uefi, 10);
    const f = only(s.run(), 'proxy-offer-ignored');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([proxy, d2, d3]);
  });
  it('stays quiet when the client takes the address and asks the proxy on 4011', () => {
    const s = new Scenario();
    s.discover(uefi, 10);
    s.reply(dhcpSrv, uefi, 10, 2, { yiaddr: uefiHost.ip });
    s.reply(pxeSrv, uefi, 10, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'efi64/syslinux.efi' });
    s.request(uefi, 10, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 10, 5, { yiaddr: uefiHost.ip });
    s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 11);
    s.proxyAck(pxeSrv, uefi, uefiHost.ip, 11, 'efi64/syslinux.efi');
    s.tftpRead(uefiHost, pxeSrv, 'efi64/syslinux.efi', 1500, { head: peHead(0x8664) });
    expect(ids(s.run())).not.toContain('proxy-offer-ignored');
  });
});
