/**
 * proxyDHCP through a real relay agent (isc-dhcp-relay's dhcrelay, "ip helper-address"): the client
 * LAN 192.0.2.0/24 and the server LAN 198.51.100.0/24 are joined by a router namespace; serve answers
 * the relayed DISCOVER to giaddr:67 and dhcrelay delivers the offer to the client.
 *
 *   pxs-rl<pid>-cli eth0 (no address) -- eth0 192.0.2.254 ...-rtr 198.51.100.254 eth1 -- eth0 198.51.100.2 ...-srv
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { decodeDhcp, encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { CLI, Lab, labUnavailable, tmpDir, type Started } from './lab.js';

const why = labUnavailable(['dhcrelay', 'python3']);
const PROBE = path.join(import.meta.dirname, 'fixtures/dhcp-probe.py');

describe.skipIf(why !== undefined)('serve behind a DHCP relay agent', () => {
  const lab = new Lab('rl');
  const dir = tmpDir('rl');
  let cli: string;
  let serve: Started;
  let relay: Started;

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'root'));
    fs.copyFileSync('/usr/lib/PXELINUX/pxelinux.0', path.join(dir, 'root', 'pxelinux.0'));
    cli = lab.addNamespace('cli');
    const rtr = lab.addNamespace('rtr');
    const srv = lab.addNamespace('srv');
    lab.veth(rtr, 'eth0', cli, 'eth0');
    lab.veth(rtr, 'eth1', srv, 'eth0');
    lab.addr(rtr, 'eth0', '192.0.2.254/24');
    lab.addr(rtr, 'eth1', '198.51.100.254/24');
    lab.exec(rtr, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    lab.addr(srv, 'eth0', '198.51.100.2/24');
    lab.exec(srv, 'ip', ['route', 'add', '192.0.2.0/24', 'via', '198.51.100.254']);
    serve = lab.start(srv, 'node', [CLI, 'serve', '--interface', 'eth0', '--tftp-root', path.join(dir, 'root'), '--boot', 'bios=pxelinux.0', '--exit-after', '120']);
    await serve.waitFor(/serving on eth0/, 15_000);
    relay = lab.start(rtr, 'dhcrelay', ['-4', '-d', '-id', 'eth0', '-iu', 'eth1', '198.51.100.2']);
    await relay.waitFor(/Sending on +Socket\/fallback/, 10_000);
  });

  afterAll(async () => {
    await lab.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the relayed DISCOVER to giaddr, and the client receives the proxy offer', async () => {
    const discover = encodeDhcp({
      op: 1,
      xid: 0x2e1a7001,
      chaddr: '02:00:00:00:0c:01',
      flags: 0x8000,
      options: [dhcpOpt.messageType(1), dhcpOpt.vendorClass('PXEClient:Arch:00000:UNDI:002001'), dhcpOpt.clientArch([0]), dhcpOpt.clientGuid('8a1c0b2e-5f4d-4e21-9c3b-000000000c01')],
    });
    const line = lab.exec(cli, 'python3', [PROBE, 'eth0', Buffer.from(discover).toString('hex'), '4']).trim();
    expect(line).not.toBe('none');
    const [from, hex] = line.split(' ');
    expect(from).toBe('192.0.2.254'); // delivered by the relay
    const offer = decodeDhcp(Buffer.from(hex!, 'hex'));
    expect(offer).toMatchObject({ messageType: 2, xid: 0x2e1a7001, yiaddr: '0.0.0.0', giaddr: '192.0.2.254', siaddr: '198.51.100.2', serverId: '198.51.100.2', vendorClass: 'PXEClient', bootFile: 'pxelinux.0', clientGuid: '8a1c0b2e-5f4d-4e21-9c3b-000000000c01' });
    await serve.waitFor(/02:00:00:00:0c:01 x86 BIOS\(0\) {2}proxyDHCP offer sent: boot file pxelinux\.0, server 198\.51\.100\.2/, 5000);
    expect(relay.out() + relay.err()).toMatch(/Forwarded BOOTREQUEST for 02:00:00:00:0c:01 to 198\.51\.100\.2/);
    expect(relay.out() + relay.err()).toMatch(/Forwarded BOOTREPLY for 02:00:00:00:0c:01 to 255\.255\.255\.255/);
  });
});
