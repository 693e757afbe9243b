/** nbp-not-started: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids, peHead, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, uefi, uefiHost, only } from './fixtures.js';

describe('nbp-not-started', () => {
  it('fires when the firmware downloads a fitting NBP and starts DHCP over', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 50, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'grubx64.efi' });
    const t = s.tftpRead(uefiHost, dhcpSrv, 'grubx64.efi', 3000, { head: peHead(0x8664) });
    s.wait(3);
    const again = s.discover(uefi, 51);
    const a = s.run();
    const f = only(a, 'nbp-not-started');
    expect(f.severity).toBe('error');

    expect(f.frames).toContain(t.rrq);
    expect(f.frames).toContain(again);
    expect(ids(a)).not.toContain('arch-bootfile-mismatch');
  });
  it('is quiet when the NBP fetched its own files, and for iPXE clients', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 52, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'grubx64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'grubx64.efi', 3000, { head: peHead(0x8664) });
    s.tftpRead(uefiHost, dhcpSrv, 'grub/grub.cfg', 300);
    s.wait(3);
    s.discover(uefi, 53);
    expect(ids(s.run())).not.toContain('nbp-not-started');
    const t = new Scenario();
    const c: ClientSpec = { ...bios, ipxe: true };
    t.dora(c, dhcpSrv, 54, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot.ipxe' });
    t.tftpRead(biosHost, dhcpSrv, 'boot.ipxe', 100);
    t.wait(1);
    t.discover(c, 55);
    expect(ids(t.run())).not.toContain('nbp-not-started');
  });
  it('leaves a wrong-architecture NBP to arch-bootfile-mismatch', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 56, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(uefiHost, dhcpSrv, 'pxelinux.0', 1000, { head: biosHead() });
    s.wait(3);
    s.discover(uefi, 57);
    const a = s.run();
    expect(ids(a)).toContain('arch-bootfile-mismatch');
    expect(ids(a)).not.toContain('nbp-not-started');
  });
});
