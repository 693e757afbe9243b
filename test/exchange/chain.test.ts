/** The boot-chain building blocks (issue 18): the PE header reader and the loader recognisers. */
import { describe, it, expect } from 'vitest';
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { readPeHead } from '../../src/exchange/chain/pe.js';
import { fileStageKind, isBenignProbeName, loaderOf } from '../../src/exchange/chain/loaders.js';
import { isConfigProbeName } from '../../src/exchange/classify.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { pe64Head } from './pe-head.js';

function head(path: string, n = 512): Uint8Array {
  const b = new Uint8Array(n);
  const fd = openSync(path, 'r');
  const got = readSync(fd, b, 0, n, 0);
  closeSync(fd);
  return b.subarray(0, got);
}

describe('readPeHead', () => {
  it('reads machine, subsystem, signature and raw size from a built header', () => {
    expect(readPeHead(pe64Head(0))).toEqual({ machineCode: 0x8664, subsystem: 10, signed: false, rawEnd: 0x1000 });
    expect(readPeHead(pe64Head(1472, 0x20000))).toEqual({ machineCode: 0x8664, subsystem: 10, signed: true, rawEnd: 0x20000 });
  });
  it('says nothing it cannot see: a header cut before the directories, or not a PE image', () => {
    expect(readPeHead(pe64Head(1472).subarray(0, 0x98 + 100))).toEqual({ machineCode: 0x8664, subsystem: 10 });
    expect(readPeHead(Uint8Array.from([0xfa, 0xea, 0x05, 0x7c]))).toBeUndefined();
    expect(readPeHead(new Uint8Array(600))).toBeUndefined();
  });
  // Debian package syslinux-efi (installed here and in CI): an unsigned x64 EFI application.
  (existsSync('/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi') || process.env['CI'] ? it : it.skip)('syslinux.efi is an unsigned EFI application', () => {
    expect(readPeHead(head('/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi'))).toMatchObject({ machineCode: 0x8664, subsystem: 10, signed: false });
  });
  it('real first blocks from lab captures: Debian signed shim (signed), syslinux.efi (unsigned)', async () => {
    const shim = await analyzeCapture('fixtures/captures/fail-shim-no-second-stage-uefi.pcap');
    const sb = await analyzeCapture('fixtures/captures/fail-secureboot-unsigned-nbp-uefi.pcap');
    const nbp = (a: typeof shim) => a.clients[0]!.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete')!;
    expect(nbp(shim)).toMatchObject({ file: 'efi/shimx64.efi', format: 'PE/COFF x64', signed: true });
    expect(nbp(sb)).toMatchObject({ file: 'efi64/syslinux.efi', format: 'PE/COFF x64', signed: false });
  });
});

describe('loader names', () => {
  it('recognises the loaders of a chain', () => {
    expect(loaderOf('undionly.kpxe')).toBe('ipxe');
    expect(loaderOf('snponly.efi')).toBe('ipxe');
    expect(loaderOf('efi/shimx64.efi')).toBe('shim');
    expect(loaderOf('grubx64.efi')).toBe('grub');
    expect(loaderOf('grubnetx64.efi')).toBe('grub');
    expect(loaderOf('pxelinux.0')).toBe('pxelinux');
    expect(loaderOf('efi64/syslinux.efi')).toBe('pxelinux');
    expect(loaderOf('boot\\x64\\wdsnbp.com')).toBe('wds');
    expect(loaderOf('smsboot\\x64\\abortpxe.com')).toBe('wds-abort');
    expect(loaderOf('boot/bootx64.efi')).toBe('efi');
  });
  it('knows the normal probes of shim, GRUB, PXELINUX and the Raspberry Pi, and nothing a boot needs', () => {
    for (const f of ['efi/revocations.efi', 'revocations_sbat.efi', 'revocations_sku.efi', 'shim_certificate_0.efi', 'mmx64.efi', 'fbx64.efi', '/grub/x86_64-efi/command.lst', 'grub/x86_64-efi/fs.lst', 'grub.cfg-01-52-54-00-ef-00-01', 'grub/grub.cfg-C0000264', 'bootsig.bin', '1a2b3c4d/start4.elf']) {
      expect(isBenignProbeName(f), f).toBe(true);
      expect(isConfigProbeName(f), f).toBe(true);
    }
    for (const f of ['grubx64.efi', 'grub/grub.cfg', 'vmlinuz', 'initrd.img', 'pxelinux.cfg/default', 'boot.wim', 'start4.elf']) expect(isBenignProbeName(f), f).toBe(false);
  });
  it('tells what stage a file belongs to', () => {
    expect(fileStageKind('ubuntu/vmlinuz')).toBe('kernel');
    expect(fileStageKind('initrd.img')).toBe('initrd');
    expect(fileStageKind('sources\\boot.wim')).toBe('os');
    expect(fileStageKind('/grub/grub.cfg')).toBe('grub-config');
    expect(fileStageKind('pxelinux.cfg/default')).toBe('pxelinux-config');
    expect(fileStageKind('boot.ipxe')).toBe('ipxe-script');
    expect(fileStageKind('boot\\x64\\bcd')).toBe('wds');
    expect(fileStageKind('grubx64.efi')).toBe('loader');
  });
});
