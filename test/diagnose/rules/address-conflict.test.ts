/** address-conflict: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, biosHost, expectMetaSeverity } from './fixtures.js';
import { ipxeBios } from './net.js';

describe('address-conflict', () => {
  it('fires when the server ACKs the same address to two MACs', () => {
    const s = new Scenario();
    const other: ClientSpec = { mac: '52:54:00:be:00:03', arch: [0] };
    s.dora(other, dhcpSrv, 30, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.wait(1);
    s.dora(ipxeBios, dhcpSrv, 31, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.wait(10);
    const a = s.run();
    // Both clients hold the address, so each may get its own finding: `only` would not do.
    for (const f of a.findings) expectMetaSeverity(f);
    const mine = a.findings.filter((x) => x.id === 'address-conflict' && x.client === ipxeBios.mac);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.title).toContain(biosHost.ip);
    expect(mine[0]!.title).toContain(other.mac);
  });

  it('is quiet when every client has its own address', () => {
    const s = new Scenario();
    s.dora(ipxeBios, dhcpSrv, 32, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('address-conflict');
  });
});
