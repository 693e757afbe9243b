/** TLS record type and ClientHello SNI: on a real ClientHello (Node's OpenSSL, written to memory, no network) and on encoded ones. */
import { describe, it, expect } from 'vitest';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { clientHelloServerName, encodeClientHello, tlsRecordType } from '../../src/decode/tls.js';

/** The first bytes OpenSSL writes for a TLS client connecting to `servername`, through an in-memory stream. */
function realClientHello(servername: string): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sink = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
        resolve(new Uint8Array(Buffer.concat(chunks)));
      },
    });
    const s = tls.connect({ socket: sink, servername, rejectUnauthorized: false });
    s.on('error', () => undefined);
    setTimeout(() => s.destroy(), 50);
  });
}

describe('TLS ClientHello server name', () => {
  it('reads the SNI of a real ClientHello (OpenSSL via node:tls)', async () => {
    const hello = await realClientHello('boot.example.org');
    expect(tlsRecordType(hello)).toBe(22);
    expect(clientHelloServerName(hello)).toBe('boot.example.org');
  });
  it('encode/decode agree; no SNI, other records and damage give undefined, never throw', () => {
    expect(clientHelloServerName(encodeClientHello('netboot.lab'))).toBe('netboot.lab');
    expect(clientHelloServerName(encodeClientHello())).toBeUndefined();
    expect(tlsRecordType(Uint8Array.of(23, 3, 3, 0, 5))).toBe(23);
    expect(tlsRecordType(Uint8Array.of(0x47, 0x45, 0x54))).toBeUndefined();
    const b = encodeClientHello('netboot.lab');
    for (let i = 0; i < b.length; i++) expect(() => clientHelloServerName(b.subarray(0, i))).not.toThrow();
    expect(clientHelloServerName(b.subarray(0, b.length - 3))).toBeUndefined();
  });
});
