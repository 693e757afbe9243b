/** boot-server-address-missing: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('boot-server-address-missing', () => {
  it('is an error for iPXE (siaddr only) when options 66/67 come without siaddr', () => {
    const s = new Scenario();
    s.dora({ ...bios, ipxe: true }, dhcpSrv, 11, biosHost.ip, { tftpServer: '192.0.2.1', bootFile: 'pxelinux.0' });
    const f = only(s.run(), 'boot-server-address-missing');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([2]);
  });
  it('is an error for other firmware only once it stayed silent for 10 s', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 11, biosHost.ip, { tftpServer: '192.0.2.1', bootFile: 'pxelinux.0' });
    expect(only(s.run(), 'boot-server-address-missing').severity).toBe('warning');
    s.wait(12);
    s.discover({ mac: '52:54:00:00:00:77', plain: true }, 99); // the capture goes on
    expect(only(s.run(), 'boot-server-address-missing').severity).toBe('error');
  });
  it('is a warning when the client found the server anyway', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 12, biosHost.ip, { tftpServer: '192.0.2.1', bootFile: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 600);
    const a = s.run();
    expect(only(a, 'boot-server-address-missing').severity).toBe('warning');
    expect(ids(a, 'error')).toEqual([]);
  });
  it('stays quiet when siaddr names the TFTP server', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 12, biosHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'pxelinux.0', tftpServer: dhcpSrv.ip });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 1500, { head: biosHead() });
    expect(ids(s.run())).not.toContain('boot-server-address-missing');
  });
});
