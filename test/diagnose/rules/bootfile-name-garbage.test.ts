/** bootfile-name-garbage: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('bootfile-name-garbage', () => {
  it('fires on an RRQ for the offered name plus garbage bytes', () => {
    const s = new Scenario();
    s.discover(bios, 22);
    const offer = s.reply(dhcpSrv, bios, 22, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'netboot.xyz.kpxe', bootFileNul: false });
    s.request(bios, 22, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 22, 5, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'netboot.xyz.kpxe', bootFileNul: false });
    const e = s.tftpError(biosHost, dhcpSrv, 'netboot.xyz.kpxe\xff\xff', 1, 'File not found');
    const a = s.run();
    const f = only(a, 'bootfile-name-garbage');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([offer, e.rrq, e.error]);
    expect(ids(a)).not.toContain('tftp-file-not-found');
    expect(only(a, 'bootfile-option-not-nul-terminated').severity).toBe('warning');
  });
  it('stays quiet when the RRQ names exactly the offered file', () => {
    const s = new Scenario();
    s.discover(bios, 22);
    s.reply(dhcpSrv, bios, 22, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'netboot.xyz.kpxe', bootFileNul: false });
    s.request(bios, 22, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 22, 5, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'netboot.xyz.kpxe', bootFileNul: false });
    s.tftpRead(biosHost, dhcpSrv, 'netboot.xyz.kpxe', 1500, { head: biosHead() });
    expect(ids(s.run())).not.toContain('bootfile-name-garbage');
  });
});
