/** ipxe-chainload-loop: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('ipxe-chainload-loop', () => {
  it('fires when iPXE is handed undionly.kpxe again and again', () => {
    const s = new Scenario();
    const c: ClientSpec = { ...bios, ipxe: true };
    const rrqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      s.dora(c, dhcpSrv, 0x300 + i, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'undionly.kpxe' });
      rrqs.push(s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 2000, { head: biosHead() }).rrq);
      s.wait(18);
    }
    const a = s.run();
    const f = only(a, 'ipxe-chainload-loop');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(rrqs);
    expect(f.title).toContain('3 times');
  });
  it('is quiet when iPXE gets a script the second time', () => {
    const s = new Scenario();
    const c: ClientSpec = { ...bios, ipxe: true };
    s.dora(c, dhcpSrv, 0x310, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'undionly.kpxe' });
    s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 2000, { head: biosHead() });
    s.dora(c, dhcpSrv, 0x311, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot.ipxe' });
    s.tftpRead(biosHost, dhcpSrv, 'boot.ipxe', 100);
    const a = s.run();
    expect(ids(a)).not.toContain('ipxe-chainload-loop');
    expect(a.clients[0]!.stage).toBe('second-stage');
  });
});
