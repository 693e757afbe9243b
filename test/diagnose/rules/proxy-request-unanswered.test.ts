/** proxy-request-unanswered: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, uefi, uefiHost, only } from './fixtures.js';

describe('proxy-request-unanswered', () => {
  it('fires on repeated 4011 requests to a proxy that never answers', () => {
    const s = new Scenario();
    s.discover(uefi, 7);
    s.reply(pxeSrv, uefi, 7, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient' });
    s.reply(dhcpSrv, uefi, 7, 2, { yiaddr: uefiHost.ip });
    s.request(uefi, 7, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 7, 5, { yiaddr: uefiHost.ip });
    const r1 = s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x77);
    s.wait(1);
    const r2 = s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x77);
    s.wait(2);
    const r3 = s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x77);
    s.wait(4);
    const f = only(s.run(), 'proxy-request-unanswered');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E16');
    expect(f.frames).toEqual([r1, r2, r3]);
  });
  it('is quiet when the proxy answers', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 8, uefiHost.ip);
    s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x88);
    s.proxyAck(pxeSrv, uefi, uefiHost.ip, 0x88, 'efi64/syslinux.efi');
    s.tftpRead(uefiHost, pxeSrv, 'efi64/syslinux.efi', 900, { head: peHead(0x8664) });
    const a = s.run();
    expect(ids(a)).not.toContain('proxy-request-unanswered');
    expect(a.clients[0]!.ok).toBe(true);
  });
});
