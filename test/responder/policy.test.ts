import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootFor, isEfiArch, looksLikeIpxeBinary, parseBootSpec, readAllowList, type BootPolicyConfig } from '../../src/responder/policy.js';

const empty = (): BootPolicyConfig => ({ byArch: new Map(), answer: 'all', allow: new Set() });

describe('boot policy', () => {
  it('parses --boot names, IANA numbers and default; efi64 covers both 7 and 9', () => {
    const p = empty();
    for (const s of ['bios=undionly.kpxe', 'efi64=ipxe.efi', 'efi-arm64=arm.efi', '6=ia32.efi', 'default=fallback.0']) expect(parseBootSpec(s, p)).toBeUndefined();
    expect([...p.byArch]).toEqual([
      [0, 'undionly.kpxe'],
      [7, 'ipxe.efi'],
      [9, 'ipxe.efi'],
      [11, 'arm.efi'],
      [6, 'ia32.efi'],
    ]);
    expect(p.defaultFile).toBe('fallback.0');
    expect(parseBootSpec('riscv64=x', p)).toMatch(/unknown architecture "riscv64"/);
    expect(parseBootSpec('bios', p)).toMatch(/expects ARCH=FILE/);
    expect(parseBootSpec('bios=', p)).toMatch(/expects ARCH=FILE/);
  });

  it('picks the script for iPXE, the file for the arch, then the default; no option 93 means BIOS', () => {
    const p = empty();
    parseBootSpec('bios=undionly.kpxe', p);
    parseBootSpec('efi64=ipxe.efi', p);
    expect(bootFor({ mac: 'm', ipxe: false }, p)).toEqual({ file: 'undionly.kpxe', reason: 'arch 0' });
    expect(bootFor({ mac: 'm', arch: 9, ipxe: false }, p)?.file).toBe('ipxe.efi');
    expect(bootFor({ mac: 'm', arch: 11, ipxe: false }, p)).toBeUndefined();
    expect(bootFor({ mac: 'm', arch: 7, ipxe: true }, p)?.file).toBe('ipxe.efi');
    p.ipxeScript = 'http://192.0.2.2/boot.ipxe';
    expect(bootFor({ mac: 'm', arch: 7, ipxe: true }, p)).toEqual({ file: 'http://192.0.2.2/boot.ipxe', reason: 'iPXE script' });
    expect(looksLikeIpxeBinary('undionly.kpxe')).toBe(true);
    expect(looksLikeIpxeBinary('efi/ipxe.efi')).toBe(true);
    expect(looksLikeIpxeBinary('pxelinux.0')).toBe(false);
    expect([0, 6, 7, 9, 10, 11].map(isEfiArch)).toEqual([false, true, true, true, true, true]);
  });

  it('reads an allow-list of MACs (any spelling) and GUIDs, and names the bad line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pxs-allow-'));
    const f = path.join(dir, 'allow.txt');
    fs.writeFileSync(f, '# lab machines\n52-54-00-BE-00-01\n5254.00ef.0001  # dotted\n{8A1C0B2E-5F4D-4E21-9C3B-000000000001}\n\n');
    expect([...(readAllowList(f) as Set<string>)]).toEqual(['52:54:00:be:00:01', '52:54:00:ef:00:01', '8a1c0b2e-5f4d-4e21-9c3b-000000000001']);
    fs.appendFileSync(f, 'host-7\n');
    expect(readAllowList(f)).toBe(`${f}:6: "host-7" is neither a MAC nor a GUID`);
    expect(readAllowList(path.join(dir, 'none'))).toMatch(/cannot read allow-list .*ENOENT/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
