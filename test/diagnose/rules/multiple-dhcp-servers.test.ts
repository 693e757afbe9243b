/** multiple-dhcp-servers: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, rogue, bios, biosHost, only, workingBios } from './fixtures.js';

describe('multiple-dhcp-servers', () => {
  it('warns when two servers grant addresses', () => {
    const s = new Scenario();
    s.discover(bios, 28);
    const o1 = s.reply(dhcpSrv, bios, 28, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const o2 = s.reply(rogue, bios, 28, 2, { yiaddr: '192.0.2.200' });
    s.request(bios, 28, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 28, 5, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 800);
    const f = only(s.run(), 'multiple-dhcp-servers');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([o1, o2]);
  });
  it('is an error with a NAK and no lease', () => {
    const s = new Scenario();
    s.discover(bios, 29);
    s.reply(dhcpSrv, bios, 29, 2, { yiaddr: biosHost.ip });
    s.reply(rogue, bios, 29, 2, { yiaddr: '192.0.2.200' });
    s.request(bios, 29, dhcpSrv.ip, biosHost.ip);
    const nak = s.reply(rogue, bios, 29, 6, {});
    s.wait(5);
    const f = only(s.run(), 'multiple-dhcp-servers');
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(nak);
    expect(f.firmwareMessage).toBe('PXE-E21');
  });
  it('stays quiet with one server granting the address', () => {
    const s = new Scenario();
    workingBios(s);
    expect(ids(s.run())).not.toContain('multiple-dhcp-servers');
  });
});
