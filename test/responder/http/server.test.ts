/**
 * The HTTP side of `serve` on loopback (an ephemeral port, no root): GET/HEAD, single ranges,
 * the TFTP path rules (no way out of the root), read-only, and one event per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HttpBootServer, HttpBindError, parseRange, type HttpServerEvent } from '../../../src/responder/http/server.js';

function get(port: number, p: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw request line (http.request would normalise a path with "..": the point is to send it as is). */
function raw(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('HttpBootServer', () => {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'pxs-http-'));
  const root = path.join(dir, 'root');
  const data = crypto.randomBytes(300_001);
  const events: HttpServerEvent[] = [];
  let server: HttpBootServer;
  let port: number;

  beforeAll(async () => {
    fs.mkdirSync(path.join(root, 'efi64'), { recursive: true });
    fs.writeFileSync(path.join(root, 'efi64', 'boot x64.efi'), data);
    fs.writeFileSync(path.join(root, 'boot.ipxe'), '#!ipxe\nchain boot.efi\n');
    fs.writeFileSync(path.join(dir, 'secret'), 'outside');
    fs.symlinkSync(path.join(dir, 'secret'), path.join(root, 'link'));
    server = new HttpBootServer({ root, address: '127.0.0.1', port: 0, onEvent: (e) => events.push(e) });
    await server.listen();
    port = server.port;
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('GET: the whole file with its length, type and Accept-Ranges; HEAD: headers only', async () => {
    const r = await get(port, '/efi64/boot%20x64.efi');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/efi');
    expect(r.headers['content-length']).toBe(String(data.length));
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers.connection).toBe('close');
    expect(r.body.equals(data)).toBe(true);
    const h = await get(port, '/efi64/boot%20x64.efi', { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe(String(data.length));
    expect(h.body.length).toBe(0);
    expect((await get(port, '/boot.ipxe?x=1')).body.toString()).toBe('#!ipxe\nchain boot.efi\n');
    const e = events.find((x) => x.method === 'GET' && x.status === 200 && x.path === '/efi64/boot%20x64.efi');
    expect(e).toMatchObject({ bytes: data.length, complete: true, size: data.length, client: { address: '127.0.0.1' } });
  });

  it('Range: a-b, a-, -n give 206 with Content-Range and the right bytes; past the end gives 416', async () => {
    const a = await get(port, '/efi64/boot%20x64.efi', { headers: { Range: 'bytes=100-199' } });
    expect(a.status).toBe(206);
    expect(a.headers['content-range']).toBe(`bytes 100-199/${data.length}`);
    expect(a.body.equals(data.subarray(100, 200))).toBe(true);
    const b = await get(port, '/efi64/boot%20x64.efi', { headers: { Range: 'bytes=300000-' } });
    expect(b.body.equals(data.subarray(300000))).toBe(true);
    const c = await get(port, '/efi64/boot%20x64.efi', { headers: { Range: 'bytes=-10' } });
    expect(c.body.equals(data.subarray(data.length - 10))).toBe(true);
    const d = await get(port, '/efi64/boot%20x64.efi', { headers: { Range: `bytes=${data.length}-` } });
    expect(d.status).toBe(416);
    expect(d.headers['content-range']).toBe(`bytes */${data.length}`);
    // Several ranges are not supported: the whole file, as RFC 9110 allows.
    const e = await get(port, '/efi64/boot%20x64.efi', { headers: { Range: 'bytes=0-1,5-6' } });
    expect(e.status).toBe(200);
    expect(parseRange('bytes=5-2', 10)).toBeUndefined();
    expect(parseRange('bytes=-0', 10)).toBeNull();
  });

  it('the TFTP path rules: no .., no absolute path, no symlink out, no directory; 404 for a missing file', async () => {
    expect(await raw(port, 'GET /../secret HTTP/1.1')).toMatch(/^HTTP\/1\.1 403 /);
    expect(await raw(port, 'GET /efi64/%2e%2e/%2e%2e/secret HTTP/1.1')).toMatch(/^HTTP\/1\.1 403 /);
    expect(await raw(port, 'GET /..%5c..%5csecret HTTP/1.1')).toMatch(/^HTTP\/1\.1 403 /);
    expect((await get(port, '/link')).status).toBe(403);
    expect((await get(port, '//etc/passwd')).status).toBe(404);
    expect((await get(port, '/efi64')).status).toBe(404);
    expect((await get(port, '/missing.efi')).status).toBe(404);
    expect((await get(port, '/%zz')).status).toBe(400);
    expect(events.filter((e) => e.status === 403).every((e) => e.bytes === 0)).toBe(true);
  });

  it('read-only: PUT, POST and DELETE get 405 with Allow: GET, HEAD', async () => {
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const r = await get(port, '/boot.ipxe', { method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    expect(fs.readFileSync(path.join(root, 'boot.ipxe'), 'utf8')).toBe('#!ipxe\nchain boot.efi\n');
  });

  it('a port in use is an HttpBindError with the errno code', async () => {
    const other = new HttpBootServer({ root, address: '127.0.0.1', port });
    const err = await other.listen().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpBindError);
    expect((err as HttpBindError).code).toBe('EADDRINUSE');
  });
});
