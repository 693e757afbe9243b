/** offers-not-reaching-client: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, only } from './fixtures.js';

const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000' };

describe('offers-not-reaching-client', () => {
  it('fires when every DISCOVER draws a usable OFFER and no REQUEST ever follows', () => {
    const s = new Scenario();
    const frames: number[] = [];
    for (const gap of [4, 8, 16, 4]) {
      frames.push(s.discover(uefi, 7));
      s.wait(0.01);
      s.reply(dhcpSrv, uefi, 7, 2, { yiaddr: '192.0.2.101', siaddr: pxeSrv.ip, file: 'efi64/syslinux.efi' });
      s.wait(gap);
    }
    const a = s.run();
    const f = only(a, 'offers-not-reaching-client');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(expect.arrayContaining(frames));
    expect(ids(a)).not.toContain('no-dhcp-offer');
  });

  it('is quiet when the client takes an offer', () => {
    const s = new Scenario();
    s.discover(uefi, 8);
    s.reply(dhcpSrv, uefi, 8, 2, { yiaddr: '192.0.2.101', siaddr: pxeSrv.ip, file: 'efi64/syslinux.efi' });
    s.wait(4);
    s.dora(uefi, dhcpSrv, 8, '192.0.2.101', { siaddr: pxeSrv.ip, file: 'efi64/syslinux.efi' });
    expect(ids(s.run())).not.toContain('offers-not-reaching-client');
  });
});
