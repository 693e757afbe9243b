/** client-arch-ambiguous: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, uefi, uefiHost, only } from './fixtures.js';

describe('client-arch-ambiguous', () => {
  it('warns on option 93 = 9', () => {
    const s = new Scenario();
    s.dora({ ...uefi, arch: [9] }, dhcpSrv, 27, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'syslinux.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'syslinux.efi', 1000, { head: peHead(0x8664) });
    const a = s.run();
    expect(only(a, 'client-arch-ambiguous').severity).toBe('warning');
    expect(ids(a)).not.toContain('arch-bootfile-mismatch');
  });
  it('stays quiet on option 93 = 7', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 27, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'syslinux.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'syslinux.efi', 1000, { head: peHead(0x8664) });
    expect(ids(s.run())).toEqual([]);
  });
});
