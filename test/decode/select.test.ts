/**
 * Dissector.select (the reader-side pre-filter) must not change anything but speed: reading a
 * capture with select() gating dissect() gives exactly the events, in order, and exactly the
 * statistics of dissecting every frame. Checked on every fixture capture (public and lab) and on a
 * capture of deliberately awkward frames around a TFTP transfer on ephemeral ports.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame, FrameSink } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/open.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { PacketEvent } from '../../src/decode/events.js';
import { encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { encodeTftp } from '../../src/decode/tftp/codec.js';
import { ethernet, icmpUnreachable, ipv4, udp, udpIpv4 } from './packets.js';
import { captureFiles } from '../helpers/capture-files.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxj-select-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Events as text at the moment they are made (TFTP payloads are views into the reader's buffer). */
function snapshot(ev: PacketEvent): string {
  return JSON.stringify(ev, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

async function dissectFile(file: string, useSelect: boolean): Promise<{ events: string[]; stats: unknown; frames: number }> {
  const d = new Dissector();
  const events: string[] = [];
  let selected = 0;
  const sink: FrameSink = {
    frame(f: Frame) {
      const ev = d.dissect(f);
      if (ev) events.push(snapshot(ev));
      for (const side of d.drain()) events.push(snapshot(side));
    },
  };
  if (useSelect) {
    sink.select = (data, start, end, linkType, clock) => {
      const keep = d.select(data, start, end, linkType, clock);
      if (keep) selected++;
      return keep;
    };
  }
  const summary = await readCapture(file, sink);
  for (const ev of d.flush()) events.push(snapshot(ev));
  return { events, stats: d.stats, frames: useSelect ? selected : summary.frames };
}


async function expectSame(file: string): Promise<{ full: number; selected: number } | undefined> {
  let full;
  try {
    full = await dissectFile(file, false);
  } catch (err) {
    if (err instanceof CaptureFormatError) return undefined;
    throw err;
  }
  const sel = await dissectFile(file, true);
  expect(sel.events, file).toEqual(full.events);
  expect(sel.stats, file).toEqual(full.stats);
  return { full: full.frames, selected: sel.frames };
}

const CLIENT = '192.0.2.100';
const SERVER = '192.0.2.2';

/** IPv6 header (RFC 8200) + payload; `next` is the first next-header value. */
function ipv6Packet(srcLast: number, dstLast: number, next: number, payload: Uint8Array, payloadLength = payload.length): Uint8Array {
  const b = new Uint8Array(40 + payload.length);
  b[0] = 0x60;
  b[4] = payloadLength >> 8;
  b[5] = payloadLength & 0xff;
  b[6] = next;
  b[7] = 64;
  // 2001:db8::/32 (RFC 3849).
  b.set([0x20, 0x01, 0x0d, 0xb8], 8);
  b[23] = srcLast;
  b.set([0x20, 0x01, 0x0d, 0xb8], 24);
  b[39] = dstLast;
  b.set(payload, 40);
  return b;
}

/** A TCP segment (20-byte header, PSH+ACK) carrying an HTTP request. */
function tcpSegment(sport: number, dport: number): Uint8Array {
  const req = new TextEncoder().encode('GET /uefi.efi HTTP/1.1\r\nHost: boot.example\r\n\r\n');
  const b = new Uint8Array(20 + req.length);
  b.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff], 0);
  b.set(req, 20);
  return b;
}

function tcpIpv4(src: string, sport: number, dst: string, dport: number): Uint8Array {
  return ipv4({ src, dst, protocol: 6 }, tcpSegment(sport, dport));
}

