/**
 * The network rules of issue 22, on exchanges built from real codec bytes (DHCP, TFTP, ARP, BPDU
 * frames) and run through the real Dissector and Analyzer: each fires with its evidence, and stays
 * quiet on the variant that works.
 */
import { describe, expect, it } from 'vitest';
import { Scenario, ids, peHead, type ClientSpec, type Host } from '../exchange/scenario.js';
import { encodeArp } from '../../src/decode/arp.js';
import { BPDU_CONFIG, encodeBpdu } from '../../src/decode/stp.js';

const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const pxeSrv: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
const bios: ClientSpec = { mac: '52:54:00:be:00:01', arch: [0], ipxe: true, guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b' };
const biosHost: Host = { mac: bios.mac, ip: '192.0.2.100' };
const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000' };

function frame(s: Scenario, src: string, dst: string, type: number, payload: Uint8Array): number {
  const mac = (m: string) => m.split(':').map((x) => parseInt(x, 16));
  const data = new Uint8Array(Math.max(60, 14 + payload.length));
  data.set([...mac(dst), ...mac(src), type >> 8, type & 0xff, ...payload]);
  s.frames.push({ index: s.frames.length + 1, ts: (s as unknown as { t: number }).t, linkType: 1, interfaceId: 0, data, origLen: data.length });
  return s.frames.length;
}

function arpRequest(s: Scenario, from: Host, target: string): number {
  return frame(s, from.mac, 'ff:ff:ff:ff:ff:ff', 0x0806, encodeArp({ hwType: 1, protoType: 0x0800, hwSize: 6, protoSize: 4, opcode: 1, senderMac: from.mac, senderIp: from.ip, targetMac: '00:00:00:00:00:00', targetIp: target }));
}

function arpReply(s: Scenario, from: Host, to: Host): number {
  return frame(s, from.mac, to.mac, 0x0806, encodeArp({ hwType: 1, protoType: 0x0800, hwSize: 6, protoSize: 4, opcode: 2, senderMac: from.mac, senderIp: from.ip, targetMac: to.mac, targetIp: to.ip }));
}

function bpdu(s: Scenario): number {
  const llc = Uint8Array.from([0x42, 0x42, 0x03, ...encodeBpdu({ protocolId: 0, version: 0, type: BPDU_CONFIG, flags: 0, rootPriority: 32768, rootMac: '02:00:00:00:99:01', rootCost: 0, bridgePriority: 32768, bridgeMac: '02:00:00:00:99:01', portId: 0x8001, messageAge: 0, maxAge: 20, helloTime: 2, forwardDelay: 15 })]);
  return frame(s, '02:00:00:00:99:01', '01:80:c2:00:00:00', llc.length, llc);
}

describe('boot-server-no-arp', () => {
  it('fires when the client ARPs again and again for its next-server and never sends an RRQ', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 1, biosHost.ip, { siaddr: '192.0.2.9', file: 'pxelinux.0' });
    s.wait(13);
    const arps: number[] = [];
    for (const gap of [0.13, 0.29, 0.54, 1.04, 5.9]) {
      arps.push(arpRequest(s, biosHost, '192.0.2.9'));
      s.wait(gap);
    }
    s.wait(10);
    s.discover(bios, 2);
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'boot-server-no-arp')!;
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(expect.arrayContaining(arps));
    expect(f.title).toContain('192.0.2.9');
    expect(a.clients[0]!.ok).toBe(false);
  });

  it('is quiet when the server answers the ARP', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 1, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    for (let i = 0; i < 3; i++) arpRequest(s, biosHost, pxeSrv.ip);
    arpReply(s, pxeSrv, biosHost);
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('boot-server-no-arp');
  });
});

describe('offers-not-reaching-client', () => {
  it('fires when every DISCOVER draws a usable OFFER and no REQUEST ever follows', () => {
    const s = new Scenario();
    const frames: number[] = [];
    for (const gap of [4, 8, 16, 4]) {
      frames.push(s.discover(uefi, 7));
      s.wait(0.01);
      s.reply(dhcpSrv, uefi, 7, 2, { yiaddr: '192.0.2.101', siaddr: pxeSrv.ip, file: 'efi64/syslinux.efi' });
      s.wait(gap);
    }
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'offers-not-reaching-client')!;
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(expect.arrayContaining(frames));
    expect(ids(a)).not.toContain('no-dhcp-offer');
  });

  it('is quiet when the client takes an offer', () => {
    const s = new Scenario();
    s.discover(uefi, 8);
    s.reply(dhcpSrv, uefi, 8, 2, { yiaddr: '192.0.2.101', siaddr: pxeSrv.ip, file: 'efi64/syslinux.efi' });
    s.wait(4);
    s.dora(uefi, dhcpSrv, 8, '192.0.2.101', { siaddr: pxeSrv.ip, file: 'efi64/syslinux.efi' });
    expect(ids(s.run())).not.toContain('offers-not-reaching-client');
  });
});

