/**
 * The PE/COFF header of an EFI image, read from its first bytes (the first TFTP block of an NBP):
 * machine type, subsystem, and whether the image carries an Authenticode signature. Microsoft PE
 * format: the DOS header's e_lfanew (offset 0x3c) points at "PE\0\0", followed by the 20-byte COFF
 * header and the optional header; the optional header's data directory 4 is the certificate
 * table, whose size is 0 in an unsigned image. See docs/analyze.md ("Secure Boot").
 */

/** IMAGE_OPTIONAL_HEADER magic numbers. */
const PE32 = 0x10b;
const PE32_PLUS = 0x20b;
/** Offsets inside the optional header. */
const SUBSYSTEM_OFFSET = 68;
const DIRECTORIES_PE32 = 96;
const DIRECTORIES_PE32_PLUS = 112;
const NUMBER_OF_DIRECTORIES_PE32 = 92;
const NUMBER_OF_DIRECTORIES_PE32_PLUS = 108;
/** Data directory index of the certificate (Authenticode) table; each directory is 8 bytes (address, size). */
const CERTIFICATE_DIRECTORY = 4;

/** IMAGE_SUBSYSTEM_* values an NBP can have. */
export const PE_SUBSYSTEMS: Readonly<Record<number, string>> = {
  1: 'native',
  2: 'windows-gui',
  3: 'windows-cui',
  10: 'efi-application',
  11: 'efi-boot-service-driver',
  12: 'efi-runtime-driver',
  13: 'efi-rom',
  16: 'windows-boot-application',
};

export interface PeHeadInfo {
  machineCode: number;
  /** IMAGE_SUBSYSTEM_* (10 = EFI application). */
  subsystem?: number;
  /** True when the certificate-table directory is non-empty (Authenticode-signed), false when empty; absent when the bytes did not reach it. */
  signed?: boolean;
  /**
   * The file is at least this long: the end of the furthest section's raw data over the section
   * headers within the bytes given (a lower bound when the table runs past them). A complete
   * download shorter than this is a truncated file.
   */
  rawEnd?: number;
}

/**
 * Reads a PE header from bytes[start, end). Undefined when the bytes are not an MZ/PE image or the
 * PE signature lies beyond them; `subsystem` / `signed` are absent when the optional header is cut.
 */
export function readPeHead(bytes: Uint8Array, start = 0, end = bytes.length): PeHeadInfo | undefined {
  const length = Math.min(end, bytes.length) - start;
  const at = (i: number): number => bytes[start + i] as number;
  const u16 = (i: number): number => at(i) | (at(i + 1) << 8);
  const u32 = (i: number): number => (at(i) | (at(i + 1) << 8) | (at(i + 2) << 16) | (at(i + 3) << 24)) >>> 0;
  if (length < 0x40 || at(0) !== 0x4d || at(1) !== 0x5a) return undefined;
  const pe = u32(0x3c);
  if (pe + 24 > length || at(pe) !== 0x50 || at(pe + 1) !== 0x45 || at(pe + 2) !== 0 || at(pe + 3) !== 0) return undefined;
  const out: PeHeadInfo = { machineCode: u16(pe + 4) };
  const optSize = u16(pe + 20);
  const opt = pe + 24;
  const sections = u16(pe + 6);
  let rawEnd = 0;
  for (let i = 0, h = opt + optSize; i < sections && h + 40 <= length; i++, h += 40) rawEnd = Math.max(rawEnd, u32(h + 20) + u32(h + 16));
  if (rawEnd > 0) out.rawEnd = rawEnd;
  if (optSize < 2 || opt + 2 > length) return out;
  const magic = u16(opt);
  if (magic !== PE32 && magic !== PE32_PLUS) return out;
  if (optSize >= SUBSYSTEM_OFFSET + 2 && opt + SUBSYSTEM_OFFSET + 2 <= length) out.subsystem = u16(opt + SUBSYSTEM_OFFSET);
  const countAt = magic === PE32 ? NUMBER_OF_DIRECTORIES_PE32 : NUMBER_OF_DIRECTORIES_PE32_PLUS;
  const dirs = magic === PE32 ? DIRECTORIES_PE32 : DIRECTORIES_PE32_PLUS;
  if (opt + countAt + 4 > length) return out;
  const count = u32(opt + countAt);
  const cert = dirs + CERTIFICATE_DIRECTORY * 8;
  if (count <= CERTIFICATE_DIRECTORY) {
    // No certificate directory at all: an unsigned image.
    if (optSize >= dirs) out.signed = false;
    return out;
  }
  if (optSize < cert + 8 || opt + cert + 8 > length) return out;
  out.signed = u32(opt + cert + 4) > 0;
  return out;
}
