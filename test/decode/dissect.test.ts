import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readCapture } from '../../src/capture/open.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { PacketEvent } from '../../src/decode/events.js';
import { encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { encodeTftp } from '../../src/decode/tftp/codec.js';
import { ethernet, frame, icmpUnreachable, ipv4, nullLink, sll, sll2, udp, udpIpv4 } from './packets.js';

const CLIENT_MAC = '52:54:00:12:34:56';

function discover(): Uint8Array {
  return encodeDhcp({
    op: 1,
    xid: 0x1234abcd,
    chaddr: CLIENT_MAC,
    flags: 0x8000,
    options: [dhcpOpt.messageType(1), dhcpOpt.vendorClass('PXEClient:Arch:00000:UNDI:002001'), dhcpOpt.clientArch([0])],
  }).slice();
}

function offer(): Uint8Array {
  return encodeDhcp({
    op: 2,
    xid: 0x1234abcd,
    chaddr: CLIENT_MAC,
    yiaddr: '192.0.2.100',
    siaddr: '192.0.2.1',
    file: 'pxelinux.0',
    options: [dhcpOpt.messageType(2), dhcpOpt.serverId('192.0.2.1'), dhcpOpt.bootFile('pxelinux.0'), dhcpOpt.raw(224, new Uint8Array(400).fill(0x41))],
  }).slice();
}

const discoverIp = (): Uint8Array => udpIpv4('0.0.0.0', 68, '255.255.255.255', 67, discover());

function dhcpOf(ev: PacketEvent | null) {
  expect(ev?.kind).toBe('dhcp');
  if (ev?.kind !== 'dhcp') throw new Error('not dhcp');
  return ev;
}

describe('Dissector link layers', () => {
  it('decodes DHCP over plain Ethernet with MACs and ports', () => {
    const d = new Dissector();
    const ev = dhcpOf(d.dissect(frame(ethernet(discoverIp()))));
    expect(ev.meta).toMatchObject({ src: '0.0.0.0', sport: 68, dst: '255.255.255.255', dport: 67, srcMac: CLIENT_MAC, dstMac: '52:54:00:ab:cd:ef', ttl: 64 });
    expect(ev.meta.vlans).toBeUndefined();
    expect(ev.dhcp.xid).toBe(0x1234abcd);
    expect(ev.dhcp.messageType).toBe(1);
  });

  it('walks stacked 802.1ad/802.1Q and 0x9100 tags, outermost first', () => {
    const d = new Dissector();
    const ev = dhcpOf(d.dissect(frame(ethernet(discoverIp(), [[0x88a8, 100], [0x8100, 0x2000 | 200]]))));
    expect(ev.meta.vlans).toEqual([100, 200]); // priority bits are not part of the VID
    const ev2 = dhcpOf(d.dissect(frame(ethernet(discoverIp(), [[0x9100, 7]]))));
    expect(ev2.meta.vlans).toEqual([7]);
  });

  it('decodes Linux cooked SLL and SLL2 (sender MAC from the header)', () => {
    const d = new Dissector();
    expect(dhcpOf(d.dissect(frame(sll(discoverIp()), 113))).meta.srcMac).toBe(CLIENT_MAC);
    const e2 = dhcpOf(d.dissect(frame(sll2(discoverIp()), 276)));
    expect(e2.meta.srcMac).toBe(CLIENT_MAC);
    expect(e2.dhcp.xid).toBe(0x1234abcd);
  });

  it('follows a VLAN tag libpcap re-inserted after an SLL header', () => {
    const d = new Dissector();
    const tagged = new Uint8Array(4 + discoverIp().length);
    tagged.set([0x00, 42, 0x08, 0x00]);
    tagged.set(discoverIp(), 4);
    expect(dhcpOf(d.dissect(frame(sll(tagged, 0x8100), 113))).meta.vlans).toEqual([42]);
  });

  it('gives up on more than 8 stacked tags and on 802.3 length frames', () => {
    const d = new Dissector();
    const tags = Array.from({ length: 9 }, (): [number, number] => [0x8100, 1]);
    expect(d.dissect(frame(ethernet(discoverIp(), tags)))).toBeNull();
    expect(d.stats.truncatedLink).toBe(1);
    expect(d.dissect(frame(ethernet(discoverIp(), [], 0x05dc)))).toBeNull(); // LLC, length 1500
    expect(d.stats.otherNetwork).toBe(1);
  });

  it('decodes raw IPv4 link types 101, 228, 12 and 14', () => {
    const d = new Dissector();
    for (const lt of [101, 228, 12, 14]) {
      const ev = dhcpOf(d.dissect(frame(discoverIp(), lt)));
      expect(ev.meta.srcMac).toBeUndefined();
      expect(ev.dhcp.chaddr).toBe(CLIENT_MAC);
    }
  });

  it('decodes BSD loopback with AF_INET in either byte order, and OpenBSD loop (108)', () => {
    const d = new Dissector();
    dhcpOf(d.dissect(frame(nullLink(discoverIp(), true), 0)));
    dhcpOf(d.dissect(frame(nullLink(discoverIp(), false), 0)));
    dhcpOf(d.dissect(frame(nullLink(discoverIp(), false), 108)));
    expect(d.dissect(frame(nullLink(discoverIp(), true, 30), 0))).toBeNull(); // AF_INET6 (macOS)
    expect(d.stats.ipv6).toBe(1);
  });

  it('counts unknown link types and warns once per type, not fatally', () => {
    const warnings: string[] = [];
    const d = new Dissector({ onWarning: (m) => warnings.push(m) });
    expect(d.dissect(frame(discoverIp(), 147))).toBeNull();
    expect(d.dissect(frame(discoverIp(), 147))).toBeNull();
    expect(dhcpOf(d.dissect(frame(ethernet(discoverIp()))))).toBeTruthy();
    expect(d.stats.unknownLinkTypes).toEqual({ 147: 2 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('147');
  });

  it('counts IPv6 and non-IP frames without events', () => {
    const d = new Dissector();
    expect(d.dissect(frame(ethernet(new Uint8Array(40), [], 0x86dd)))).toBeNull();
    expect(d.dissect(frame(ethernet(new Uint8Array(28), [], 0x0806)))).toBeNull();
    expect(d.stats).toMatchObject({ ipv6: 1, otherNetwork: 1, dhcp: 0 });
  });

  it('survives frames cut inside every header', () => {
    const d = new Dissector();
    const full = ethernet(discoverIp(), [[0x8100, 5]]);
    for (let n = 0; n < 60; n++) {
      const ev = d.dissect(frame(full.slice(0, n)));
      // Cut before the UDP ports: nothing; cut after them: an event that says what is missing.
      if (ev) expect(['dhcp', 'malformed']).toContain(ev.kind);
    }
    expect(d.stats.truncatedLink + d.stats.badIpv4).toBeGreaterThan(0);
  });

  it('ignores UDP on other ports and TCP', () => {
    const d = new Dissector();
    expect(d.dissect(frame(ethernet(udpIpv4('192.0.2.1', 5353, '192.0.2.2', 53, new Uint8Array(20)))))).toBeNull();
    expect(d.dissect(frame(ethernet(ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 6 }, new Uint8Array(40)))))).toBeNull();
    expect(d.stats).toMatchObject({ ipv4: 2, udp: 1, dhcp: 0, tftp: 0 });
  });

  it('recognises DHCP on 4011 (proxyDHCP) and relay-to-server 67 -> 67', () => {
    const d = new Dissector();
    expect(dhcpOf(d.dissect(frame(ethernet(udpIpv4('192.0.2.10', 4011, '192.0.2.1', 4011, discover()))))).meta.dport).toBe(4011);
    expect(dhcpOf(d.dissect(frame(ethernet(udpIpv4('198.51.100.1', 67, '192.0.2.1', 67, discover()))))).meta.sport).toBe(67);
  });
});

describe('Dissector TFTP conversations', () => {
  const client = '192.0.2.10';
  const server = '192.0.2.1';
  const rrq = encodeTftp({ opcode: 1, filename: 'pxelinux.0', mode: 'octet', options: { tsize: '0', blksize: '1456' } }).slice();
  const oack = encodeTftp({ opcode: 6, options: { tsize: '26140', blksize: '1456' } }).slice();
  const ack0 = encodeTftp({ opcode: 4, block: 0 }).slice();
  const data1 = encodeTftp({ opcode: 3, block: 1, payload: new Uint8Array(1456) }).slice();

  it('binds the server port on the first reply and follows both directions', () => {
    const d = new Dissector();
    const ev = d.dissect(frame(ethernet(udpIpv4(client, 2070, server, 69, rrq)), 1, 1000));
    expect(ev?.kind === 'tftp' && ev.tftp.opcode === 1 && ev.tftp.filename).toBe('pxelinux.0');
    const o = d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 2070, oack)), 1, 1000.01));
    expect(o?.kind === 'tftp' && o.tftp.opcode).toBe(6);
    expect(d.dissect(frame(ethernet(udpIpv4(client, 2070, server, 40000, ack0)), 1, 1000.02))?.kind).toBe('tftp');
    const dt = d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 2070, data1)), 1, 1000.03));
    expect(dt?.kind === 'tftp' && dt.tftp.opcode === 3 && dt.tftp.length).toBe(1456);
    // Once bound, another server port or another host is not this conversation.
    expect(d.dissect(frame(ethernet(udpIpv4(server, 40001, client, 2070, data1)), 1, 1000.04))).toBeNull();
    expect(d.dissect(frame(ethernet(udpIpv4('192.0.2.99', 40000, client, 2070, data1)), 1, 1000.05))).toBeNull();
    expect(d.stats.tftpConversations).toBe(1);
  });

  it('does not follow ephemeral ports without an RRQ, and forgets idle conversations by packet time', () => {
    const d = new Dissector({ tftp: { idleTimeout: 60 } });
    expect(d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 2070, data1)), 1, 1000))).toBeNull();
    d.dissect(frame(ethernet(udpIpv4(client, 2070, server, 69, rrq)), 1, 1000));
    expect(d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 2070, oack)), 1, 1001))?.kind).toBe('tftp');
    // 200 s of silence (packet time): the conversation is gone.
    expect(d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 2070, data1)), 1, 1201))).toBeNull();
  });

  it('keeps the table bounded', () => {
    const d = new Dissector({ tftp: { maxConversations: 16 } });
    for (let p = 0; p < 100; p++) d.dissect(frame(ethernet(udpIpv4(client, 3000 + p, server, 69, rrq)), 1, 1000));
    // The oldest were evicted; the newest still binds.
    expect(d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 3000, oack)), 1, 1001))).toBeNull();
    expect(d.dissect(frame(ethernet(udpIpv4(server, 40000, client, 3099, oack)), 1, 1001))?.kind).toBe('tftp');
  });

  it('turns an undecodable packet on port 69 into a malformed event', () => {
    const d = new Dissector();
    const ev = d.dissect(frame(ethernet(udpIpv4(client, 2070, server, 69, Uint8Array.of(0, 9, 1, 2))), 1, 1000));
    expect(ev?.kind).toBe('malformed');
    if (ev?.kind === 'malformed') expect(ev.layer).toBe('tftp');
    const empty = d.dissect(frame(ethernet(udpIpv4(client, 2071, server, 69, new Uint8Array(0))), 1, 1000));
    expect(empty?.kind).toBe('malformed');
  });

  it('flags a UDP length below the header as malformed on a DHCP port', () => {
    const d = new Dissector();
    const pkt = udp(68, 67, discover());
    pkt[4] = 0;
    pkt[5] = 4;
    const ev = d.dissect(frame(ethernet(ipv4({ src: '0.0.0.0', dst: '255.255.255.255' }, pkt))));
    expect(ev?.kind).toBe('malformed');
  });
});

