/**
 * The little of TLS a boot diagnosis can see without keys (RFC 8446 / 5246): the record type at the
 * start of a TCP payload, and the server name (SNI, RFC 6066 section 3) in a ClientHello. Bounds-
 * checked, never throws; encodeClientHello writes a minimal ClientHello for tests and round trips.
 */
import { ByteWriter } from './bytes.js';

export const TlsRecord = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23 } as const;

/** The record type when `p` starts with a plausible TLS record header (type 20-23, version 3.x), else undefined. */
export function tlsRecordType(p: Uint8Array): number | undefined {
  if (p.length < 3) return undefined;
  const t = p[0] as number;
  return t >= 20 && t <= 23 && p[1] === 3 && (p[2] as number) <= 4 ? t : undefined;
}

/** The SNI host name of a ClientHello at the start of `p` (within the bytes given), else undefined. */
export function clientHelloServerName(p: Uint8Array): string | undefined {
  if (tlsRecordType(p) !== TlsRecord.Handshake || p.length < 9 || p[5] !== 1) return undefined;
  const end = Math.min(p.length, 5 + (((p[3] as number) << 8) | (p[4] as number)));
  const u16 = (o: number): number => ((p[o] as number) << 8) | (p[o + 1] as number);
  let o = 9 + 2 + 32; // handshake header (4), client_version (2), random (32)
  if (o + 1 > end) return undefined;
  o += 1 + (p[o] as number); // session id
  if (o + 2 > end) return undefined;
  o += 2 + u16(o); // cipher suites
  if (o + 1 > end) return undefined;
  o += 1 + (p[o] as number); // compression methods
  if (o + 2 > end) return undefined;
  const extEnd = Math.min(end, o + 2 + u16(o));
  o += 2;
  while (o + 4 <= extEnd) {
    const type = u16(o);
    const len = u16(o + 2);
    const body = o + 4;
    if (body + len > extEnd) return undefined;
    if (type === 0 && len >= 5) {
      // server_name_list: u16 length, then entries (u8 type 0 = host_name, u16 length, name).
      let q = body + 2;
      const listEnd = Math.min(body + len, body + 2 + u16(body));
      while (q + 3 <= listEnd) {
        const nameLen = u16(q + 1);
        if (q + 3 + nameLen > listEnd) return undefined;
        if (p[q] === 0) {
          let s = '';
          for (let i = q + 3; i < q + 3 + nameLen; i++) s += String.fromCharCode(p[i] as number);
          return s;
        }
        q += 3 + nameLen;
      }
      return undefined;
    }
    o = body + len;
  }
  return undefined;
}

/** A minimal TLS 1.2 ClientHello record (one cipher suite, optional SNI): the encode side, for tests. */
export function encodeClientHello(serverName?: string): Uint8Array {
  const ext = new ByteWriter(64);
  if (serverName !== undefined) {
    const name = Uint8Array.from(serverName, (c) => c.charCodeAt(0) & 0xff);
    ext.u16(0).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).bytes(name);
  }
  const extBytes = ext.result();
  const body = new ByteWriter(128);
  body.u16(0x0303).zeros(32).u8(0).u16(2).u16(0xc02f).u8(1).u8(0).u16(extBytes.length).bytes(extBytes);
  const hs = body.result();
  const w = new ByteWriter(hs.length + 9);
  w.u8(TlsRecord.Handshake).u16(0x0301).u16(hs.length + 4).u8(1).u8(0).u16(hs.length).bytes(hs);
  return w.result().slice();
}
