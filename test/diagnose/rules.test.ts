/**
 * One describe per rule: a minimal exchange built from real codec bytes (encodeDhcp/encodeTftp in
 * Ethernet/IPv4/UDP), dissected by the real Dissector, analyzed by the Analyzer. Each rule is checked
 * for firing with the right severity and evidence frames, and for staying quiet on the working variant.
 */
import { describe, it, expect } from 'vitest';
import { Scenario, biosHead, ids, peHead, type ClientSpec, type Host } from '../exchange/scenario.js';
import { rules } from '../../src/diagnose/rules/index.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import type { AnalysisJson } from '../../src/report/schema.js';

const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const pxeSrv: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
const rogue: Host = { mac: '02:00:00:00:03:01', ip: '192.0.2.3' };
const bios: ClientSpec = { mac: '52:54:00:be:00:01', arch: [0], guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b' };
const biosHost: Host = { mac: bios.mac, ip: '192.0.2.100' };
const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000', guid: '11111111-2222-3333-4444-555555555555' };
const uefiHost: Host = { mac: uefi.mac, ip: '192.0.2.101' };

function only(a: AnalysisJson, id: string) {
  const list = a.findings.filter((f) => f.id === id);
  expect(list, `findings ${ids(a).join(',')}`).toHaveLength(1);
  return list[0]!;
}

/** A BIOS boot that works: DORA with file + siaddr, pxelinux.0 downloaded. */
function workingBios(s: Scenario): void {
  s.dora(bios, dhcpSrv, 0x100, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
  s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 1500, { head: biosHead() });
}

describe('rule table', () => {
  it('has every id the issue lists, once', () => {
    const wanted = [
      'no-dhcp-offer', 'no-address-offer', 'no-boot-file', 'relay-missing-pxe-helper', 'option60-on-dhcp-server', 'proxy-request-unanswered',
      'proxy-offer-missing-option60', 'proxy-offer-ignored', 'boot-server-address-missing', 'tftp-no-response', 'tftp-file-not-found', 'tftp-error',
      'tftp-transfer-incomplete', 'bootfile-name-garbage', 'arch-bootfile-mismatch', 'client-arch-missing', 'client-arch-ambiguous', 'ipxe-chainload-loop',
      'multiple-dhcp-servers', 'multiple-boot-servers', 'slow-server-response', 'client-guid-invalid', 'client-guid-duplicate',
    ];
    const have = rules.map((r) => r.id);
    for (const id of wanted) expect(have).toContain(id);
    expect(new Set(have).size).toBe(have.length);
  });

  it('a working BIOS boot has no finding at all', () => {
    const s = new Scenario();
    workingBios(s);
    const a = s.run();
    expect(a.findings).toEqual([]);
    expect(a.clients[0]!.ok).toBe(true);
  });
});

describe('no-dhcp-offer', () => {
  it('fires on unanswered DISCOVERs with their frames', () => {
    const s = new Scenario();
    const f1 = s.discover(uefi, 1);
    s.wait(4);
    const f2 = s.discover(uefi, 1);
    s.wait(8);
    const f3 = s.discover(uefi, 1);
    const f = only(s.run(), 'no-dhcp-offer');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E51');
    expect(f.frames).toEqual([f1, f2, f3]);
    expect(f.client).toBe(uefi.mac);
  });
  it('stays quiet on a single DISCOVER at the very end of the capture', () => {
    const s = new Scenario();
    s.discover(uefi, 1);
    expect(ids(s.run())).not.toContain('no-dhcp-offer');
  });
});

describe('no-address-offer', () => {
  it('fires when only proxy offers arrive', () => {
    const s = new Scenario();
    s.discover(bios, 2);
    const p = s.reply(pxeSrv, bios, 2, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'pxelinux.0' });
    s.wait(4);
    s.discover(bios, 2);
    const f = only(s.run(), 'no-address-offer');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E52');
    expect(f.frames).toContain(p);
  });
});

describe('no-boot-file', () => {
  it('fires on an address with no boot information', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 3, biosHost.ip);
    const a = s.run();
    const f = only(a, 'no-boot-file');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E53');
    expect(f.frames).toEqual([2, 4]);
    expect(ids(a)).not.toContain('relay-missing-pxe-helper');
    expect(a.clients[0]!.stage).toBe('bound');
  });
  it('is not raised for a plain (non-PXE) DHCP client', () => {
    const s = new Scenario();
    s.dora({ mac: '52:54:00:00:00:99', plain: true }, dhcpSrv, 3, '192.0.2.150');
    expect(s.run().findings).toEqual([]);
  });
});

