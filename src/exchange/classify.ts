/**
 * Classification helpers that emulate what PXE firmware and loaders do: offer kinds (EDK2
 * PxeBcParseDhcp4Packet, iPXE dhcp_rx_offer), which files are NBPs / configs / kernels, PXELINUX's
 * config search, iPXE binaries, and the PE/COFF machine of an NBP.
 */
import type { DhcpMessage } from '../decode/dhcp/types.js';
import type { NbpHeadKind, OfferKind } from './types.js';
import { readPeHead } from './chain/pe.js';

import { ZERO_IP } from '../decode/dhcp/constants.js';

export { ZERO_IP };

/** EDK2 compares the first 9 bytes of option 60 with "PXEClient"; iPXE does the same (has_pxeclient). */
export function isPxeClientClass(vendorClass: string | undefined): boolean {
  return vendorClass !== undefined && vendorClass.startsWith('PXEClient');
}

export function bootFileOf(msg: DhcpMessage): { name: string; source?: 'option67' | 'file' } {
  if (msg.bootFile !== undefined && msg.bootFile !== '') return { name: msg.bootFile, source: 'option67' };
  if (msg.file !== '') return { name: msg.file, source: 'file' };
  return { name: '' };
}

export function hasOption(msg: DhcpMessage, code: number): boolean {
  for (const o of msg.options) if (o.code === code) return true;
  return false;
}

/** Option 43 with PXE sub-options (discovery control, boot servers, menu, boot item, MTFTP). */
export function hasPxeVendorOptions(msg: DhcpMessage): boolean {
  return hasOption(msg, 43);
}

export function classifyReply(msg: DhcpMessage): OfferKind {
  if (msg.messageType === undefined) return 'bootp';
  const pxeClass = isPxeClientClass(msg.vendorClass);
  const with43 = hasPxeVendorOptions(msg);
  if (msg.yiaddr === ZERO_IP) {
    if (!pxeClass) return 'proxy-no-option60';
    return with43 ? 'proxy' : 'proxy-binl';
  }
  if (pxeClass) return with43 ? 'dhcp-pxe' : 'dhcp-binl';
  return bootFileOf(msg).name !== '' ? 'dhcp-boot' : 'dhcp';
}

export function isProxyKind(kind: OfferKind): boolean {
  return kind === 'proxy' || kind === 'proxy-binl';
}

export function isAddressKind(kind: OfferKind): boolean {
  return kind === 'dhcp' || kind === 'dhcp-boot' || kind === 'dhcp-pxe' || kind === 'dhcp-binl' || kind === 'bootp';
}

/** iPXE marks itself with user class (77) "iPXE" and its encapsulated option 175. */
export function isIpxeRequest(msg: DhcpMessage): boolean {
  if (hasOption(msg, 175)) return true;
  return (msg.userClass ?? []).some((u) => u.toLowerCase().includes('ipxe'));
}

export function isPxeRequest(msg: DhcpMessage): boolean {
  return isPxeClientClass(msg.vendorClass) || msg.clientArch !== undefined || isIpxeRequest(msg);
}

/** File names of iPXE builds handed out as NBPs (undionly.kpxe, ipxe.efi, snponly.efi, ipxe.pxe, ...). */
export function isIpxeBinaryName(file: string): boolean {
  const base = baseName(file).toLowerCase();
  return /ipxe|undionly|snponly|snp\.efi|\.kk?pxe$|\.lkrn$/.test(base) && !/\.(ipxe|cfg|txt)$/.test(base);
}

export function baseName(file: string): string {
  const norm = file.replace(/\\/g, '/');
  const i = norm.lastIndexOf('/');
  return i >= 0 ? norm.slice(i + 1) : norm;
}

/**
 * PXELINUX / syslinux.efi config search (syslinux doc/pxelinux.txt): pxelinux.cfg/<uuid>,
 * pxelinux.cfg/01-<mac>, then the client IP in hex, dropping one digit at a time, then "default".
 * Only the candidates before "default" are probes: a missing "default" is a real failure.
 * GRUB (grub.cfg-01-<mac>, grub.cfg-<HEX>) and iPXE (autoexec.ipxe) probe the same way.
 */
export function isConfigProbeName(file: string): boolean {
  const f = file.replace(/\\/g, '/').toLowerCase();
  const m = /(?:^|\/)pxelinux\.cfg\/([^/]+)$/.exec(f);
  if (m) {
    const leaf = m[1] as string;
    if (leaf === 'default') return false;
    return (
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(leaf) ||
      /^[0-9a-f]{2}(-[0-9a-f]{2}){6}$/.test(leaf) ||
      /^[0-9a-f]{1,8}$/.test(leaf)
    );
  }
  const base = baseName(f);
  if (base === 'autoexec.ipxe') return true;
  // GRUB's grub.cfg-* search and module lists, shim's optional files, a Raspberry Pi's probes.
  return isBenignProbeName(file);
}

