/** multiple-boot-servers: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, rogue, bios, biosHost, uefi, uefiHost, only } from './fixtures.js';

describe('multiple-boot-servers', () => {
  it('warns when two proxies offer different boot files', () => {
    const s = new Scenario();
    s.discover(bios, 30);
    const p1 = s.reply(pxeSrv, bios, 30, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'pxelinux.0' });
    const p2 = s.reply(rogue, bios, 30, 2, { siaddr: rogue.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'evil.0' });
    s.reply(dhcpSrv, bios, 30, 2, { yiaddr: biosHost.ip });
    s.request(bios, 30, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 30, 5, { yiaddr: biosHost.ip });
    const t = s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 800);
    const f = only(s.run(), 'multiple-boot-servers');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([p1, p2, t.rrq]);
  });
  it('is an error when BINL-style proxies disagree and the client fails at the one it followed', () => {
    const s = new Scenario();
    s.discover(uefi, 37);
    const p1 = s.reply(rogue, uefi, 37, 2, { siaddr: rogue.ip, vendorClass: 'PXEClient' });
    s.reply(dhcpSrv, uefi, 37, 2, { yiaddr: uefiHost.ip });
    const p2 = s.reply(pxeSrv, uefi, 37, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient' });
    s.request(uefi, 37, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 37, 5, { yiaddr: uefiHost.ip });
    const req = s.proxyRequest(uefi, uefiHost.ip, rogue, 0x3737);
    s.proxyAck(rogue, uefi, uefiHost.ip, 0x3737, 'wds/bootmgfw.efi');
    s.tftpError(uefiHost, rogue, 'wds/bootmgfw.efi', 1, 'File not found');
    const a = s.run();
    const f = only(a, 'multiple-boot-servers');
    expect(f.severity).toBe('error');
    expect(f.frames.slice(0, 3)).toEqual([p1, p2, req]);
    expect(f.title).toContain('wds/bootmgfw.efi');
    expect(ids(a, 'error').sort()).toEqual(['multiple-boot-servers', 'tftp-file-not-found']);
  });
  it('stays quiet when a DHCP server and a proxy name the same boot file and server', () => {
    const s = new Scenario();
    s.discover(bios, 40);
    s.reply(dhcpSrv, bios, 40, 2, { yiaddr: biosHost.ip, siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.reply(pxeSrv, bios, 40, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', file: 'pxelinux.0' });
    s.request(bios, 40, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 40, 5, { yiaddr: biosHost.ip, siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 1500, { head: biosHead() });
    expect(ids(s.run())).not.toContain('multiple-boot-servers');
  });
});
