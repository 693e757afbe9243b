/** tftp-replies-not-captured: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('tftp-replies-not-captured', () => {
  it('explains a capture filtered on port 69 (second RRQ with no reply in between)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 36, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot' });
    const r1 = s.tftp(biosHost, 2100, dhcpSrv, 69, { opcode: 1, filename: 'boot', mode: 'octet', options: { tsize: '0' } });
    s.wait(1);
    s.tftp(biosHost, 2101, dhcpSrv, 69, { opcode: 1, filename: 'boot', mode: 'octet', options: { blksize: '1456' } });
    const a = s.run();
    const f = only(a, 'tftp-replies-not-captured');
    expect(f.severity).toBe('info');
    expect(f.frames).toEqual([r1]);
    expect(ids(a, 'error')).toEqual([]);
  });
  it('stays quiet when the replies are in the capture', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 36, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot' });
    s.tftpRead(biosHost, dhcpSrv, 'boot', 1500, { options: { tsize: '0' }, head: biosHead() });
    expect(ids(s.run())).not.toContain('tftp-replies-not-captured');
  });
});