describe('spanning-tree-not-forwarding', () => {
  it('BPDUs, the first DISCOVERs unanswered for 28 s, then a boot: a warning', () => {
    const s = new Scenario();
    bpdu(s);
    const d1 = s.discover(bios, 9);
    for (let i = 0; i < 14; i++) {
      s.wait(2);
      bpdu(s);
    }
    s.discover(bios, 9);
    s.wait(0.1);
    s.dora(bios, dhcpSrv, 10, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'spanning-tree-not-forwarding')!;
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
    const a = s.run();
    expect(a.findings.find((x) => x.id === 'spanning-tree-not-forwarding')?.severity).toBe('error');
  });

  it('is quiet when the first DISCOVER is answered at once', () => {
    const s = new Scenario();
    bpdu(s);
    s.dora(bios, dhcpSrv, 12, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('spanning-tree-not-forwarding');
  });
});

describe('tftp-server-mismatch', () => {
  it('the NBP fetched from the DHCP server (option 54) while siaddr names another host, unanswered: error, and tftp-no-response does not say to fix next-server', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 13, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    for (let i = 0; i < 4; i++) {
      s.tftp(biosHost, 2000, dhcpSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
      s.wait(1 << i);
    }
    s.wait(10);
    s.discover(bios, 14);
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'tftp-server-mismatch')!;
    expect(f.severity).toBe('error');
    expect(f.cause).toContain('option 54');
    const nr = a.findings.find((x) => x.id === 'tftp-no-response')!;
    expect(nr.fix).toContain('Serve TFTP on 192.0.2.1');
  });

  it('the same host answering: a warning (other firmware goes to siaddr)', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 15, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, dhcpSrv, 'pxelinux.0', 3000, { head: peHead(0x14c) });
    expect(s.run().findings.find((x) => x.id === 'tftp-server-mismatch')?.severity).toBe('warning');
  });

  it('is quiet when the client goes where siaddr says', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 16, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('tftp-server-mismatch');
  });
});

describe('tftp-lossy-path', () => {
  function transfer(s: Scenario, lossEvery: number): void {
    s.dora(bios, dhcpSrv, 17, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftp(biosHost, 2100, pxeSrv, 69, { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: {} });
    const data = new Uint8Array(512);
    for (let b = 1; b <= 40; b++) {
      s.tftp(pxeSrv, 50000, biosHost, 2100, { opcode: 3, block: b, payload: b === 40 ? data.subarray(0, 100) : data });
      if (lossEvery > 0 && b % lossEvery === 0) {
        // The ACK is lost: the server times out and sends the block again.
        s.wait(1);
        s.tftp(pxeSrv, 50000, biosHost, 2100, { opcode: 3, block: b, payload: b === 40 ? data.subarray(0, 100) : data });
      }
      s.tftp(biosHost, 2100, pxeSrv, 50000, { opcode: 4, block: b });
      s.wait(0.002);
    }
  }

  it('fires on blocks sent again in one transfer of ten', () => {
    const s = new Scenario();
    transfer(s, 5);
    const f = s.run().findings.find((x) => x.id === 'tftp-lossy-path')!;
    expect(f.severity).toBe('warning');
    expect(f.title).toContain('8 retransmissions for 40 blocks');
  });

  it('is quiet on a clean transfer and on one retry', () => {
    const clean = new Scenario();
    transfer(clean, 0);
    expect(ids(clean.run())).not.toContain('tftp-lossy-path');
    const one = new Scenario();
    transfer(one, 40);
    expect(ids(one.run())).not.toContain('tftp-lossy-path');
  });
});


describe('dhcp-server-ignores-client', () => {
  const other: ClientSpec = { mac: '52:54:00:be:00:02', arch: [0] };
  it('fires instead of no-dhcp-offer when the server answers another client meanwhile', () => {
    const s = new Scenario();
    const d = s.discover(uefi, 20);
    s.wait(1);
    s.dora(other, dhcpSrv, 21, '192.0.2.120', { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.wait(3);
    s.discover(uefi, 20);
    s.wait(8);
    s.discover(uefi, 20);
    s.wait(5);
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'dhcp-server-ignores-client' && x.client === uefi.mac)!;
    expect(f.severity).toBe('error');
    expect(f.frames).toContain(d);
    expect(f.title).toContain('192.0.2.1 (1 other client)');
    expect(a.findings.filter((x) => x.client === uefi.mac).map((x) => x.id)).not.toContain('no-dhcp-offer');
  });

  it('leaves no-dhcp-offer alone when nobody gets an answer', () => {
    const s = new Scenario();
    for (const gap of [4, 8, 2]) {
      s.discover(uefi, 22);
      s.wait(gap);
    }
    const a = s.run();
    expect(ids(a)).toContain('no-dhcp-offer');
    expect(ids(a)).not.toContain('dhcp-server-ignores-client');
  });
});

describe('address-conflict', () => {
  it('fires when the server ACKs the same address to two MACs', () => {
    const s = new Scenario();
    const other: ClientSpec = { mac: '52:54:00:be:00:03', arch: [0] };
    s.dora(other, dhcpSrv, 30, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.wait(1);
    s.dora(bios, dhcpSrv, 31, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.wait(10);
    const a = s.run();
    const f = a.findings.find((x) => x.id === 'address-conflict' && x.client === bios.mac)!;
    expect(f.title).toContain(biosHost.ip);
    expect(f.title).toContain(other.mac);
  });

  it('is quiet when every client has its own address', () => {
    const s = new Scenario();
    s.dora(bios, dhcpSrv, 32, biosHost.ip, { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(biosHost, pxeSrv, 'pxelinux.0', 3000);
    expect(ids(s.run())).not.toContain('address-conflict');
  });
});