/** Splits a UDP datagram into IPv4 fragments of `size` payload bytes (multiple of 8). */
function fragments(src: string, dst: string, id: number, datagram: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < datagram.length; off += size) {
    const part = datagram.subarray(off, Math.min(datagram.length, off + size));
    out.push(ethernet(ipv4({ src, dst, id, fragmentOffset: off, moreFragments: off + size < datagram.length }, part)));
  }
  return out;
}

describe('Dissector IPv4 fragment reassembly', () => {
  const dgram = udp(67, 68, offer());

  it('reassembles out-of-order fragments into one event on the completing frame', () => {
    const d = new Dissector();
    const f = fragments('192.0.2.1', '192.0.2.100', 77, dgram, 256);
    expect(f.length).toBe(3);
    expect(d.dissect(frame(f[2]!, 1, 1000, 10))).toBeNull();
    expect(d.dissect(frame(f[0]!, 1, 1000, 11))).toBeNull();
    const ev = dhcpOf(d.dissect(frame(f[1]!, 1, 1000, 12)));
    expect(ev.meta.frame).toBe(12);
    expect(ev.meta.fragmentFrames).toEqual([10, 11, 12]);
    expect(ev.dhcp.file).toBe('pxelinux.0');
    expect(ev.dhcp.yiaddr).toBe('192.0.2.100');
    expect(ev.dhcp.anomalies).toEqual([]);
    expect(d.stats.reassembled).toBe(1);
    expect(d.flush()).toEqual([]);
  });

  it('reports a missing fragment at flush()', () => {
    const d = new Dissector();
    const f = fragments('192.0.2.1', '192.0.2.100', 78, dgram, 256);
    d.dissect(frame(f[0]!, 1, 1000, 20));
    d.dissect(frame(f[2]!, 1, 1000, 22));
    const [p, ...rest] = d.flush();
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ kind: 'fragment-problem', problem: 'incomplete', ipId: 78, received: 256 + (dgram.length - 512), expected: dgram.length, frames: [20, 22] });
    expect(p!.meta).toMatchObject({ src: '192.0.2.1', sport: 67, dst: '192.0.2.100', dport: 68 });
  });

  it('gives up after the timeout in packet time and says so via drain()', () => {
    const d = new Dissector({ fragments: { timeout: 30 } });
    const f = fragments('192.0.2.1', '192.0.2.100', 79, dgram, 256);
    d.dissect(frame(f[0]!, 1, 1000));
    d.dissect(frame(ethernet(discoverIp()), 1, 1029));
    expect(d.drain()).toEqual([]);
    d.dissect(frame(ethernet(discoverIp()), 1, 1031));
    const side = d.drain();
    expect(side.map((e) => e.kind === 'fragment-problem' && e.problem)).toEqual(['incomplete']);
    // The late fragments start a new datagram rather than completing the expired one.
    d.dissect(frame(f[1]!, 1, 1032));
    expect(d.dissect(frame(f[2]!, 1, 1032))).toBeNull();
  });

  it('reports overlapping fragments but ignores exact duplicates', () => {
    const d = new Dissector();
    const f = fragments('192.0.2.1', '192.0.2.100', 80, dgram, 256);
    d.dissect(frame(f[0]!));
    d.dissect(frame(f[0]!)); // duplicate (capture on two interfaces)
    expect(d.drain()).toEqual([]);
    const evil = ethernet(ipv4({ src: '192.0.2.1', dst: '192.0.2.100', id: 80, fragmentOffset: 128, moreFragments: true }, new Uint8Array(256).fill(0x42)));
    d.dissect(frame(evil));
    const side = d.drain();
    expect(side).toHaveLength(1);
    expect(side[0]).toMatchObject({ kind: 'fragment-problem', problem: 'overlap', ipId: 80 });
    d.dissect(frame(f[1]!));
    // First-received bytes win: the datagram still decodes as the original offer.
    const ev = dhcpOf(d.dissect(frame(f[2]!)));
    expect(ev.dhcp.file).toBe('pxelinux.0');
  });

  it('bounds pending datagrams and bytes, reporting what it gives up', () => {
    const d = new Dissector({ fragments: { maxDatagrams: 32, maxBytes: 64 * 1024 } });
    for (let id = 0; id < 300; id++) {
      d.dissect(frame(fragments('192.0.2.1', '192.0.2.100', id, dgram, 256)[0]!));
    }
    const side = d.drain();
    expect(side.length).toBe(300 - 32);
    expect(side.every((e) => e.kind === 'fragment-problem' && e.problem === 'incomplete')).toBe(true);
    expect(d.flush()).toHaveLength(32);
  });

  it('gives up a datagram flooded with overlapping pieces instead of growing it', () => {
    const d = new Dissector();
    for (let i = 0; i < 400; i++) {
      d.dissect(frame(ethernet(ipv4({ src: '192.0.2.1', dst: '192.0.2.100', id: 99, fragmentOffset: 8 * (i % 50), moreFragments: true }, new Uint8Array(64).fill(i)))));
    }
    const side = d.drain().map((e) => e.kind === 'fragment-problem' && e.problem);
    expect(side[0]).toBe('overlap');
    expect(side).toContain('incomplete');
    expect(side.length).toBeLessThanOrEqual(4);
  });

  it('decodes a snap-length-cut first fragment as far as it goes, like Wireshark', () => {
    const d = new Dissector();
    const f = ipv4({ src: '192.0.2.1', dst: '192.0.2.100', id: 81, moreFragments: true, totalLength: 20 + 1000 }, dgram.subarray(0, 120));
    const ev = dhcpOf(d.dissect(frame(ethernet(f))));
    expect(ev.dhcp.anomalies.length).toBeGreaterThan(0);
    expect(d.flush()).toEqual([]);
  });
});

