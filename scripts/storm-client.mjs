#!/usr/bin/env node
/**
 * A boot storm driver (not a test; run it inside a lab network namespace): COUNT PXE clients
 * starting at once, each doing what a BIOS PXE ROM does against a full DHCP server, then
 * downloading its boot file over TFTP (scripts/bench-tftp-client.mjs, lock-step like a ROM).
 *
 *   ip netns exec NS node scripts/storm-client.mjs [--count 200] [--deadline 120] [--blksize 1468]
 *
 * Each client: its own MAC (02:5c:00:00:HH:LL) and xid; DISCOVER (broadcast flag, option 60
 * PXEClient:Arch:00000, 93 = 0) retransmitted at 4, 8, 16 s like the firmware; the first OFFER with a
 * boot file -> REQUEST (50, 54) -> ACK; then RRQ FILE to siaddr:69 (blksize, tsize). A client fails
 * when it has no ACK after 60 s, when its download fails, or at the deadline. Prints one JSON line:
 * { clients, ok, failed, lastSeconds, medianSeconds, bytes, sha256s, errors }.
 */
import dgram from 'node:dgram';
import { download } from './bench-tftp-client.mjs';

const args = process.argv.slice(2);
const arg = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const count = arg('count', 200);
const deadline = arg('deadline', 120);
const blksize = arg('blksize', 1468);
if (!Number.isInteger(count) || count < 1 || count > 65535) {
  console.error('storm-client: --count must be 1..65535');
  process.exit(2);
}

const VENDOR = Buffer.from('PXEClient:Arch:00000:UNDI:002001');

function message(type, i, extra = []) {
  const b = Buffer.alloc(576);
  b[0] = 1;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE((0x57000000 + i) >>> 0, 4);
  b.writeUInt16BE(0x8000, 10); // broadcast: the client has no address yet
  b[28] = 0x02;
  b[29] = 0x5c;
  b.writeUInt16BE(0, 30);
  b.writeUInt16BE(i, 32);
  b.writeUInt32BE(0x63825363, 236);
  let p = 240;
  const put = (code, data) => {
    b[p++] = code;
    b[p++] = data.length;
    Buffer.from(data).copy(b, p);
    p += data.length;
  };
  put(53, [type]);
  put(60, VENDOR);
  put(93, [0, 0]);
  put(55, [1, 3, 43, 54, 60, 66, 67]);
  for (const [code, data] of extra) put(code, data);
  b[p++] = 255;
  // BOOTP minimum 300 bytes (RFC 1542), more when the options need it.
  return b.subarray(0, Math.max(300, p));
}

/** The fields a client needs from a reply: type, xid, yiaddr, siaddr, server id, boot file. */
function parseReply(m) {
  if (m.length < 240 || m[0] !== 2 || m.readUInt32BE(236) !== 0x63825363) return undefined;
  const r = { xid: m.readUInt32BE(4), yiaddr: [...m.subarray(16, 20)].join('.'), siaddr: [...m.subarray(20, 24)].join('.') };
  const fileField = m.subarray(108, 236);
  const nul = fileField.indexOf(0);
  r.file = fileField.subarray(0, nul < 0 ? 128 : nul).toString('latin1');
  for (let p = 240; p < m.length; ) {
    const code = m[p];
    if (code === 255) break;
    if (code === 0) {
      p++;
      continue;
    }
    const len = m[p + 1];
    const data = m.subarray(p + 2, p + 2 + len);
    if (code === 53) r.type = data[0];
    else if (code === 54) r.serverId = [...data].join('.');
    else if (code === 67) r.bootFile = data.toString('latin1').replace(/\0+$/, '');
    p += 2 + len;
  }
  r.bootFile ??= r.file;
  return r;
}

const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
await new Promise((resolve, reject) => {
  sock.once('error', reject);
  sock.bind(68, '0.0.0.0', resolve);
});
sock.setBroadcast(true);
sock.setRecvBufferSize(4 * 1024 * 1024);
const send = (b) => sock.send(b, 67, '255.255.255.255');

const t0 = Date.now();
const clients = Array.from({ length: count }, (_, i) => ({ i, state: 'discover', timers: [], done: undefined, result: undefined }));
const byXid = new Map(clients.map((c) => [(0x57000000 + c.i) >>> 0, c]));

function finish(c, result) {
  if (c.result) return;
  for (const t of c.timers) clearTimeout(t);
  c.result = { ...result, seconds: (Date.now() - t0) / 1000 };
  c.done();
}

/** Send now and at 4, 12, 28 s (the firmware's 4/8/16 s timeouts) while still in `state`. */
function retransmit(c, state, build) {
  for (const at of [0, 4000, 12000, 28000]) {
    c.timers.push(
      setTimeout(() => {
        if (c.state === state && !c.result) send(build());
      }, at),
    );
  }
  c.timers.push(setTimeout(() => c.state === state && finish(c, { ok: false, why: `no answer in ${state}` }), 60_000));
}

sock.on('message', (m) => {
  const r = parseReply(m);
  if (!r) return;
  const c = byXid.get(r.xid);
  if (!c || c.result) return;
  if (c.state === 'discover' && r.type === 2 && r.yiaddr !== '0.0.0.0' && r.bootFile) {
    c.state = 'request';
    c.offer = r;
    const ip = (a) => a.split('.').map(Number);
    retransmit(c, 'request', () => message(3, c.i, [[50, ip(r.yiaddr)], [54, ip(r.serverId ?? r.siaddr)]]));
  } else if (c.state === 'request' && r.type === 5) {
    c.state = 'tftp';
    const server = r.siaddr !== '0.0.0.0' ? r.siaddr : c.offer.siaddr;
    download(server, r.bootFile || c.offer.bootFile, { blksize }).then((d) => finish(c, { ok: d.ok, why: d.why, bytes: d.bytes, sha256: d.sha256 }));
  } else if (c.state === 'request' && r.type === 6) {
    finish(c, { ok: false, why: 'NAK' });
  }
});

const all = clients.map(
  (c) =>
    new Promise((resolve) => {
      c.done = resolve;
    }),
);
// All at once: every DISCOVER is sent in the same tick.
for (const c of clients) retransmit(c, 'discover', () => message(1, c.i));
const stop = setTimeout(() => {
  for (const c of clients) finish(c, { ok: false, why: `deadline ${deadline} s in ${c.state}` });
}, deadline * 1000);
await Promise.all(all);
clearTimeout(stop);
sock.close();

const results = clients.map((c) => c.result);
const okTimes = results.filter((r) => r.ok).map((r) => r.seconds).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    clients: count,
    ok: okTimes.length,
    failed: count - okTimes.length,
    lastSeconds: okTimes.length ? Number(okTimes[okTimes.length - 1].toFixed(2)) : null,
    medianSeconds: okTimes.length ? Number(okTimes[Math.floor(okTimes.length / 2)].toFixed(2)) : null,
    bytes: results.reduce((n, r) => n + (r.bytes ?? 0), 0),
    sha256s: [...new Set(results.filter((r) => r.ok).map((r) => r.sha256))],
    errors: [...new Set(results.filter((r) => !r.ok).map((r) => r.why))],
  }),
);
