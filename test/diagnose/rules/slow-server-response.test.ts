/** slow-server-response: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, uefi, uefiHost, only, workingBios } from './fixtures.js';

describe('slow-server-response', () => {
  it('warns when the first offer needs client retransmissions', () => {
    const s = new Scenario();
    const d1 = s.discover(uefi, 31);
    s.wait(4);
    const d2 = s.discover(uefi, 31);
    s.wait(1);
    const o = s.reply(dhcpSrv, uefi, 31, 2, { yiaddr: uefiHost.ip, siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.request(uefi, 31, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 31, 5, { yiaddr: uefiHost.ip, siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'a.efi', 500, { head: peHead(0x8664) });
    const a = s.run();
    const f = only(a, 'slow-server-response');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([d1, d2, o]);
    expect(ids(a, 'error')).toEqual([]);
  });
  it('warns when the first DISCOVER seen already has secs >= 4 (not for iPXE)', () => {
    const s = new Scenario();
    s.discover(bios, 32, 12);
    s.wait(0.1);
    s.reply(dhcpSrv, bios, 32, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    expect(only(s.run(), 'slow-server-response').title).toContain('secs = 12');
    const t = new Scenario();
    t.discover({ ...bios, ipxe: true }, 33, 12);
    t.reply(dhcpSrv, bios, 33, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    expect(ids(t.run())).not.toContain('slow-server-response');
  });
  it('stays quiet when the first offer answers the first DISCOVER at once', () => {
    const s = new Scenario();
    workingBios(s);
    expect(ids(s.run())).not.toContain('slow-server-response');
  });
});
