/** tftp-transfer-incomplete: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost } from './fixtures.js';

describe('tftp-transfer-incomplete', () => {
  it('fires on a transfer that stops mid-way', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 18, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const t = s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 5000, { stopAfter: 3 });
    s.wait(30);
    s.discover(bios, 19); // the client gave up and starts over
    const f = s.run().findings.find((x) => x.id === 'tftp-transfer-incomplete')!;
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(t.rrq);
    expect(f.frames).toContain(t.first!);
  });
  it('stays quiet on a transfer that completes', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 18, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 5000, { head: biosHead() });
    s.wait(30);
    expect(ids(s.run())).not.toContain('tftp-transfer-incomplete');
  });
});
