/** relay-missing-pxe-helper: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('relay-missing-pxe-helper', () => {
  it('fires instead of no-boot-file when the offers came through a relay', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 4, biosHost.ip, { giaddr: '192.0.2.254' });
    const a = s.run();
    const f = only(a, 'relay-missing-pxe-helper');
    expect(f.severity).toBe('error');
    expect(f.title).toContain('192.0.2.254');
    expect(ids(a)).not.toContain('no-boot-file');
  });
  it('stays quiet when the relayed offer carries the boot file', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 4, biosHost.ip, { giaddr: '192.0.2.254', siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 1500, { head: biosHead() });
    expect(ids(s.run())).toEqual([]);
  });
});
