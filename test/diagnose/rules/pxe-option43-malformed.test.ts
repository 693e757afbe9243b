/** pxe-option43-malformed: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, bios, biosHost, only } from './fixtures.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';

describe('pxe-option43-malformed', () => {
  it('fires on an option 43 that is text, not PXE sub-options', () => {
    const s = new Scenario();
    s.discover(bios, 60);
    const p = s.dhcp(pxeSrv, 67, { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' }, 68, {
      op: 2,
      xid: 60,
      chaddr: bios.mac,
      siaddr: pxeSrv.ip,
      file: 'pxelinux.0',
      // "060108ff" typed as text: sub-option 0x30 with length 0x36 runs past the end.
      options: [dhcpOpt.messageType(2), dhcpOpt.serverId(pxeSrv.ip), dhcpOpt.vendorClass('PXEClient'), dhcpOpt.vendorSpecific(Uint8Array.from(Buffer.from('060108ff', 'latin1')))],
    });
    s.reply(dhcpSrv, bios, 60, 2, { yiaddr: biosHost.ip });
    s.request(bios, 60, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 60, 5, { yiaddr: biosHost.ip });
    s.wait(25);
    s.discover(bios, 61);
    const a = s.run();
    const f = only(a, 'pxe-option43-malformed');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([p]);
  });
  it('is quiet on well-formed sub-options', () => {
    const s = new Scenario();
    s.discover(bios, 62);
    s.reply(pxeSrv, bios, 62, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'pxelinux.0' });
    expect(ids(s.run())).not.toContain('pxe-option43-malformed');
  });
});
