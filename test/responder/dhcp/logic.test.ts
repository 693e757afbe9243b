/**
 * DhcpLogic decisions on real firmware requests (test/responder/fixtures/firmware-requests.json,
 * captured from qemu iPXE and OVMF EDK2) and on encoded edge cases; every reply goes through the
 * project's DHCP encoder and decoder, so the bytes on the wire are what is checked.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { decodeDhcp, encodeDhcp } from '../../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import type { DhcpMessage } from '../../../src/decode/dhcp/types.js';
import { DhcpLogic, type DhcpLogicConfig, type Decision } from '../../../src/responder/dhcp/logic.js';
import { LeasePool } from '../../../src/responder/dhcp/leases.js';
import { parseBootSpec, type BootPolicyConfig } from '../../../src/responder/policy.js';

const fixtures = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/firmware-requests.json'), 'utf8')) as Record<string, string>;
const real = (name: string): DhcpMessage => decodeDhcp(Buffer.from(fixtures[name]!, 'hex'));
const SERVER = '192.0.2.2';

function policy(extra: Partial<BootPolicyConfig> = {}): BootPolicyConfig {
  const p: BootPolicyConfig = { byArch: new Map(), answer: 'all', allow: new Set(), ...extra };
  for (const s of ['bios=pxelinux.0', 'efi64=efi64/syslinux.efi']) parseBootSpec(s, p);
  return p;
}

function logic(over: Partial<DhcpLogicConfig> = {}, now = () => Date.now()): DhcpLogic {
  return new DhcpLogic({ serverIp: SERVER, netmask: '255.255.255.0', broadcast: '192.0.2.255', restrictToSubnet: false, policy: policy(), delaySeconds: 0, ...over }, now);
}

/** The reply as a client receives it: encoded and decoded again. */
function wire(d: Decision): DhcpMessage {
  expect(d.reply).toBeDefined();
  return decodeDhcp(encodeDhcp(d.reply!.msg));
}

const bcast = { address: '0.0.0.0', port: 68 };

function request(type: number, mac: string, opts: { arch?: number; pxe?: boolean; requested?: string; serverId?: string; ciaddr?: string; giaddr?: string; secs?: number } = {}): DhcpMessage {
  const options = [dhcpOpt.messageType(type)];
  if (opts.pxe !== false) options.push(dhcpOpt.vendorClass(`PXEClient:Arch:${String(opts.arch ?? 0).padStart(5, '0')}:UNDI:002001`), dhcpOpt.clientArch([opts.arch ?? 0]));
  if (opts.requested) options.push(dhcpOpt.requestedIp(opts.requested));
  if (opts.serverId) options.push(dhcpOpt.serverId(opts.serverId));
  return decodeDhcp(
    encodeDhcp({ op: 1, xid: 0x1234, chaddr: mac, secs: opts.secs ?? 0, ciaddr: opts.ciaddr ?? '0.0.0.0', giaddr: opts.giaddr ?? '0.0.0.0', options }),
  );
}

