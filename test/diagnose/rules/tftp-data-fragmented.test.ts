/** tftp-data-fragmented: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, uefi, uefiHost, only } from './fixtures.js';

describe('tftp-data-fragmented', () => {
  it('reports completed fragmented DATA as info only', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 21, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1601, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { blksize: '1468' } });
    s.tftp(dhcpSrv, 51001, uefiHost, 1601, { opcode: 6, options: { blksize: '1468' } });
    s.tftp(uefiHost, 1601, dhcpSrv, 51001, { opcode: 4, block: 0 });
    s.fragmentedData(dhcpSrv, 51001, uefiHost, 1601, 1, 1468, false, peHead(0x8664));
    s.tftp(uefiHost, 1601, dhcpSrv, 51001, { opcode: 4, block: 1 });
    s.tftp(dhcpSrv, 51001, uefiHost, 1601, { opcode: 3, block: 2, payload: new Uint8Array(10) });
    s.tftp(uefiHost, 1601, dhcpSrv, 51001, { opcode: 4, block: 2 });
    const a = s.run();
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([['tftp-data-fragmented', 'info']]);
  });
  it('stays quiet when DATA fits in one datagram', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 21, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'a.efi', 3000, { options: { blksize: '1024' }, head: peHead(0x8664) });
    expect(ids(s.run())).toEqual([]);
  });
  it('names the transfer (its RRQ and first reply) as evidence', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 21, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    const rrq = s.tftp(uefiHost, 1601, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { blksize: '1468' } });
    const oack = s.tftp(dhcpSrv, 51001, uefiHost, 1601, { opcode: 6, options: { blksize: '1468' } });
    s.tftp(uefiHost, 1601, dhcpSrv, 51001, { opcode: 4, block: 0 });
    s.fragmentedData(dhcpSrv, 51001, uefiHost, 1601, 1, 1468, false, peHead(0x8664));
    s.tftp(uefiHost, 1601, dhcpSrv, 51001, { opcode: 4, block: 1 });
    s.tftp(dhcpSrv, 51001, uefiHost, 1601, { opcode: 3, block: 2, payload: new Uint8Array(10) });
    s.tftp(uefiHost, 1601, dhcpSrv, 51001, { opcode: 4, block: 2 });
    const f = only(s.run(), 'tftp-data-fragmented');
    expect(f.frames).toEqual([rrq, oack]);
  });
});
