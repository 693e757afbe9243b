/** client-guid-duplicate: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost } from './fixtures.js';

describe('client-guid-duplicate', () => {
  it('warns on a GUID sent by two MACs, for both', () => {
    const s = new Scenario();
    const twin: ClientSpec = { ...bios, mac: '52:54:00:be:00:02' };
    s.discover(bios, 34);
    s.discover(twin, 35);
    s.reply(dhcpSrv, bios, 34, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.reply(dhcpSrv, twin, 35, 2, { yiaddr: '192.0.2.102', siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const a = s.run();
    const dups = a.findings.filter((f) => f.id === 'client-guid-duplicate');
    expect(dups.map((f) => f.client).sort()).toEqual([bios.mac, twin.mac]);
    expect(dups[0]!.severity).toBe('warning');
  });
  it('stays quiet when two MACs send different GUIDs', () => {
    const s = new Scenario();
    const other: ClientSpec = { ...bios, mac: '52:54:00:be:00:02', guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5c' };
    s.discover(bios, 34);
    s.discover(other, 35);
    s.reply(dhcpSrv, bios, 34, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.reply(dhcpSrv, other, 35, 2, { yiaddr: '192.0.2.102', siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    expect(ids(s.run())).not.toContain('client-guid-duplicate');
  });
});