describe('proxyDHCP offers (default mode)', () => {
  it('iPXE (BIOS ROM): yiaddr 0, PXEClient, 54, 97 echoed, siaddr + file + 67 NUL-terminated, 43 discovery control 8', () => {
    const d = logic().handle(real('ipxeDiscover'), bcast, 67);
    const r = wire(d);
    expect(d.reply!.to).toEqual({ address: '255.255.255.255', port: 68 });
    expect(r).toMatchObject({ op: 2, messageType: 2, yiaddr: '0.0.0.0', siaddr: SERVER, serverId: SERVER, vendorClass: 'PXEClient', file: 'pxelinux.0', bootFile: 'pxelinux.0', bootFileNulTerminated: true, chaddr: '52:54:00:be:00:01' });
    expect(r.xid).toBe(real('ipxeDiscover').xid);
    expect(r.clientGuid).toBe('00000000-0000-0000-0000-000000000000');
    expect(r.pxe?.discoveryControl).toBe(8);
    expect(r.anomalies).toEqual([]);
    expect(d.event).toMatchObject({ type: 'offer', shape: 'proxy', file: 'pxelinux.0' });
  });

  it('EDK2 (arch 7): BINL offer — PXEClient + siaddr, no option 43 and no boot file, so it asks on 4011', () => {
    const r = wire(logic().handle(real('edk2Discover'), bcast, 67));
    expect(r).toMatchObject({ messageType: 2, yiaddr: '0.0.0.0', siaddr: SERVER, serverId: SERVER, vendorClass: 'PXEClient', file: '' });
    expect(r.options.some((o) => o.code === 43)).toBe(false);
    expect(r.bootFile).toBeUndefined();
  });

  it('answers the EDK2 BINL request on 4011 with the x64 boot file, back to its port 4011', () => {
    const from = { address: '192.0.2.130', port: 4011 };
    const d = logic().handle(real('edk2BinlRequest4011'), from, 4011);
    const r = wire(d);
    expect(d.reply!.to).toEqual(from);
    expect(r).toMatchObject({ messageType: 5, yiaddr: '0.0.0.0', ciaddr: '192.0.2.130', siaddr: SERVER, vendorClass: 'PXEClient', file: 'efi64/syslinux.efi', bootFile: 'efi64/syslinux.efi' });
    expect(d.event).toMatchObject({ type: 'boot-ack', file: 'efi64/syslinux.efi', to: '192.0.2.130:4011' });
  });

  it('arch 9 is x64 UEFI too; arch 6 without a --boot for it falls to the default, or is not answered', () => {
    const l = logic();
    expect(wire(l.handle(request(3, '02:00:00:00:00:09', { arch: 9 }), { address: '192.0.2.9', port: 4011 }, 4011)).bootFile).toBe('efi64/syslinux.efi');
    const none = l.handle(request(1, '02:00:00:00:00:06', { arch: 6 }), bcast, 67);
    expect(none.reply).toBeUndefined();
    expect(none.event).toMatchObject({ type: 'ignored', reason: expect.stringContaining('no boot file for architecture 6') });
    const withDefault = logic({ policy: policy({ defaultFile: 'fallback.efi' }) });
    expect(withDefault.handle(request(1, '02:00:00:00:00:06', { arch: 6 }), bcast, 67).event).toMatchObject({ type: 'offer', shape: 'proxy-binl' });
  });

  it('gives iPXE the --ipxe-script instead of the NBP (no chainload loop)', () => {
    const l = logic({ policy: policy({ ipxeScript: 'http://192.0.2.2/boot.ipxe' }) });
    expect(wire(l.handle(real('ipxeDiscover'), bcast, 67)).bootFile).toBe('http://192.0.2.2/boot.ipxe');
    // EDK2 is not iPXE: it still gets the BINL offer and then its NBP.
    expect(l.handle(real('edk2Discover'), bcast, 67).event).toMatchObject({ shape: 'proxy-binl' });
  });

  it('ignores non-PXE clients, REQUESTs to the site server, and replies (op 2)', () => {
    const l = logic();
    expect(l.handle(real('syslinuxEfiDiscover'), bcast, 67)).toEqual({});
    expect(l.handle(real('ipxeRequest'), bcast, 67)).toEqual({});
    const offer = decodeDhcp(encodeDhcp({ op: 2, xid: 1, chaddr: '02:00:00:00:00:01', options: [dhcpOpt.messageType(2), dhcpOpt.vendorClass('PXEClient')] }));
    expect(l.handle(offer, { address: '192.0.2.1', port: 67 }, 67)).toEqual({});
  });

  it('--answer known answers only MACs/GUIDs in the allow-list, and passes over non-PXE traffic silently', () => {
    const l = logic({ policy: policy({ answer: 'known', allow: new Set(['52:54:00:ef:00:01']) }) });
    expect(l.handle(real('ipxeDiscover'), bcast, 67).event).toMatchObject({ type: 'ignored', reason: expect.stringContaining('allow-list') });
    expect(l.handle(real('edk2Discover'), bcast, 67).reply).toBeDefined();
    expect(l.handle(request(1, '02:00:00:00:00:99', { pxe: false }), bcast, 67)).toEqual({});
    const byGuid = logic({ policy: policy({ answer: 'known', allow: new Set(['00000000-0000-0000-0000-000000000000']) }) });
    expect(byGuid.handle(real('ipxeDiscover'), bcast, 67).reply).toBeDefined();
  });

  it('--delay holds offers until secs reaches it (or the client has been seen that long: EDK2 sends secs 0)', () => {
    let now = 1_000_000;
    const l = logic({ delaySeconds: 3 }, () => now);
    expect(l.handle(request(1, '02:00:00:00:00:01', { secs: 0 }), bcast, 67)).toEqual({});
    expect(l.handle(request(1, '02:00:00:00:00:01', { secs: 4 }), bcast, 67).reply).toBeDefined();
    expect(l.handle(real('edk2Discover'), bcast, 67)).toEqual({});
    now += 3000;
    expect(l.handle(real('edk2Discover'), bcast, 67).reply).toBeDefined();
  });

  it('--interface: requests from another subnet are not answered; relayed ones are, to giaddr:67', () => {
    const l = logic({ restrictToSubnet: true });
    expect(l.handle(request(3, '02:00:00:00:00:01', { ciaddr: '198.51.100.7' }), { address: '198.51.100.7', port: 4011 }, 4011)).toEqual({});
    const relayed = l.handle(request(1, '02:00:00:00:00:01', { giaddr: '198.51.100.254' }), { address: '198.51.100.254', port: 67 }, 67);
    expect(relayed.reply!.to).toEqual({ address: '198.51.100.254', port: 67 });
    expect(wire(relayed).giaddr).toBe('198.51.100.254');
  });
});

