import { describe, it, expect } from 'vitest';
import { Scenario, peHead, ids, BCAST_MAC, type ClientSpec, type Host } from './scenario.js';
import { ExchangeTracker } from '../../src/exchange/tracker.js';
import type { ClientRecord } from '../../src/exchange/types.js';
import { Dissector } from '../../src/decode/dissect.js';
import { Analyzer } from '../../src/pipeline.js';

const dhcpSrv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
const pxeSrv: Host = { mac: '02:00:00:00:02:01', ip: '192.0.2.2' };
const uefi: ClientSpec = { mac: '52:54:00:ef:00:01', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000', guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b' };
const uefiHost: Host = { mac: uefi.mac, ip: '192.0.2.100' };

/** EDK2 against an address-only DHCP server and a dnsmasq-style BINL proxy, as in ok-uefi-proxydhcp. */
function uefiProxyBoot(s: Scenario): void {
  s.discover(uefi, 0x11);
  s.reply(pxeSrv, uefi, 0x11, 2, { siaddr: pxeSrv.ip, vendorClass: 'PXEClient' });
  s.wait(1);
  s.reply(dhcpSrv, uefi, 0x11, 2, { yiaddr: uefiHost.ip });
  s.wait(2.5);
  s.request(uefi, 0x11, dhcpSrv.ip, uefiHost.ip);
  s.reply(dhcpSrv, uefi, 0x11, 5, { yiaddr: uefiHost.ip });
  s.proxyRequest(uefi, uefiHost.ip, pxeSrv, 0x22);
  s.proxyAck(pxeSrv, uefi, uefiHost.ip, 0x22, 'efi64/syslinux.efi');
  s.wait(1);
  // EDK2's size probe: RRQ tsize=0, OACK, then ERROR 8 from the client.
  const probeRrq = s.tftp(uefiHost, 1500, pxeSrv, 69, { opcode: 1, filename: 'efi64/syslinux.efi', mode: 'octet', options: { tsize: '0', blksize: '1468' } });
  s.tftp(pxeSrv, 50000, uefiHost, 1500, { opcode: 6, options: { tsize: '3000', blksize: '1468' } });
  s.tftp(uefiHost, 1500, pxeSrv, 50000, { opcode: 5, errorCode: 8, errorMessage: 'User aborted the transfer' });
  expect(probeRrq).toBeGreaterThan(0);
  s.tftpRead(uefiHost, pxeSrv, 'efi64/syslinux.efi', 3000, { port: 1501, options: { blksize: '1468' }, head: peHead(0x8664) });
}

describe('ExchangeTracker on a UEFI proxyDHCP boot', () => {
  it('classifies offers, follows the 4011 step and the TFTP transfers, and finds nothing wrong', () => {
    const s = new Scenario();
    uefiProxyBoot(s);
    const a = s.run();
    expect(a.clients).toHaveLength(1);
    const c = a.clients[0]!;
    expect(c.mac).toBe(uefi.mac);
    expect(c.arch).toEqual([7]);
    // Option 97 as sent, and as Wireshark and the firmware show it (first three fields swapped).
    expect(c.guidWire).toBe(uefi.guid);
    expect(c.guid).toBe('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b');
    expect(c.firmware).toBe('UEFI PXE firmware (UNDI 3.0)');
    expect(c.offers.map((o) => o.kind)).toEqual(['proxy-binl', 'dhcp', 'boot-server-ack']);
    expect(c.bootFile).toBe('efi64/syslinux.efi');
    expect(c.bootServer).toBe('192.0.2.2');
    expect(c.transfers.map((t) => [t.outcome, t.role])).toEqual([
      ['tsize-probe', 'nbp'],
      ['complete', 'nbp'],
    ]);
    const full = c.transfers[1]!;
    expect(full.bytes).toBe(3000);
    expect(full.blocks).toBe(3);
    expect(full.blksize).toBe(1468);
    expect(c.stage).toBe('nbp');
    expect(c.ok).toBe(true);
    expect(a.findings).toEqual([]);
  });

  it('emits one-line client events for live use', () => {
    const s = new Scenario();
    uefiProxyBoot(s);
    const a = s.run();
    const texts = a.events.map((e) => e.text);
    expect(texts[0]).toBe('DISCOVER');
    expect(texts).toContain('OFFER from 192.0.2.1 (address 192.0.2.100, no boot file)');
    expect(texts.some((t) => t.startsWith('4011-REQUEST to 192.0.2.2'))).toBe(true);
    expect(texts.some((t) => /^TFTP efi64\/syslinux\.efi done 2\.9 KB in \d\.\d s/.test(t))).toBe(true);
    expect(a.events.every((e) => e.client === uefi.mac)).toBe(true);
  });
});

