/**
 * Who gets answered and with what, in three steps (as pixiecore does):
 *   is it for us - a PXE client (isPxeClient) allowed by the answer policy (isAllowed)?
 *   validate     - what machine is it (MAC, GUID, architecture, iPXE stage)?
 *   bootFor      - which boot file / script the machine gets (the offer is then built in dhcp/logic.ts).
 */
import fs from 'node:fs';
import { archName } from '../decode/dhcp/options.js';
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

/** UEFI HTTP boot architectures (IANA) -> the PXE architecture of the same machine. */
export const HTTP_TO_PXE_ARCH: Record<number, number> = { 15: 6, 16: 7, 18: 10, 19: 11 };

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
  /** The client's GUID (option 97) when it is on the banned list: stripped, the client is known by MAC only. */
  bannedGuid?: string;
  /** The architecture the vendor class names ("PXEClient:Arch:00007:..."), when it differs from option 93. */
  vendorArch?: number;
  /** UEFI HTTP boot client: vendor class starts "HTTPClient". */
  http?: boolean;
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
  answer: 'all' | 'known' | 'none';
  /** Lowercase MACs ("aa:bb:..") and GUIDs from the allow-list file. */
  allow: Set<string>;
  /** Banned GUIDs (lowercase, dashed): such clients are identified by MAC only. Built-ins: BUILTIN_BANNED_GUIDS. */
  bannedGuids?: Set<string>;
  /** --fallback: claimed arch -> file for a client whose vendor class names another architecture. */
  fallbackByArch?: Map<number, string>;
}

/**
 * GUIDs that firmware vendors ship unset or as a template, so many machines send the same one
 * (WDS bans these too): all zero, all FF, and the AMI/Supermicro template 03000200-0400-0500-0006-000700080009.
 */
export const BUILTIN_BANNED_GUIDS: readonly string[] = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '03000200-0400-0500-0006-000700080009',
];

/** The longest --delay a PXE client survives: its DISCOVERs go out at 0, 4, 12 and 28 s (then it gives up near 60 s). */
export const CLIENT_BUDGET_SECONDS = 28;

/** Parse one `--boot KEY=FILE` (KEY = arch name, IANA number, or "default"). */
export function parseBootSpec(spec: string, into: BootPolicyConfig): string | undefined {
  const parsed = parseArchSpec(spec, '--boot', true);
  if (typeof parsed === 'string') return parsed;
  if (parsed.archs === 'default') into.defaultFile = parsed.file;
  else for (const a of parsed.archs) into.byArch.set(a, parsed.file);
  return undefined;
}

/** Parse one `--fallback ARCH=FILE`: the file for a client claiming ARCH that its vendor class contradicts. */
export function parseFallbackSpec(spec: string, into: BootPolicyConfig): string | undefined {
  const parsed = parseArchSpec(spec, '--fallback', false);
  if (typeof parsed === 'string') return parsed;
  into.fallbackByArch ??= new Map();
  for (const a of parsed.archs as number[]) into.fallbackByArch.set(a, parsed.file);
  return undefined;
}

function parseArchSpec(spec: string, option: string, allowDefault: boolean): { archs: number[] | 'default'; file: string } | string {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) return `${option} expects ARCH=FILE, got "${spec}"`;
  const key = spec.slice(0, eq).trim().toLowerCase();
  const file = spec.slice(eq + 1).trim();
  if (key === 'default' && allowDefault) return { archs: 'default', file };
  const named = ARCH_NAMES[key];
  if (named) return { archs: named, file };
  if (/^\d{1,5}$/.test(key) && Number(key) <= 65535) return { archs: [Number(key)], file };
  return `${option}: unknown architecture "${key}" (use ${Object.keys(ARCH_NAMES).join(', ')}${allowDefault ? ', default' : ''}, or an IANA number)`;
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
  return readList(file, 'allow-list', (e) => normalizeMac(e) ?? normalizeGuid(e), 'neither a MAC nor a GUID');
}

/** Read a banned-GUID list: one GUID per line (any of the usual spellings), '#' comments. */
export function readGuidList(file: string): Set<string> | string {
  return readList(file, 'banned-GUID list', normalizeGuid, 'not a GUID');
}

function readList(file: string, what: string, parse: (entry: string) => string | undefined, bad: string): Set<string> | string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  const out = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = (lines[i] as string).replace(/#.*/, '').trim();
    if (!entry) continue;
    const v = parse(entry);
    if (!v) return `${file}:${i + 1}: "${entry}" is ${bad}`;
    out.add(v);
  }
  return out;
}

/** The architecture number in a vendor class "PXEClient:Arch:00007:UNDI:003016" (or HTTPClient:Arch:00016...). */
export function vendorClassArch(vendorClass: string | undefined): number | undefined {
  if (vendorClass === undefined) return undefined;
  const m = /^(?:PXEClient|HTTPClient):Arch:(\d{5})/.exec(vendorClass);
  return m ? Number(m[1]) : undefined;
}

