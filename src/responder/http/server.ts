/**
 * Read-only HTTP server for UEFI HTTP boot and iPXE: Node's own http server, GET and HEAD only,
 * files from the same root as TFTP with the same path rules (src/responder/tftp/safe-path.ts),
 * single byte ranges (RFC 9110 section 14: 206 / 416), one event per request.
 *
 * Every response closes its connection ("Connection: close", as HTTP/1.0 servers such as python's
 * http.server do): a boot client makes two or three requests, so keep-alive saves nothing, and a
 * capture then holds one request per TCP connection, which is what `analyze` reads (docs/serve.md).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TftpRoot } from '../tftp/safe-path.js';

export interface HttpServerOptions {
  root: string;
  /** Local address to bind (the interface's address with --interface); default 0.0.0.0. */
  address?: string;
  port: number;
  onEvent?(e: HttpServerEvent): void;
}

export interface HttpServerEvent {
  type: 'http-request';
  client: { address: string; port: number };
  method: string;
  path: string;
  status: number;
  /** Body bytes sent (0 for HEAD and errors); for a 200/206 GET, whether all of them went out. */
  bytes: number;
  complete: boolean;
  /** Size of the file (when found). */
  size?: number;
  range?: string;
  seconds: number;
  /** Why a request was refused (path rule, missing file, bad range). */
  reason?: string;
}

/** The error a bind failure carries: the CLI turns it into one line (port in use, no permission). */
export class HttpBindError extends Error {
  readonly port: number;
  readonly address: string;
  readonly code: string;

  constructor(port: number, address: string, code: string) {
    super(`cannot bind TCP ${address}:${port}: ${code}`);
    this.port = port;
    this.address = address;
    this.code = code;
  }
}

const TYPES: Record<string, string> = {
  efi: 'application/efi',
  ipxe: 'text/plain; charset=utf-8',
  cfg: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  iso: 'application/x-iso9660-image',
  img: 'application/octet-stream',
};

function contentType(file: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) ?? 'application/octet-stream';
}

/** One "bytes=a-b" / "bytes=a-" / "bytes=-n" range, or null (unsatisfiable), or undefined (ignored: several ranges or another unit). */
export function parseRange(header: string, size: number): { start: number; end: number } | null | undefined {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m) return undefined;
  const [a, b] = [m[1] as string, m[2] as string];
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return null;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return null;
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

export class HttpBootServer {
  private server: http.Server | undefined;
  private readonly root: TftpRoot;
  readonly opts: HttpServerOptions;

  constructor(opts: HttpServerOptions) {
    this.opts = opts;
    this.root = new TftpRoot(opts.root);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.opts.port;
  }

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    const address = this.opts.address ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => reject(new HttpBindError(this.opts.port, address, e.code ?? 'error'));
      server.once('error', onError);
      server.listen({ port: this.opts.port, host: address, exclusive: true }, () => {
        server.off('error', onError);
        // A late error (e.g. EMFILE on accept) must not take serve down.
        server.on('error', () => undefined);
        resolve();
      });
    });
    server.on('clientError', (_e, socket) => socket.destroy());
    this.server = server;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const t0 = Date.now();
    const method = req.method ?? '?';
    const rawPath = req.url ?? '/';
    const client = { address: (req.socket.remoteAddress ?? '?').replace(/^::ffff:/, ''), port: req.socket.remotePort ?? 0 };
    const event = (status: number, bytes: number, complete: boolean, extra: Partial<HttpServerEvent> = {}): void => {
      this.opts.onEvent?.({ type: 'http-request', client, method, path: rawPath, status, bytes, complete, seconds: (Date.now() - t0) / 1000, ...extra });
    };
    const fail = (status: number, reason: string, headers: Record<string, string | number> = {}): void => {
      const body = `${status} ${http.STATUS_CODES[status] ?? ''}: ${reason}\n`;
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers });
      res.end(method === 'HEAD' ? undefined : body);
      event(status, 0, true, { reason });
    };
    if (method !== 'GET' && method !== 'HEAD') return fail(405, 'read-only server (GET and HEAD only)', { Allow: 'GET, HEAD' });
    // The path without query or fragment, percent-decoded once; then the same rules as TFTP names.
    let name: string;
    try {
      name = decodeURIComponent(rawPath.replace(/[?#].*$/, ''));
    } catch {
      return fail(400, 'bad percent-encoding in the path');
    }
    const r = this.root.resolve(name.replace(/^\/+/, ''));
    if (!r.ok) return fail(r.code === 1 ? 404 : 403, r.message);
    const size = r.size;
    const headers: Record<string, string | number> = {
      'Content-Type': contentType(r.file),
      'Accept-Ranges': 'bytes',
      'Last-Modified': new Date(fs.statSync(r.file).mtimeMs).toUTCString(),
      Connection: 'close',
    };
    let start = 0;
    let end = size - 1;
    let status = 200;
    const rangeHeader = req.headers.range;
    if (rangeHeader !== undefined) {
      const range = parseRange(rangeHeader, size);
      if (range === null) return fail(416, `range ${rangeHeader} is outside the file (${size} bytes)`, { 'Content-Range': `bytes */${size}` });
      if (range) {
        ({ start, end } = range);
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
    }
    const length = size === 0 ? 0 : end - start + 1;
    headers['Content-Length'] = length;
    res.writeHead(status, headers);
    const extra = { size, ...(status === 206 ? { range: `${start}-${end}` } : {}) };
    if (method === 'HEAD' || length === 0) {
      res.end();
      event(status, 0, true, extra);
      return;
    }
    const stream = fs.createReadStream(r.file, { start, end });
    let sent = 0;
    stream.on('data', (chunk) => {
      sent += chunk.length;
    });
    let reported = false;
    const report = (complete: boolean): void => {
      if (reported) return;
      reported = true;
      event(status, sent, complete, extra);
    };
    stream.on('error', () => {
      report(false);
      res.destroy();
    });
    res.on('finish', () => report(sent === length));
    res.on('close', () => {
      stream.destroy();
      report(res.writableFinished && sent === length);
    });
    stream.pipe(res);
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
