#!/usr/bin/env node
/**
 * A bounded flood of PXE DHCPDISCOVERs from random MACs (not a test; run it inside a network
 * namespace of a lab, never in the root namespace):
 *
 *   ip netns exec NS node scripts/flood-dhcp.mjs [--count 300000] [--rate 5000] [--prefix 02:fd]
 *                                               [--wait 2] [--arch 0]
 *
 * Sends COUNT DISCOVERs (broadcast to 255.255.255.255:67, option 60 "PXEClient:Arch:0000A:UNDI:002001",
 * option 93 ARCH, a random GUID in 97), each from a different MAC PREFIX:xx:xx:xx:xx (locally
 * administered), at about RATE per second, then listens WAIT seconds more. Counts the offers that
 * come back to port 68 for the flood's MACs. Prints one JSON line: sent, offers, seconds, rate.
 * Bounded by COUNT and by time: it never sends more than COUNT datagrams.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';

const args = process.argv.slice(2);
const arg = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const count = Number(arg('count', '300000'));
const rate = Number(arg('rate', '5000'));
const waitS = Number(arg('wait', '2'));
const arch = Number(arg('arch', '0'));
const prefix = String(arg('prefix', '02:fd'))
  .split(':')
  .map((h) => parseInt(h, 16));
if (!Number.isInteger(count) || count < 1 || count > 2_000_000) {
  console.error('flood-dhcp: --count must be 1..2000000');
  process.exit(2);
}
if (!(rate > 0) || prefix.length !== 2 || prefix.some((b) => !(b >= 0 && b <= 255))) {
  console.error('flood-dhcp: --rate > 0 and --prefix XX:YY needed');
  process.exit(2);
}

const vendor = Buffer.from(`PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:002001`);
function discover(i) {
  const b = Buffer.alloc(300);
  b[0] = 1; // BOOTREQUEST
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE((0x5eed0000 + i) >>> 0, 4); // xid
  b.writeUInt16BE(0x8000, 10); // broadcast flag
  b[28] = prefix[0];
  b[29] = prefix[1];
  b.writeUInt32BE(i >>> 0, 30); // unique MAC per DISCOVER
  b.writeUInt32BE(0x63825363, 236);
  let p = 240;
  b[p++] = 53;
  b[p++] = 1;
  b[p++] = 1;
  b[p++] = 60;
  b[p++] = vendor.length;
  vendor.copy(b, p);
  p += vendor.length;
  b[p++] = 93;
  b[p++] = 2;
  b.writeUInt16BE(arch, p);
  p += 2;
  b[p++] = 97;
  b[p++] = 17;
  b[p++] = 0;
  crypto.randomFillSync(b, p, 16);
  p += 16;
  b[p++] = 255;
  return b;
}

const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
let offers = 0;
sock.on('message', (m) => {
  if (m.length >= 240 && m[0] === 2 && m[28] === prefix[0] && m[29] === prefix[1]) offers++;
});
await new Promise((resolve, reject) => {
  sock.once('error', reject);
  sock.bind(68, '0.0.0.0', resolve);
});
sock.setBroadcast(true);
sock.setSendBufferSize(4 * 1024 * 1024);

const t0 = Date.now();
let sent = 0;
let errors = 0;
await new Promise((resolve) => {
  const tick = () => {
    const due = Math.min(count, Math.floor(((Date.now() - t0) / 1000) * rate) + 1);
    const batch = [];
    while (sent < due) {
      batch.push(
        new Promise((r) => {
          sock.send(discover(sent), 67, '255.255.255.255', (e) => {
            if (e) errors++;
            r();
          });
        }),
      );
      sent++;
    }
    Promise.all(batch).then(() => (sent >= count ? resolve() : setTimeout(tick, 5)));
  };
  tick();
});
const sendSeconds = (Date.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, waitS * 1000));
sock.close();
console.log(JSON.stringify({ sent, errors, offers, seconds: Number(sendSeconds.toFixed(2)), rate: Math.round(sent / sendSeconds) }));
