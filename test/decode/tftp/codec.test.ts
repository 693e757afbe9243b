import { describe, it, expect } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { decodeTftp, encodeTftp, tftpErrorName, tftpOpcodeName, type TftpPacketInit } from '../../../src/decode/tftp/codec.js';
import type { TftpPacket } from '../../../src/decode/tftp/types.js';
import { expectRoundTrip } from '../dhcp/roundtrip.js';
import { fixtureCaptures, tftpPackets, udpPayloads, type UdpPayload } from '../dhcp/udp-payloads.js';
import { fixturesDir, loadGolden, tsharkFrames } from '../dhcp/tshark-fields.mjs';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

describe('decodeTftp', () => {
  it('decodes an RRQ with options, lowercasing option names and keeping wire order', () => {
    const p = decodeTftp(bytes([0, 1], 'pxelinux.0\0', 'octet\0', 'TSIZE\0', '0\0', 'blksize\0', '1468\0', 'windowsize\0', '4\0'));
    expect(p).toEqual({ opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { tsize: '0', blksize: '1468', windowsize: '4' }, anomalies: [] });
    expect(Object.keys((p as { options: object }).options)).toEqual(['tsize', 'blksize', 'windowsize']);
  });

  it('keeps the filename exactly as on the wire, garbage bytes included', () => {
    // Some PXE ROMs send the bytes that followed an unterminated option 67.
    const p = decodeTftp(bytes([0, 1], 'boot.efi', [0xff, 0xfe], '\0', 'octet\0'));
    expect(p).toMatchObject({ opcode: 1, filename: 'boot.efi\xff\xfe', anomalies: [] });
  });

  it('decodes WRQ, DATA, ACK, ERROR and OACK', () => {
    expect(decodeTftp(bytes([0, 2], 'up.txt\0', 'netascii\0'))).toEqual({ opcode: 2, filename: 'up.txt', mode: 'netascii', options: {}, anomalies: [] });
    const data = decodeTftp(bytes([0, 3, 0x01, 0x02], [9, 8, 7]));
    expect(data).toMatchObject({ opcode: 3, block: 0x0102, length: 3, anomalies: [] });
    expect(Array.from((data as { payload: Uint8Array }).payload)).toEqual([9, 8, 7]);
    expect(decodeTftp(bytes([0, 3, 0, 5]))).toMatchObject({ opcode: 3, block: 5, length: 0 });
    expect(decodeTftp(bytes([0, 4, 0xff, 0xff]))).toEqual({ opcode: 4, block: 65535, anomalies: [] });
    expect(decodeTftp(bytes([0, 5, 0, 1], 'File not found\0'))).toEqual({ opcode: 5, errorCode: 1, errorMessage: 'File not found', anomalies: [] });
    expect(decodeTftp(bytes([0, 6], 'blksize\0', '1468\0', 'msftwindow\0', '31416\0', 'x-vendor\0', 'y\0'))).toEqual({
      opcode: 6,
      options: { blksize: '1468', msftwindow: '31416', 'x-vendor': 'y' },
      anomalies: [],
    });
  });

  it('returns null for what cannot be TFTP', () => {
    expect(decodeTftp(bytes([0, 4, 0]))).toBeNull();
    expect(decodeTftp(new Uint8Array(0))).toBeNull();
    expect(decodeTftp(bytes([0, 7, 0, 0]))).toBeNull();
    expect(decodeTftp(bytes([0, 0, 0, 0]))).toBeNull();
    expect(decodeTftp(bytes([1, 1, 0, 0]))).toBeNull();
  });

  it('records anomalies instead of throwing', () => {
    expect(decodeTftp(bytes([0, 1], 'boot'))?.anomalies.map((a) => a.detail)).toEqual(['filename not NUL-terminated']);
    expect(decodeTftp(bytes([0, 1], 'boot\0', 'oct'))?.anomalies.map((a) => a.detail)).toEqual(['mode not NUL-terminated', 'unknown mode oct']);
    expect(decodeTftp(bytes([0, 1], 'boot\0', 'binary\0'))?.anomalies.map((a) => a.detail)).toEqual(['unknown mode binary']);
    expect(decodeTftp(bytes([0, 1], 'boot\0', 'octet\0', 'blksize\0'))?.anomalies.map((a) => a.detail)).toEqual(['odd option list']);
    expect(decodeTftp(bytes([0, 1], 'boot\0', 'octet\0', 'blksize'))?.anomalies.map((a) => a.detail)).toEqual(['odd option list']);
    expect(decodeTftp(bytes([0, 6], 'tsize\0', '123'))).toEqual({ opcode: 6, options: { tsize: '123' }, anomalies: [{ code: 'option-value-not-nul-terminated', detail: 'option value not NUL-terminated' }] });
    expect(decodeTftp(bytes([0, 6], 'tsize\0', '1\0', 'TSize\0', '2\0'))).toEqual({ opcode: 6, options: { tsize: '1' }, anomalies: [{ code: 'duplicate-option', detail: 'duplicate option tsize' }] });
    expect(decodeTftp(bytes([0, 5, 0, 2], 'denied'))?.anomalies.map((a) => a.detail)).toEqual(['error message not NUL-terminated']);
    expect(decodeTftp(bytes([0, 4, 0, 1, 0]))?.anomalies.map((a) => a.detail)).toEqual(['trailing bytes after ACK']);
    expect(decodeTftp(bytes([0, 1], '\0', '\0'))?.anomalies.map((a) => a.detail)).toEqual(['empty filename', 'empty mode']);
  });

  it('accepts trailing NUL padding after the options, and flags other trailing bytes', () => {
    expect(decodeTftp(bytes([0, 1], 'f\0', 'octet\0', 'tsize\0', '0\0', [0, 0, 0]))?.anomalies).toEqual([]);
    expect(decodeTftp(bytes([0, 1], 'f\0', 'octet\0', [0, 0], 'x\0'))?.anomalies.map((a) => a.detail)).toEqual(['trailing bytes after options']);
  });
});

