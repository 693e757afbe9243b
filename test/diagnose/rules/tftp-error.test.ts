/** tftp-error: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, uefi, uefiHost, only } from './fixtures.js';

describe('tftp-error', () => {
  it('fires on an access violation (PXE-E3C)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 16, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const e = s.tftpError(biosHost, dhcpSrv, 'pxelinux.0', 2, 'Access violation');
    const f = only(s.run(), 'tftp-error');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E3C');
    expect(f.frames).toEqual([e.rrq, e.error]);
  });
  it('does not flag the tsize probe (ERROR 8 from the client after OACK)', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 17, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1500, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { tsize: '0' } });
    s.tftp(dhcpSrv, 50000, uefiHost, 1500, { opcode: 6, options: { tsize: '900' } });
    s.tftp(uefiHost, 1500, dhcpSrv, 50000, { opcode: 5, errorCode: 8, errorMessage: 'User aborted the transfer' });
    s.tftpRead(uefiHost, dhcpSrv, 'a.efi', 900, { head: peHead(0x8664) });
    const a = s.run();
    expect(a.findings).toEqual([]);
    expect(a.clients[0]!.transfers[0]!.outcome).toBe('tsize-probe');
  });
});
