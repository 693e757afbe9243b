/** tftp-no-response: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type Host } from '../../exchange/scenario.js';
import { dhcpSrv, bios, biosHost, uefi, uefiHost, only, workingBios } from './fixtures.js';

describe('tftp-no-response', () => {
  it('fires on retransmitted RRQs without any answer', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 13, biosHost.ip, { siaddr: '192.0.2.9', file: 'pxelinux.0' });
    const tftpHost: Host = { mac: '02:00:00:00:09:01', ip: '192.0.2.9' };
    const r1 = s.tftp(biosHost, 2001, tftpHost, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
    s.wait(1);
    const r2 = s.tftp(biosHost, 2001, tftpHost, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
    s.wait(2);
    // A third try: with only two and the capture ending at once, the client may still be trying
    // (capture-ended-mid-exchange).
    const r3 = s.tftp(biosHost, 2001, tftpHost, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
    s.wait(2);
    const a = s.run();
    const f = only(a, 'tftp-no-response');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E32');
    expect(f.frames).toEqual([r1, r2, r3]);
    expect(a.clients[0]!.transfers[0]!.outcome).toBe('no-response');
  });
  it('counts an ICMP port unreachable as the answer of a dead server', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 14, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'x.efi' });
    const r = s.tftp(uefiHost, 2002, dhcpSrv, 69, { opcode: 1, filename: 'x.efi', mode: 'octet', options: {} });
    const icmp = s.icmpUnreachable(dhcpSrv, uefiHost, s.frames[r - 1]!.data.subarray(14, 42));
    const f = only(s.run(), 'tftp-no-response');
    expect(f.frames).toEqual([r, icmp]);
    expect(f.title).toContain('ICMP port unreachable');
  });
  it('stays quiet when the server answers the first RRQ', () => {
    const s = new Scenario();
    workingBios(s);
    expect(ids(s.run())).not.toContain('tftp-no-response');
  });
});