describe('encodeTftp', () => {
  const cases: TftpPacket[] = [
    { opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { tsize: '0', blksize: '1468' }, anomalies: [] },
    { opcode: 2, filename: 'bin\xff', mode: 'netascii', options: {}, anomalies: [] },
    { opcode: 3, block: 7, length: 4, payload: Uint8Array.from([1, 2, 3, 4]), anomalies: [] },
    { opcode: 3, block: 65535, length: 0, payload: new Uint8Array(0), anomalies: [] },
    { opcode: 4, block: 0, anomalies: [] },
    { opcode: 5, errorCode: 8, errorMessage: 'blksize not supported', anomalies: [] },
    { opcode: 6, options: { blksize: '512', windowsize: '8' }, anomalies: [] },
  ];
  it.each(cases.map((c) => [c.opcode, c] as const))('round-trips opcode %i', (_op, c) => {
    expectRoundTrip(encodeTftp, decodeTftp, c);
  });

  it('fills defaults for a partial request', () => {
    const init: TftpPacketInit = { opcode: 1, filename: 'boot.efi' };
    expect(Array.from(encodeTftp(init))).toEqual(Array.from(bytes([0, 1], 'boot.efi\0', 'octet\0')));
  });
});

describe('name tables', () => {
  it('names the RFC 1350 and RFC 2347 error codes', () => {
    expect(tftpErrorName(0)).toBe('Not defined');
    expect(tftpErrorName(1)).toBe('File not found');
    expect(tftpErrorName(8)).toBe('Option negotiation failed');
    expect(tftpErrorName(9)).toBe('unknown(9)');
    expect(tftpOpcodeName(6)).toBe('OACK');
    expect(tftpOpcodeName(0)).toBe('unknown(0)');
  });
});

// ---------------------------------------------------------------------------------------------
// Real captures

/** The bytes encodeTftp reproduces: equal to the original unless names were not lowercase. */
function reencodable(p: TftpPacket): boolean {
  if (p.anomalies.length > 0) return false;
  return true;
}

