/**
 * Which loader a file is, and what a loader's request for a file means: the names the boot loaders
 * of a network boot chain use (docs/analyze.md, "The boot chain"). A loader is recognised by its
 * name, by its first bytes (PE/COFF or not) and, for iPXE, by its traffic (user class "iPXE" /
 * option 175, which the tracker turns into AttemptRecord.ipxe).
 */
import { baseName, isIpxeBinaryName } from '../classify.js';
import type { NbpHeadKind } from '../types.js';

export type LoaderKind = 'ipxe' | 'shim' | 'grub' | 'pxelinux' | 'wds' | 'wds-abort' | 'efi' | 'bios';

function norm(file: string): { path: string; base: string } {
  const path = file.replace(/\\/g, '/').toLowerCase();
  return { path, base: baseName(path) };
}

/** ConfigMgr / WDS files that mean "the server chose not to boot this machine" (abortpxe.com, abortpxe.efi). */
export function isWdsAbortName(file: string): boolean {
  return /^abortpxe\.(com|efi|0)$/.test(norm(file).base);
}

/** Windows Deployment Services / ConfigMgr boot programs and their files before boot.wim. */
export function isWdsName(file: string): boolean {
  const { path, base } = norm(file);
  return (
    /^(wdsnbp\.com|wdsmgfw\.efi|pxeboot\.(n12|com|0)|pxeboot\.n12|bootmgfw\.efi|bootmgr\.exe|bootmgr\.efi|bootx64\.efi\.wds|boot\.sdi|bcd|default\.bcd|wdsnbp\.0)$/.test(base) ||
    /(^|\/)(smsboot|boot)\/(x86|x64|arm64)\/bcd$/.test(path) ||
    /^(bootmgfw|wdsmgfw)/.test(base) ||
    isWdsAbortName(file)
  );
}

export function isShimName(file: string): boolean {
  return /^shim[a-z0-9]*\.efi(\.signed)?$/.test(norm(file).base);
}

export function isGrubName(file: string): boolean {
  const b = norm(file).base;
  return /^(grub(net)?(x64|ia32|aa64|arm|riscv64|loongarch64)?\.efi|core\.efi|core\.0|grub\.efi|grub2?\.(pxe|efi|0)|grubnetx64\.efi\.signed|gcd(x64|aa64)\.efi)$/.test(b) || /\.pxe$/.test(b) && /grub/.test(b);
}

export function isPxelinuxName(file: string): boolean {
  return /^(l?pxelinux\.0|gpxelinux\.0|syslinux\.efi|ldlinux\.(c32|e64|e32))$/.test(norm(file).base);
}

/** The loader a file is, from its name and (when known) its first bytes. */
export function loaderOf(file: string, head?: NbpHeadKind): LoaderKind {
  if (isWdsAbortName(file)) return 'wds-abort';
  if (isIpxeBinaryName(file)) return 'ipxe';
  if (isShimName(file)) return 'shim';
  if (isGrubName(file)) return 'grub';
  if (isPxelinuxName(file)) return 'pxelinux';
  if (isWdsName(file)) return 'wds';
  if (head?.kind === 'pe' || /\.efi$/i.test(file)) return 'efi';
  return 'bios';
}

/** The file is a boot loader (something that runs and then fetches more), not a config or OS file. */
export function isLoaderName(file: string): boolean {
  return isIpxeBinaryName(file) || isShimName(file) || isGrubName(file) || /^(l?pxelinux\.0|gpxelinux\.0|syslinux\.efi)$/.test(norm(file).base) || isWdsName(file);
}

// isBenignProbeName lives in src/exchange/classify.ts (which the rest of the exchange layer reads), re-exported here.
export { isBenignProbeName } from '../classify.js';

/** The kind of stage a file fetched after the NBP stands for (transport-independent part). */
export type FileStageKind = 'kernel' | 'initrd' | 'os' | 'grub-config' | 'pxelinux-config' | 'ipxe-script' | 'wds' | 'loader' | 'file';

export function fileStageKind(file: string): FileStageKind {
  const { path, base } = norm(file);
  if (/^(vmlinu[xz]|bzimage|linux|kernel|vmlinuz-.*|linux\d*)(\.(efi|img))?$/.test(base) || /^(vmlinu[xz]|bzimage)/.test(base)) return 'kernel';
  if (/^(initrd|initramfs|initrd\.img|core\.gz|rootfs)/.test(base) || /\.(cpio|cgz)(\.\w+)?$/.test(base)) return 'initrd';
  if (/\.(wim|iso|squashfs)$/.test(base) || base === 'filesystem.squashfs') return 'os';
  if (/^grub\.cfg/.test(base) || (/\.(lst|mod)$/.test(base) && /grub|-efi\/|-pc\//.test(path)) || /\/grub\/[^/]+\.cfg$/.test(path)) return 'grub-config';
  if (/(^|\/)pxelinux\.cfg\//.test(path) || /^ldlinux\.(c32|e64|e32)$/.test(base) || /\.c32$|\.e64$/.test(base)) return 'pxelinux-config';
  if (/\.ipxe$|\.pxe\.cfg$/.test(base) || base === 'autoexec.ipxe' || base === 'boot.php') return 'ipxe-script';
  if (isWdsName(file)) return 'wds';
  if (isLoaderName(file)) return 'loader';
  return 'file';
}
