/** tftp-replies-blocked: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('tftp-replies-blocked', () => {
  it('fires when the server answers and the client asks again without acknowledging', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 70, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const r1 = s.tftp(biosHost, 2500, dhcpSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { blksize: '1432' } });
    const oack = s.tftp(dhcpSrv, 53000, biosHost, 2500, { opcode: 6, options: { blksize: '1432' } });
    s.wait(2);
    s.tftp(dhcpSrv, 53000, biosHost, 2500, { opcode: 6, options: { blksize: '1432' } });
    const r2 = s.tftp(biosHost, 2500, dhcpSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { blksize: '1432' } });
    s.tftp(dhcpSrv, 53001, biosHost, 2500, { opcode: 6, options: { blksize: '1432' } });
    s.wait(30);
    s.discover(bios, 71);
    const a = s.run();
    const f = only(a, 'tftp-replies-blocked');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([r1, oack, r2]);
    expect(ids(a)).not.toContain('tftp-transfer-incomplete');
    expect(ids(a)).not.toContain('tftp-no-response');
  });
  it('stays quiet when the client acknowledges the OACK and the transfer completes', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 70, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 3000, { options: { blksize: '1432' }, head: biosHead() });
    expect(ids(s.run())).toEqual([]);
  });
});
