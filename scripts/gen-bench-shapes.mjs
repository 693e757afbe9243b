#!/usr/bin/env node
/**
 * Capture shapes for the bench (not a test) that the mixed captures of gen-bench-capture.mjs miss:
 * few clients with a long history, or very many clients at once (issue 16). Classic pcap, every
 * DHCP and TFTP payload encoded with the project's own codecs and written by its PcapWriter.
 *
 *   npx tsc -p . && node scripts/gen-bench-shapes.mjs --shape NAME [--scale 1] [--out /tmp/pxe-bench] [--seed 1]
 *
 * Shapes (--scale multiplies the length: 0.25 makes a quarter of the frames, for the 4x check):
 * - dhcp-heavy: 2 M frames, 1 ms apart, in cycles of 16: 4 DHCP (four chatty DHCP hosts in turn;
 *   two of them renew with a new xid forever in one DHCP round, two DISCOVER anew every time),
 *   5 TFTP (one host fetching a small file again and again, no DHCP of its own), 7 bulk.
 * - boot-farm: a CI boot farm's day: 20 machines each booting every 3 minutes over 24 h of packet
 *   time (9 600 boots): BIOS PXELINUX (pxelinux.0, config search, ldlinux.c32), BIOS iPXE
 *   (undionly.kpxe, then iPXE's own DHCP and a boot script), UEFI iPXE (snponly.efi, then the
 *   script) and UEFI PXELINUX (syslinux.efi, config search), among bulk traffic (8 frames/s).
 * - dhcp-flood: 100 000 random MACs each sending one DISCOVER, 1 000 a second (a DHCP starvation
 *   tool); the server answers the first 200 (its pool) and then nothing; bulk at twice the rate.
 * - chainload-loop: one client in an iPXE chainload loop for 12 hours (every 20 s: DHCP with
 *   user class iPXE, given undionly.kpxe again, downloads it), bulk at 4 frames/s.
 *
 * Addresses only from 192.0.2.0/24 (PXE), 198.51.100.0/24 and 203.0.113.0/24 (bulk). Writes
 * OUT/shape-NAME-SCALE.pcap and a manifest OUT/shape-NAME-SCALE.json (frames, DHCP/TFTP frames,
 * clients, boots) that the bench checks analyze's output against.
 */
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const dist = path.join(repo, 'dist');
if (!fs.existsSync(path.join(dist, 'decode/dhcp/codec.js'))) {
  console.error('gen-bench-shapes: build first (npx tsc -p .)');
  process.exit(2);
}
const { encodeDhcp } = await import(path.join(dist, 'decode/dhcp/codec.js'));
const { dhcpOpt } = await import(path.join(dist, 'decode/dhcp/options.js'));
const { encodeTftp } = await import(path.join(dist, 'decode/tftp/codec.js'));
const { ByteWriter } = await import(path.join(dist, 'decode/bytes.js'));
const { PcapWriter } = await import(path.join(dist, 'capture/pcap-writer.js'));

// ---------- arguments ----------
const args = process.argv.slice(2);
function flag(name, def) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = args[i + 1];
  if (v === undefined) die(`--${name} needs a value`);
  return v;
}
function die(msg) {
  console.error(`gen-bench-shapes: ${msg}`);
  process.exit(2);
}
const SHAPES = ['dhcp-heavy', 'boot-farm', 'dhcp-flood', 'chainload-loop'];
const shape = String(flag('shape', ''));
if (!SHAPES.includes(shape)) die(`--shape must be one of ${SHAPES.join(', ')}`);
const scaleText = String(flag('scale', '1'));
const scale = Number(scaleText);
if (!(scale > 0 && scale <= 16)) die('--scale must be a number in (0, 16]');
const outDir = String(flag('out', '/tmp/pxe-bench'));
const seed = Number(flag('seed', '1'));
const baseName = path.join(outDir, `shape-${shape}-${scaleText}`);