describe('relay-missing-pxe-helper', () => {
  it('fires instead of no-boot-file when the offers came through a relay', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 4, biosHost.ip, { giaddr: '192.0.2.254' });
    const a = s.run();
    const f = only(a, 'relay-missing-pxe-helper');
    expect(f.severity).toBe('error');
    expect(f.title).toContain('192.0.2.254');
    expect(ids(a)).not.toContain('no-boot-file');
  });
});

describe('option60-on-dhcp-server', () => {
  it('is an error when the client asks the DHCP server on 4011 and gets ICMP port unreachable', () => {
    const s = new Scenario();
    s.discover(uefi, 5);
    const offer = s.reply(dhcpSrv, uefi, 5, 2, { yiaddr: uefiHost.ip, vendorClass: 'PXEClient', bootFile: 'efi64/syslinux.efi' });
    s.request(uefi, 5, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 5, 5, { yiaddr: uefiHost.ip, vendorClass: 'PXEClient', bootFile: 'efi64/syslinux.efi' });
    const req = s.proxyRequest(uefi, uefiHost.ip, dhcpSrv, 0x55);
    const reqBytes = s.frames[req - 1]!.data.subarray(14, 14 + 28);
    const icmp = s.icmpUnreachable(dhcpSrv, uefiHost, reqBytes);
    s.wait(1);
    const retry = s.proxyRequest(uefi, uefiHost.ip, dhcpSrv, 0x55);
    s.wait(3);
    const a = s.run();
    const f = only(a, 'option60-on-dhcp-server');
    expect(f.severity).toBe('error');
    // EDK2 (a UEFI client that is not iPXE) ends every failed DHCP phase with PXE-E16.
    expect(f.firmwareMessage).toBe('PXE-E16');
    expect(f.frames).toEqual([offer, req, icmp, retry]);
    expect(ids(a)).not.toContain('proxy-request-unanswered');
  });
  it('is a warning when the client did not go to 4011', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 6, biosHost.ip, { vendorClass: 'PXEClient', siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 700);
    const a = s.run();
    expect(only(a, 'option60-on-dhcp-server').severity).toBe('warning');
    expect(ids(a, 'error')).toEqual([]);
  });
});

describe('proxy-request-unanswered', () => {
  it('fires on repeated 4011 requests to a proxy that never answers', () => {
    const s = new Scenario();
    s.discover(uefi, 7);
    s.reply(pxeSrv, uefi, 7, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient' });
    s.reply(dhcpSrv, uefi, 7, 2, { yiaddr: uefiHost.ip });
    s.request(uefi, 7, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 7, 5, { yiaddr: uefiHost.ip });
    const r1 = s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x77);
    s.wait(1);
    const r2 = s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x77);
    s.wait(2);
    const r3 = s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x77);
    s.wait(4);
    const f = only(s.run(), 'proxy-request-unanswered');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E16');
    expect(f.frames).toEqual([r1, r2, r3]);
  });
  it('is quiet when the proxy answers', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 8, uefiHost.ip);
    s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x88);
    s.proxyAck(pxeSrv, uefi, uefiHost.ip, 0x88, 'efi64/syslinux.efi');
    s.tftpRead(uefiHost, pxeSrv, 'efi64/syslinux.efi', 900, { head: peHead(0x8664) });
    const a = s.run();
    expect(ids(a)).not.toContain('proxy-request-unanswered');
    expect(a.clients[0]!.ok).toBe(true);
  });
});

describe('proxy-offer-missing-option60', () => {
  it('fires on a yiaddr-0 offer with boot information but no option 60', () => {
    const s = new Scenario();
    s.discover(bios, 9);
    const bad = s.reply(pxeSrv, bios, 9, 2, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.reply(dhcpSrv, bios, 9, 2, { yiaddr: biosHost.ip });
    s.request(bios, 9, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 9, 5, { yiaddr: biosHost.ip });
    s.wait(5);
    const f = only(s.run(), 'proxy-offer-missing-option60');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([bad]);
  });
});

describe('proxy-offer-ignored', () => {
  it('fires when the client re-sends DISCOVER after a proxy offer with option 43', () => {
    const s = new Scenario();
    s.discover(uefi, 10);
    s.reply(dhcpSrv, uefi, 10, 2, { yiaddr: uefiHost.ip });
    const proxy = s.reply(pxeSrv, uefi, 10, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'efi64/syslinux.efi' });
    s.wait(4);
    const d2 = s.discover(uefi, 10);
    s.wait(8);
    const d3 = s.discover(uefi, 10);
    const f = only(s.run(), 'proxy-offer-ignored');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([proxy, d2, d3]);
  });
});