/** Step 1 for UEFI HTTP boot (UEFI 2.x, "HTTP Boot"): option 60 starts "HTTPClient". */
export function isHttpClient(msg: DhcpMessage): boolean {
  return msg.vendorClass?.startsWith('HTTPClient') === true;
}

/** Step 1: a PXE client sends option 60 starting "PXEClient". */
export function isPxeClient(msg: DhcpMessage): boolean {
  return msg.vendorClass?.startsWith('PXEClient') === true;
}

export function isAllowed(m: Machine, cfg: BootPolicyConfig): boolean {
  if (cfg.answer === 'none') return false;
  if (cfg.answer === 'all') return true;
  if (cfg.allow.has(m.mac)) return true;
  return m.guid !== undefined && cfg.allow.has(m.guid.toLowerCase());
}

/**
 * Step 2: the machine behind a request. A GUID on the banned list is stripped (as WDS does), so
 * the client is identified, allowed and logged by its MAC only.
 */
export function validate(msg: DhcpMessage, bannedGuids?: Set<string>): Machine {
  const userClassIpxe = (msg.userClass ?? []).some((u) => u === 'iPXE');
  const hasIpxeEncap = msg.options.some((o) => o.code === DhcpOptionCode.IpxeEncap);
  const guid = msg.clientGuid?.toLowerCase();
  const banned = guid !== undefined && bannedGuids?.has(guid) === true;
  const arch = msg.clientArch && msg.clientArch.length > 0 ? msg.clientArch[0] : undefined;
  const vArch = vendorClassArch(msg.vendorClass);
  return {
    mac: msg.chaddr.toLowerCase(),
    ...(guid !== undefined && !banned ? { guid } : {}),
    ...(banned ? { bannedGuid: guid } : {}),
    ...(arch !== undefined ? { arch } : {}),
    ipxe: userClassIpxe || hasIpxeEncap,
    ...(msg.vendorClass !== undefined ? { vendorClass: msg.vendorClass } : {}),
    ...(vArch !== undefined && vArch !== (arch ?? 0) ? { vendorArch: vArch } : {}),
    http: msg.vendorClass?.startsWith('HTTPClient') === true,
  };
}

/**
 * Architecture detection as WDS does it: a client whose option 93 says one architecture (typically
 * x86 BIOS, 0) while its vendor class names another. Returns the log text, or undefined.
 */
export function archContradiction(m: Machine): string | undefined {
  if (m.vendorArch === undefined) return undefined;
  const claimed = m.arch ?? 0;
  return `claims ${archName(claimed)} (option 93 = ${claimed}${m.arch === undefined ? ', absent' : ''}) but its vendor class says ${archName(m.vendorArch)} (Arch:${String(m.vendorArch).padStart(5, '0')})`;
}

/**
 * Step 3: the boot file. An iPXE client with --ipxe-script gets the script (so it does not
 * download iPXE again and loop: the ipxe-chainload-loop finding, docs/analyze.md#rules); otherwise the file for its architecture,
 * then the default. A client without option 93 is treated as BIOS (PXE 2.1 ROMs before RFC 4578).
 */
export function bootFor(m: Machine, cfg: BootPolicyConfig): BootChoice | undefined {
  if (m.ipxe && cfg.ipxeScript) return { file: cfg.ipxeScript, reason: 'iPXE script' };
  const arch = m.arch ?? 0;
  // The claim is contradicted by the vendor class: the fallback for the claimed architecture, if any.
  const fallback = m.vendorArch !== undefined ? cfg.fallbackByArch?.get(arch) : undefined;
  if (fallback) return { file: fallback, reason: `fallback for arch ${arch} (vendor class says ${m.vendorArch})` };
  if (m.http) {
    // HTTP boot architectures (IANA 15, 16, 18, 19, ...) take an explicit --boot NUMBER=..., else
    // the file of the matching PXE architecture.
    const own = cfg.byArch.get(arch);
    if (own) return { file: own, reason: `arch ${arch}` };
    const pxe = HTTP_TO_PXE_ARCH[arch];
    const byPxe = pxe !== undefined ? cfg.byArch.get(pxe) : undefined;
    if (byPxe) return { file: byPxe, reason: `arch ${arch} (HTTP), file of arch ${pxe}` };
    if (cfg.defaultFile) return { file: cfg.defaultFile, reason: 'default' };
    return undefined;
  }
  const byArch = cfg.byArch.get(arch);
  if (byArch) return { file: byArch, reason: `arch ${arch}` };
  if (cfg.defaultFile) return { file: cfg.defaultFile, reason: 'default' };
  return undefined;
}

/** Boot files that are iPXE itself: handing one to an iPXE client without a script loops forever. */
export function looksLikeIpxeBinary(file: string): boolean {
  return /(undionly|ipxe|snponly)[^/]*\.(kpxe|kkpxe|kkkpxe|pxe|efi|lkrn)$/i.test(file);
}
