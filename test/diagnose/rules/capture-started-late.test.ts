/** capture-started-late: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, uefi, uefiHost, only } from './fixtures.js';

describe('capture-started-late', () => {
  it('fires (info) on a REQUEST with no DISCOVER before it', () => {
    const s = new Scenario();
    const req = s.request(uefi, 8, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 8, 5, { yiaddr: uefiHost.ip, siaddr: pxeSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, pxeSrv, 'a.efi', 3000, { head: peHead(0x8664) });
    const a = s.run();
    const f = only(a, 'capture-started-late');
    expect(f.severity).toBe('info');
    expect(f.frames).toContain(req);
    expect(a.clients[0]!.blindSpots?.find((b) => b.kind === 'capture-started-late')?.frames).toEqual([req]);
    expect(ids(a, 'error')).toEqual([]);
  });

  it('is quiet when the capture holds the whole DHCP exchange from the DISCOVER on', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 9, uefiHost.ip, { siaddr: pxeSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, pxeSrv, 'a.efi', 3000, { head: peHead(0x8664) });
    expect(ids(s.run())).not.toContain('capture-started-late');
  });
});