describe('boot-server-address-missing', () => {
  it('is an error for iPXE (siaddr only) when options 66/67 come without siaddr', () => {
    const s = new Scenario();
    s.dora({ ...bios, ipxe: true }, dhcpSrv, 11, biosHost.ip, { tftpServer: '192.0.2.1', bootFile: 'pxelinux.0' });
    const f = only(s.run(), 'boot-server-address-missing');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([2]);
  });
  it('is an error for other firmware only once it stayed silent for 10 s', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 11, biosHost.ip, { tftpServer: '192.0.2.1', bootFile: 'pxelinux.0' });
    expect(only(s.run(), 'boot-server-address-missing').severity).toBe('warning');
    s.wait(12);
    s.discover({ mac: '52:54:00:00:00:77', plain: true }, 99); // the capture goes on
    expect(only(s.run(), 'boot-server-address-missing').severity).toBe('error');
  });
  it('is a warning when the client found the server anyway', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 12, biosHost.ip, { tftpServer: '192.0.2.1', bootFile: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 600);
    const a = s.run();
    expect(only(a, 'boot-server-address-missing').severity).toBe('warning');
    expect(ids(a, 'error')).toEqual([]);
  });
});

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
    // (capture-ended-mid-exchange, issue 22).
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
});

describe('tftp-replies-blocked', () => {
  it('fires when the server answers and the client asks again without acknowledging', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 70, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const r1 = s.tftp(biosHost, 2500, dhcpSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { blksize: '1432' } });
    const oack = s.tftp(dhcpSrv, 53000, biosHost, 2500, { opcode: 6, options: { blksize: '1432' } });
    s.wait(2);
    s.tftp(dhcpSrv, 53000, biosHost, 2500, { opcode: 6, options: { blksize: '1432' } });
    const r2 = s.tftp(biosHost, 2500, dhcpSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { blksize: '1432' } });
    s.tftp(dhcpSrv, 53001, biosHost, 2500, { opcode: 6, options: { blksize: '1432' } });
    s.wait(30);
    s.discover(bios, 71);
    const a = s.run();
    const f = only(a, 'tftp-replies-blocked');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([r1, oack, r2]);
    expect(ids(a)).not.toContain('tftp-transfer-incomplete');
    expect(ids(a)).not.toContain('tftp-no-response');
  });
});

describe('tftp-file-not-found', () => {
  it('fires for the NBP with PXE-E3B', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 15, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot/pxelinux.0' });
    const e = s.tftpError(biosHost, dhcpSrv, 'boot/pxelinux.0', 1, 'File not found');
    const f = only(s.run(), 'tftp-file-not-found');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E3B');
    expect(f.frames).toEqual([e.rrq, e.error]);
  });
});

describe('tftp-error', () => {
  it('fires on an access violation (PXE-E3C)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 16, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const e = s.tftpError(biosHost, dhcpSrv, 'pxelinux.0', 2, 'Access violation');
    const f = only(s.run(), 'tftp-error');
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E3C');
    expect(f.frames).toEqual([e.rrq, e.error]);
  });
  it('does not flag the tsize probe (ERROR 8 from the client after OACK)', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 17, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftp(uefiHost, 1500, dhcpSrv, 69, { opcode: 1, filename: 'a.efi', mode: 'octet', options: { tsize: '0' } });
    s.tftp(dhcpSrv, 50000, uefiHost, 1500, { opcode: 6, options: { tsize: '900' } });
    s.tftp(uefiHost, 1500, dhcpSrv, 50000, { opcode: 5, errorCode: 8, errorMessage: 'User aborted the transfer' });
    s.tftpRead(uefiHost, dhcpSrv, 'a.efi', 900, { head: peHead(0x8664) });
    const a = s.run();
    expect(a.findings).toEqual([]);
    expect(a.clients[0]!.transfers[0]!.outcome).toBe('tsize-probe');
  });
});

describe('tftp-transfer-incomplete', () => {
  it('fires on a transfer that stops mid-way', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 18, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const t = s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 5000, { stopAfter: 3 });
    s.wait(30);
    s.discover(bios, 19); // the client gave up and starts over
    const f = s.run().findings.find((x) => x.id === 'tftp-transfer-incomplete')!;
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(t.rrq);
    expect(f.frames).toContain(t.first!);
  });
});

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
});

