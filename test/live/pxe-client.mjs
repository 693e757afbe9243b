#!/usr/bin/env node
/**
 * A tiny PXE-like DHCP client for the live tests, built on the project's own codec (the BUILT one in
 * dist/): it sends a real DISCOVER carrying what PXE firmware sends (option 60
 * "PXEClient:Arch:0000N:UNDI:002001", 93 client arch, 94 UNDI, 97 GUID, broadcast flag, 55 with
 * 66/67), takes the first OFFER, sends REQUEST, waits for the ACK, and prints one JSON line:
 *   {"yiaddr":..,"server":..,"siaddr":..,"bootFile":..,"tftpServer":..}
 * It runs inside the client network namespace (ip netns exec), bound to 0.0.0.0:68; the TFTP download
 * is then done by the real tftp-hpa client.
 *
 * Usage: node pxe-client.mjs --mac aa:bb:cc:dd:ee:ff [--arch 0] [--timeout-ms 4000] [--tries 3]
 * (arch: RFC 4578 client architecture, 0 = x86 BIOS, 7 = x64 UEFI)
 *
 * With --boot-server IP --ciaddr ADDR (the address configured on the client link) it instead sends
 * one PXE boot-server request (PXE 2.1 section 2.2.5: DHCPREQUEST with ciaddr, option 60 and
 * option 43 boot item, to IP:4011 from port 68) and exits without waiting for an answer.
 */
import { createSocket } from 'node:dgram';
import { decodeDhcp, encodeDhcp } from '../../dist/decode/dhcp/codec.js';
import { dhcpOpt } from '../../dist/decode/dhcp/options.js';

const args = process.argv.slice(2);
function arg(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}
const mac = arg('--mac', '52:54:00:12:34:56');
const timeoutMs = Number(arg('--timeout-ms', '4000'));
const tries = Number(arg('--tries', '3'));
const arch = Number(arg('--arch', '0'));
const xid = (Math.random() * 0xffffffff) >>> 0;
// A GUID unique per MAC (real machines have distinct SMBIOS UUIDs; duplicates are a finding).
const guid = `4c4c4544-0031-3010-8051-${mac.replace(/:/g, '')}`;
const startedAt = Date.now();

const pxeOptions = () => [
  dhcpOpt.maxMessageSize(1472),
  dhcpOpt.paramRequestList([1, 3, 6, 43, 54, 60, 66, 67, 128, 129]),
  dhcpOpt.clientGuid(guid),
  dhcpOpt.clientNdi(1, 2, 1),
  dhcpOpt.clientArch([arch]),
  dhcpOpt.vendorClass(`PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:002001`),
];

function message(type, extra) {
  return encodeDhcp({
    op: 1,
    xid,
    chaddr: mac,
    // Seconds since the client began (RFC 2131 section 2): 0 on the first DISCOVER.
    secs: Math.floor((Date.now() - startedAt) / 1000),
    flags: 0x8000, // broadcast: we have no address yet (RFC 2131 section 4.1)
    options: [dhcpOpt.messageType(type), ...extra, ...pxeOptions()],
  }).slice();
}

const sock = createSocket({ type: 'udp4', reuseAddr: true });
function fail(msg) {
  process.stderr.write(`pxe-client: ${msg}\n`);
  sock.close();
  process.exit(1);
}

function exchange(packet, wantType) {
  return new Promise((resolve, reject) => {
    let attempt = 0;
    let timer;
    const onMessage = (buf) => {
      const m = decodeDhcp(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
      if (m.op !== 2 || m.xid !== xid || m.messageType !== wantType) return;
      clearTimeout(timer);
      sock.off('message', onMessage);
      resolve(m);
    };
    const send = () => {
      if (attempt++ >= tries) {
        sock.off('message', onMessage);
        reject(new Error(`no DHCP message type ${wantType} after ${tries} tries`));
        return;
      }
      sock.send(packet, 67, '255.255.255.255');
      timer = setTimeout(send, timeoutMs);
    };
    sock.on('message', onMessage);
    send();
  });
}

const bootServer = arg('--boot-server', undefined);
const ciaddr = arg('--ciaddr', '0.0.0.0');

sock.bind(68, '0.0.0.0', async () => {
  sock.setBroadcast(true);
  if (bootServer) {
    const req = encodeDhcp({
      op: 1,
      xid,
      chaddr: mac,
      ciaddr,
      options: [dhcpOpt.messageType(3), dhcpOpt.pxeVendor({ bootItem: { type: 0, layer: 0 } }), ...pxeOptions()],
    }).slice();
    sock.send(req, 4011, bootServer, (err) => {
      if (err) fail(err.message);
      process.stdout.write(JSON.stringify({ sent: true, xid }) + '\n');
      sock.close();
    });
    return;
  }
  try {
    const offer = await exchange(message(1, []), 2);
    const server = offer.serverId ?? offer.siaddr;
    const ack = await exchange(message(3, [dhcpOpt.requestedIp(offer.yiaddr), dhcpOpt.serverId(server)]), 5);
    process.stdout.write(
      JSON.stringify({
        yiaddr: ack.yiaddr,
        server,
        siaddr: ack.siaddr,
        bootFile: ack.bootFile ?? ack.file,
        tftpServer: ack.tftpServer,
      }) + '\n',
    );
    sock.close();
  } catch (e) {
    fail(e.message);
  }
});
