/**
 * wds-abort-pxe on sequences built with the project's codecs from ConfigMgr/WDS's documented file
 * names and behaviour: no WDS or ConfigMgr server can run here.
 */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { bios, biosHost, dhcpSrv, uefi, uefiHost, only } from './fixtures.js';
import { SIGNED, UNSIGNED, errorsOf, later } from './chain.js';

describe('wds-abort-pxe', () => {
  it('fires when the boot server hands out abortpxe.com: a policy verdict, not a network fault', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 0x50, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'smsboot\\x64\\abortpxe.com' });
    s.tftpRead(biosHost, dhcpSrv, 'smsboot\\x64\\abortpxe.com', 400, { head: biosHead() });
    later(s, 5);
    const a = s.run();
    const f = only(a, 'wds-abort-pxe');
    expect(errorsOf(a, bios.mac)).toEqual(['wds-abort-pxe']);
    expect(f.cause).toContain('not a PXE fault');
    expect(f.firmwareMessage).toContain('PXE Boot aborted');
    expect(ids(a)).not.toContain('nbp-then-silence');
  });
  it('stays quiet on a WDS boot that goes through wdsnbp.com, pxeboot.n12, bootmgr.exe, the BCD and boot.wim', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 0x51, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot\\x64\\wdsnbp.com' });
    s.tftpRead(biosHost, dhcpSrv, 'boot\\x64\\wdsnbp.com', 30000, { head: biosHead() });
    s.tftpRead(biosHost, dhcpSrv, 'boot\\x64\\pxeboot.n12', 25000);
    s.tftpRead(biosHost, dhcpSrv, 'boot\\x64\\bootmgr.exe', 60000);
    s.tftpRead(biosHost, dhcpSrv, '\\Boot\\BCD', 16000);
    s.tftpRead(biosHost, dhcpSrv, '\\sources\\boot.wim', 80000);
    later(s, 10);
    const a = s.run();
    expect(ids(a)).not.toContain('wds-abort-pxe');
    expect(errorsOf(a, bios.mac)).toEqual([]);
  });
});