describe('bootfile-name-garbage', () => {
  it('fires on an RRQ for the offered name plus garbage bytes', () => {
    const s = new Scenario();
    s.discover(bios, 22);
    const offer = s.reply(dhcpSrv, bios, 22, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'netboot.xyz.kpxe', bootFileNul: false });
    s.request(bios, 22, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 22, 5, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, bootFile: 'netboot.xyz.kpxe', bootFileNul: false });
    const e = s.tftpError(biosHost, dhcpSrv, 'netboot.xyz.kpxe\xff\xff', 1, 'File not found');
    const a = s.run();
    const f = only(a, 'bootfile-name-garbage');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([offer, e.rrq, e.error]);
    expect(ids(a)).not.toContain('tftp-file-not-found');
    expect(only(a, 'bootfile-option-not-nul-terminated').severity).toBe('warning');
  });
});

describe('arch-bootfile-mismatch', () => {
  it('judges a BIOS NBP sent to an x64 UEFI client from its first bytes', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 23, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const t = s.tftpRead(uefiHost, dhcpSrv, 'pxelinux.0', 1000, { head: biosHead() });
    const f = only(s.run(), 'arch-bootfile-mismatch');
    expect(f.severity).toBe('error');
    expect(f.title).toContain('BIOS NBP');
    expect(f.frames).toContain(t.rrq);
  });
  it('judges a PE image for the wrong machine', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 24, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'bootaa64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'bootaa64.efi', 1000, { head: peHead(0xaa64) });
    expect(only(s.run(), 'arch-bootfile-mismatch').title).toContain('arm64');
  });
  it('judges by name when no data is in the capture (EFI file for a BIOS client)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 25, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'efi64/syslinux.efi' });
    s.wait(5);
    expect(only(s.run(), 'arch-bootfile-mismatch').title).toContain('by its name');
  });
  it('accepts an x64 PE for option 93 = 7', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 26, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'syslinux.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'syslinux.efi', 1000, { head: peHead(0x8664) });
    expect(s.run().findings).toEqual([]);
  });
});

describe('nbp-not-started', () => {
  it('fires when the firmware downloads a fitting NBP and starts DHCP over', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 50, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'grubx64.efi' });
    const t = s.tftpRead(uefiHost, dhcpSrv, 'grubx64.efi', 3000, { head: peHead(0x8664) });
    s.wait(3);
    const again = s.discover(uefi, 51);
    const a = s.run();
    const f = only(a, 'nbp-not-started');
    expect(f.severity).toBe('error');

    expect(f.frames).toContain(t.rrq);
    expect(f.frames).toContain(again);
    expect(ids(a)).not.toContain('arch-bootfile-mismatch');
  });
  it('is quiet when the NBP fetched its own files, and for iPXE clients', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 52, uefiHost.ip, { siaddr: dhcpSrv.ip, bootFile: 'grubx64.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'grubx64.efi', 3000, { head: peHead(0x8664) });
    s.tftpRead(uefiHost, dhcpSrv, 'grub/grub.cfg', 300);
    s.wait(3);
    s.discover(uefi, 53);
    expect(ids(s.run())).not.toContain('nbp-not-started');
    const t = new Scenario();
    const c: ClientSpec = { ...bios, ipxe: true };
    t.dora(c, dhcpSrv, 54, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot.ipxe' });
    t.tftpRead(biosHost, dhcpSrv, 'boot.ipxe', 100);
    t.wait(1);
    t.discover(c, 55);
    expect(ids(t.run())).not.toContain('nbp-not-started');
  });
  it('leaves a wrong-architecture NBP to arch-bootfile-mismatch', () => {
    const s = new Scenario();
    s.dora(uefi, dhcpSrv, 56, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(uefiHost, dhcpSrv, 'pxelinux.0', 1000, { head: biosHead() });
    s.wait(3);
    s.discover(uefi, 57);
    const a = s.run();
    expect(ids(a)).toContain('arch-bootfile-mismatch');
    expect(ids(a)).not.toContain('nbp-not-started');
  });
});

