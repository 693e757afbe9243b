/** arch-bootfile-mismatch: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, uefi, uefiHost, only } from './fixtures.js';

describe('arch-bootfile-mismatch', () => {
  it('judges a BIOS NBP sent to an x64 UEFI client from its first bytes', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 23, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const t = s.tftpRead(uefiHost, dhcpSrv, 'pxelinux.0', 1000, { head: biosHead() });
    const f = only(s.run(), 'arch-bootfile-mismatch');
    expect(f.severity).toBe('error');
    expect(f.title).toContain('BIOS NBP');
    expect(f.frames).toContain(t.rrq);
  });
  it('judges a PE image for the wrong machine', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 24, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'bootaa64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'bootaa64.efi', 1000, { head: peHead(0xaa64) });
    expect(only(s.run(), 'arch-bootfile-mismatch').title).toContain('arm64');
  });
  it('judges by name when no data is in the capture (EFI file for a BIOS client)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 25, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'efi64/syslinux.efi' });
    s.wait(5);
    expect(only(s.run(), 'arch-bootfile-mismatch').title).toContain('by its name');
  });
  it('accepts an x64 PE for option 93 = 7', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 26, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'syslinux.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'syslinux.efi', 1000, { head: peHead(0x8664) });
    expect(s.run().findings).toEqual([]);
  });
});
