/** tftp-server-mismatch: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, biosHost, only } from './fixtures.js';
import { ipxeBios } from './net.js';

describe('tftp-server-mismatch', () => {
  it('the NBP fetched from the DHCP server (option 54) while siaddr names another host, unanswered: error, and tftp-no-response does not say to fix next-server', () => {
    const s = new Scenario();
    s.dora(ipxeBios, dhcpSrv, 13, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    for (let i = 0; i < 4; i++) {
      s.tftp(biosHost, 2000, dhcpSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
      s.wait(1 << i);
    }
    s.wait(10);
    s.discover(ipxeBios, 14);
    const a = s.run();
    const f = only(a, 'tftp-server-mismatch');
    expect(f.severity).toBe('error');
    expect(f.cause).toContain('option 54');
    const nr = only(a, 'tftp-no-response');
    expect(nr.fix).toContain('Serve TFTP on 192.0.2.1');
  });

  it('the same host answering: a warning (other firmware goes to siaddr)', () => {
    const s = new Scenario();
    s.dora(ipxeBios, dhcpSrv, 15, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 3000, { head: peHead(0x14c) });
    expect(only(s.run(), 'tftp-server-mismatch').severity).toBe('warning');
  });

  it('is quiet when the client goes where siaddr says', () => {
    const s = new Scenario();
    s.dora(ipxeBios, dhcpSrv, 16, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('tftp-server-mismatch');
  });
});