describe('client-arch-missing / client-arch-ambiguous', () => {
  it('warns when a PXEClient sends no option 93', () => {
    const s = new Scenario();
    workingBiosWith(s, { ...bios, arch: [], vendorClass: 'PXEClient:Arch:00000:UNDI:002001' });
    expect(only(s.run(), 'client-arch-missing').severity).toBe('warning');
  });
  it('warns on option 93 = 9', () => {
    const s = new Scenario();
    s.dora({ ...uefi, arch: [9] }, dhcpSrv, 27, uefiHost.ip, { siaddr: dhcpSrv.ip, file: 'syslinux.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'syslinux.efi', 1000, { head: peHead(0x8664) });
    const a = s.run();
    expect(only(a, 'client-arch-ambiguous').severity).toBe('warning');
    expect(ids(a)).not.toContain('arch-bootfile-mismatch');
  });
});

function workingBiosWith(s: Scenario, c: ClientSpec): void {
  s.dora(c, dhcpSrv, 0x200, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
  s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 1500, { head: biosHead() });
}

describe('ipxe-chainload-loop', () => {
  it('fires when iPXE is handed undionly.kpxe again and again', () => {
    const s = new Scenario();
    const c: ClientSpec = { ...bios, ipxe: true };
    const rrqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      s.dora(c, dhcpSrv, 0x300 + i, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'undionly.kpxe' });
      rrqs.push(s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 2000, { head: biosHead() }).rrq);
      s.wait(18);
    }
    const a = s.run();
    const f = only(a, 'ipxe-chainload-loop');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(rrqs);
    expect(f.title).toContain('3 times');
  });
  it('is quiet when iPXE gets a script the second time', () => {
    const s = new Scenario();
    const c: ClientSpec = { ...bios, ipxe: true };
    s.dora(c, dhcpSrv, 0x310, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'undionly.kpxe' });
    s.tftpRead(biosHost, dhcpSrv, 'undionly.kpxe', 2000, { head: biosHead() });
    s.dora(c, dhcpSrv, 0x311, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot.ipxe' });
    s.tftpRead(biosHost, dhcpSrv, 'boot.ipxe', 100);
    const a = s.run();
    expect(ids(a)).not.toContain('ipxe-chainload-loop');
    expect(a.clients[0]!.stage).toBe('second-stage');
  });
});

describe('multiple-dhcp-servers', () => {
  it('warns when two servers grant addresses', () => {
    const s = new Scenario();
    s.discover(bios, 28);
    const o1 = s.reply(dhcpSrv, bios, 28, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const o2 = s.reply(rogue, bios, 28, 2, { yiaddr: '192.0.2.200' });
    s.request(bios, 28, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 28, 5, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 800);
    const f = only(s.run(), 'multiple-dhcp-servers');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([o1, o2]);
  });
  it('is an error with a NAK and no lease', () => {
    const s = new Scenario();
    s.discover(bios, 29);
    s.reply(dhcpSrv, bios, 29, 2, { yiaddr: biosHost.ip });
    s.reply(rogue, bios, 29, 2, { yiaddr: '192.0.2.200' });
    s.request(bios, 29, dhcpSrv.ip, biosHost.ip);
    const nak = s.reply(rogue, bios, 29, 6, {});
    s.wait(5);
    const f = only(s.run(), 'multiple-dhcp-servers');
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(nak);
    expect(f.firmwareMessage).toBe('PXE-E21');
  });
});

describe('multiple-boot-servers', () => {
  it('warns when two proxies offer different boot files', () => {
    const s = new Scenario();
    s.discover(bios, 30);
    const p1 = s.reply(pxeSrv, bios, 30, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'pxelinux.0' });
    const p2 = s.reply(rogue, bios, 30, 2, { siaddr: rogue.ip, vendorClass: 'PXEClient', pxe: { discoveryControl: 8 }, file: 'evil.0' });
    s.reply(dhcpSrv, bios, 30, 2, { yiaddr: biosHost.ip });
    s.request(bios, 30, dhcpSrv.ip, biosHost.ip);
    s.reply(dhcpSrv, bios, 30, 5, { yiaddr: biosHost.ip });
    const t = s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 800);
    const f = only(s.run(), 'multiple-boot-servers');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([p1, p2, t.rrq]);
  });
  it('is an error when BINL-style proxies disagree and the client fails at the one it followed', () => {
    const s = new Scenario();
    s.discover(uefi, 37);
    const p1 = s.reply(rogue, uefi, 37, 2, { siaddr: rogue.ip, vendorClass: 'PXEClient' });
    s.reply(dhcpSrv, uefi, 37, 2, { yiaddr: uefiHost.ip });
    const p2 = s.reply(pxeSrv, uefi, 37, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient' });
    s.request(uefi, 37, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 37, 5, { yiaddr: uefiHost.ip });
    const req = s.proxyRequest(uefi, uefiHost.ip, rogue, 0x3737);
    s.proxyAck(rogue, uefi, uefiHost.ip, 0x3737, 'wds/bootmgfw.efi');
    s.tftpError(uefiHost, rogue, 'wds/bootmgfw.efi', 1, 'File not found');
    const a = s.run();
    const f = only(a, 'multiple-boot-servers');
    expect(f.severity).toBe('error');
    expect(f.frames.slice(0, 3)).toEqual([p1, p2, req]);
    expect(f.title).toContain('wds/bootmgfw.efi');
    expect(ids(a, 'error').sort()).toEqual(['multiple-boot-servers', 'tftp-file-not-found']);
  });
});

