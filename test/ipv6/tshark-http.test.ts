/**
 * HTTP boot heads against tshark (TShark 4.0.17 golden files, scripts/golden-tshark.mjs `http`):
 * on every TCP flow pxe-doctor decodes (flows to/from a server named by a boot URL), each HTTP
 * request/response head we report must be one tshark reports on the same frame, with the same
 * method, target, status and Content-Length, and the reverse. HTTP on other flows is not boot
 * traffic and is not decoded by design.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeOurs, type Golden } from '../decode/tshark-compare.js';
import type { DecodeRecord } from '../../src/report/decode-line.js';

const root = resolve(import.meta.dirname, '../..');

function goldens(dir: string): Golden[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return goldens(p);
    if (!/\.json(\.gz)?$/.test(e)) return [];
    const raw = readFileSync(p);
    return [JSON.parse((p.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Golden];
  });
}

const withHttp = goldens(join(root, 'test/golden')).filter((g) => (g.http?.length ?? 0) > 0);

describe('HTTP boot heads agree with tshark', () => {
  it('the HTTP boot lab captures have HTTP in their golden files', () => {
    const names = withHttp.map((g) => g.capture);
    expect(names).toEqual(expect.arrayContaining(['fixtures/captures/http-ok-uefi.pcap', 'fixtures/captures/v6-http-fail-uefi.pcap']));
  });

  for (const g of withHttp) {
    it(g.capture, async () => {
      const http = new Map<number, DecodeRecord>();
      await decodeOurs(join(root, g.capture), http);
      const flow = (a: string, ap: number, b: string, bp: number): string => [`${a}|${ap}`, `${b}|${bp}`].sort().join('>');
      const ourFlows = new Set([...http.values()].map((r) => flow(r.src, r.sport, r.dst, r.dport)));
      const theirs = g.http!.filter((h) => ourFlows.has(flow(h.src, h.sport, h.dst, h.dport)));
      const ours = [...http.values()]
        .filter((r) => r.http !== undefined)
        .map((r) => {
          const h = r.http!;
          return h.type === 'request'
            ? { frame: r.frame, src: r.src, sport: r.sport, dst: r.dst, dport: r.dport, method: h.method, target: h.target }
            : { frame: r.frame, src: r.src, sport: r.sport, dst: r.dst, dport: r.dport, status: h.status, ...(h.contentLength !== undefined ? { contentLength: h.contentLength } : {}) };
        });
      expect(ours).toEqual(theirs);
    });
  }
});
