/** option60-on-dhcp-server: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, uefi, uefiHost, only } from './fixtures.js';

describe('option60-on-dhcp-server', () => {
  it('is an error when the client asks the DHCP server on 4011 and gets ICMP port unreachable', () => {
    const s = new Scenario();
    s.discover(uefi, 5);
    const offer = s.reply(dhcpSrv, uefi, 5, 2, { yiaddr: uefiHost.ip, vendorClass: 'PXEClient', bootFile: 'efi64/syslinux.efi' });
    s.request(uefi, 5, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 5, 5, { yiaddr: uefiHost.ip, vendorClass: 'PXEClient', bootFile: 'efi64/syslinux.efi' });
    const req = s.proxyRequest(uefi, uefiHost.ip, dhcpSrv, 0x55);
    const reqBytes = s.frames[req - 1]!.data.subarray(14, 14 + 28);
    const icmp = s.icmpUnreachable(dhcpSrv, uefiHost, reqBytes);
    s.wait(1);
    const retry = s.proxyRequest(uefi, uefiHost.ip, dhcpSrv, 0x55);
    s.wait(3);
    const a = s.run();
    const f = only(a, 'option60-on-dhcp-server');
    expect(f.severity).toBe('error');
    // EDK2 (a UEFI client that is not iPXE) ends every failed DHCP phase with PXE-E16.
    expect(f.firmwareMessage).toBe('PXE-E16');
    expect(f.frames).toEqual([offer, req, icmp, retry]);
    expect(ids(a)).not.toContain('proxy-request-unanswered');
  });
  it('is a warning when the client did not go to 4011', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 6, biosHost.ip, { vendorClass: 'PXEClient', siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 700);
    const a = s.run();
    expect(only(a, 'option60-on-dhcp-server').severity).toBe('warning');
    expect(ids(a, 'error')).toEqual([]);
  });
  it('stays quiet when the DHCP server also answers on 4011', () => {
    const s = new Scenario();
    s.discover(uefi, 5);
    s.reply(dhcpSrv, uefi, 5, 2, { yiaddr: uefiHost.ip, vendorClass: 'PXEClient' });
    s.request(uefi, 5, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 5, 5, { yiaddr: uefiHost.ip, vendorClass: 'PXEClient' });
    s.proxyRequest(uefi, uefiHost.ip, dhcpSrv, 6);
    s.proxyAck(dhcpSrv, uefi, uefiHost.ip, 6, 'efi64/syslinux.efi');
    s.tftpRead(uefiHost, dhcpSrv, 'efi64/syslinux.efi', 1500, { head: peHead(0x8664) });
    expect(ids(s.run())).not.toContain('option60-on-dhcp-server');
  });
});
