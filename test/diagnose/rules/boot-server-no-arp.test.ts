/** boot-server-no-arp: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, biosHost, only } from './fixtures.js';
import { arpReply, arpRequest, ipxeBios } from './net.js';

describe('boot-server-no-arp', () => {
  it('fires when the client ARPs again and again for its next-server and never sends an RRQ', () => {
    const s = new Scenario();
    s.dora(ipxeBios, dhcpSrv, 1, biosHost.ip, { siaddr: '192.0.2.9', file: 'pxelinux.0' });
    s.wait(13);
    const arps: number[] = [];
    for (const gap of [0.13, 0.29, 0.54, 1.04, 5.9]) {
      arps.push(arpRequest(s, biosHost, '192.0.2.9'));
      s.wait(gap);
    }
    s.wait(10);
    s.discover(ipxeBios, 2);
    const a = s.run();
    const f = only(a, 'boot-server-no-arp');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(expect.arrayContaining(arps));
    expect(f.title).toContain('192.0.2.9');
    expect(a.clients[0]!.ok).toBe(false);
  });

  it('is quiet when the server answers the ARP', () => {
    const s = new Scenario();
    s.dora(ipxeBios, dhcpSrv, 1, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    for (let i = 0; i < 3; i++) arpRequest(s, biosHost, pxeSrv.ip);
    arpReply(s, pxeSrv, biosHost);
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('boot-server-no-arp');
  });
});
