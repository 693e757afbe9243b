/** no-address-offer: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, bios, biosHost, only } from './fixtures.js';

describe('no-address-offer', () => {
  it('fires when only proxy offers arrive', () => {
    const s = new Scenario();
    s.discover(bios, 2);
    const p = s.reply(pxeSrv, bios, 2, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'pxelinux.0' });
    s.wait(4);
    s.discover(bios, 2);
    const f = only(s.run(), 'no-address-offer');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E52');
    expect(f.frames).toContain(p);
  });
  it('stays quiet when an address offer comes with the proxy offer', () => {
    const s = new Scenario();
    s.discover(bios, 2);
    s.reply(pxeSrv, bios, 2, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'pxelinux.0' });
    s.reply(dhcpSrv, bios, 2, 2, { yiaddr: biosHost.ip });
    s.wait(4);
    s.discover(bios, 2);
    expect(ids(s.run())).not.toContain('no-address-offer');
  });
});