/** An awkward mix: every branch of the pre-filter, and the frames it must leave to dissect(). */
function awkwardFrames(): Uint8Array[] {
  const rrq = encodeTftp({ opcode: 1, filename: 'pxelinux.0', options: { blksize: '1456' } }).slice();
  const data = (b: number) => encodeTftp({ opcode: 3, block: b, payload: new Uint8Array(600).fill(b) }).slice();
  const ack = (b: number) => encodeTftp({ opcode: 4, block: b }).slice();
  const discover = encodeDhcp({ op: 1, xid: 7, chaddr: '52:54:00:00:00:01', options: [dhcpOpt.messageType(1), dhcpOpt.vendorClass('PXEClient')] }).slice();
  const tcp = ipv4({ src: '198.51.100.1', dst: '203.0.113.1', protocol: 6 }, new Uint8Array(40));
  const ipv6 = new Uint8Array(60);
  ipv6[0] = 0x60;
  const frames: Uint8Array[] = [
    ethernet(udpIpv4('0.0.0.0', 68, '255.255.255.255', 67, discover)),
    ethernet(tcp),
    ethernet(ipv6, [], 0x86dd),
    ethernet(new Uint8Array(28), [], 0x0806), // ARP
    ethernet(new Uint8Array(40), [], 0x0026), // 802.3 length field (LLC)
    ethernet(udpIpv4('198.51.100.7', 5353, '203.0.113.9', 53, new Uint8Array(30))),
    // TFTP: RRQ to 69, then DATA/ACK between ephemeral ports (conversation lookup), VLAN-tagged too.
    ethernet(udpIpv4(CLIENT, 2070, SERVER, 69, rrq)),
    ethernet(udpIpv4(SERVER, 40001, CLIENT, 2070, data(1))),
    ethernet(udpIpv4(CLIENT, 2070, SERVER, 40001, ack(1))),
    ethernet(udpIpv4(SERVER, 40001, CLIENT, 2070, data(2)), [[0x8100, 10]]),
    ethernet(udpIpv4(CLIENT, 2070, SERVER, 40001, ack(2)), [[0x88a8, 20], [0x8100, 10]]),
    // Same ports, other hosts: not the conversation.
    ethernet(udpIpv4('198.51.100.3', 40001, '198.51.100.4', 2070, data(3))),
    // A stray packet to the client port from another server port once bound: not TFTP.
    ethernet(udpIpv4(SERVER, 40002, CLIENT, 2070, data(3))),
    // UDP without room for ports; IPv4 total length 0 (TSO); truncated by a short capture.
    ethernet(ipv4({ src: '198.51.100.1', dst: '203.0.113.1' }, new Uint8Array(3))),
    ethernet(ipv4({ src: '198.51.100.1', dst: '203.0.113.1', totalLength: 0 }, udp(1000, 2000, new Uint8Array(20)))),
    ethernet(ipv4({ src: '198.51.100.1', dst: '203.0.113.1', totalLength: 900 }, udp(1000, 2000, new Uint8Array(20)))),
    ethernet(ipv4({ src: '198.51.100.1', dst: '203.0.113.1', totalLength: 900, protocol: 6 }, new Uint8Array(40))),
    // Headers the pre-filter leaves to dissect(): bad version, bad IHL, short, fragments, ICMP.
    ethernet(Uint8Array.from([0x65, ...new Array(39).fill(0)])),
    ethernet(Uint8Array.from([0x44, ...new Array(39).fill(0)])),
    ethernet(new Uint8Array(10)),
    new Uint8Array(10),
    ethernet(ipv4({ src: SERVER, dst: CLIENT, id: 99, moreFragments: true }, udp(40001, 2070, data(4)).subarray(0, 400))),
    ethernet(ipv4({ src: SERVER, dst: CLIENT, id: 99, fragmentOffset: 400 }, udp(40001, 2070, data(4)).subarray(400))),
    ethernet(ipv4({ src: '198.51.100.1', dst: '203.0.113.1', id: 5, moreFragments: true }, new Uint8Array(64))),
    ethernet(ipv4({ src: '198.51.100.9', dst: '203.0.113.9', id: 6, moreFragments: true, protocol: 6 }, new Uint8Array(64))),
    ethernet(ipv4({ src: SERVER, dst: CLIENT, protocol: 1 }, icmpUnreachable(3, udpIpv4(CLIENT, 2070, SERVER, 69, rrq)))),
    ethernet(ipv4({ src: SERVER, dst: CLIENT, protocol: 1 }, new Uint8Array(16))),
  ];
  // IPv6: plain UDP and TCP (pre-filtered), DHCPv6, TFTP over IPv6 and its transfer ports,
  // ICMPv6 router solicitation, an extension header, a short UDP payload, payload length 0.
  const v6 = (f: Uint8Array) => ethernet(f, [], 0x86dd);
  const httpOffer = encodeDhcp({
    op: 2,
    xid: 8,
    chaddr: '52:54:00:00:00:02',
    yiaddr: '192.0.2.101',
    options: [dhcpOpt.messageType(2), dhcpOpt.serverId('192.0.2.1'), dhcpOpt.vendorClass('HTTPClient'), dhcpOpt.bootFile('http://boot.example/uefi.efi')],
  }).slice();
  const solicit = Uint8Array.from([1, 0, 0, 1, 0, 8, 0, 2, 0, 0]);
  // Before the fragments below: while fragments are pending, select() lets every frame through.
  frames.splice(
    13,
    0,
    v6(ipv6Packet(1, 2, 17, udp(40000, 443, new Uint8Array(72)))),
    v6(ipv6Packet(1, 2, 6, new Uint8Array(32))),
    v6(ipv6Packet(1, 2, 17, udp(546, 547, solicit))),
    v6(ipv6Packet(1, 2, 17, udp(2080, 69, rrq))),
    v6(ipv6Packet(2, 1, 17, udp(50001, 2080, data(1)))),
    v6(ipv6Packet(1, 2, 17, udp(2080, 50001, ack(1)))),
    v6(ipv6Packet(3, 1, 17, udp(50001, 2080, data(1)))),
    v6(ipv6Packet(1, 2, 58, Uint8Array.from([133, 0, 0, 0, 0, 0, 0, 0]))),
    v6(ipv6Packet(1, 2, 0, Uint8Array.from([17, 0, 0, 0, 0, 0, 0, 0, ...udp(40000, 443, new Uint8Array(8))]))),
    v6(ipv6Packet(1, 2, 17, new Uint8Array(3))),
    v6(ipv6Packet(1, 2, 17, udp(40000, 443, new Uint8Array(8)), 0)),
    v6(ipv6Packet(1, 2, 17, udp(40000, 443, new Uint8Array(8)), 900)),
    v6(new Uint8Array(20)),
    // Ethertype IPv6 but version 4 in the header: dissect() counts it as a bad IPv6 header.
    v6(ipv6Packet(1, 2, 17, udp(40000, 443, new Uint8Array(8))).map((x, i) => (i === 0 ? 0x45 : x))),
    // UEFI HTTP boot: once a DHCP reply names an http:// boot file, TCP to that port is decoded.
    ethernet(tcpIpv4('198.51.100.5', 40000, '203.0.113.80', 80)),
    ethernet(udpIpv4('192.0.2.1', 67, '255.255.255.255', 68, httpOffer)),
    ethernet(tcpIpv4('198.51.100.5', 40001, '203.0.113.80', 80)),
    ethernet(tcpIpv4('198.51.100.5', 40002, '203.0.113.80', 443)),
    v6(ipv6Packet(1, 2, 6, tcpSegment(40003, 80))),
    v6(ipv6Packet(1, 2, 6, tcpSegment(40004, 443))),
  );
  // More TCP and UDP after the fragments expired (packet time moves on below).
  for (let i = 0; i < 50; i++) {
    frames.push(ethernet(i % 2 ? tcp : udpIpv4('198.51.100.7', 30000 + i, '203.0.113.9', 2070, new Uint8Array(30))));
  }
  return frames;
}

