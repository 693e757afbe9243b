#!/usr/bin/env node
/**
 * Small TFTP download client for scripts/bench-tftp.mjs (RFC 1350 + 2347/2348/2349 + RFC 7440
 * windowsize receiver), built on the project's TFTP codec (dist/decode/tftp/codec.js).
 *
 *   node scripts/bench-tftp-client.mjs SERVER FILE [--blksize N] [--windowsize N] [--count N]
 *
 * --count N runs N downloads at once (each its own socket). Prints one JSON line:
 *   { ok, failed, bytes, seconds, sha256s: [...] }
 * scripts/storm-client.mjs imports `download` from here (the CLI part runs only when executed).
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { pathToFileURL } from 'node:url';
import { decodeTftp, encodeTftp } from '../dist/decode/tftp/codec.js';

/** One download of FILE from SERVER:port; resolves { ok, bytes, sha256, why, windowsize, blksize }. */
export function download(server, file, { blksize = 1468, windowsize = 1, port = 69 } = {}) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const hash = crypto.createHash('sha256');
    let tid = 0;
    let expected = 1;
    let inWindow = 0;
    let bs = 512;
    let win = 1;
    let bytes = 0;
    let idle;
    let retries = 0;
    const done = (ok, why, lastAck) => {
      clearTimeout(idle);
      // Close only after the final ACK has left, or the server never hears it and retransmits.
      if (lastAck !== undefined) sock.send(encodeTftp({ opcode: 4, block: lastAck & 0xffff }), tid, server, () => sock.close());
      else sock.close();
      resolve({ ok, bytes, sha256: hash.digest('hex'), why, windowsize: win, blksize: bs });
    };
    const ack = (block) => sock.send(encodeTftp({ opcode: 4, block: block & 0xffff }), tid, server);
    const rrq = () => {
      const options = { blksize: String(blksize), tsize: '0' };
      if (windowsize > 1) options.windowsize = String(windowsize);
      sock.send(encodeTftp({ opcode: 1, filename: file, mode: 'octet', options }), port, server);
    };
    // Nothing for a while: re-acknowledge the last in-order block so the sender resends from there.
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        if (++retries > 10) return done(false, 'timeout');
        if (tid === 0) rrq();
        else ack(expected - 1);
        arm();
      }, 1000);
    };
    sock.on('message', (msg, r) => {
      if (tid === 0) tid = r.port;
      if (r.port !== tid) return;
      const p = decodeTftp(msg);
      if (!p) return;
      retries = 0;
      arm();
      if (p.opcode === 6) {
        bs = Number(p.options.blksize ?? 512);
        win = Number(p.options.windowsize ?? 1);
        ack(0);
        return;
      }
      if (p.opcode === 5) return done(false, `error ${p.errorCode} ${p.errorMessage}`);
      if (p.opcode !== 3) return;
      if (p.block !== (expected & 0xffff)) {
        // RFC 7440 4: out of order, acknowledge the last block received in order.
        if (inWindow > 0 || p.block !== ((expected - 1) & 0xffff)) ack(expected - 1);
        inWindow = 0;
        return;
      }
      hash.update(p.payload);
      bytes += p.length;
      expected++;
      inWindow++;
      if (p.length < bs) return done(true, undefined, p.block);
      if (inWindow >= win) {
        ack(p.block);
        inWindow = 0;
      }
    });
    sock.bind(0, () => {
      rrq();
      arm();
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const server = args[0];
  const file = args[1];
  const opt = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const blksize = opt('blksize', 1468);
  const windowsize = opt('windowsize', 1);
  const count = opt('count', 1);
  const port = opt('port', 69);
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(Array.from({ length: count }, () => download(server, file, { blksize, windowsize, port })));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    `${JSON.stringify({
      ok: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      bytes: results.reduce((n, r) => n + r.bytes, 0),
      seconds,
      sha256s: [...new Set(results.map((r) => r.sha256))],
      errors: [...new Set(results.filter((r) => !r.ok).map((r) => r.why))],
      // What the server granted in its OACK (1 = lock-step: the option was not acknowledged).
      negotiated: { blksize: results[0]?.blksize, windowsize: results[0]?.windowsize },
    })}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
