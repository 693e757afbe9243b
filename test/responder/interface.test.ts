/**
 * `serve --interface IF` on a host with two interfaces (namespace pxs-if<pid>-srv: eth0 192.0.2.2/24 and
 * eth1 198.51.100.2/24): replies leave the chosen interface only, and clients on the other subnet
 * are not answered. Node has no SO_BINDTODEVICE, so this rests on sockets bound to the interface's
 * address (a limited broadcast from a bound source leaves that address's interface) and on the
 * subnet filter; tcpdump on both interfaces checks it on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { decodeDhcp, encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { CLI, Lab, labUnavailable, tmpDir } from './lab.js';

const why = labUnavailable(['tcpdump', 'python3']);
const PROBE = path.join(import.meta.dirname, 'fixtures/dhcp-probe.py');

function discover(mac: string): string {
  const bytes = encodeDhcp({
    op: 1,
    xid: 0x5a5a0001,
    chaddr: mac,
    flags: 0x8000,
    options: [dhcpOpt.messageType(1), dhcpOpt.vendorClass('PXEClient:Arch:00000:UNDI:002001'), dhcpOpt.clientArch([0])],
  });
  return Buffer.from(bytes).toString('hex');
}

describe.skipIf(why !== undefined)('serve --interface on a two-interface host', () => {
  const lab = new Lab('if');
  const dir = tmpDir('if');
  let srv: string;
  let a: string;
  let b: string;

  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'root'));
    fs.copyFileSync('/usr/lib/PXELINUX/pxelinux.0', path.join(dir, 'root', 'pxelinux.0'));
    srv = lab.addNamespace('srv');
    a = lab.addNamespace('a');
    b = lab.addNamespace('b');
    lab.veth(srv, 'eth0', a, 'eth0');
    lab.veth(srv, 'eth1', b, 'eth0');
    lab.addr(srv, 'eth0', '192.0.2.2/24');
    lab.addr(srv, 'eth1', '198.51.100.2/24');
    // Client side A has no address (like firmware); B has one on the other subnet.
    lab.addr(b, 'eth0', '198.51.100.50/24');
  });

  afterAll(async () => {
    await lab.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Run serve on `iface`, probe from both sides, return replies and what serve sent on each interface. */
  async function round(iface: 'eth0' | 'eth1'): Promise<{ replyA: string; replyB: string; sentOn: Record<string, number> }> {
    const caps = { eth0: path.join(dir, `${iface}-eth0.pcap`), eth1: path.join(dir, `${iface}-eth1.pcap`) };
    const dumps = [];
    for (const i of ['eth0', 'eth1'] as const) {
      const t = lab.start(srv, 'tcpdump', ['-i', i, '--immediate-mode', '-n', '-U', '-Z', 'root', '-w', caps[i], 'udp']);
      await t.waitFor(new RegExp(`listening on ${i}`), 10_000);
      dumps.push(t);
    }
    const serve = lab.start(srv, 'node', [CLI, 'serve', '--interface', iface, '--tftp-root', path.join(dir, 'root'), '--boot', 'bios=pxelinux.0', '--exit-after', '120']);
    await serve.waitFor(new RegExp(`serving on ${iface}`), 15_000);
    const probe = (ns: string, mac: string): string => lab.exec(ns, 'python3', [PROBE, 'eth0', discover(mac), '2']).trim();
    const replyA = probe(a, '02:00:00:00:0a:01');
    const replyB = probe(b, '02:00:00:00:0b:01');
    await lab.stop(serve);
    await new Promise((r) => setTimeout(r, 300));
    for (const t of dumps) await lab.stop(t);
    const sentOn: Record<string, number> = {};
    for (const i of ['eth0', 'eth1'] as const) {
      const out = execFileSync('tcpdump', ['-r', caps[i], '-n', 'udp src port 67'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      sentOn[i] = out.split('\n').filter(Boolean).length;
    }
    return { replyA, replyB, sentOn };
  }

  it('with --interface eth0, the offer leaves eth0 only and the 198.51.100.0/24 client is not answered', async () => {
    const r = await round('eth0');
    const [from, hex] = r.replyA.split(' ');
    expect(from).toBe('192.0.2.2');
    const offer = decodeDhcp(Buffer.from(hex!, 'hex'));
    expect(offer).toMatchObject({ messageType: 2, yiaddr: '0.0.0.0', siaddr: '192.0.2.2', serverId: '192.0.2.2', bootFile: 'pxelinux.0', chaddr: '02:00:00:00:0a:01' });
    expect(r.replyB).toBe('none');
    expect(r.sentOn).toEqual({ eth0: 1, eth1: 0 });
  }, 60_000);

  it('with --interface eth1, replies carry 198.51.100.2 and leave eth1 only', async () => {
    const r = await round('eth1');
    const [from, hex] = r.replyB.split(' ');
    expect(from).toBe('198.51.100.2');
    expect(decodeDhcp(Buffer.from(hex!, 'hex'))).toMatchObject({ serverId: '198.51.100.2', siaddr: '198.51.100.2', chaddr: '02:00:00:00:0b:01' });
    // A's DISCOVER comes from 0.0.0.0, which cannot be told apart by subnet: whatever serve answers
    // goes out of eth1 (the chosen interface), never onto A's link.
    expect(r.replyA).toBe('none');
    expect(r.sentOn.eth0).toBe(0);
    expect(r.sentOn.eth1).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
