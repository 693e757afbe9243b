/**
 * The probe's parts without a network: the DISCOVER it sends (decoded with the project's codec and
 * checked option by option against PXE 2.1 / RFC 4578), the frames it synthesizes (dissected back,
 * checksums verified), the firmware's choice among offers, and the NBP header check on the real
 * pxelinux.0 / syslinux.efi binaries.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDhcp, encodeDhcp, type DhcpMessageInit } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { Dissector } from '../../src/decode/dissect.js';
import { udpFrame, LINKTYPE_ETHERNET } from '../../src/probe/frames.js';
import { addressRequest, bootServerRequest, discover, parseArch, pxeVendorClass, randomGuid, randomMac, release } from '../../src/probe/messages.js';
import { checkHeader, plan, toReply } from '../../src/probe/run.js';
import { blksizeForMtu } from '../../src/probe/tftp.js';

const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0';
const SYSLINUX_EFI64 = '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi';
const SYSLINUX_EFI32 = '/usr/lib/SYSLINUX.EFI/efi32/syslinux.efi';
const haveLoaders = [PXELINUX, SYSLINUX_EFI64, SYSLINUX_EFI32].every((f) => fs.existsSync(f));
if (!haveLoaders && process.env.CI) throw new Error('pxelinux / syslinux-efi must be installed in CI');

function ones16(b: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  for (let i = start; i < end; i += 2) s += ((b[i] as number) << 8) | (i + 1 < end ? (b[i + 1] as number) : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

describe('DISCOVER as firmware sends it', () => {
  const guid = randomGuid();
  const mac = randomMac();
  const msg = decodeDhcp(encodeDhcp(discover({ mac, guid, arch: 7 }, 0x12345678, 0)));

  it('has options 53, 57, 55, 97, 94, 93, 60 and the broadcast flag', () => {
    expect(msg.anomalies).toEqual([]);
    expect(msg.messageType).toBe(1);
    expect(msg.flags & 0x8000).toBe(0x8000);
    expect(msg.xid).toBe(0x12345678);
    expect(msg.chaddr).toBe(mac);
    expect(msg.options.map((o) => o.code)).toEqual([53, 57, 55, 97, 94, 93, 60]);
    expect(msg.maxMessageSize).toBe(1472);
    for (const c of [1, 3, 43, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135]) expect(msg.paramRequestList).toContain(c);
    // EDK2 reports UNDI 3.0 (as OVMF does in fixtures/captures/fail-option60-on-dhcp.pcap).
    expect(msg.vendorClass).toBe('PXEClient:Arch:00007:UNDI:003000');
    expect(msg.clientArch).toEqual([7]);
    expect(msg.clientNdi).toEqual({ type: 1, major: 3, minor: 0 });
    const o97 = msg.options.find((o) => o.code === 97)!;
    expect(o97.data.length).toBe(17);
    expect(o97.data[0]).toBe(0);
    expect([...o97.data.subarray(1)]).toEqual([...guid]);
  });

  it('uses a locally administered unicast MAC and a version-4 GUID', () => {
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0x02).toBe(0x02);
    expect(first & 0x01).toBe(0);
    expect((guid[6] as number) >> 4).toBe(4);
  });

  it('option 60 spells the architecture with five digits; BIOS says UNDI 2.1 like PXE 2.1 ROMs', () => {
    expect(pxeVendorClass(0)).toBe('PXEClient:Arch:00000:UNDI:002001');
    expect(pxeVendorClass(11)).toBe('PXEClient:Arch:00011:UNDI:003000');
    const bios = decodeDhcp(encodeDhcp(discover({ mac, guid, arch: 0 }, 1, 0)));
    expect(bios.clientNdi).toEqual({ type: 1, major: 2, minor: 1 });
  });

  it('matches the option set and order of a real OVMF DISCOVER (EDK2)', () => {
    // fixtures/captures/fail-option60-on-dhcp.pcap frame 1, as tshark shows it: 53, 57, 55 (35 codes), 97, 94, 93, 60.
    expect(msg.paramRequestList).toEqual([1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135]);
  });

  it('REQUEST (--request), the 4011 request and RELEASE carry what RFC 2131 / PXE 2.1 ask for', () => {
    const req = decodeDhcp(encodeDhcp(addressRequest({ mac, guid, arch: 0 }, 1, 2, '192.0.2.120', '192.0.2.1')));
    expect([req.messageType, req.requestedIp, req.serverId, req.secs, req.flags]).toEqual([3, '192.0.2.120', '192.0.2.1', 2, 0x8000]);
    const bs = decodeDhcp(encodeDhcp(bootServerRequest({ mac, guid, arch: 7 }, 2, '192.0.2.50', 128)));
    expect([bs.messageType, bs.ciaddr, bs.pxe?.bootItem]).toEqual([3, '192.0.2.50', { type: 128, layer: 0 }]);
    expect(bs.options.map((o) => o.code)).toEqual([53, 55, 57, 60, 93, 94, 97, 43]);
    expect(bs.clientArch).toEqual([7]);
    const rel = decodeDhcp(encodeDhcp(release({ mac, guid, arch: 0 }, 3, '192.0.2.120', '192.0.2.1')));
    expect([rel.messageType, rel.ciaddr, rel.serverId]).toEqual([7, '192.0.2.120', '192.0.2.1']);
  });

  it('parses --arch names and numbers', () => {
    expect(parseArch('bios')).toEqual({ name: 'bios', code: 0 });
    expect(parseArch('EFI64')).toEqual({ name: 'efi64', code: 7 });
    expect(parseArch('arm64')?.code).toBe(11);
    expect(parseArch('16')).toEqual({ name: 'arch 16', code: 16 });
    expect(parseArch('pdp11')).toBeUndefined();
    expect(parseArch('70000')).toBeUndefined();
  });

  it('picks the largest TFTP block that fits the MTU (RFC 2348)', () => {
    expect(blksizeForMtu(1500)).toBe(1468);
    expect(blksizeForMtu(9000)).toBe(8968);
    expect(blksizeForMtu(576)).toBe(544);
  });
});

describe('synthesized frames', () => {
  it('dissect back to the same datagram with valid IPv4 and UDP checksums', () => {
    const payload = encodeDhcp(discover({ mac: '02:00:00:00:00:07', guid: randomGuid(), arch: 0 }, 7, 0)).slice();
    const frame = udpFrame({ srcMac: '02:00:00:00:00:07', dstMac: 'ff:ff:ff:ff:ff:ff', src: '192.0.2.50', sport: 68, dst: '255.255.255.255', dport: 67, ipId: 9 }, payload);
    expect(frame.length).toBe(14 + 20 + 8 + payload.length);
    expect(ones16(frame, 14, 34)).toBe(0xffff);
    const udpLen = 8 + payload.length;
    const pseudo = ones16(frame, 26, 34) + 17 + udpLen;
    expect(ones16(frame, 34, 34 + udpLen, pseudo)).toBe(0xffff);
    const ev = new Dissector().dissect({ index: 1, ts: 1_700_000_000.25, linkType: LINKTYPE_ETHERNET, interfaceId: 0, data: frame, origLen: frame.length });
    expect(ev?.kind).toBe('dhcp');
    if (ev?.kind !== 'dhcp') return;
    expect([ev.meta.src, ev.meta.sport, ev.meta.dst, ev.meta.dport, ev.meta.srcMac, ev.meta.dstMac]).toEqual(['192.0.2.50', 68, '255.255.255.255', 67, '02:00:00:00:00:07', 'ff:ff:ff:ff:ff:ff']);
    expect(ev.dhcp.xid).toBe(7);
  });
});

describe('which offer the firmware follows (EDK2 PxeBcSelectDhcp4Offer order)', () => {
  const mac = '02:00:00:00:00:01';
  let ts = 1;
  const reply = (src: string, init: Partial<DhcpMessageInit> & { options: DhcpMessageInit['options'] }) =>
    toReply({ dir: 'in', ts: ts++, src: { address: src, port: 67 }, dst: { address: '255.255.255.255', port: 68 }, payload: encodeDhcp({ op: 2, xid: 1, chaddr: mac, ...init }).slice() });
  const address = (file?: string, extra: DhcpMessageInit['options'] = []) =>
    reply('192.0.2.1', { yiaddr: '192.0.2.120', siaddr: '192.0.2.1', options: [dhcpOpt.messageType(2), dhcpOpt.serverId('192.0.2.1'), ...(file ? [dhcpOpt.bootFile(file)] : []), ...extra] });
  const proxy = (file?: string, with43 = true) =>
    reply('192.0.2.2', {
      siaddr: '192.0.2.2',
      options: [dhcpOpt.messageType(2), dhcpOpt.serverId('192.0.2.2'), dhcpOpt.vendorClass('PXEClient'), ...(with43 ? [dhcpOpt.pxeVendor({ discoveryControl: 8 })] : []), ...(file ? [dhcpOpt.bootFile(file)] : [])],
    });

  it('no offer at all, or only proxy offers: no address, nothing to boot with', () => {
    expect(plan([])).toMatchObject({ via: 'none' });
    expect(plan([proxy('pxelinux.0')])).toMatchObject({ via: 'none', why: expect.stringMatching(/no address offer/) });
  });

  it('an address offer without a boot file and no proxy: no boot file (PXE-E53)', () => {
    expect(plan([address()])).toMatchObject({ via: 'none', why: expect.stringMatching(/no boot file.*no proxy offer/) });
  });

  it('a proxy offer without option 60 is ignored, as firmware does', () => {
    const bad = reply('192.0.2.3', { siaddr: '192.0.2.3', options: [dhcpOpt.messageType(2), dhcpOpt.serverId('192.0.2.3'), dhcpOpt.bootFile('pxelinux.0')] });
    expect(bad.kind).toBe('proxy-no-option60');
    expect(plan([address(), bad])).toMatchObject({ via: 'none', why: expect.stringMatching(/without option 60/) });
  });

  it('address + proxy with boot file: boot from the proxy offer', () => {
    const p = plan([address(), proxy('pxelinux.0')]);
    expect(p.via).toBe('reply');
    if (p.via === 'reply') expect(p.reply.server).toBe('192.0.2.2');
  });

  it('address + proxy without 43 (BINL): ask the proxy on 4011', () => {
    expect(plan([address(), proxy(undefined, false)])).toMatchObject({ via: '4011', target: '192.0.2.2' });
  });

  it('address offer with option 60 and no 43: ask siaddr on 4011 even when it names a file', () => {
    expect(plan([address('pxelinux.0', [dhcpOpt.vendorClass('PXEClient')])])).toMatchObject({ via: '4011', target: '192.0.2.1' });
  });

  it('address offer with PXE options and a menu but no file: discover the boot server with the menu item type', () => {
    const withMenu = address(undefined, [dhcpOpt.vendorClass('PXEClient'), dhcpOpt.pxeVendor({ discoveryControl: 3, bootServers: [{ type: 128, addresses: ['192.0.2.9'] }], bootMenu: [{ type: 128, description: 'Linux' }] })]);
    expect(plan([withMenu])).toMatchObject({ via: '4011', target: '192.0.2.9', bootItemType: 128 });
  });

  it('address offer with a boot file and nothing else: boot from it', () => {
    expect(plan([address('undionly.kpxe')])).toMatchObject({ via: 'reply' });
  });
});

describe.skipIf(!haveLoaders)('NBP header against the architecture', () => {
  const head = (f: string): Uint8Array => new Uint8Array(fs.readFileSync(f).subarray(0, 1468));

  it('pxelinux.0 is a BIOS NBP: right for bios, wrong for UEFI', () => {
    expect(checkHeader(head(PXELINUX), 0)).toMatchObject({ ok: true, what: 'BIOS NBP (no MZ header)' });
    expect(checkHeader(head(PXELINUX), 7)).toMatchObject({ ok: false });
  });

  it('syslinux.efi (efi64) is PE x64: right for 7 and 9, wrong for bios, ia32 and arm64', () => {
    expect(checkHeader(head(SYSLINUX_EFI64), 7)).toMatchObject({ ok: true, what: 'PE/COFF x64 (machine 0x8664)' });
    expect(checkHeader(head(SYSLINUX_EFI64), 9).ok).toBe(true);
    for (const arch of [0, 6, 11]) expect(checkHeader(head(SYSLINUX_EFI64), arch).ok).toBe(false);
  });

  it('syslinux.efi (efi32) is PE i386: right for 6 only', () => {
    expect(checkHeader(head(SYSLINUX_EFI32), 6)).toMatchObject({ ok: true, what: 'PE/COFF i386 (machine 0x14c)' });
    expect(checkHeader(head(SYSLINUX_EFI32), 7).ok).toBe(false);
  });
});
