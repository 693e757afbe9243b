/** bootfile-option-not-nul-terminated: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids } from '../../exchange/scenario.js';
import { bios, biosHost, dhcpSrv, only } from './fixtures.js';

function boot(s: Scenario, offer: { bootFileNul: boolean; file?: string }): number {
  s.discover(bios, 23);
  const o = s.reply(dhcpSrv, bios, 23, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'undionly.kpxe', ...offer });
  s.request(bios, 23, dhcpSrv.ip, biosHost.ip);
  s.reply(dhcpSrv, bios, 23, 5, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'undionly.kpxe', ...offer });
  s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 1500, { head: biosHead() });
  return o;
}

describe('bootfile-option-not-nul-terminated', () => {
  it('warns on option 67 without a NUL when the file field does not hold the name', () => {
    const s = new Scenario();
    const offer = boot(s, { bootFileNul: false });
    const f = only(s.run(), 'bootfile-option-not-nul-terminated');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([offer]);
  });
  it('stays quiet when option 67 ends with a NUL', () => {
    const s = new Scenario();
    boot(s, { bootFileNul: true });
    expect(ids(s.run())).toEqual([]);
  });
  it('stays quiet when the file field also holds the name', () => {
    const s = new Scenario();
    boot(s, { bootFileNul: false, file: 'undionly.kpxe' });
    expect(ids(s.run())).not.toContain('bootfile-option-not-nul-terminated');
  });
});