/** Role of a file in the boot, from its name (the NBP role is decided by the exchange: the offered file). */
export function fileRoleByName(file: string): 'config' | 'kernel' | 'other' {
  const f = file.replace(/\\/g, '/').toLowerCase();
  const base = baseName(f);
  if (/pxelinux\.cfg\//.test(f) || /\.(cfg|conf|ipxe|menu)$/.test(base) || /^grub\.cfg/.test(base) || base === 'default') return 'config';
  if (/^(vmlinu[xz]|bzimage|linux|kernel)/.test(base) || /^(initrd|initramfs)/.test(base) || /\.(img|gz|xz|zst|wim|sdi)$/.test(base)) return 'kernel';
  return 'other';
}

/** PE/COFF machine types (PE format spec, "Machine Types"). */
const PE_MACHINES: Record<number, string> = {
  0x014c: 'i386',
  0x8664: 'x64',
  0xaa64: 'arm64',
  0x01c0: 'arm',
  0x01c2: 'arm',
  0x01c4: 'arm',
  0x0ebc: 'ebc',
  0x5032: 'riscv32',
  0x5064: 'riscv64',
  0x5128: 'riscv128',
  0x6232: 'loongarch32',
  0x6264: 'loongarch64',
};

/**
 * What the first bytes of an NBP, bytes[start, end), say: a PE/COFF image for one machine, or a
 * BIOS NBP (raw real-mode code).
 */
export function nbpKindFromHead(bytes: Uint8Array, start = 0, end = bytes.length): NbpHeadKind {
  const length = Math.min(end, bytes.length) - start;
  const at = (i: number): number => bytes[start + i] as number;
  if (length >= 0x40 && at(0) === 0x4d && at(1) === 0x5a) {
    const peOff = at(0x3c) | (at(0x3d) << 8) | (at(0x3e) << 16) | (at(0x3f) << 24);
    if (peOff >= 0 && peOff + 6 <= length && at(peOff) === 0x50 && at(peOff + 1) === 0x45 && at(peOff + 2) === 0 && at(peOff + 3) === 0) {
      const code = at(peOff + 4) | (at(peOff + 5) << 8);
      const out: NbpHeadKind = { kind: 'pe', machine: PE_MACHINES[code] ?? `0x${code.toString(16)}`, machineCode: code };
      const info = readPeHead(bytes, start, end);
      if (info?.subsystem !== undefined) out.subsystem = info.subsystem;
      if (info?.signed !== undefined) out.signed = info.signed;
      if (info?.rawEnd !== undefined) out.rawEnd = info.rawEnd;
      return out;
    }
    // An MZ header whose PE header lies past the bytes given: still an EFI image, machine unknown.
    if (peOff >= length) return { kind: 'pe', machine: 'unknown', machineCode: 0 };
  }
  return { kind: 'bios' };
}

/** What the NBP's name suggests. */
export function nbpKindFromName(file: string): 'efi' | 'bios' | undefined {
  const base = baseName(file).toLowerCase();
  if (/\.efi$/.test(base)) return 'efi';
  if (/\.(0|kk?pxe|pxe|com|n12|nbp|lkrn)$/.test(base) || /^(pxelinux|gpxelinux|lpxelinux|undionly|pxeboot|wdsnbp|startrom)/.test(base)) return 'bios';
  return undefined;
}

/**
 * What NBP an arch (option 93, IANA processor architecture types, RFC 4578 erratum 4624) needs:
 * 'bios' or a PE machine. 9 is ambiguous (EBC per IANA, x64 per the original RFC 4578), so x64 is accepted too.
 */
export function expectedNbp(arch: number): { kind: 'bios' } | { kind: 'pe'; machines: string[] } | undefined {
  switch (arch) {
    case 0:
      return { kind: 'bios' };
    case 2:
      return { kind: 'pe', machines: ['ia64'] };
    case 6:
      return { kind: 'pe', machines: ['i386'] };
    case 7:
      return { kind: 'pe', machines: ['x64'] };
    case 9:
      return { kind: 'pe', machines: ['x64', 'ebc'] };
    case 10:
      return { kind: 'pe', machines: ['arm'] };
    case 11:
      return { kind: 'pe', machines: ['arm64'] };
    case 25:
      return { kind: 'pe', machines: ['riscv32'] };
    case 27:
      return { kind: 'pe', machines: ['riscv64'] };
    case 29:
      return { kind: 'pe', machines: ['riscv128'] };
    case 37:
      return { kind: 'pe', machines: ['loongarch32'] };
    case 39:
      return { kind: 'pe', machines: ['loongarch64'] };
    default:
      return undefined;
  }
}

const ARCH_NAMES: Record<number, string> = {
  0: 'x86 BIOS',
  1: 'NEC/PC98',
  2: 'EFI Itanium',
  3: 'DEC Alpha',
  4: 'Arc x86',
  5: 'Intel Lean Client',
  6: 'x86 UEFI',
  7: 'x64 UEFI',
  8: 'EFI Xscale',
  9: 'EBC (x64 UEFI per RFC 4578)',
  10: 'ARM 32-bit UEFI',
  11: 'ARM 64-bit UEFI',
  12: 'PowerPC Open Firmware',
  13: 'PowerPC ePAPR',
  14: 'POWER OPAL v3',
  15: 'x86 UEFI HTTP',
  16: 'x64 UEFI HTTP',
  17: 'EBC HTTP',
  18: 'ARM 32-bit UEFI HTTP',
  19: 'ARM 64-bit UEFI HTTP',
  20: 'x86 BIOS HTTP',
  21: 'ARM 32-bit U-Boot',
  22: 'ARM 64-bit U-Boot',
  23: 'ARM 32-bit U-Boot HTTP',
  24: 'ARM 64-bit U-Boot HTTP',
  25: 'RISC-V 32-bit UEFI',
  26: 'RISC-V 32-bit UEFI HTTP',
  27: 'RISC-V 64-bit UEFI',
  28: 'RISC-V 64-bit UEFI HTTP',
  29: 'RISC-V 128-bit UEFI',
  30: 'RISC-V 128-bit UEFI HTTP',
  31: 's390 Basic',
  32: 's390 Extended',
  33: 'MIPS 32-bit UEFI',
  34: 'MIPS 64-bit UEFI',
  35: 'Sunway 32-bit UEFI',
  36: 'Sunway 64-bit UEFI',
  37: 'LoongArch 32-bit UEFI',
  38: 'LoongArch 32-bit UEFI HTTP',
  39: 'LoongArch 64-bit UEFI',
  40: 'LoongArch 64-bit UEFI HTTP',
  41: 'arm rpiboot',
};

export function archLabel(arch: number[] | undefined): string | undefined {
  if (!arch || arch.length === 0) return undefined;
  return arch.map((a) => ARCH_NAMES[a] ?? `arch ${a}`).join(', ');
}

/** GUIDs WDS bans (all zero / all FF) plus malformed ones. */
export function guidProblem(guid: string | undefined): 'missing' | 'zero' | 'ff' | undefined {
  if (guid === undefined) return 'missing';
  // Most GUIDs are real ones: a single character other than 0, f or '-' settles it (this runs for every client).
  if (/[^0fF-]/.test(guid)) return undefined;
  const hex = guid.replace(/-/g, '').toLowerCase();
  if (/^0+$/.test(hex)) return 'zero';
  if (/^f+$/.test(hex)) return 'ff';
  return undefined;
}

export function messageTypeLabel(t: number | undefined, op: number): string {
  switch (t) {
    case 1:
      return 'DISCOVER';
    case 2:
      return 'OFFER';
    case 3:
      return 'REQUEST';
    case 4:
      return 'DECLINE';
    case 5:
      return 'ACK';
    case 6:
      return 'NAK';
    case 7:
      return 'RELEASE';
    case 8:
      return 'INFORM';
    case undefined:
      return op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY';
    default:
      return `DHCP-${t}`;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Printable form of a file name: non-printable bytes as \xNN. */
export function printableName(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x20 || c >= 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : s[i];
  }
  return out;
}

/**
 * Requests whose miss is part of a loader's normal behaviour, never a fault:
 * - shim 15.8+: revocations.efi (SBAT revocations), mmx64.efi / fbx64.efi (MokManager, fallback);
 *   shim 16: revocations_sku.efi, revocations_sbat.efi, shim_certificate_0.efi (seen in the lab);
 * - GRUB: its module lists (command.lst, fs.lst, crypto.lst, terminal.lst, ...), modules it
 *   tries to load over the network (*.mod), grub.cfg-<mac>/<hex ip> candidates, and locale files;
 * - a Raspberry Pi's ROM: bootsig.bin and files under <serial>/ (8 hex digits) before the root.
 * PXELINUX's config search is isConfigProbeName (above).
 */
export function isBenignProbeName(file: string): boolean {
  const path = file.replace(/\\/g, '/').toLowerCase();
  const base = baseName(path);
  if (/^(revocations(_[a-z0-9]+)?\.efi|shim_certificate(_\d+)?\.efi|mm(x64|ia32|aa64|arm|riscv64)\.efi|fb(x64|ia32|aa64|arm|riscv64)\.efi)$/.test(base)) return true;
  if (/\.(lst|mod)$/.test(base) && /(^|\/)(x86_64|i386|arm64|arm|riscv64|loongarch64|powerpc)-(efi|pc|ieee1275|uboot|coreboot)\//.test(path)) return true;
  if (/^(command|fs|crypto|terminal|partmap|parttool|video|moddep)\.lst$/.test(base)) return true;
  if (/^grub\.cfg-/.test(base)) return true;
  if (/(^|\/)locale\/[^/]+\.mo$/.test(path)) return true;
  if (base === 'bootsig.bin') return true;
  if (/^[0-9a-f]{8}\/[^/]+$/.test(path.replace(/^\/+/, ''))) return true;
  return false;
}
