#!/usr/bin/env node
/**
 * Benchmark capture generator (not a test): writes the same mixed traffic as classic pcap AND pcapng.
 *
 *   npx tsc -p . && node scripts/gen-bench-capture.mjs [--size 1G] [--clients 10000] [--out /tmp/pxe-bench]
 *                                                     [--seed 1] [--uefi-share 0.1] [--seconds-per-gib 900] [--pcap-only]
 *
 * What is in it:
 * - CLIENTS PXE clients, each a full proxyDHCP boot as real firmware does it (modelled on the lab
 *   capture fixtures/captures/ok-bios-proxydhcp.pcap): DISCOVER, OFFER from the DHCP server, proxy
 *   OFFER (PXEClient + option 43), REQUEST, ACK, REQUEST/ACK to the boot server's port 4011, then a
 *   TFTP RRQ (blksize 1456, tsize 0), OACK from an ephemeral server port, ACK 0 and the whole NBP in
 *   DATA/ACK lock-step. BIOS clients fetch pxelinux.0, UEFI clients syslinux.efi, with the real
 *   files' bytes when the Debian packages are installed (else same-size pseudo-random bytes).
 *   DHCP and TFTP payloads are encoded with the project's own codecs (dist/decode/...).
 * - Bulk non-PXE traffic filling the rest up to SIZE: TCP (full-size segments and bare ACKs over 64
 *   flows), other UDP (DNS, RTP, syslog, NTP), ARP and IPv6 UDP. None of it is on a DHCP/TFTP port
 *   or between PXE endpoints, so every PXE-looking packet in the file is one of the clients'.
 *
 * Timing: packets are merged in time order; the capture spans SECONDS_PER_GIB seconds per GiB and
 * client starts are spread uniformly over it (a boot takes ~1.5 s of packet time, so about
 * CLIENTS*1.5/span boot at once: ~17 for 10 000 clients in 1 GiB).
 *
 * Addresses only from 192.0.2.0/24 (PXE: servers .1/.2, clients .10-.249, reused), 198.51.100.0/24
 * and 203.0.113.0/24 (bulk). Files go to OUT/bench-SIZE-CLIENTSc.pcap and .pcapng plus a manifest
 * OUT/bench-SIZE-CLIENTSc.json with the exact counts (frames, DHCP, TFTP, clients) the bench checks against.
 */
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const dist = path.join(repo, 'dist');
if (!fs.existsSync(path.join(dist, 'decode/dhcp/codec.js'))) {
  console.error('gen-bench-capture: build first (npx tsc -p .)');
  process.exit(2);
}
const { encodeDhcp } = await import(path.join(dist, 'decode/dhcp/codec.js'));
const { dhcpOpt } = await import(path.join(dist, 'decode/dhcp/options.js'));
const { encodeTftp } = await import(path.join(dist, 'decode/tftp/codec.js'));
const { ByteWriter } = await import(path.join(dist, 'decode/bytes.js'));
const { PcapWriter } = await import(path.join(dist, 'capture/pcap-writer.js'));
const { PcapngWriter } = await import(path.join(dist, 'capture/pcapng-writer.js'));

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
  console.error(`gen-bench-capture: ${msg}`);
  process.exit(2);
}
function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(String(s).trim());
  if (!m) return undefined;
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * mult);
}
const sizeLabel = String(flag('size', '1G'));
const targetBytes = parseSize(sizeLabel);
if (!targetBytes || targetBytes < 1 << 20) die(`--size: "${sizeLabel}" is not a size of at least 1M (e.g. 256M, 1G, 4G)`);
const clientCount = Number(flag('clients', '10000'));
if (!Number.isInteger(clientCount) || clientCount < 0) die('--clients must be a whole number');
const outDir = String(flag('out', '/tmp/pxe-bench'));
const seed = Number(flag('seed', '1'));
const uefiShare = Number(flag('uefi-share', '0.1'));
const secondsPerGib = Number(flag('seconds-per-gib', '900'));
const pcapOnly = args.includes('--pcap-only');
const baseName = path.join(outDir, `bench-${sizeLabel}-${clientCount}c`);