describe('Dissector ICMP destination unreachable', () => {
  it('decodes the quoted IPv4+UDP header (port unreachable for TFTP)', () => {
    const d = new Dissector();
    const refused = udpIpv4('192.0.2.10', 2070, '192.0.2.2', 69, new Uint8Array(20));
    const ev = d.dissect(frame(ethernet(ipv4({ src: '192.0.2.2', dst: '192.0.2.10', protocol: 1 }, icmpUnreachable(3, refused)))));
    expect(ev).toMatchObject({
      kind: 'icmp-unreachable',
      meta: { src: '192.0.2.2', dst: '192.0.2.10' },
      icmp: { type: 3, code: 3, quoted: { src: '192.0.2.10', sport: 2070, dst: '192.0.2.2', dport: 69, protocol: 17 } },
    });
  });

  it('ignores other ICMP types and quotes that are cut short', () => {
    const d = new Dissector();
    const echo = Uint8Array.of(8, 0, 0, 0, 0, 1, 0, 1);
    expect(d.dissect(frame(ethernet(ipv4({ src: '192.0.2.2', dst: '192.0.2.10', protocol: 1 }, echo))))).toBeNull();
    const refused = udpIpv4('192.0.2.10', 2070, '192.0.2.2', 4011, new Uint8Array(20));
    const cut = icmpUnreachable(13, refused).subarray(0, 8 + 12);
    expect(d.dissect(frame(ethernet(ipv4({ src: '192.0.2.2', dst: '192.0.2.10', protocol: 1 }, cut))))).toBeNull();
    expect(d.stats.icmp).toBe(2);
  });
});

