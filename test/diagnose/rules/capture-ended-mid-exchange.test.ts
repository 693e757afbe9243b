/** capture-ended-mid-exchange: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, uefi, uefiHost, only } from './fixtures.js';
import { clientVerdict } from '../../../src/report/verdict.js';

describe('capture-ended-mid-exchange', () => {
  it("fires (info) on a capture cut right after the client's ACK 0, and no error blames the client", () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 3, uefiHost.ip, { siaddr: pxeSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1600, pxeSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { blksize: '1468' } });
    s.tftp(pxeSrv, 51000, uefiHost, 1600, { opcode: 6, options: { blksize: '1468' } });
    const ack0 = s.tftp(uefiHost, 1600, pxeSrv, 51000, { opcode: 4, block: 0 });
    const a = s.run();
    const f = only(a, 'capture-ended-mid-exchange');
    expect(f.severity).toBe('info');
    expect(f.frames).toContain(ack0);
    expect(ids(a, 'error')).toEqual([]);
    expect(ids(a)).not.toContain('tftp-blksize-exceeds-mtu');
    expect(clientVerdict(a.clients[0]!, a.findings)).toBe('INCOMPLETE at nbp (the capture ended)');
  });

  it('is quiet when the transfer finished before the capture ended', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 4, uefiHost.ip, { siaddr: pxeSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, pxeSrv, 'a.efi', 3000, { head: peHead(0x8664) });
    s.wait(30);
    expect(ids(s.run())).not.toContain('capture-ended-mid-exchange');
  });

  it('is quiet on a silent TFTP server: the RRQ sent again and again is an error, not a capture cut short', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 6, uefiHost.ip, { siaddr: pxeSrv.ip, bootFile: 'a.efi' });
    for (let i = 0; i < 5; i++) {
      s.tftp(uefiHost, 1800, pxeSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: {} });
      s.wait(4);
    }
    s.discover(uefi, 7);
    const a = s.run();
    only(a, 'tftp-no-response');
    expect(ids(a)).not.toContain('capture-ended-mid-exchange');
  });
});
