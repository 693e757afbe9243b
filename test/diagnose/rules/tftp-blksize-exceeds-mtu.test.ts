/** tftp-blksize-exceeds-mtu: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, uefi, uefiHost, only } from './fixtures.js';

describe('tftp-blksize-exceeds-mtu', () => {
  it('fires when DATA fragments get lost', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 20, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    const rrq = s.tftp(uefiHost, 1600, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { blksize: '1468' } });
    s.tftp(dhcpSrv, 51000, uefiHost, 1600, { opcode: 6, options: { blksize: '1468' } });
    s.tftp(uefiHost, 1600, dhcpSrv, 51000, { opcode: 4, block: 0 });
    const frag = s.fragmentedData(dhcpSrv, 51000, uefiHost, 1600, 1, 1468, true);
    s.wait(1);
    s.tftp(uefiHost, 1600, dhcpSrv, 51000, { opcode: 4, block: 0 });
    s.wait(40);
    const a = s.run();
    const f = only(a, 'tftp-blksize-exceeds-mtu');
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(rrq);
    expect(f.frames).toContain(frag);
    expect(ids(a)).not.toContain('tftp-transfer-incomplete');
  });
  it('fires when the OACK is acknowledged and no DATA ever arrives (datagrams dropped on an L2 path)', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 40, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    const rrq = s.tftp(uefiHost, 1700, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { blksize: '1468' } });
    const oack = s.tftp(dhcpSrv, 52000, uefiHost, 1700, { opcode: 6, options: { blksize: '1468' } });
    for (let i = 0; i < 3; i++) {
      s.tftp(uefiHost, 1700, dhcpSrv, 52000, { opcode: 4, block: 0 });
      s.wait(2);
    }
    s.wait(30);
    s.discover(uefi, 41);
    const a = s.run();
    const f = only(a, 'tftp-blksize-exceeds-mtu');
    expect(f.severity).toBe('error');
    expect(f.frames.slice(0, 2)).toEqual([rrq, oack]);
    expect(f.cause).toContain('1500-byte');
    expect(ids(a)).not.toContain('tftp-transfer-incomplete');
  });
  it('is quiet for a small blksize that stalls (plain incomplete transfer)', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 42, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1701, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { blksize: '512' } });
    s.tftp(dhcpSrv, 52001, uefiHost, 1701, { opcode: 6, options: { blksize: '512' } });
    s.tftp(uefiHost, 1701, dhcpSrv, 52001, { opcode: 4, block: 0 });
    s.wait(30);
    s.discover(uefi, 43);
    const a = s.run();
    expect(ids(a)).not.toContain('tftp-blksize-exceeds-mtu');
    expect(ids(a)).toContain('tftp-transfer-incomplete');
  });
});