// ---------- deterministic randomness (mulberry32, as gen-bench-capture.mjs) ----------
let rngState = seed >>> 0 || 1;
function rand() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// ---------- boot files: the real ones when the Debian packages are installed ----------
function file(p, size) {
  try {
    const b = fs.readFileSync(p);
    if (b.length > 0) return new Uint8Array(b);
  } catch {
    /* not installed: same size, pseudo-random */
  }
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (rand() * 256) | 0;
  return b;
}
const FILES = {
  'pxelinux.0': file('/usr/lib/PXELINUX/pxelinux.0', 42430),
  'ldlinux.c32': file('/usr/lib/syslinux/modules/bios/ldlinux.c32', 119524),
  'syslinux.efi': file('/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi', 171456),
  'ldlinux.e64': file('/usr/lib/syslinux/modules/efi64/ldlinux.e64', 135024),
  'undionly.kpxe': file('/usr/lib/ipxe/undionly.kpxe', 74213),
  'snponly.efi': file('/usr/lib/ipxe/snponly.efi', 173792),
  'pxelinux.cfg/default': new TextEncoder().encode('DEFAULT ci\nLABEL ci\n  KERNEL vmlinuz\n  APPEND initrd=initrd.img console=ttyS0\n'),
  'boot.ipxe': new TextEncoder().encode('#!ipxe\nkernel http://192.0.2.2/ci/vmlinuz console=ttyS0\ninitrd http://192.0.2.2/ci/initrd.img\nboot\n'),
  'hosts.txt': new Uint8Array(900).map((_, i) => 97 + (i % 26)),
};

// ---------- frames: Ethernet / IPv4 / UDP around a payload ----------
const frameBuf = new Uint8Array(65536);
let ipId = 1;
function macBytes(s) {
  return Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));
}
function ipNum(s) {
  return s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}
const BCAST = macBytes('ff:ff:ff:ff:ff:ff');