describe('ExchangeTracker details', () => {
  it('folds DISCOVER retransmissions into one timeline entry with repeat times', () => {
    const s = new Scenario();
    s.discover(uefi, 0x5);
    s.wait(4);
    s.discover(uefi, 0x5);
    s.wait(8);
    s.discover(uefi, 0x5);
    const a = s.run();
    const tl = a.clients[0]!.timeline;
    expect(tl).toHaveLength(1);
    expect(tl[0]!.kind).toBe('DISCOVER');
    expect(tl[0]!.repeats).toHaveLength(2);
    expect(tl[0]!.repeats![1]! - tl[0]!.repeats![0]!).toBeCloseTo(8.001, 2);
    expect(a.clients[0]!.firmware).toBe('UEFI PXE firmware (UNDI 3.0), DISCOVER retries at the PXE 2.1 timeouts (4/8/16/32 s)');
  });

  it('counts TFTP blocks across the 16-bit wrap and sees completion', () => {
    const s = new Scenario();
    const c: ClientSpec = { mac: '52:54:00:be:00:09', arch: [0] };
    const h: Host = { mac: c.mac, ip: '192.0.2.109' };
    s.dora(c, dhcpSrv, 9, h.ip, { siaddr: dhcpSrv.ip, file: 'big.img' });
    // blksize 8 keeps the test small: 65540 blocks would be 32 MB at 512.
    const rrq = s.tftp(h, 1234, dhcpSrv, 69, { opcode: 1, filename: 'big.img', mode: 'octet', options: { blksize: '8' } });
    expect(rrq).toBeGreaterThan(0);
    s.tftp(dhcpSrv, 40001, h, 1234, { opcode: 6, options: { blksize: '8' } });
    const payload = new Uint8Array(8);
    // Jump near the wrap: blocks 65534, 65535, 0, 1(short) after 1..3 (the middle is a capture gap).
    for (const b of [1, 2, 3]) s.tftp(dhcpSrv, 40001, h, 1234, { opcode: 3, block: b, payload });
    for (const b of [65534, 65535, 0]) s.tftp(dhcpSrv, 40001, h, 1234, { opcode: 3, block: b, payload });
    s.tftp(dhcpSrv, 40001, h, 1234, { opcode: 3, block: 1, payload: new Uint8Array(3) });
    s.tftp(h, 1234, dhcpSrv, 40001, { opcode: 4, block: 1 });
    const a = s.run();
    const t = a.clients[0]!.transfers[0]!;
    expect(t.outcome).toBe('complete');
    expect(t.blocks).toBe(65537);
  });

  it('recognises the PXELINUX config search as normal and a missing default as a failure', () => {
    const s = new Scenario();
    const c: ClientSpec = { mac: '52:54:00:be:00:01', arch: [0], ipxe: true };
    const h: Host = { mac: c.mac, ip: '192.0.2.100' };
    s.dora(c, dhcpSrv, 1, h.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(h, dhcpSrv, 'pxelinux.0', 1200);
    s.tftpRead(h, dhcpSrv, 'ldlinux.c32', 900);
    let port = 3100;
    for (const f of ['pxelinux.cfg/01-52-54-00-be-00-01', 'pxelinux.cfg/C0000264', 'pxelinux.cfg/C']) s.tftpError(h, dhcpSrv, f, 1, 'File not found', port++);
    const notFound = s.tftpError(h, dhcpSrv, 'pxelinux.cfg/default', 1, 'File not found', port++);
    const a = s.run();
    const outcomes = a.clients[0]!.transfers.map((t) => t.outcome);
    expect(outcomes.slice(2, 5)).toEqual(['not-found-probe', 'not-found-probe', 'not-found-probe']);
    expect(outcomes[5]).toBe('error');
    expect(a.clients[0]!.stage).toBe('second-stage');
    const f = a.findings.find((x) => x.id === 'tftp-file-not-found');
    expect(f?.severity).toBe('error');
    expect(f?.frames).toEqual([notFound.rrq, notFound.error]);
    expect(ids(a).filter((i) => i === 'tftp-file-not-found')).toHaveLength(1);
  });

  it('hands idle clients over on packet time and forgets them (bounded memory)', () => {
    const done: ClientRecord[] = [];
    const tracker = new ExchangeTracker({ idleExpiry: 60, onClientDone: (c) => done.push(c) });
    const s = new Scenario();
    s.discover({ mac: '52:54:00:00:00:01' }, 1);
    s.wait(120);
    s.discover({ mac: '52:54:00:00:00:02' }, 2);
    const d = new Dissector();
    for (const f of s.frames) {
      const ev = d.dissect(f);
      if (ev) {
        tracker.push(ev);
        tracker.expire(ev.meta.ts);
      }
    }
    expect(done.map((c) => c.mac)).toEqual(['52:54:00:00:00:01']);
    expect(tracker.activeClients).toBe(1);
    tracker.finish();
    expect(done.map((c) => c.mac)).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02']);
  });

  it('live: tick(now) without packets lets a quiet client be judged (wall clock)', () => {
    const s = new Scenario();
    const c: ClientSpec = { mac: '52:54:00:be:00:0b', arch: [0], guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5c' };
    s.discover(c, 0xb1);
    s.wait(4);
    s.discover(c, 0xb1);
    const found: string[] = [];
    const analyzer = new Analyzer({ onFinding: (f) => found.push(f.id), settleAfter: 15 });
    const d = new Dissector();
    for (const f of s.frames) {
      const ev = d.dissect(f);
      if (ev) analyzer.push(ev);
    }
    const last = s.frames[s.frames.length - 1]!.ts;
    analyzer.tick(last + 5);
    expect(found).toEqual([]);
    analyzer.tick(last + 16);
    expect(found).toEqual(['no-dhcp-offer']);
    analyzer.tick(last + 30);
    expect(found).toEqual(['no-dhcp-offer']); // reported once
    expect(analyzer.finish().findings.map((f) => f.id)).toEqual(['no-dhcp-offer']);
  });

  it('a MAC that comes back after the expiry is a second entry with session 2', () => {
    const s = new Scenario();
    const c: ClientSpec = { mac: '52:54:00:be:00:0a', arch: [0] };
    const h: Host = { mac: c.mac, ip: '192.0.2.110' };
    s.dora(c, dhcpSrv, 0xa1, h.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(h, dhcpSrv, 'pxelinux.0', 600);
    s.wait(700);
    s.dora(c, dhcpSrv, 0xa2, h.ip, { siaddr: dhcpSrv.ip, file: 'pxelinux.0' });
    s.tftpRead(h, dhcpSrv, 'pxelinux.0', 600);
    const a = s.run();
    expect(a.clients.map((x) => [x.mac, x.session, x.ok])).toEqual([
      [c.mac, undefined, true],
      [c.mac, 2, true],
    ]);
  });

  it('reports early findings through onFinding once a client is quiet, and --client focuses', () => {
    const s = new Scenario();
    const c: ClientSpec = { mac: '52:54:00:be:00:07', arch: [0] };
    s.discover(c, 7);
    s.wait(4);
    s.discover(c, 7);
    s.wait(20);
    s.discover({ mac: '52:54:00:be:00:08', arch: [0] }, 8);
    s.wait(6);
    s.discover({ mac: '52:54:00:be:00:08', arch: [0] }, 8);
    const a = s.run();
    expect(a.early.map((f) => [f.id, f.client])).toContainEqual(['no-dhcp-offer', c.mac]);
    const focused = s.run({ client: c.mac });
    expect(focused.clients.map((x) => x.mac)).toEqual([c.mac]);
    expect(focused.findings.every((f) => f.client === c.mac)).toBe(true);
  });
});

describe('ExchangeTracker IP -> MAC binding', () => {
  it('re-binds an address to the latest client that sends DHCP from it, so its TFTP is credited to that client', () => {
    // pxe-doctor probe without --request: one host (192.0.2.120) plays one architecture after the
    // other, each with its own chaddr, sending DISCOVER from its own address (no ACK ever).
    const s = new Scenario();
    const host = '192.0.2.120';
    const bios: ClientSpec = { mac: '52:54:00:be:00:0a', arch: [0], vendorClass: 'PXEClient:Arch:00000:UNDI:002001' };
    const efi: ClientSpec = { mac: '52:54:00:ef:00:0b', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000' };
    const probeRound = (c: ClientSpec, xid: number, file: string, port: number): void => {
      s.dhcp({ mac: c.mac, ip: host }, 68, { mac: BCAST_MAC, ip: '255.255.255.255' }, 67, { op: 1, xid, chaddr: c.mac, options: s.clientOptions(c, 1) });
      s.reply(dhcpSrv, c, xid, 2, { yiaddr: '192.0.2.130', siaddr: pxeSrv.ip, file });
      s.wait(1);
      s.tftpRead({ mac: c.mac, ip: host }, pxeSrv, file, 2000, { port });
      s.wait(2);
    };
    probeRound(bios, 0x31, 'pxelinux.0', 2001);
    probeRound(efi, 0x32, 'efi64/syslinux.efi', 2002);
    const a = s.run();
    const byMac = new Map(a.clients.map((c) => [c.mac, c]));
    expect(byMac.get(bios.mac)?.transfers.map((t) => t.file)).toEqual(['pxelinux.0']);
    expect(byMac.get(efi.mac)?.transfers.map((t) => t.file)).toEqual(['efi64/syslinux.efi']);
  });

  it('does not re-bind from a relay agent\'s copy (giaddr set)', () => {
    const s = new Scenario();
    const client: ClientSpec = { mac: '52:54:00:be:00:0c', arch: [0], vendorClass: 'PXEClient:Arch:00000:UNDI:002001' };
    const relay: Host = { mac: '02:00:00:00:fe:01', ip: '192.0.2.254' };
    s.dora(client, dhcpSrv, 0x41, '192.0.2.121', { siaddr: pxeSrv.ip, file: 'pxelinux.0' });
    // Another client's relayed DISCOVER: sent by the relay from 192.0.2.254 with giaddr 192.0.2.254.
    s.dhcp(relay, 67, dhcpSrv, 67, { op: 1, xid: 0x42, chaddr: '52:54:00:be:00:0d', giaddr: relay.ip, hops: 1, options: s.clientOptions({ mac: '52:54:00:be:00:0d', arch: [0] }, 1, []) });
    s.tftpRead({ mac: relay.mac, ip: relay.ip }, pxeSrv, 'relay-owned.bin', 600, { port: 2003 });
    const a = s.run();
    const relayed = a.clients.find((c) => c.mac === '52:54:00:be:00:0d');
    expect(relayed).toBeDefined();
    expect(relayed!.transfers).toEqual([]);
  });
});
