/** tftp-file-not-found: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only, workingBios } from './fixtures.js';

describe('tftp-file-not-found', () => {
  it('fires for the NBP with PXE-E3B', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 15, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot/pxelinux.0' });
    const e = s.tftpError(biosHost, dhcpSrv, 'boot/pxelinux.0', 1, 'File not found');
    const f = only(s.run(), 'tftp-file-not-found');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E3B');
    expect(f.frames).toEqual([e.rrq, e.error]);
  });
  it('stays quiet on PXELINUX config-search probes before pxelinux.cfg/default', () => {
    const s = new Scenario();
    workingBios(s);
    s.tftpError(biosHost, dhcpSrv, 'pxelinux.cfg/01-52-54-00-be-00-01', 1, 'File not found', 3100);
    s.tftpError(biosHost, dhcpSrv, 'pxelinux.cfg/C000', 1, 'File not found', 3101);
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.cfg/default', 300);
    expect(ids(s.run())).not.toContain('tftp-file-not-found');
  });
});