function ethIp(srcMac, dstMac, src, dst, proto, l4Length) {
  const b = frameBuf;
  b.set(dstMac, 0);
  b.set(srcMac, 6);
  b[12] = 0x08;
  b[13] = 0x00;
  const total = 20 + l4Length;
  b[14] = 0x45;
  b[15] = 0;
  b[16] = total >>> 8;
  b[17] = total & 0xff;
  ipId = (ipId + 1) & 0xffff;
  b[18] = ipId >>> 8;
  b[19] = ipId & 0xff;
  b[20] = 0;
  b[21] = 0;
  b[22] = 64;
  b[23] = proto;
  b[24] = 0;
  b[25] = 0;
  for (let i = 0; i < 4; i++) {
    b[26 + i] = (src >>> (24 - 8 * i)) & 0xff;
    b[30 + i] = (dst >>> (24 - 8 * i)) & 0xff;
  }
  // IPv4 header checksum (RFC 791).
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (b[i] << 8) | b[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  b[24] = c >>> 8;
  b[25] = c & 0xff;
  return 34;
}

/** A UDP frame in frameBuf (checksum 0: none, allowed on IPv4), padded to 60 bytes; returns its length. */
function udpFrame(srcMac, dstMac, src, sport, dst, dport, payload) {
  const ulen = 8 + payload.length;
  const o = ethIp(srcMac, dstMac, src, dst, 17, ulen);
  const b = frameBuf;
  b[o] = sport >>> 8;
  b[o + 1] = sport & 0xff;
  b[o + 2] = dport >>> 8;
  b[o + 3] = dport & 0xff;
  b[o + 4] = ulen >>> 8;
  b[o + 5] = ulen & 0xff;
  b[o + 6] = 0;
  b[o + 7] = 0;
  b.set(payload, o + 8);
  const len = o + ulen;
  if (len < 60) {
    b.fill(0, len, 60);
    return 60;
  }
  return len;
}

const dhcpWriter = new ByteWriter(1024);
const tftpWriter = new ByteWriter(2048);
function dhcp(init) {
  dhcpWriter.pos = 0;
  return encodeDhcp(init, dhcpWriter);
}
function tftp(p) {
  tftpWriter.pos = 0;
  return encodeTftp(p, tftpWriter);
}

// ---------- bulk: TCP data and ACKs, DNS, ARP (never on a DHCP/TFTP port) ----------
const bulkA = macBytes('02:00:00:00:aa:01');
const bulkB = macBytes('02:00:00:00:bb:01');
const bulkPayload = new Uint8Array(1448).map((_, i) => (i * 31 + 7) & 0xff);
const dnsName = [3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0];
const dnsQuery = Uint8Array.from([0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName, 0, 1, 0, 1]);
let bulkN = 0;
const seqs = new Uint32Array(16);
function bulkFrame() {
  const n = bulkN++;
  const r = n % 8;
  const client = ipNum('198.51.100.10') + (n % 200);
  const server = ipNum('203.0.113.10') + (n % 50);
  if (r === 7) {
    dnsQuery[0] = n >>> 8;
    dnsQuery[1] = n & 0xff;
    return udpFrame(bulkA, bulkB, client, 49152 + (n % 16000), server, 53, dnsQuery);
  }
  if (r === 6) {
    const b = frameBuf;
    b.set(BCAST, 0);
    b.set(bulkA, 6);
    b[12] = 0x08;
    b[13] = 0x06;
    b.set([0, 1, 8, 0, 6, 4, 0, 1], 14);
    b.set(bulkA, 22);
    b.set([198, 51, 100, 10 + (n % 200)], 28);
    b.fill(0, 32, 38);
    b.set([203, 0, 113, 10 + (n % 50)], 38);
    b.fill(0, 42, 60);
    return 60;
  }
  // TCP: data segments from the server (r 0-2), bare ACKs from the client (r 3-5).
  const flow = n % 16;
  const fromServer = r < 3;
  const dataLen = fromServer ? 1448 : 0;
  const o = ethIp(fromServer ? bulkB : bulkA, fromServer ? bulkA : bulkB, fromServer ? server : client, fromServer ? client : server, 6, 20 + dataLen);
  const b = frameBuf;
  const cport = 40000 + flow;
  const [sp, dp] = fromServer ? [443, cport] : [cport, 443];
  b[o] = sp >>> 8;
  b[o + 1] = sp & 0xff;
  b[o + 2] = dp >>> 8;
  b[o + 3] = dp & 0xff;
  const seq = seqs[flow];
  for (let i = 0; i < 4; i++) {
    b[o + 4 + i] = (seq >>> (24 - 8 * i)) & 0xff;
    b[o + 8 + i] = 0;
  }
  b[o + 12] = 0x50;
  b[o + 13] = fromServer ? 0x18 : 0x10;
  b[o + 14] = 0x01;
  b[o + 15] = 0xf5;
  b.fill(0, o + 16, o + 20);
  if (fromServer) {
    b.set(bulkPayload, o + 20);
    seqs[flow] = (seq + dataLen) >>> 0;
  }
  return Math.max(60, o + 20 + dataLen);
}

// ---------- the PXE side ----------
const DHCP_SERVER = { ip: '192.0.2.1', mac: macBytes('02:00:00:00:01:01') };
const TFTP_SERVER = { ip: '192.0.2.2', mac: macBytes('02:00:00:00:02:01') };
const BLKSIZE = 1456;
const serverOptions = [dhcpOpt.subnetMask('255.255.255.0'), dhcpOpt.routers([DHCP_SERVER.ip]), dhcpOpt.leaseTime(3600), dhcpOpt.serverId(DHCP_SERVER.ip)];

function macOf(prefix, i) {
  return `${prefix}:${((i >>> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >>> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
}
const FIRMWARE = {
  bios: { arch: 0, vendor: 'PXEClient:Arch:00000:UNDI:002001', ndi: [1, 2, 1] },
  uefi: { arch: 7, vendor: 'PXEClient:Arch:00007:UNDI:003016', ndi: [1, 3, 16] },
};
/** Options a PXE client sends: firmware's, or iPXE's (user class "iPXE", option 175). */
function clientOptions(fw, guid, ipxe) {
  const o = [dhcpOpt.maxMessageSize(1464), dhcpOpt.clientArch([fw.arch]), dhcpOpt.clientNdi(...fw.ndi), dhcpOpt.clientGuid(guid), dhcpOpt.vendorClass(fw.vendor)];
  if (ipxe) o.push(dhcpOpt.userClass(['iPXE'], true), dhcpOpt.ipxe([{ code: 0xeb, hex: '010000' }]));
  return o;
}

/**
 * One DHCP exchange, DISCOVER/OFFER/REQUEST/ACK, yielding [ts, build, kind]; `answered` false
 * (a pool exhausted): the DISCOVER alone. The ACK names `bootFile` on next-server TFTP_SERVER.
 */
function* dora(t, c, { xid, options = [], yiaddr, bootFile, answered = true }) {
  const bootOpts = bootFile ? [dhcpOpt.bootFile(bootFile)] : [];
  const file = bootFile ?? '';
  const siaddr = bootFile ? TFTP_SERVER.ip : '0.0.0.0';
  yield [t, () => udpFrame(c.macB, BCAST, 0, 68, 0xffffffff, 67, dhcp({ op: 1, xid, chaddr: c.mac, flags: 0x8000, options: [dhcpOpt.messageType(1), ...options] })), 'dhcp'];
  if (!answered) return t;
  t += 0.002 + rand() * 0.002;
  yield [t, () => udpFrame(DHCP_SERVER.mac, BCAST, ipNum(DHCP_SERVER.ip), 67, 0xffffffff, 68, dhcp({ op: 2, xid, chaddr: c.mac, flags: 0x8000, yiaddr, siaddr, file, options: [dhcpOpt.messageType(2), ...serverOptions, ...bootOpts] })), 'dhcp'];
  t += 0.5 + rand() * 0.5;
  yield [t, () => udpFrame(c.macB, BCAST, 0, 68, 0xffffffff, 67, dhcp({ op: 1, xid, chaddr: c.mac, flags: 0x8000, options: [dhcpOpt.messageType(3), dhcpOpt.requestedIp(yiaddr), dhcpOpt.serverId(DHCP_SERVER.ip), ...options] })), 'dhcp'];
  t += 0.001 + rand() * 0.002;
  yield [t, () => udpFrame(DHCP_SERVER.mac, BCAST, ipNum(DHCP_SERVER.ip), 67, 0xffffffff, 68, dhcp({ op: 2, xid, chaddr: c.mac, flags: 0x8000, yiaddr, siaddr, file, options: [dhcpOpt.messageType(5), ...serverOptions, ...bootOpts] })), 'dhcp'];
  return t;
}

/** A renewal (RFC 2131 §4.4.5): unicast REQUEST from the leased address, ACK. */
function* renew(t, c, xid, ip) {
  const a = ipNum(ip);
  const s = ipNum(DHCP_SERVER.ip);
  yield [t, () => udpFrame(c.macB, DHCP_SERVER.mac, a, 68, s, 67, dhcp({ op: 1, xid, chaddr: c.mac, ciaddr: ip, options: [dhcpOpt.messageType(3)] })), 'dhcp'];
  t += 0.001;
  yield [t, () => udpFrame(DHCP_SERVER.mac, c.macB, s, 67, a, 68, dhcp({ op: 2, xid, chaddr: c.mac, ciaddr: ip, yiaddr: ip, options: [dhcpOpt.messageType(5), ...serverOptions] })), 'dhcp'];
  return t;
}

/**
 * A TFTP read (RFC 1350 + RFC 2347 options): RRQ, OACK from a fresh server port, ACK 0, then DATA/ACK
 * in lock-step; `missing` true: the server answers ERROR 1 (a config search miss). `step` is the
 * time between two frames.
 */
function* tftpRead(t, c, ip, name, { cport, sport, missing = false, options = true, step = 0.0003 }) {
  const a = ipNum(ip);
  const s = ipNum(TFTP_SERVER.ip);
  const data = FILES[name];
  const opts = options ? { blksize: String(BLKSIZE), tsize: '0' } : {};
  const blk = options ? BLKSIZE : 512;
  yield [t, () => udpFrame(c.macB, TFTP_SERVER.mac, a, cport, s, 69, tftp({ opcode: 1, filename: name, mode: 'octet', options: opts })), 'tftp'];
  t += step;
  if (missing) {
    yield [t, () => udpFrame(TFTP_SERVER.mac, c.macB, s, sport, a, cport, tftp({ opcode: 5, errorCode: 1, errorMessage: 'File not found' })), 'tftp'];
    return t;
  }
  if (options) {
    yield [t, () => udpFrame(TFTP_SERVER.mac, c.macB, s, sport, a, cport, tftp({ opcode: 6, options: { blksize: String(BLKSIZE), tsize: String(data.length) } })), 'tftp'];
    t += step;
    yield [t, () => udpFrame(c.macB, TFTP_SERVER.mac, a, cport, s, sport, tftp({ opcode: 4, block: 0 })), 'tftp'];
  }
  const blocks = Math.floor(data.length / blk) + 1;
  for (let b = 1; b <= blocks; b++) {
    t += step;
    const start = (b - 1) * blk;
    yield [t, () => udpFrame(TFTP_SERVER.mac, c.macB, s, sport, a, cport, tftp({ opcode: 3, block: b & 0xffff, payload: data.subarray(start, Math.min(data.length, start + blk)) })), 'tftp'];
    t += step;
    yield [t, () => udpFrame(c.macB, TFTP_SERVER.mac, a, cport, s, sport, tftp({ opcode: 4, block: b & 0xffff })), 'tftp'];
  }
  return t;
}

function client(mac) {
  return { mac, macB: macBytes(mac) };
}
let portN = 0;
/** A client port and a server port for the next transfer (RFC 1350 TIDs), cycling through the ranges. */
function ports() {
  portN++;
  return { cport: 1024 + ((portN * 7919) % 60000), sport: 32768 + ((portN * 104729) % 28000) };
}
function xid() {
  return (rand() * 0xffffffff) >>> 0 || 1;
}

// ---------- the shapes: each a list of sources (generators of [ts, build, kind]) ----------
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const manifest = { shape, scale, clients: 0, boots: 0 };

/** Bulk frames at `perSecond` from `from` to `until`, evenly spaced with some jitter. */
function* bulk(from, until, perSecond) {
  const gap = 1 / perSecond;
  for (let t = from; t < until; t += gap * (0.5 + rand())) yield [t, bulkFrame, 'bulk'];
}

function dhcpHeavy() {
  // Cycles of 16 frames, 1 ms apart: 4 DHCP, 5 TFTP, 7 bulk. Host k of the four DHCP hosts has
  // the cycles k, k+4, ...: hosts 0 and 1 renew (two REQUEST/ACK, new xids, one DHCP round for
  // the whole capture), hosts 2 and 3 DISCOVER anew each time (a new round each time).
  const cycles = Math.round((2 * 2 ** 20 * scale) / 16);
  const hosts = [0, 1, 2, 3].map((k) => ({ ...client(macOf('02:00:5e', 0x100000 + k + 1)), ip: `192.0.2.${20 + k}` }));
  const tftpHost = { ...client(macOf('02:00:5e', 0x200001)), ip: '192.0.2.30' };
  manifest.clients = 5;
  const slot = 0.001;
  function* dhcpSide() {
    // Each host's first exchange is a full DORA (its lease), as real hosts start.
    for (let cyc = 0; cyc < cycles; cyc++) {
      const k = cyc % 4;
      const h = hosts[k];
      const t = T0 + cyc * 16 * slot;
      const times = [t, t + slot, t + 2 * slot, t + 3 * slot];
      if (k >= 2 || cyc < 4) {
        const x = xid();
        const msgs = [
          () => udpFrame(h.macB, BCAST, 0, 68, 0xffffffff, 67, dhcp({ op: 1, xid: x, chaddr: h.mac, options: [dhcpOpt.messageType(1), dhcpOpt.hostname(`host${k}`)] })),
          () => udpFrame(DHCP_SERVER.mac, h.macB, ipNum(DHCP_SERVER.ip), 67, ipNum(h.ip), 68, dhcp({ op: 2, xid: x, chaddr: h.mac, yiaddr: h.ip, options: [dhcpOpt.messageType(2), ...serverOptions] })),
          () => udpFrame(h.macB, BCAST, 0, 68, 0xffffffff, 67, dhcp({ op: 1, xid: x, chaddr: h.mac, options: [dhcpOpt.messageType(3), dhcpOpt.requestedIp(h.ip), dhcpOpt.serverId(DHCP_SERVER.ip)] })),
          () => udpFrame(DHCP_SERVER.mac, h.macB, ipNum(DHCP_SERVER.ip), 67, ipNum(h.ip), 68, dhcp({ op: 2, xid: x, chaddr: h.mac, yiaddr: h.ip, options: [dhcpOpt.messageType(5), ...serverOptions] })),
        ];
        for (let i = 0; i < 4; i++) yield [times[i], msgs[i], 'dhcp'];
      } else {
        yield* renew(times[0], h, xid(), h.ip);
        yield* renew(times[2], h, xid(), h.ip);
      }
    }
  }
  function* tftpSide() {
    // RRQ (no options: 512-byte blocks), DATA 1, ACK 1, DATA 2 (short: the end), ACK 2.
    for (let cyc = 0; cyc < cycles; cyc++) {
      const t = T0 + (cyc * 16 + 4) * slot;
      const g = tftpRead(t, tftpHost, tftpHost.ip, 'hosts.txt', { ...ports(), options: false, step: slot });
      for (const f of g) yield f;
    }
  }
  function* bulkSide() {
    for (let cyc = 0; cyc < cycles; cyc++) for (let i = 9; i < 16; i++) yield [T0 + (cyc * 16 + i) * slot, bulkFrame, 'bulk'];
  }
  return [dhcpSide(), tftpSide(), bulkSide()];
}

function bootFarm() {
  const hours = 24 * scale;
  const until = T0 + hours * 3600;
  const MACHINES = 20;
  const KINDS = ['bios-pxelinux', 'bios-ipxe', 'uefi-ipxe', 'uefi-pxelinux'];
  manifest.clients = MACHINES;
  function* machine(m) {
    const c = client(macOf('52:54:00', 0xc10000 + m + 1));
    const kind = KINDS[m % KINDS.length];
    const fw = kind.startsWith('bios') ? FIRMWARE.bios : FIRMWARE.uefi;
    const guid = `${(0x20000000 + m).toString(16)}-0000-4000-8000-${c.mac.replace(/:/g, '')}`;
    const ip = `192.0.2.${100 + m}`;
    const firmwareOpts = clientOptions(fw, guid, false);
    // Machines start spread over the first 3 minutes; each boots every 180 s (a few s of jitter).
    for (let t = T0 + m * 9 + rand() * 5; t < until - 60; t += 180 + rand() * 4 - 2) {
      manifest.boots++;
      const nbp = { 'bios-pxelinux': 'pxelinux.0', 'bios-ipxe': 'undionly.kpxe', 'uefi-ipxe': 'snponly.efi', 'uefi-pxelinux': 'syslinux.efi' }[kind];
      let s = t;
      s = yield* dora(s, c, { xid: xid(), options: firmwareOpts, yiaddr: ip, bootFile: nbp });
      s = yield* tftpRead(s + 0.05, c, ip, nbp, ports());
      if (kind.endsWith('pxelinux')) {
        // PXELINUX's config search (the GUID, the MAC, ... then default), then its library.
        const lib = kind.startsWith('bios') ? 'ldlinux.c32' : 'ldlinux.e64';
        s = yield* tftpRead(s + 0.2, c, ip, lib, ports());
        for (const name of [`pxelinux.cfg/${guid}`, `pxelinux.cfg/01-${c.mac.replace(/:/g, '-')}`, 'pxelinux.cfg/C000026']) {
          s = yield* tftpRead(s + 0.01, c, ip, name, { ...ports(), missing: true });
        }
        s = yield* tftpRead(s + 0.01, c, ip, 'pxelinux.cfg/default', ports());
      } else {
        // iPXE starts, asks DHCP again (user class iPXE) and is given its script.
        s = yield* dora(s + 1.5, c, { xid: xid(), options: clientOptions(fw, guid, true), yiaddr: ip, bootFile: 'boot.ipxe' });
        s = yield* tftpRead(s + 0.05, c, ip, 'boot.ipxe', ports());
      }
    }
  }
  const sources = [];
  for (let m = 0; m < MACHINES; m++) sources.push(machine(m));
  sources.push(bulk(T0, until, 8));
  return sources;
}

function dhcpFlood() {
  const macs = Math.round(100_000 * scale);
  const perSecond = 1000;
  const POOL = 200;
  manifest.clients = macs;
  function* flood() {
    for (let i = 0; i < macs; i++) {
      // Random locally administered unicast MACs, as starvation tools make them.
      const b = [0, 0, 0, 0, 0, 0].map(() => (rand() * 256) | 0);
      b[0] = (b[0] & 0xfc) | 0x02;
      const c = client(b.map((x) => x.toString(16).padStart(2, '0')).join(':'));
      const t = T0 + i / perSecond;
      if (i < POOL) {
        // The pool still has addresses: DISCOVER and OFFER (the tool never REQUESTs).
        const g = dora(t, c, { xid: xid(), yiaddr: `192.0.2.${10 + i}` });
        yield g.next().value;
        yield g.next().value;
      } else yield* dora(t, c, { xid: xid(), answered: false });
    }
  }
  return [flood(), bulk(T0, T0 + macs / perSecond, 2 * perSecond)];
}

function chainloadLoop() {
  const until = T0 + 12 * 3600 * scale;
  manifest.clients = 1;
  function* loop() {
    const c = client('52:54:00:be:00:01');
    const guid = '30000001-0000-4000-8000-525400be0001';
    const ip = '192.0.2.100';
    const opts = clientOptions(FIRMWARE.bios, guid, true);
    for (let t = T0; t < until - 30; t += 20 + rand()) {
      manifest.boots++;
      const s = yield* dora(t, c, { xid: xid(), options: opts, yiaddr: ip, bootFile: 'undionly.kpxe' });
      yield* tftpRead(s + 0.5, c, ip, 'undionly.kpxe', ports());
    }
  }
  return [loop(), bulk(T0, until, 4)];
}

const sources = { 'dhcp-heavy': dhcpHeavy, 'boot-farm': bootFarm, 'dhcp-flood': dhcpFlood, 'chainload-loop': chainloadLoop }[shape]();

// ---------- merge the sources in time order (a small binary heap) ----------
const heap = [];
function heapPush(e) {
  heap.push(e);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p].ts <= heap[i].ts) break;
    [heap[p], heap[i]] = [heap[i], heap[p]];
    i = p;
  }
}
function heapPop() {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l].ts < heap[m].ts) m = l;
      if (r < heap.length && heap[r].ts < heap[m].ts) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i], heap[m]];
      i = m;
    }
  }
  return top;
}
function schedule(gen) {
  const r = gen.next();
  if (!r.done) heapPush({ ts: r.value[0], gen, pending: r.value });
}

fs.mkdirSync(outDir, { recursive: true });
const pcap = new PcapWriter(`${baseName}.pcap`, 1, { bufferBytes: 8 << 20 });
const stats = { frames: 0, dhcpFrames: 0, tftpFrames: 0, bulkFrames: 0 };
const t0 = process.hrtime.bigint();
for (const s of sources) schedule(s);
let firstTs;
let lastTs = 0;
while (heap.length > 0) {
  const e = heapPop();
  const [ts, build, kind] = e.pending;
  const len = build();
  pcap.write(ts, frameBuf.subarray(0, len));
  firstTs ??= ts;
  lastTs = ts;
  stats.frames++;
  stats[`${kind}Frames`]++;
  schedule(e.gen);
}
await pcap.close();
Object.assign(manifest, stats, {
  pcap: `${baseName}.pcap`,
  pcapBytes: fs.statSync(`${baseName}.pcap`).size,
  spanSeconds: Math.round(lastTs - firstTs),
  seed,
  generateSeconds: Math.round(Number(process.hrtime.bigint() - t0) / 1e7) / 100,
});
fs.writeFileSync(`${baseName}.json`, JSON.stringify(manifest, null, 2) + '\n');
console.log(JSON.stringify(manifest));