describe('Dissector.select', () => {
  it('awkward frames: same events and statistics as dissecting everything', async () => {
    const file = path.join(tmp, 'awkward.pcap');
    const w = new PcapWriter(file, 1);
    const frames = awkwardFrames();
    // Packet time: 1 s apart; 40 frames before the end it jumps past the fragment timeout (the
    // pending fragments are then given up) and the TFTP conversation expiry.
    frames.forEach((f, i) => w.write(1_700_000_000 + i + (i >= frames.length - 40 ? 200 : 0), f));
    // Short captures: the snap length cut these records (captured < original length).
    const cut = ethernet(udpIpv4(SERVER, 40001, CLIENT, 2070, encodeTftp({ opcode: 3, block: 9, payload: new Uint8Array(1000) }).slice()));
    w.write(1_700_000_500, cut.subarray(0, 200), cut.length);
    w.write(1_700_000_501, ethernet(udpIpv4(CLIENT, 2071, SERVER, 69, encodeTftp({ opcode: 1, filename: 'x' }).slice())));
    w.write(1_700_000_502, cut.subarray(0, 36), cut.length);
    await w.close();
    const r = await expectSame(file);
    // The pre-filter did reject something (else this test proves nothing).
    expect(r).toBeDefined();
    expect(r!.selected).toBeLessThan(r!.full);
  });

  it('every fixture capture (public and lab): same events and statistics', async () => {
    const files = [...captureFiles(path.join(ROOT, 'fixtures/public')), ...captureFiles(path.join(ROOT, 'fixtures/captures'))];
    let checked = 0;
    let rejected = 0;
    for (const file of files) {
      const r = await expectSame(file);
      if (!r) continue;
      checked++;
      rejected += r.full - r.selected;
    }
    expect(checked).toBeGreaterThan(30);
    expect(rejected).toBeGreaterThan(0);
  });
});
