/** nbp-then-silence on built sequences (test/exchange/scenario.ts): a complete, signed EFI NBP, then nothing more from the client. */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { bios, biosHost, dhcpSrv, uefi, uefiHost, only } from './fixtures.js';
import { SIGNED, UNSIGNED, errorsOf, later } from './chain.js';

describe('nbp-then-silence', () => {
  it('fires (a warning listing what the capture cannot tell) after a signed NBP and 20 s of silence', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 0x21, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'boot/bootx64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'boot/bootx64.efi', 70000, { head: SIGNED });
    later(s, 20);
    const a = s.run();
    const w = only(a, 'nbp-then-silence');
    expect(w.severity).toBe('warning');
    expect(w.cause).toContain('signed');
    expect(errorsOf(a, uefi.mac)).toEqual([]);
  });
  it('stays quiet when the NBP goes on to ask for more files', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 0x22, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'boot/bootx64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'boot/bootx64.efi', 70000, { head: UNSIGNED });
    s.tftpRead(uefiHost, dhcpSrv, 'boot/ldlinux.e64', 9000);
    s.tftpRead(uefiHost, dhcpSrv, 'boot/pxelinux.cfg/default', 200);
    s.tftpRead(uefiHost, dhcpSrv, 'boot/vmlinuz', 16384);
    later(s, 20);
    const a = s.run();
    expect(ids(a)).not.toContain('nbp-then-silence');
  });
});