describe('slow-server-response', () => {
  it('warns when the first offer needs client retransmissions', () => {
    const s = new Scenario();
    const d1 = s.discover(uefi, 31);
    s.wait(4);
    const d2 = s.discover(uefi, 31);
    s.wait(1);
    const o = s.reply(dhcpSrv, uefi, 31, 2, { yiaddr: uefiHost.ip, siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.request(uefi, 31, dhcpSrv.ip, uefiHost.ip);
    s.reply(dhcpSrv, uefi, 31, 5, { yiaddr: uefiHost.ip, siaddr: dhcpSrv.ip, bootFile: 'a.efi' });
    s.tftpRead(uefiHost, dhcpSrv, 'a.efi', 500, { head: peHead(0x8664) });
    const a = s.run();
    const f = only(a, 'slow-server-response');
    expect(f.severity).toBe('warning');
    expect(f.frames).toEqual([d1, d2, o]);
    expect(ids(a, 'error')).toEqual([]);
  });
  it('warns when the first DISCOVER seen already has secs >= 4 (not for iPXE)', () => {
    const s = new Scenario();
    s.discover(bios, 32, 12);
    s.wait(0.1);
    s.reply(dhcpSrv, bios, 32, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    expect(only(s.run(), 'slow-server-response').title).toContain('secs = 12');
    const t = new Scenario();
    t.discover({ ...bios, ipxe: true }, 33, 12);
    t.reply(dhcpSrv, bios, 33, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    expect(ids(t.run())).not.toContain('slow-server-response');
  });
});

describe('client-guid-invalid / client-guid-duplicate', () => {
  it('warns on an all-zero GUID and on a missing one', () => {
    const s = new Scenario();
    workingBiosWith(s, { ...bios, guid: '00000000-0000-0000-0000-000000000000' });
    expect(only(s.run(), 'client-guid-invalid').title).toContain('all-zero');
    const t = new Scenario();
    workingBiosWith(t, { ...bios, guid: undefined });
    expect(only(t.run(), 'client-guid-invalid').title).toContain('no client GUID');
  });
  it('warns on a GUID sent by two MACs, for both', () => {
    const s = new Scenario();
    const twin: ClientSpec = { ...bios, mac: '52:54:00:be:00:02' };
    s.discover(bios, 34);
    s.discover(twin, 35);
    s.reply(dhcpSrv, bios, 34, 2, { yiaddr: biosHost.ip, siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.reply(dhcpSrv, twin, 35, 2, { yiaddr: '192.0.2.102', siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    const a = s.run();
    const dups = a.findings.filter((f) => f.id === 'client-guid-duplicate');
    expect(dups.map((f) => f.client).sort()).toEqual([bios.mac, twin.mac]);
    expect(dups[0]!.severity).toBe('warning');
  });
});

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

describe('tftp-replies-not-captured', () => {
  it('explains a capture filtered on port 69 (second RRQ with no reply in between)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 36, biosHost.ip, { siaddr: dhcpSrv.ip, file: 'boot' });
    const r1 = s.tftp(biosHost, 2100, dhcpSrv, 69, { opcode: 1, filename: 'boot', mode: 'octet', options: { tsize: '0' } });
    s.wait(1);
    s.tftp(biosHost, 2101, dhcpSrv, 69, { opcode: 1, filename: 'boot', mode: 'octet', options: { blksize: '1456' } });
    const a = s.run();
    const f = only(a, 'tftp-replies-not-captured');
    expect(f.severity).toBe('info');
    expect(f.frames).toEqual([r1]);
    expect(ids(a, 'error')).toEqual([]);
  });
});
