import { describe, it, expect } from 'vitest';
import { archFamily, archName, dhcpOpt, dhcpOptionName, messageTypeName } from '../../../src/decode/dhcp/options.js';
import { decodeDhcp } from '../../../src/decode/dhcp/codec.js';
import { decodePxeVendor, encodePxeVendor, toHex } from '../../../src/decode/dhcp/suboptions.js';
import type { DhcpAnomaly } from '../../../src/decode/dhcp/constants.js';
import { isDhcpPacket, udpPayloads } from './udp-payloads.js';

const fixtures = new URL('../../../fixtures/', import.meta.url).pathname;

describe('name tables', () => {
  it('names message types 1-18 and marks others unknown', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(messageTypeName)).toEqual(['DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM']);
    expect(messageTypeName(9)).toBe('FORCERENEW');
    expect([10, 11, 12, 13].map(messageTypeName)).toEqual(['LEASEQUERY', 'LEASEUNASSIGNED', 'LEASEUNKNOWN', 'LEASEACTIVE']);
    expect(messageTypeName(0)).toBe('unknown(0)');
    expect(messageTypeName(99)).toBe('unknown(99)');
  });

  it('names every IANA architecture type 0-41, with 7 = x64 UEFI and 9 = EBC (RFC 4578 erratum 4624)', () => {
    for (let n = 0; n <= 41; n++) expect(archName(n), String(n)).not.toMatch(/^unknown/);
    expect(archName(0)).toBe('x86 BIOS');
    expect(archName(6)).toBe('x86 UEFI');
    expect(archName(7)).toBe('x64 UEFI');
    expect(archName(9)).toBe('EBC');
    expect(archName(11)).toBe('ARM 64-bit UEFI');
    expect(archName(16)).toBe('x64 UEFI HTTP');
    expect(archName(39)).toBe('LoongArch 64-bit UEFI');
    expect(archName(41)).toBe('ARM rpiboot');
    expect(archName(42)).toBe('unknown(42)');
  });

  it('groups architectures into boot loader families', () => {
    expect([0, 6, 7, 9, 10, 11, 2, 27].map(archFamily)).toEqual(['bios', 'efi32', 'efi64', 'ebc', 'arm32', 'arm64', 'other', 'other']);
    expect([15, 16, 19, 20].map(archFamily)).toEqual(['efi32', 'efi64', 'arm64', 'bios']);
  });

  it('names options, PXE ones included', () => {
    expect(dhcpOptionName(43)).toBe('Vendor-Specific Information');
    expect(dhcpOptionName(60)).toBe('Vendor Class Identifier');
    expect(dhcpOptionName(67)).toBe('Bootfile Name');
    expect(dhcpOptionName(93)).toBe('Client System Architecture');
    expect(dhcpOptionName(97)).toBe('Client Machine Identifier');
    expect(dhcpOptionName(175)).toBe('iPXE Encapsulated Options');
    expect(dhcpOptionName(210)).toBe('PXELINUX Path Prefix');
    expect(dhcpOptionName(240)).toBe('Option 240');
  });
});

describe('option builders', () => {
  it('builds option 67 NUL-terminated by default', () => {
    expect(Array.from(dhcpOpt.bootFile('a.0').data)).toEqual([0x61, 0x2e, 0x30, 0]);
    expect(Array.from(dhcpOpt.bootFile('a.0', false).data)).toEqual([0x61, 0x2e, 0x30]);
  });

  it('builds option 97 as type 0 + 16 bytes from either GUID notation', () => {
    const a = dhcpOpt.clientGuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b');
    const b = dhcpOpt.clientGuid('2e0b1c8a4d5f214e9a3b0c1d2e3f4a5b');
    expect(a).toEqual(b);
    expect(a.data.length).toBe(17);
    expect(a.data[0]).toBe(0);
    expect(() => dhcpOpt.clientGuid('abcd')).toThrow(/16 bytes/);
  });

  it('builds fixed-size numbers and address lists in network order', () => {
    expect(toHex(dhcpOpt.leaseTime(3600).data)).toBe('00000e10');
    expect(toHex(dhcpOpt.clientArch([0, 7]).data)).toBe('00000007');
    expect(toHex(dhcpOpt.routers(['192.0.2.1', '198.51.100.1']).data)).toBe('c0000201c6336401');
    expect(toHex(dhcpOpt.userClass(['iPXE'], true).data)).toBe('69505845');
    expect(toHex(dhcpOpt.userClass(['ab', 'c']).data)).toBe('0261620163');
  });

  it('encodes PXE sub-options exactly as pixiecore sent them (netboot/usec.pcap frame 2)', async () => {
    const offer = (await udpPayloads(fixtures + 'public/netboot/usec.pcap')).filter(isDhcpPacket).find((p) => p.frame === 2);
    const m = decodeDhcp(offer!.payload);
    const wire = m.options.find((o) => o.code === 43)!.data;
    expect(m.pxe).toEqual({
      discoveryControl: 3,
      bootServers: [{ type: 32768, addresses: ['192.168.16.10'] }],
      bootMenu: [{ type: 32768, description: 'Pixiecore' }],
      menuPrompt: { timeout: 0, prompt: 'Pixiecore' },
    });
    expect(toHex(dhcpOpt.pxeVendor(m.pxe!).data)).toBe(toHex(wire));
  });

  it('round-trips every PXE sub-option through encodePxeVendor/decodePxeVendor', () => {
    const pxe = {
      mtftpIp: '192.0.2.200',
      mtftpClientPort: 1758,
      mtftpServerPort: 1759,
      mtftpTimeout: 1,
      mtftpDelay: 10,
      discoveryControl: 7,
      discoveryMulticast: '192.0.2.201',
      bootServers: [
        { type: 0, addresses: [] },
        { type: 32768, addresses: ['192.0.2.10', '192.0.2.11'] },
      ],
      bootMenu: [{ type: 0, description: 'Local boot' }],
      menuPrompt: { timeout: 255, prompt: 'Press F8' },
      multicastAlloc: 'c0000200c000020a',
      credentialTypes: [1, 0x01020304],
      bootItem: { type: 32768, layer: 0x8000 },
      other: [{ code: 180, hex: 'beef' }],
    };
    const anomalies: DhcpAnomaly[] = [];
    expect(decodePxeVendor(encodePxeVendor(pxe), anomalies)).toEqual(pxe);
    expect(anomalies).toEqual([]);
  });
});