describe('Dissector on a real fragmented TFTP transfer (tftpd-hpa -> atftp, blksize 4000, MTU 1500)', () => {
  // Made by fragments-live.test.ts; frames 4-6, 8-10, 12-14, 16-18 are the 3 fragments of DATA 1-4,
  // 20-21 the two of the short last block.
  const capture = resolve(import.meta.dirname, '../golden/captures/tftp-fragmented.pcap');

  async function dissectWithout(skip: Set<number>): Promise<PacketEvent[]> {
    const d = new Dissector();
    const out: PacketEvent[] = [];
    await readCapture(capture, {
      frame(f) {
        if (skip.has(f.index)) return;
        const ev = d.dissect(f);
        if (ev) out.push(ev);
        out.push(...d.drain());
      },
    });
    return out.concat(d.flush());
  }

  it('reassembles all DATA blocks when nothing is lost', async () => {
    const evs = await dissectWithout(new Set());
    const data = evs.filter((e) => e.kind === 'tftp' && e.tftp.opcode === 3);
    expect(data.map((e) => e.kind === 'tftp' && e.tftp.opcode === 3 && [e.tftp.block, e.tftp.length, e.meta.fragmentFrames])).toEqual([
      [1, 4000, [4, 5, 6]],
      [2, 4000, [8, 9, 10]],
      [3, 4000, [12, 13, 14]],
      [4, 4000, [16, 17, 18]],
      [5, 2000, [20, 21]],
    ]);
  });

  it('reports the block whose middle or first fragment was lost, and still decodes the others', async () => {
    const evs = await dissectWithout(new Set([9, 12]));
    const blocks = evs.filter((e) => e.kind === 'tftp' && e.tftp.opcode === 3).map((e) => e.kind === 'tftp' && e.tftp.opcode === 3 && e.tftp.block);
    expect(blocks).toEqual([1, 4, 5]);
    const problems = evs.filter((e) => e.kind === 'fragment-problem');
    expect(problems).toHaveLength(2);
    // 4012 bytes of UDP (8 + 4 + 4000) in pieces of 1480, 1480, 1052.
    expect(problems[0]).toMatchObject({ problem: 'incomplete', received: 4012 - 1480, expected: 4012, frames: [8, 10], meta: { src: '192.0.2.1', dst: '192.0.2.10', sport: 39544, dport: 36230 } });
    // Without the first fragment the ports are unknown.
    expect(problems[1]).toMatchObject({ problem: 'incomplete', received: 4012 - 1480, expected: 4012, frames: [13, 14], meta: { sport: 0, dport: 0 } });
  });
});