// ---------- deterministic randomness (mulberry32) ----------
let rngState = seed >>> 0 || 1;
function rand() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// ---------- NBPs ----------
function nbp(file, size) {
  try {
    const b = fs.readFileSync(file);
    if (b.length > 0) return new Uint8Array(b);
  } catch {
    /* not installed: same size, pseudo-random */
  }
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (rand() * 256) | 0;
  return b;
}
const NBPS = {
  bios: { name: 'pxelinux.0', arch: 0, vendor: 'PXEClient:Arch:00000:UNDI:002001', data: nbp('/usr/lib/PXELINUX/pxelinux.0', 42430) },
  uefi: { name: 'syslinux.efi', arch: 7, vendor: 'PXEClient:Arch:00007:UNDI:003016', data: nbp('/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi', 171456) },
};
const BLKSIZE = 1456;

// ---------- frame building: Ethernet / IPv4 / UDP around a payload ----------
const DHCP_SERVER = { ip: '192.0.2.1', mac: '02:00:00:00:01:01' };
const PROXY_SERVER = { ip: '192.0.2.2', mac: '02:00:00:00:02:01' };
const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

function macBytes(s) {
  return Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));
}
function ipNum(s) {
  return s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}
const frameBuf = new Uint8Array(65536);
let ipId = 1;

