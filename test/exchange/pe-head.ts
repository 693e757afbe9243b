/** Test helper: PE/COFF headers with the fields the boot chain reads (src/exchange/chain/pe.ts). */

/**
 * A PE32+ header as the first 512 bytes of an EFI image: optional header of 240 bytes, 16 data
 * directories, the certificate table (directory 4) `certSize` bytes long, one section whose raw
 * data ends at `rawEnd`.
 */
export function pe64Head(certSize: number, rawEnd = 0x1000, subsystem = 10): Uint8Array {
  const b = new Uint8Array(512);
  const v = new DataView(b.buffer);
  b[0] = 0x4d;
  b[1] = 0x5a;
  v.setUint32(0x3c, 0x80, true);
  b.set([0x50, 0x45, 0, 0], 0x80);
  v.setUint16(0x84, 0x8664, true);
  v.setUint16(0x86, 1, true); // one section
  v.setUint16(0x94, 240, true); // SizeOfOptionalHeader
  const opt = 0x98;
  v.setUint16(opt, 0x20b, true);
  v.setUint16(opt + 68, subsystem, true);
  v.setUint32(opt + 108, 16, true);
  v.setUint32(opt + 112 + 32, certSize > 0 ? rawEnd : 0, true);
  v.setUint32(opt + 112 + 36, certSize, true);
  const sec = opt + 240;
  b.set([0x2e, 0x74, 0x65, 0x78, 0x74], sec);
  v.setUint32(sec + 16, rawEnd - 0x400, true); // SizeOfRawData
  v.setUint32(sec + 20, 0x400, true); // PointerToRawData
  return b;
}
