/** dhcp-server-ignores-client: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, only } from './fixtures.js';

const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000' };
const other: ClientSpec = { mac: '52:54:00:be:00:02', arch: [0] };

describe('dhcp-server-ignores-client', () => {
  it('fires instead of no-dhcp-offer when the server answers another client meanwhile', () => {
    const s = new Scenario();
    const d = s.discover(uefi, 20);
    s.wait(1);
    s.dora(other, dhcpSrv, 21, '192.0.2.120', { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.wait(3);
    s.discover(uefi, 20);
    s.wait(8);
    s.discover(uefi, 20);
    s.wait(5);
    const a = s.run();
    const f = only(a, 'dhcp-server-ignores-client');
    expect(f.client).toBe(uefi.mac);
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(d);
    expect(f.title).toContain('192.0.2.1 (1 other client)');
    expect(a.findings.filter((x) => x.client === uefi.mac).map((x) => x.id)).not.toContain('no-dhcp-offer');
  });

  it('leaves no-dhcp-offer alone when nobody gets an answer', () => {
    const s = new Scenario();
    for (const gap of [4, 8, 2]) {
      s.discover(uefi, 22);
      s.wait(gap);
    }
    const a = s.run();
    only(a, 'no-dhcp-offer');
    expect(ids(a)).not.toContain('dhcp-server-ignores-client');
  });
});