/** IPv4 header checksum (RFC 791): bulk and PXE frames look sane to tshark's expert info. */
function ipChecksum(b, off) {
  let sum = 0;
  for (let i = 0; i < 20; i += 2) if (i !== 10) sum += (b[off + i] << 8) | b[off + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Writes Ethernet + IPv4 (proto) headers into `frameBuf`; returns the offset of the L4 header. */
function ethIp(srcMac, dstMac, src, dst, proto, l4Length, ttl = 64) {
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
  b[22] = ttl;
  b[23] = proto;
  b[24] = 0;
  b[25] = 0;
  for (let i = 0; i < 4; i++) {
    b[26 + i] = (src >>> (24 - 8 * i)) & 0xff;
    b[30 + i] = (dst >>> (24 - 8 * i)) & 0xff;
  }
  const c = ipChecksum(b, 14);
  b[24] = c >>> 8;
  b[25] = c & 0xff;
  return 34;
}

/** A UDP frame in `frameBuf` (checksum 0 = none, allowed on IPv4, RFC 768); returns its length. */
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
  // Ethernet minimum frame (without FCS) is 60 bytes: pad like a NIC does.
  const len = o + ulen;
  if (len < 60) {
    b.fill(0, len, 60);
    return 60;
  }
  return len;
}

// ---------- one PXE client's boot: yields [ts, build() -> frame length in frameBuf, kind] ----------
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

const stats = { frames: 0, bytes: 0, dhcp: 0, tftp: 0, clients: 0, bulk: 0, pxeBytes: 0 };

function* pxeClient(i, t0, kind) {
  const n = NBPS[kind];
  const mac = `52:54:${((i >>> 24) & 0xff).toString(16).padStart(2, '0')}:${((i >>> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >>> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
  const macB = macBytes(mac);
  const bcast = macBytes(BROADCAST_MAC);
  const dsMac = macBytes(DHCP_SERVER.mac);
  const psMac = macBytes(PROXY_SERVER.mac);
  const guid = `${(0x10000000 + i).toString(16)}-0000-4000-8000-${mac.replace(/:/g, '')}`;
  const yiaddr = `192.0.2.${10 + (i % 240)}`;
  const yi = ipNum(yiaddr);
  const xid = (Math.imul(i + 1, 2654435761) >>> 0) || 1;
  const ds = ipNum(DHCP_SERVER.ip);
  const ps = ipNum(PROXY_SERVER.ip);
  const pxeClientOptions = [
    dhcpOpt.maxMessageSize(1464),
    dhcpOpt.paramRequestList([1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 43, 54, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135]),
    dhcpOpt.clientArch([n.arch]),
    dhcpOpt.clientNdi(1, kind === 'bios' ? 2 : 3, kind === 'bios' ? 1 : 16),
    dhcpOpt.clientGuid(guid),
    dhcpOpt.vendorClass(n.vendor),
  ];
  const serverOptions = [dhcpOpt.subnetMask('255.255.255.0'), dhcpOpt.routers([DHCP_SERVER.ip]), dhcpOpt.leaseTime(3600)];
  const proxyPxe = dhcpOpt.pxeVendor({ discoveryControl: 3 });
  let t = t0;

  // DISCOVER (broadcast, from 0.0.0.0:68).
  yield [t, () => udpFrame(macB, bcast, 0, 68, 0xffffffff, 67, dhcp({ op: 1, xid, chaddr: mac, flags: 0x8000, options: [dhcpOpt.messageType(1), ...pxeClientOptions] })), 'dhcp'];
  // OFFER from the DHCP server (address only), proxy OFFER (PXEClient, no address).
  t += 0.004 + rand() * 0.004;
  yield [t, () => udpFrame(dsMac, bcast, ds, 67, 0xffffffff, 68, dhcp({ op: 2, xid, chaddr: mac, flags: 0x8000, yiaddr, siaddr: DHCP_SERVER.ip, options: [dhcpOpt.messageType(2), dhcpOpt.serverId(DHCP_SERVER.ip), ...serverOptions] })), 'dhcp'];
  t += 0.002 + rand() * 0.004;
  yield [t, () => udpFrame(psMac, bcast, ps, 67, 0xffffffff, 68, dhcp({ op: 2, xid, chaddr: mac, flags: 0x8000, siaddr: PROXY_SERVER.ip, options: [dhcpOpt.messageType(2), dhcpOpt.serverId(PROXY_SERVER.ip), dhcpOpt.vendorClass('PXEClient'), dhcpOpt.clientGuid(guid), proxyPxe] })), 'dhcp'];
  // PXE ROMs wait for more offers (PXE 2.1 §2.2.1) before they REQUEST.
  t += 0.9 + rand() * 0.2;
  yield [t, () => udpFrame(macB, bcast, 0, 68, 0xffffffff, 67, dhcp({ op: 1, xid, chaddr: mac, flags: 0x8000, options: [dhcpOpt.messageType(3), dhcpOpt.requestedIp(yiaddr), dhcpOpt.serverId(DHCP_SERVER.ip), ...pxeClientOptions] })), 'dhcp'];
  t += 0.001 + rand() * 0.002;
  yield [t, () => udpFrame(dsMac, bcast, ds, 67, 0xffffffff, 68, dhcp({ op: 2, xid, chaddr: mac, flags: 0x8000, yiaddr, siaddr: DHCP_SERVER.ip, options: [dhcpOpt.messageType(5), dhcpOpt.serverId(DHCP_SERVER.ip), ...serverOptions] })), 'dhcp'];
  // Boot server request to port 4011 (PXE 2.1 §2.2.5), unicast from the new address.
  t += 0.3 + rand() * 0.3;
  yield [t, () => udpFrame(macB, psMac, yi, 68, ps, 4011, dhcp({ op: 1, xid, chaddr: mac, ciaddr: yiaddr, options: [dhcpOpt.messageType(3), ...pxeClientOptions] })), 'dhcp'];
  t += 0.0005 + rand() * 0.001;
  yield [t, () => udpFrame(psMac, macB, ps, 4011, yi, 68, dhcp({ op: 2, xid, chaddr: mac, ciaddr: yiaddr, siaddr: PROXY_SERVER.ip, file: n.name, options: [dhcpOpt.messageType(5), dhcpOpt.serverId(PROXY_SERVER.ip), dhcpOpt.vendorClass('PXEClient'), dhcpOpt.clientGuid(guid), dhcpOpt.bootFile(n.name), dhcpOpt.pxeVendor({ bootItem: { type: 0, layer: 0 } })] })), 'dhcp'];

  // TFTP: RRQ to 69, OACK from a fresh server port (RFC 1350 §4 TIDs), ACK 0, DATA/ACK lock-step.
  const cport = 1024 + ((i * 7) % 60000);
  const sport = 32768 + ((i * 13) % 28000);
  const size = n.data.length;
  t += 0.02 + rand() * 0.02;
  yield [t, () => udpFrame(macB, psMac, yi, cport, ps, 69, tftp({ opcode: 1, filename: n.name, mode: 'octet', options: { blksize: String(BLKSIZE), tsize: '0' } })), 'tftp'];
  t += 0.001 + rand() * 0.002;
  yield [t, () => udpFrame(psMac, macB, ps, sport, yi, cport, tftp({ opcode: 6, options: { blksize: String(BLKSIZE), tsize: String(size) } })), 'tftp'];
  t += 0.001;
  yield [t, () => udpFrame(macB, psMac, yi, cport, ps, sport, tftp({ opcode: 4, block: 0 })), 'tftp'];
  // A transfer ends with a DATA shorter than blksize (an empty one when size is a multiple).
  const blocks = Math.floor(size / BLKSIZE) + 1;
  for (let blk = 1; blk <= blocks; blk++) {
    const start = (blk - 1) * BLKSIZE;
    t += 0.0002 + rand() * 0.0003;
    yield [t, () => udpFrame(psMac, macB, ps, sport, yi, cport, tftp({ opcode: 3, block: blk & 0xffff, payload: n.data.subarray(start, Math.min(size, start + BLKSIZE)) })), 'tftp'];
    t += 0.0001 + rand() * 0.0002;
    yield [t, () => udpFrame(macB, psMac, yi, cport, ps, sport, tftp({ opcode: 4, block: blk & 0xffff })), 'tftp'];
  }
}

// ---------- bulk traffic: prebuilt templates, a few bytes changed per packet ----------
const bulkMacA = macBytes('02:00:00:00:aa:01');
const bulkMacB = macBytes('02:00:00:00:bb:01');
const FLOWS = 64;
const flowSeq = new Uint32Array(FLOWS);
const flowAck = new Uint32Array(FLOWS);

/** TCP segment (20-byte header + 12 bytes of timestamp option) with `dataLen` payload bytes. */
function tcpFrame(flow, dataLen, fromServer) {
  const client = ipNum('198.51.100.0') + 10 + (flow % 200);
  const server = ipNum('203.0.113.0') + 10 + (flow % 50);
  const cport = 40000 + flow;
  // Opaque payloads: 443 and 8443 (port 80 would make tshark parse them as HTTP and complain).
  const sport = flow % 3 === 0 ? 8443 : 443;
  const o = ethIp(fromServer ? bulkMacB : bulkMacA, fromServer ? bulkMacA : bulkMacB, fromServer ? server : client, fromServer ? client : server, 6, 32 + dataLen);
  const b = frameBuf;
  const [sp, dp] = fromServer ? [sport, cport] : [cport, sport];
  b[o] = sp >>> 8;
  b[o + 1] = sp & 0xff;
  b[o + 2] = dp >>> 8;
  b[o + 3] = dp & 0xff;
  const seq = fromServer ? flowSeq[flow] : flowAck[flow];
  const ack = fromServer ? flowAck[flow] : flowSeq[flow];
  for (let i = 0; i < 4; i++) {
    b[o + 4 + i] = (seq >>> (24 - 8 * i)) & 0xff;
    b[o + 8 + i] = (ack >>> (24 - 8 * i)) & 0xff;
  }
  b[o + 12] = 0x80; // data offset 8 words
  b[o + 13] = dataLen > 0 ? 0x18 : 0x10; // PSH+ACK / ACK
  b[o + 14] = 0x01;
  b[o + 15] = 0xf5;
  b[o + 16] = 0;
  b[o + 17] = 0;
  b[o + 18] = 0;
  b[o + 19] = 0;
  b.set([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], o + 20);
  // Payload: whatever was in the buffer (real traffic is opaque to us too), not re-filled per packet.
  if (fromServer) flowSeq[flow] = (flowSeq[flow] + dataLen) >>> 0;
  else flowAck[flow] = (flowAck[flow] + dataLen) >>> 0;
  return Math.max(60, o + 32 + dataLen);
}

/** Other UDP: DNS 53, NTP 123, syslog 514, RTP 5004 and random high ports (never 67/68/69/4011). */
function otherUdpFrame(kind, n) {
  const a = ipNum('198.51.100.0') + 10 + (n % 200);
  const z = ipNum('203.0.113.0') + 10 + (n % 50);
  const eph = 49152 + (n % 16000);
  const payload = otherPayload.subarray(0, kind.len);
  switch (kind.name) {
    case 'dns-query':
      dnsQuery[0] = n >>> 8;
      dnsQuery[1] = n & 0xff;
      return udpFrame(bulkMacA, bulkMacB, a, eph, z, 53, dnsQuery);
    case 'dns-reply':
      dnsReply[0] = n >>> 8;
      dnsReply[1] = n & 0xff;
      return udpFrame(bulkMacB, bulkMacA, z, 53, a, eph, dnsReply);
    case 'ntp':
      return udpFrame(bulkMacA, bulkMacB, a, 123, z, 123, payload);
    case 'syslog':
      return udpFrame(bulkMacA, bulkMacB, a, eph, z, 514, payload);
    case 'rtp':
      return udpFrame(bulkMacA, bulkMacB, a, 16384 + 2 * (n % 100), z, 16384 + 2 * (n % 100), payload);
    default:
      return udpFrame(bulkMacA, bulkMacB, a, eph, z, 20000 + (n % 10000), payload);
  }
}
/** A well-formed DNS query for www.example.com A (RFC 1035 §4.1) and its answer, so tshark decodes them. */
const dnsName = [3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0];
const dnsQuery = Uint8Array.from([0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName, 0, 1, 0, 1]);
const dnsReply = Uint8Array.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...dnsName, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 203, 0, 113, 80]);
const otherPayload = new Uint8Array(1500);
for (let i = 0; i < otherPayload.length; i++) otherPayload[i] = (i * 31 + 7) & 0xff;

function arpFrame(n) {
  const b = frameBuf;
  b.set(macBytes(BROADCAST_MAC), 0);
  b.set(bulkMacA, 6);
  b[12] = 0x08;
  b[13] = 0x06;
  b.set([0, 1, 8, 0, 6, 4, 0, 1], 14);
  b.set(bulkMacA, 22);
  b.set([198, 51, 100, 10 + (n % 200)], 28);
  b.fill(0, 32, 38);
  b.set([203, 0, 113, 10 + (n % 50)], 38);
  b.fill(0, 42, 60);
  return 60;
}

function ipv6UdpFrame(n) {
  const b = frameBuf;
  b.set(bulkMacB, 0);
  b.set(bulkMacA, 6);
  b[12] = 0x86;
  b[13] = 0xdd;
  const plen = 8 + 72;
  b.set([0x60, 0, 0, 0, plen >>> 8, plen & 0xff, 17, 64], 14);
  // 2001:db8::/32 (RFC 3849 documentation prefix).
  b.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 + (n % 100)], 22);
  b.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], 38);
  const o = 54;
  const sp = 49152 + (n % 1000);
  // UDP checksum is mandatory on IPv6 (RFC 8200 §8.1); any non-zero value (tshark does not verify by default).
  b.set([sp >>> 8, sp & 0xff, 0x01, 0xbb, 0, plen, 0x5a, 0x5a], o);
  b.set(otherPayload.subarray(0, 72), o + 8);
  return o + plen;
}

/** Bulk mix by packet count (mean ~690 bytes): the proportions of a busy office segment, roughly. */
const OTHER_KINDS = [
  { name: 'dns-query', len: 40 },
  { name: 'dns-reply', len: 120 },
  { name: 'ntp', len: 48 },
  { name: 'syslog', len: 160 },
  { name: 'rtp', len: 172 },
  { name: 'other', len: 600 },
];
let bulkN = 0;
function bulkFrame() {
  const n = bulkN++;
  const r = rand();
  const flow = n % FLOWS;
  if (r < 0.42) return tcpFrame(flow, 1448, true); // 1514-byte data segment
  if (r < 0.72) return tcpFrame(flow, 0, false); // 66-byte ACK
  if (r < 0.75) return tcpFrame(flow, 100 + ((n * 37) % 400), false); // small request
  if (r < 0.97) return otherUdpFrame(OTHER_KINDS[n % OTHER_KINDS.length], n);
  if (r < 0.985) return arpFrame(n);
  return ipv6UdpFrame(n);
}

// ---------- plan: how much PXE, how much bulk, over how much time ----------
const kinds = [];
for (let i = 0; i < clientCount; i++) kinds.push(rand() < uefiShare ? 'uefi' : 'bios');
// Exact PXE bytes per kind: run one client of each through the same frame builder.
const pxeBytesOf = {};
for (const k of ['bios', 'uefi']) {
  let bytes = 0;
  for (const [, build] of pxeClient(0, 0, k)) bytes += build();
  pxeBytesOf[k] = bytes;
}
const pxeTotal = kinds.reduce((a, k) => a + pxeBytesOf[k], 0);
// Per-record overhead: 16 bytes in pcap; the pcap file is the one sized to SIZE.
const pxeFramesPer = { bios: [...pxeClient(0, 0, 'bios')].length, uefi: [...pxeClient(0, 0, 'uefi')].length };
const pxeRecords = kinds.reduce((a, k) => a + pxeFramesPer[k], 0);
const pxeFileBytes = pxeTotal + 16 * pxeRecords;
if (pxeFileBytes > targetBytes * 0.95) die(`${clientCount} clients need ${(pxeFileBytes / 2 ** 20).toFixed(0)} MiB: more than --size ${sizeLabel} allows; use fewer --clients or a larger --size`);
const bulkBudget = targetBytes - 24 - pxeFileBytes;
const span = (secondsPerGib * targetBytes) / 2 ** 30;
const startTs = 1_767_225_600; // 2026-01-01T00:00:00Z
// Client starts uniformly over the span, leaving room for the slowest boot (~2 s + transfer).
const starts = kinds.map(() => startTs + rand() * Math.max(1, span - 10)).sort((a, b) => a - b);
// Bulk timestamps advance by bytes at a constant rate so the bulk fills the span exactly.
const bulkSecondsPerByte = span / bulkBudget;

fs.mkdirSync(outDir, { recursive: true });
const pcap = new PcapWriter(`${baseName}.pcap`, 1, { bufferBytes: 8 << 20 });
// --pcap-only (the bench's large scale-check file): no pcapng twin, half the disk.
const pcapng = pcapOnly ? undefined : new PcapngWriter(`${baseName}.pcapng`, 1, { bufferBytes: 8 << 20 });

// Active clients: a small binary heap keyed on the next packet's time.
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
/** Advance a client generator to its next packet (time known, frame built when it is emitted). */
function schedule(gen) {
  const r = gen.next();
  if (!r.done) heapPush({ ts: r.value[0], gen, pending: r.value });
}

function emit(ts, len, kind) {
  const frame = frameBuf.subarray(0, len);
  pcap.write(ts, frame);
  pcapng?.write(ts, frame);
  stats.frames++;
  stats.bytes += 16 + len;
  if (kind === 'dhcp') stats.dhcp++;
  else if (kind === 'tftp') stats.tftp++;
  else stats.bulk++;
  if (kind !== 'bulk') stats.pxeBytes += len;
}

const t0 = process.hrtime.bigint();
let nextClient = 0;
let bulkBytes = 0;
let bulkTs = startTs;
let lastReport = 0;
for (;;) {
  // The next thing in time order: a new client starting, an active client's packet, or bulk.
  const clientTs = nextClient < starts.length ? starts[nextClient] : Infinity;
  const activeTs = heap.length > 0 ? heap[0].ts : Infinity;
  const bulkLeft = bulkBytes < bulkBudget;
  if (!bulkLeft && clientTs === Infinity && activeTs === Infinity) break;
  if (clientTs <= activeTs && (clientTs <= bulkTs || !bulkLeft)) {
    schedule(pxeClient(nextClient, clientTs, kinds[nextClient]));
    nextClient++;
    stats.clients++;
    continue;
  }
  if (activeTs !== Infinity && (activeTs <= bulkTs || !bulkLeft)) {
    const e = heapPop();
    // Frames are built only now: frameBuf is shared with every other frame source.
    const [ts, build, kind] = e.pending;
    emit(ts, build(), kind);
    schedule(e.gen);
    continue;
  }
  const len = bulkFrame();
  emit(bulkTs, len, 'bulk');
  bulkBytes += 16 + len;
  bulkTs += (16 + len) * bulkSecondsPerByte;
  if (stats.bytes - lastReport > 64 << 20 && process.stderr.isTTY) {
    lastReport = stats.bytes;
    process.stderr.write(`\r${(stats.bytes / 2 ** 20).toFixed(0)} MiB`);
  }
}
await pcap.close();
await pcapng?.close();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (process.stderr.isTTY) process.stderr.write('\r');

const manifest = {
  size: sizeLabel,
  pcap: `${baseName}.pcap`,
  pcapng: pcapOnly ? undefined : `${baseName}.pcapng`,
  pcapBytes: fs.statSync(`${baseName}.pcap`).size,
  pcapngBytes: pcapOnly ? undefined : fs.statSync(`${baseName}.pcapng`).size,
  frames: stats.frames,
  clients: stats.clients,
  uefiClients: kinds.filter((k) => k === 'uefi').length,
  dhcpFrames: stats.dhcp,
  tftpFrames: stats.tftp,
  bulkFrames: stats.bulk,
  pxeBytes: stats.pxeBytes,
  spanSeconds: Math.round(span),
  seed,
  generateSeconds: Math.round(seconds * 100) / 100,
};
fs.writeFileSync(`${baseName}.json`, JSON.stringify(manifest, null, 2) + '\n');
console.log(JSON.stringify(manifest));
