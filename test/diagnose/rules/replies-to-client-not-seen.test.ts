/** replies-to-client-not-seen: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, peHead } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, uefi, uefiHost, only } from './fixtures.js';

const rrq = (file: string) => ({ opcode: 1 as const, filename: file, mode: 'octet', options: {} });

describe('replies-to-client-not-seen', () => {
  it('fires (info) when the REQUEST chooses a server whose OFFER is not in the capture', () => {
    const s = new Scenario();
    const d = s.discover(uefi, 9);
    s.wait(4);
    const req = s.request(uefi, 9, dhcpSrv.ip, uefiHost.ip);
    s.wait(0.01);
    s.tftp(uefiHost, 1900, pxeSrv, 69, rrq('a.efi'));
    s.wait(2);
    const a = s.run();
    const f = only(a, 'replies-to-client-not-seen');
    expect(f.severity).toBe('info');
    expect(f.frames).toEqual(expect.arrayContaining([d, req]));
    expect(a.clients[0]!.blindSpots?.find((b) => b.kind === 'replies-to-client-not-seen')?.frames).toEqual([d, req]);
    expect(ids(a, 'error')).toEqual([]);
  });

  it('is quiet when the OFFER and ACK the client acted on are in the capture', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 10, uefiHost.ip, { siaddr: pxeSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, pxeSrv, 'a.efi', 3000, { head: peHead(0x8664) });
    expect(ids(s.run())).not.toContain('replies-to-client-not-seen');
  });
});
