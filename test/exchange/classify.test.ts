/** Classification helpers, checked on real files and real option values. */
import { describe, it, expect } from 'vitest';
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import {
  classifyReply,
  expectedNbp,
  isConfigProbeName,
  isIpxeBinaryName,
  nbpKindFromHead,
  nbpKindFromName,
  guidProblem,
  fileRoleByName,
} from '../../src/exchange/classify.js';
import { decodeDhcp, encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { normalizeMac } from '../../src/pipeline.js';

function head(path: string, n = 512): Uint8Array {
  const b = new Uint8Array(n);
  const fd = openSync(path, 'r');
  const got = readSync(fd, b, 0, n, 0);
  closeSync(fd);
  return b.subarray(0, got);
}

// Debian packages syslinux-efi and pxelinux (installed here and in CI).
const real = [
  { path: '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi', want: { kind: 'pe', machine: 'x64' } },
  { path: '/usr/lib/SYSLINUX.EFI/efi32/syslinux.efi', want: { kind: 'pe', machine: 'i386' } },
  { path: '/usr/lib/PXELINUX/pxelinux.0', want: { kind: 'bios' } },
  { path: '/usr/lib/PXELINUX/lpxelinux.0', want: { kind: 'bios' } },
];

describe('nbpKindFromHead on real boot files', () => {
  for (const r of real) {
    (existsSync(r.path) || process.env['CI'] ? it : it.skip)(r.path, () => {
      expect(nbpKindFromHead(head(r.path))).toMatchObject(r.want);
    });
  }
  it('an MZ header whose PE header lies past the kept bytes is still an EFI image', () => {
    const b = new Uint8Array(64);
    b.set([0x4d, 0x5a]);
    b[0x3c] = 0x00;
    b[0x3d] = 0x04; // PE header at 1024
    expect(nbpKindFromHead(b)).toEqual({ kind: 'pe', machine: 'unknown', machineCode: 0 });
  });
});

describe('names', () => {
  it('recognises the PXELINUX config search candidates, not default', () => {
    for (const f of ['pxelinux.cfg/2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b', 'pxelinux.cfg/01-52-54-00-be-00-01', 'pxelinux.cfg/C0000264', 'pxelinux.cfg/C', 'efi64/pxelinux.cfg/C00002', 'grub/grub.cfg-01-52-54-00-be-00-01', 'autoexec.ipxe'])
      expect(isConfigProbeName(f), f).toBe(true);
    for (const f of ['pxelinux.cfg/default', 'pxelinux.0', 'ldlinux.c32', 'efi64/pxelinux.cfg/default', 'pxelinux.cfg/menu.txt']) expect(isConfigProbeName(f), f).toBe(false);
  });
  it('tells iPXE binaries, NBP kinds and file roles from names', () => {
    for (const f of ['undionly.kpxe', 'ipxe.efi', 'snponly.efi', 'netboot.xyz.kpxe', 'ipxe.pxe', 'ipxe.lkrn']) expect(isIpxeBinaryName(f), f).toBe(true);
    for (const f of ['boot.ipxe', 'pxelinux.0', 'syslinux.efi']) expect(isIpxeBinaryName(f), f).toBe(false);
    expect(nbpKindFromName('efi64/syslinux.efi')).toBe('efi');
    expect(nbpKindFromName('pxelinux.0')).toBe('bios');
    expect(nbpKindFromName('wds/pxeboot.n12')).toBe('bios');
    expect(nbpKindFromName('boot')).toBeUndefined();
    expect(fileRoleByName('pxelinux.cfg/default')).toBe('config');
    expect(fileRoleByName('lab/vmlinuz')).toBe('kernel');
    expect(fileRoleByName('initrd.img')).toBe('kernel');
    expect(fileRoleByName('ldlinux.c32')).toBe('other');
  });
  it('maps option 93 to the NBP it needs (7 and 9 both x64 per erratum 4624)', () => {
    expect(expectedNbp(0)).toEqual({ kind: 'bios' });
    expect(expectedNbp(7)).toEqual({ kind: 'pe', machines: ['x64'] });
    expect(expectedNbp(9)).toEqual({ kind: 'pe', machines: ['x64', 'ebc'] });
    expect(expectedNbp(11)).toEqual({ kind: 'pe', machines: ['arm64'] });
    expect(expectedNbp(16)).toBeUndefined(); // HTTP boot: not a TFTP NBP
  });
  it('flags placeholder GUIDs', () => {
    expect(guidProblem(undefined)).toBe('missing');
    expect(guidProblem('00000000-0000-0000-0000-000000000000')).toBe('zero');
    expect(guidProblem('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF')).toBe('ff');
    expect(guidProblem('8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b')).toBeUndefined();
  });
});

describe('normalizeMac (--client)', () => {
  it('accepts the usual spellings and refuses the rest', () => {
    for (const m of ['52:54:00:AB:CD:EF', '52-54-00-ab-cd-ef', '5254.00ab.cdef', '525400abcdef']) expect(normalizeMac(m), m).toBe('52:54:00:ab:cd:ef');
    for (const m of ['not-a-mac', '52:54:00:ab:cd', '52:54:00:ab:cd:ef:01', 'zz:54:00:ab:cd:ef']) expect(normalizeMac(m), m).toBeUndefined();
  });
});

describe('classifyReply, as EDK2 and iPXE classify offers', () => {
  const base = { op: 2, xid: 1, chaddr: '52:54:00:00:00:01' };
  const kind = (yiaddr: string, options: ReturnType<typeof dhcpOpt.messageType>[], file = '') =>
    classifyReply(decodeDhcp(encodeDhcp({ ...base, yiaddr, file, options }).slice()));
  it('covers every kind', () => {
    expect(kind('192.0.2.100', [dhcpOpt.messageType(2)])).toBe('dhcp');
    expect(kind('192.0.2.100', [dhcpOpt.messageType(2)], 'pxelinux.0')).toBe('dhcp-boot');
    expect(kind('192.0.2.100', [dhcpOpt.messageType(2), dhcpOpt.bootFile('x.efi')])).toBe('dhcp-boot');
    expect(kind('192.0.2.100', [dhcpOpt.messageType(2), dhcpOpt.vendorClass('PXEClient')])).toBe('dhcp-binl');
    expect(kind('192.0.2.100', [dhcpOpt.messageType(2), dhcpOpt.vendorClass('PXEClient'), dhcpOpt.pxeVendor({ discoveryControl: 8 })])).toBe('dhcp-pxe');
    expect(kind('0.0.0.0', [dhcpOpt.messageType(2), dhcpOpt.vendorClass('PXEClient'), dhcpOpt.pxeVendor({ discoveryControl: 3 })])).toBe('proxy');
    expect(kind('0.0.0.0', [dhcpOpt.messageType(2), dhcpOpt.vendorClass('PXEClient')])).toBe('proxy-binl');
    expect(kind('0.0.0.0', [dhcpOpt.messageType(2)], 'pxelinux.0')).toBe('proxy-no-option60');
    expect(kind('192.0.2.100', [])).toBe('bootp');
  });
});