describe('full DHCP mode (--dhcp-range)', () => {
  const full = (now = () => Date.now()) => {
    const pool = new LeasePool('192.0.2.100', '192.0.2.102', new Set([SERVER]), 60_000, 600_000, now);
    return { pool, l: logic({ full: { pool, netmask: '255.255.255.0', routers: ['192.0.2.254'], dns: ['192.0.2.53'], leaseSeconds: 600 } }, now) };
  };
  const MAC = '52:54:00:ef:00:01';

  it('DISCOVER -> OFFER with address, lease options and boot info in siaddr/file/66/67 (no option 60)', () => {
    const { l } = full();
    const d = l.handle(real('edk2Discover'), bcast, 67);
    const r = wire(d);
    expect(r).toMatchObject({ messageType: 2, yiaddr: '192.0.2.100', siaddr: SERVER, serverId: SERVER, file: 'efi64/syslinux.efi', bootFile: 'efi64/syslinux.efi', bootFileNulTerminated: true, tftpServer: SERVER, leaseTime: 600, subnetMask: '255.255.255.0', routers: ['192.0.2.254'], dnsServers: ['192.0.2.53'] });
    expect(r.vendorClass).toBeUndefined();
  });

  it('REQUEST (selecting) for the offered address -> ACK; for another address -> NAK; for another server -> silence', () => {
    const { l, pool } = full();
    l.handle(request(1, MAC), bcast, 67);
    const ack = wire(l.handle(request(3, MAC, { requested: '192.0.2.100', serverId: SERVER }), bcast, 67));
    expect(ack).toMatchObject({ messageType: 5, yiaddr: '192.0.2.100', leaseTime: 600 });
    expect(pool.leaseOf(MAC)).toMatchObject({ state: 'bound', address: '192.0.2.100' });

    const nak = l.handle(request(3, MAC, { requested: '192.0.2.101', serverId: SERVER }), bcast, 67);
    expect(wire(nak)).toMatchObject({ messageType: 6, yiaddr: '0.0.0.0', serverId: SERVER });
    expect(nak.reply!.to).toEqual({ address: '255.255.255.255', port: 68 });

    const other = '02:00:00:00:00:02';
    l.handle(request(1, other), bcast, 67);
    expect(pool.leaseOf(other)?.state).toBe('offered');
    expect(l.handle(request(3, other, { requested: '192.0.2.101', serverId: '192.0.2.1' }), bcast, 67).reply).toBeUndefined();
    expect(pool.leaseOf(other)).toBeUndefined();
  });

  it('INIT-REBOOT: NAK off-network or taken addresses, ACK a free one in range', () => {
    const { l } = full();
    expect(wire(l.handle(request(3, MAC, { requested: '198.51.100.5' }), bcast, 67)).messageType).toBe(6);
    l.handle(request(1, '02:00:00:00:00:02'), bcast, 67);
    l.handle(request(3, '02:00:00:00:00:02', { requested: '192.0.2.100', serverId: SERVER }), bcast, 67);
    expect(wire(l.handle(request(3, MAC, { requested: '192.0.2.100' }), bcast, 67)).messageType).toBe(6);
    expect(wire(l.handle(request(3, MAC, { requested: '192.0.2.102' }), bcast, 67))).toMatchObject({ messageType: 5, yiaddr: '192.0.2.102' });
  });

  it('RENEWING: unicast ACK to ciaddr; NAK for an address leased to someone else', () => {
    const { l } = full();
    l.handle(request(1, MAC), bcast, 67);
    l.handle(request(3, MAC, { requested: '192.0.2.100', serverId: SERVER }), bcast, 67);
    const renew = l.handle(request(3, MAC, { ciaddr: '192.0.2.100' }), { address: '192.0.2.100', port: 68 }, 67);
    expect(renew.reply!.to).toEqual({ address: '192.0.2.100', port: 68 });
    expect(wire(renew).messageType).toBe(5);
    const thief = l.handle(request(3, '02:00:00:00:00:03', { ciaddr: '192.0.2.100' }), { address: '192.0.2.100', port: 68 }, 67);
    expect(wire(thief).messageType).toBe(6);
    expect(thief.reply!.to).toEqual({ address: '255.255.255.255', port: 68 });
  });

  it('DECLINE sets the address aside; RELEASE frees it; the pool runs out and says so', () => {
    let now = 5_000_000;
    const { l, pool } = full(() => now);
    l.handle(request(1, MAC), bcast, 67);
    l.handle(request(4, MAC, { requested: '192.0.2.100', serverId: SERVER }), bcast, 67);
    expect(pool.available('192.0.2.100', MAC)).toBe(false);
    expect(wire(l.handle(request(1, MAC), bcast, 67)).yiaddr).toBe('192.0.2.101');
    l.handle(request(3, MAC, { requested: '192.0.2.101', serverId: SERVER }), bcast, 67);
    expect(l.handle(request(7, MAC, { ciaddr: '192.0.2.101', serverId: SERVER }), { address: '192.0.2.101', port: 68 }, 67).event).toMatchObject({ type: 'release', address: '192.0.2.101' });
    expect(pool.leaseOf(MAC)).toBeUndefined();
    for (const m of ['02:00:00:00:00:0a', '02:00:00:00:00:0b']) expect(l.handle(request(1, m), bcast, 67).reply).toBeDefined();
    expect(l.handle(request(1, '02:00:00:00:00:0c'), bcast, 67).event).toMatchObject({ type: 'ignored', reason: 'address pool exhausted' });
    // After the decline hold (10 min) and the offer hold (60 s) the addresses come back.
    now += 11 * 60_000;
    expect(wire(l.handle(request(1, '02:00:00:00:00:0c'), bcast, 67)).yiaddr).toBe('192.0.2.100');
  });

  it('gives non-PXE clients (syslinux.efi re-doing DHCP) an address but no boot file', () => {
    const { l } = full();
    const r = wire(l.handle(real('syslinuxEfiDiscover'), bcast, 67));
    expect(r.yiaddr).toBe('192.0.2.100');
    expect(r.bootFile).toBeUndefined();
  });

  it('answers a relayed DISCOVER to giaddr:67', () => {
    const { l } = full();
    const d = l.handle(request(1, MAC, { giaddr: '192.0.2.254' }), { address: '192.0.2.254', port: 67 }, 67);
    expect(d.reply!.to).toEqual({ address: '192.0.2.254', port: 67 });
    // A relay on another subnet: our pool does not belong there.
    const other = l.handle(request(1, '02:00:00:00:00:77', { giaddr: '198.51.100.254' }), { address: '198.51.100.254', port: 67 }, 67);
    expect(other.reply).toBeUndefined();
    expect(other.event).toMatchObject({ type: 'ignored', reason: expect.stringContaining('relayed from another subnet') });
  });
});