describe('TFTP codec on every fixture capture', async () => {
  const captures: { path: string; packets: UdpPayload[] }[] = [];
  for (const path of fixtureCaptures()) {
    const packets = tftpPackets(await udpPayloads(path)).filter((p) => !p.partial);
    if (packets.length > 0) captures.push({ path, packets });
  }

  it('finds TFTP traffic in the fixtures', () => {
    expect(captures.length).toBeGreaterThanOrEqual(8);
  });

  it.each(captures.map((c) => [c.path.replace(/.*fixtures\//, ''), c] as const))('%s: encode(decode(bytes)) equals bytes', (_name, c) => {
    let compared = 0;
    // Lab captures hold whole transfers; the first 300 packets cover every opcode they use.
    for (const p of c.packets.slice(0, 300)) {
      const t = decodeTftp(p.payload);
      if (!t || !reencodable(t)) continue;
      // Rule: a packet without anomalies whose option names are lowercase re-encodes to its bytes.
      const names = 'options' in t ? Object.keys(t.options) : [];
      const lowercaseOnWire = names.every((n) => new TextDecoder('latin1').decode(p.payload).includes(`\0${n}\0`));
      if (!lowercaseOnWire) continue;
      // Buffer.equals: a deep toEqual over hundreds of 512-byte DATA payloads is needlessly slow.
      expect(Buffer.from(encodeTftp(t)).equals(p.payload), `frame ${p.frame}`).toBe(true);
      // isDeepStrictEqual first: vitest's toEqual over thousands of 1.4 KB payloads costs seconds.
      const again = decodeTftp(encodeTftp(t).slice());
      if (!isDeepStrictEqual(again, t)) expect(again, `frame ${p.frame}`).toEqual(t);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe('fragmented TFTP DATA (blksize 1468 over a 1500-byte MTU path that fragments)', () => {
  // tshark 4.0 (`-Y tftp.opcode==3`): 228 DATA packets, each reported on the frame that completes
  // IP reassembly (frame 19 = block 1, its first fragment is frame 18; 22 = block 2).
  it('the test harness reassembles them and reports them on the completing frame, as tshark does', async () => {
    const packets = tftpPackets(await udpPayloads(`${fixturesDir}/captures/ok-tftp-fragmented-uefi.pcap`));
    const byFrame = new Map(packets.map((p) => [p.frame, p]));
    expect(byFrame.has(18)).toBe(false);
    for (const [frame, block] of [
      [19, 1],
      [22, 2],
    ] as const) {
      const p = byFrame.get(frame);
      expect(p?.partial, `frame ${frame}`).toBe(false);
      expect(decodeTftp(p!.payload)).toMatchObject({ opcode: 3, block, length: 1468, anomalies: [] });
    }
    const data = packets.filter((p) => !p.partial && decodeTftp(p.payload)?.opcode === 3);
    expect(data.length).toBe(228);
    expect(packets.some((p) => p.partial)).toBe(false);
  });
});

// tshark's view: golden files from test/decode/dhcp/tshark-fields.mjs (tshark 4.0), or tshark
// run now for a capture whose bytes changed since.
type Fields = Record<string, string[]>;

describe('decodeTftp agrees with tshark', async () => {
  const captures: { rel: string; path: string; ours: Map<string, UdpPayload> }[] = [];
  for (const path of fixtureCaptures()) {
    const ours = new Map(tftpPackets(await udpPayloads(path)).map((p) => [String(p.frame), p]));
    const rel = path.slice(fixturesDir.length + 1);
    if (ours.size > 0 || loadGolden('tftp').captures[rel]) captures.push({ rel, path, ours });
  }

  it.for(captures.map((c) => [c.rel, c] as const))('%s', ([rel, c], ctx) => {
    const frames = tsharkFrames(c.path, 'tftp') as Record<string, Fields> | null;
    if (frames === null) {
      if (process.env.CI) expect.fail(`${rel}: golden tshark data stale; run node test/decode/dhcp/tshark-fields.mjs`);
      ctx.skip();
      return;
    }
    let compared = 0;
    for (const [frame, f] of Object.entries(frames)) {
      // TFTP quoted inside an ICMP error is the dissector's business, not the codec's.
      if (f['icmp.type'] !== undefined) continue;
      const p = c.ours.get(frame);
      expect(p, `${rel} frame ${frame}: tshark sees TFTP, we do not`).toBeDefined();
      const t = decodeTftp(p!.payload);
      const where = `${rel} frame ${frame}`;
      const one = (k: string): string | undefined => f[k]?.[0];
      if (t === null) {
        // tshark marks these malformed; we refuse them as not TFTP.
        expect(f['_ws.malformed'], where).toBeDefined();
        continue;
      }
      expect(t.opcode, where).toBe(Number(one('tftp.opcode')));
      compared++;
      if (f['_ws.malformed']) continue;
      if (t.opcode === 1) expect(t.filename, where).toBe(one('tftp.source_file'));
      if (t.opcode === 2) expect(t.filename, where).toBe(one('tftp.destination_file'));
      if (t.opcode === 1 || t.opcode === 2) expect(t.mode, where).toBe(one('tftp.type'));
      if (t.opcode === 3 || t.opcode === 4) expect(t.block, where).toBe(Number(one('tftp.block')));
      if (t.opcode === 5) {
        expect(t.errorCode, where).toBe(Number(one('tftp.error.code')));
        expect(t.errorMessage, where).toBe(one('tftp.error.message'));
      }
      // tshark keeps reading empty name/value pairs after a run of NULs (nDPI/tftp.pcap frame 1);
      // we stop at the first empty name and report "trailing bytes after options".
      if ((t.opcode === 1 || t.opcode === 2 || t.opcode === 6) && !t.anomalies.some((a) => a.code === 'trailing-bytes-after-options')) {
        const names = (f['tftp.option.name'] ?? []).map((n) => n.toLowerCase());
        expect(Object.keys(t.options), where).toEqual(names);
        expect(Object.values(t.options), where).toEqual(f['tftp.option.value'] ?? []);
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});
