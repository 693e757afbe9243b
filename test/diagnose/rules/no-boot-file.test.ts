/** no-boot-file: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, only } from './fixtures.js';

describe('no-boot-file', () => {
  it('fires on an address with no boot information', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 3, biosHost.ip);
    const a = s.run();
    const f = only(a, 'no-boot-file');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E53');
    expect(f.frames).toEqual([2, 4]);
    expect(ids(a)).not.toContain('relay-missing-pxe-helper');
    expect(a.clients[0]!.stage).toBe('bound');
  });
  it('is not raised for a plain (non-PXE) DHCP client', () => {
    const s = new Scenario();
    s.dora({ mac: '52:54:00:00:00:99', plain: true }, dhcpSrv, 3, '192.0.2.150');
    expect(s.run().findings).toEqual([]);
  });
});
