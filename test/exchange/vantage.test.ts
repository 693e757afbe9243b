/**
 * What the capture could not see (src/exchange/vantage.ts): a silence it could not have seen is
 * never an error, and the client's next requests tell whether the boot went on.
 */
import { describe, expect, it } from 'vitest';
import { Scenario, ids, type ClientSpec, type Host } from './scenario.js';
import { clientVerdict } from '../../src/report/verdict.js';

const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const tftpSrv: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000', guid: '11111111-2222-3333-4444-555555555555' };
const uefiNbp: ClientSpec = { mac: uefi.mac, plain: true };
const uefiHost: Host = { mac: uefi.mac, ip: '192.0.2.101' };
const rrq = (file: string, options: Record<string, string> = {}) => ({ opcode: 1 as const, filename: file, mode: 'octet', options });

describe('capture blind spots', () => {
  it('a filter that kept only 67/68/69/4011: the RRQs alone, then the NBP\'s own DHCP and files -> OK, info only', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 1, uefiHost.ip, { siaddr: tftpSrv.ip, bootFile: 'efi64/syslinux.efi' });
    const probe = s.tftp(uefiHost, 1500, tftpSrv, 69, rrq('efi64/syslinux.efi', { tsize: '0', blksize: '1468' }));
    s.wait(0.01);
    const real = s.tftp(uefiHost, 1501, tftpSrv, 69, rrq('efi64/syslinux.efi', { blksize: '1468' }));
    s.wait(1.5);
    s.dora(uefiNbp, dhcpSrv, 2, uefiHost.ip);
    s.wait(0.2);
    const ldlinux = s.tftp(uefiHost, 1502, tftpSrv, 69, rrq('efi64/ldlinux.e64'));
    s.wait(0.5);
    s.tftp(uefiHost, 1503, tftpSrv, 69, rrq('efi64/pxelinux.cfg/default'));
    s.wait(3);
    const a = s.run();
    const c = a.clients[0]!;
    expect(a.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(c.ok).toBe(true);
    expect(c.stage).toBe('second-stage');
    // The last RRQ, with nothing after it, may still be waiting for its answer.
    expect(c.transfers.map((t) => t.outcome)).toEqual(['not-captured', 'not-captured', 'not-captured', 'capture-ended']);
    const spot = c.blindSpots!.find((b) => b.kind === 'tftp-replies-not-captured')!;
    expect(spot.frames).toEqual([probe, real, ldlinux]);
    expect(spot.howToCapture).toContain('udp port 67 or 68 or 69 or 4011 or (udp and (host 192.0.2.2))');
    expect(clientVerdict(c, a.findings)).toBe('OK');
  });

  it('a capture cut right after the client\'s ACK 0: no tftp-blksize-exceeds-mtu, the capture ended', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 3, uefiHost.ip, { siaddr: tftpSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1600, tftpSrv, 69, rrq('a.efi', { blksize: '1468' }));
    s.tftp(tftpSrv, 51000, uefiHost, 1600, { opcode: 6, options: { blksize: '1468' } });
    const ack0 = s.tftp(uefiHost, 1600, tftpSrv, 51000, { opcode: 4, block: 0 });
    const a = s.run();
    const c = a.clients[0]!;
    expect(ids(a)).not.toContain('tftp-blksize-exceeds-mtu');
    expect(a.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(c.ok).toBe(false);
    expect(c.blindSpots?.map((b) => b.kind)).toEqual(['capture-ended-mid-exchange']);
    expect(c.blindSpots![0]!.frames).toContain(ack0);
    expect(clientVerdict(c, a.findings)).toBe('INCOMPLETE at tftp (the capture ended)');
  });

  it('the same with ACK 0 repeated (the client timed out waiting for DATA): the MTU black hole stands', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 4, uefiHost.ip, { siaddr: tftpSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1700, tftpSrv, 69, rrq('a.efi', { blksize: '1468' }));
    s.tftp(tftpSrv, 52000, uefiHost, 1700, { opcode: 6, options: { blksize: '1468' } });
    for (let i = 0; i < 4; i++) {
      s.tftp(uefiHost, 1700, tftpSrv, 52000, { opcode: 4, block: 0 });
      s.wait(4);
    }
    s.discover(uefi, 5);
    const a = s.run();
    expect(a.findings.find((f) => f.id === 'tftp-blksize-exceeds-mtu')?.severity).toBe('error');
  });

  it('a silent TFTP server (the RRQ sent again and again) is still an error', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 6, uefiHost.ip, { siaddr: tftpSrv.ip, bootFile: 'a.efi' });
    for (let i = 0; i < 5; i++) {
      s.tftp(uefiHost, 1800, tftpSrv, 69, rrq('a.efi'));
      s.wait(4);
    }
    s.discover(uefi, 7);
    const a = s.run();
    expect(a.findings.find((f) => f.id === 'tftp-no-response')?.severity).toBe('error');
    expect(a.clients[0]!.blindSpots).toBeUndefined();
  });

  it('a capture that started late: a REQUEST with no DISCOVER before it', () => {
    const s = new Scenario();
    const req = s.request(uefi, 8, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 8, 5, { yiaddr: uefiHost.ip, siaddr: tftpSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, tftpSrv, 'a.efi', 3000);
    const a = s.run();
    const c = a.clients[0]!;
    expect(c.blindSpots?.find((b) => b.kind === 'capture-started-late')?.frames).toEqual([req]);
    expect(a.findings.find((f) => f.id === 'capture-started-late')?.severity).toBe('info');
  });

  it('replies to the client not seen: the REQUEST chooses a server whose OFFER is not in the capture', () => {
    const s = new Scenario();
    const d = s.discover(uefi, 9);
    s.wait(4);
    const req = s.request(uefi, 9, dhcpSrv.ip, uefiHost.ip);
    s.wait(0.01);
    s.tftp(uefiHost, 1900, tftpSrv, 69, rrq('a.efi'));
    s.wait(2);
    const a = s.run();
    const c = a.clients[0]!;
    expect(c.blindSpots?.find((b) => b.kind === 'replies-to-client-not-seen')?.frames).toEqual([d, req]);
    expect(a.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
