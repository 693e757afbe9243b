/**
 * Who gets answered and with what, in three steps (as pixiecore does):
 *   is it for us - a PXE client (isPxeClient) allowed by the answer policy (isAllowed)?
 *   validate     - what machine is it (MAC, GUID, architecture, iPXE stage)?
 *   bootFor      - which boot file / script the machine gets (the offer is then built in dhcp/logic.ts).
 */
import fs from 'node:fs';
import type { DhcpMessage } from '../decode/dhcp/types.js';
import { DhcpOptionCode } from '../decode/dhcp/constants.js';

/** Names accepted by --boot for the IANA "Processor Architecture Types" (RFC 4578 2.1, IANA registry). */
export const ARCH_NAMES: Record<string, number[]> = {
  bios: [0],
  x86: [0],
  efi32: [6],
  'efi-ia32': [6],
  // 7 is "EFI BC", 9 "EFI x86-64"; firmware in the field sends both for x64 UEFI.
  efi64: [7, 9],
  'efi-x64': [7, 9],
  efi: [7, 9],
  'efi-arm32': [10],
  arm32: [10],
  'efi-arm64': [11],
  arm64: [11],
};

/** Architectures booted the UEFI way (BINL offer, then a request to port 4011). */
export function isEfiArch(arch: number | undefined): boolean {
  return arch !== undefined && arch !== 0 && arch !== 1 && arch !== 3 && arch !== 4 && arch !== 5;
}

export interface Machine {
  mac: string;
  guid?: string;
  /** First option-93 value; undefined when the client sent none. */
  arch?: number;
  /** True when the request comes from iPXE (user class "iPXE" or option 175 present). */
  ipxe: boolean;
  /** Vendor class (option 60) as sent. */
  vendorClass?: string;
}

export interface BootChoice {
  /** File name (or iPXE script URL) given in `file`/option 67. */
  file: string;
  /** Why: "arch 7", "default", "iPXE script". */
  reason: string;
}

export interface BootPolicyConfig {
  /** arch number -> file */
  byArch: Map<number, string>;
  defaultFile?: string;
  ipxeScript?: string;
  answer: 'all' | 'known';
  /** Lowercase MACs ("aa:bb:..") and GUIDs from the allow-list file. */
  allow: Set<string>;
}

/** Parse one `--boot KEY=FILE` (KEY = arch name, IANA number, or "default"). */
export function parseBootSpec(spec: string, into: BootPolicyConfig): string | undefined {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) return `--boot expects ARCH=FILE, got "${spec}"`;
  const key = spec.slice(0, eq).trim().toLowerCase();
  const file = spec.slice(eq + 1).trim();
  if (key === 'default') {
    into.defaultFile = file;
    return undefined;
  }
  const named = ARCH_NAMES[key];
  if (named) {
    for (const a of named) into.byArch.set(a, file);
    return undefined;
  }
  if (/^\d{1,5}$/.test(key) && Number(key) <= 65535) {
    into.byArch.set(Number(key), file);
    return undefined;
  }
  return `--boot: unknown architecture "${key}" (use ${Object.keys(ARCH_NAMES).join(', ')}, default, or an IANA number)`;
}

export function normalizeMac(s: string): string | undefined {
  const hex = s.trim().toLowerCase().replace(/[-:.]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

export function normalizeGuid(s: string): string | undefined {
  const hex = s.trim().toLowerCase().replace(/[-{}]/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Read an allow-list: one MAC or GUID per line, '#' starts a comment. Returns entries or an error line. */
export function readAllowList(file: string): Set<string> | string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return `cannot read allow-list ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  const out = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = (lines[i] as string).replace(/#.*/, '').trim();
    if (!entry) continue;
    const v = normalizeMac(entry) ?? normalizeGuid(entry);
    if (!v) return `${file}:${i + 1}: "${entry}" is neither a MAC nor a GUID`;
    out.add(v);
  }
  return out;
}

/** Step 1: a PXE client sends option 60 starting "PXEClient". */
export function isPxeClient(msg: DhcpMessage): boolean {
  return msg.vendorClass?.startsWith('PXEClient') === true;
}

export function isAllowed(m: Machine, cfg: BootPolicyConfig): boolean {
  if (cfg.answer === 'all') return true;
  if (cfg.allow.has(m.mac)) return true;
  return m.guid !== undefined && cfg.allow.has(m.guid.toLowerCase());
}

/** Step 2: the machine behind a request. */
export function validate(msg: DhcpMessage): Machine {
  const userClassIpxe = (msg.userClass ?? []).some((u) => u === 'iPXE');
  const hasIpxeEncap = msg.options.some((o) => o.code === DhcpOptionCode.IpxeEncap);
  return {
    mac: msg.chaddr.toLowerCase(),
    ...(msg.clientGuid !== undefined ? { guid: msg.clientGuid.toLowerCase() } : {}),
    ...(msg.clientArch && msg.clientArch.length > 0 ? { arch: msg.clientArch[0] } : {}),
    ipxe: userClassIpxe || hasIpxeEncap,
    ...(msg.vendorClass !== undefined ? { vendorClass: msg.vendorClass } : {}),
  };
}

/**
 * Step 3: the boot file. An iPXE client with --ipxe-script gets the script (so it does not
 * download iPXE again and loop: the ipxe-chainload-loop finding, docs/analyze.md#rules); otherwise the file for its architecture,
 * then the default. A client without option 93 is treated as BIOS (PXE 2.1 ROMs before RFC 4578).
 */
export function bootFor(m: Machine, cfg: BootPolicyConfig): BootChoice | undefined {
  if (m.ipxe && cfg.ipxeScript) return { file: cfg.ipxeScript, reason: 'iPXE script' };
  const arch = m.arch ?? 0;
  const byArch = cfg.byArch.get(arch);
  if (byArch) return { file: byArch, reason: `arch ${arch}` };
  if (cfg.defaultFile) return { file: cfg.defaultFile, reason: 'default' };
  return undefined;
}

/** Boot files that are iPXE itself: handing one to an iPXE client without a script loops forever. */
export function looksLikeIpxeBinary(file: string): boolean {
  return /(undionly|ipxe|snponly)[^/]*\.(kpxe|kkpxe|kkkpxe|pxe|efi|lkrn)$/i.test(file);
}
