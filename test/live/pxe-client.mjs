#!/usr/bin/env node
/**
 * A tiny PXE-like DHCP client for the live tests, built on the project's own codec (the BUILT one in
 * dist/): it sends a real DISCOVER carrying what PXE firmware sends (option 60
 * "PXEClient:Arch:00007:UNDI:003016", 93 client arch, 94 UNDI, 97 GUID, broadcast flag, 55 with
 * 66/67), takes the first OFFER, sends REQUEST, waits for the ACK, and prints one JSON line:
 *   {"yiaddr":..,"server":..,"siaddr":..,"bootFile":..,"tftpServer":..}
 * It runs inside the client network namespace (ip netns exec), bound to 0.0.0.0:68; the TFTP download
 * is then done by the real tftp-hpa client.
 *
 * Usage: node pxe-client.mjs --mac aa:bb:cc:dd:ee:ff [--timeout-ms 4000] [--tries 3]
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
const xid = (Math.random() * 0xffffffff) >>> 0;
const guid = '4c4c4544-0031-3010-8051-b4c04f333532';

const pxeOptions = () => [
  dhcpOpt.maxMessageSize(1472),
  dhcpOpt.paramRequestList([1, 3, 6, 43, 54, 60, 66, 67, 128, 129]),
  dhcpOpt.clientGuid(guid),
  dhcpOpt.clientNdi(1, 3, 16),
  dhcpOpt.clientArch([7]),
  dhcpOpt.vendorClass('PXEClient:Arch:00007:UNDI:003016'),
];

function message(type, extra) {
  return encodeDhcp({
    op: 1,
    xid,
    chaddr: mac,
    secs: 4,
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

sock.bind(68, '0.0.0.0', async () => {
  sock.setBroadcast(true);
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
