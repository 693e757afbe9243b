/** spanning-tree-not-forwarding: fires on the exchanges that show it, stays quiet on the ones that do not (test/exchange/scenario.ts builds them). */
import { describe, it, expect } from 'vitest';
import { Scenario, ids, type ClientSpec } from '../../exchange/scenario.js';
import { dhcpSrv, pxeSrv, biosHost, only } from './fixtures.js';
import { bpdu, ipxeBios } from './net.js';

const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000' };

describe('spanning-tree-not-forwarding', () => {
  it('BPDUs, the first DISCOVERs unanswered for 28 s, then a boot: a warning', () => {
    const s = new Scenario();
    bpdu(s);
    const d1 = s.discover(ipxeBios, 9);
    for (let i = 0; i < 14; i++) {
      s.wait(2);
      bpdu(s);
    }
    s.discover(ipxeBios, 9);
    s.wait(0.1);
    s.dora(ipxeBios, dhcpSrv, 10, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    const a = s.run();
    const f = only(a, 'spanning-tree-not-forwarding');
    expect(f.severity).toBe('warning');
    expect(f.frames).toContain(d1);
    expect(a.clients[0]!.ok).toBe(true);
  });

  it('BPDUs and no answer before the firmware gives up: an error', () => {
    const s = new Scenario();
    for (const gap of [4, 8, 16]) {
      bpdu(s);
      s.discover(uefi, 11);
      s.wait(gap);
    }
    bpdu(s);
    expect(only(s.run(), 'spanning-tree-not-forwarding').severity).toBe('error');
  });

  it('is quiet when the first DISCOVER is answered at once', () => {
    const s = new Scenario();
    bpdu(s);
    s.dora(ipxeBios, dhcpSrv, 12, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('spanning-tree-not-forwarding');
  });

  it('is quiet on slow first answers when no BPDU shows a switch port still learning', () => {
    const s = new Scenario();
    s.discover(ipxeBios, 9);
    s.wait(4);
    s.discover(ipxeBios, 9);
    s.wait(0.1);
    s.dora(ipxeBios, dhcpSrv, 10, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('spanning-tree-not-forwarding');
  });
});
