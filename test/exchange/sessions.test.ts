/**
 * When a client's entry closes (TrackerOptions.bootDoneAfter / idleExpiry): a boot that completed
 * is closed after 60 s of silence, so the same MAC booting again later is a new session; a client
 * that failed keeps its entry for 10 minutes, so its retries stay one entry.
 */
import { describe, expect, it } from 'vitest';
import { Scenario, peHead, type ClientSpec, type Host } from './scenario.js';

const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const pxeSrv: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
const bios: ClientSpec = { mac: '52:54:00:b1:05:01', arch: [0], vendorClass: 'PXEClient:Arch:00000:UNDI:002001', guid: '1c2d3e4f-0000-4000-8000-525400b10501' };
const biosHost: Host = { mac: bios.mac, ip: '192.0.2.101' };

/** A complete BIOS boot: DHCP with the boot file on the DHCP server, then pxelinux.0 over TFTP. */
function completeBoot(s: Scenario, xid: number, port: number): void {
  s.dora(bios, dhcpSrv, xid, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
  s.wait(0.1);
  s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 4000, { port, options: { blksize: '1456' }, head: peHead(0) });
}

describe('client sessions', () => {
  it('a completed boot, 70 s of silence, then the same MAC boots again: two sessions', () => {
    const s = new Scenario();
    completeBoot(s, 0x101, 2001);
    s.wait(70);
    completeBoot(s, 0x202, 2002);
    const a = s.run();
    expect(a.clients.map((c) => [c.mac, c.session ?? 1])).toEqual([
      [bios.mac, 1],
      [bios.mac, 2],
    ]);
    for (const c of a.clients) expect(c.transfers.map((t) => [t.file, t.outcome])).toEqual([['pxelinux.0', 'complete']]);
  });

  it('a completed boot and the same MAC again after 30 s: one entry (PXE pauses up to 32 s within a boot)', () => {
    const s = new Scenario();
    completeBoot(s, 0x101, 2001);
    s.wait(30);
    completeBoot(s, 0x202, 2002);
    const a = s.run();
    expect(a.clients).toHaveLength(1);
    expect(a.clients[0]!.transfers.filter((t) => t.outcome === 'complete')).toHaveLength(2);
  });

  it('a failed boot (no boot file) retried after 70 s stays one entry with both rounds', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 0x101, biosHost.ip);
    s.wait(70);
    s.dora(bios, dhcpSrv, 0x202, biosHost.ip);
    const a = s.run();
    expect(a.clients).toHaveLength(1);
    expect(a.clients[0]!.session).toBeUndefined();
    expect(a.findings.some((f) => f.id === 'no-boot-file')).toBe(true);
    // Both DHCP rounds are on the one timeline.
    expect(a.clients[0]!.timeline.filter((e) => e.kind.includes('DISCOVER')).map((e) => e.time)).toEqual([0, expect.closeTo(70.8, 1)]);
  });
});
