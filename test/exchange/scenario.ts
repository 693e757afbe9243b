/**
 * Test helper: writes PXE exchanges as real frames (encodeDhcp / encodeTftp bytes inside
 * Ethernet/IPv4/UDP), runs them through the real Dissector and the Analyzer, and returns the
 * AnalysisJson. Frame numbers are 1-based in the order the steps are written.
 */
import { ByteWriter } from '../../src/decode/bytes.js';
import { encodeDhcp, type DhcpMessageInit } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import type { DhcpOption, PxeVendorOptions } from '../../src/decode/dhcp/types.js';
import { encodeTftp, type TftpPacketInit } from '../../src/decode/tftp/codec.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { Frame } from '../../src/capture/frame.js';
import { Analyzer } from '../../src/pipeline.js';
import type { Finding } from '../../src/diagnose/finding.js';
import type { ClientEventLine } from '../../src/exchange/types.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { icmpUnreachable, ipv4, udp } from '../decode/packets.js';

export const BCAST_MAC = 'ff:ff:ff:ff:ff:ff';

function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

function ethernet(src: string, dst: string, ip: Uint8Array, ethertype = 0x0800): Uint8Array {
  const w = new ByteWriter(14 + ip.length);
  for (const b of macBytes(dst)) w.u8(b);
  for (const b of macBytes(src)) w.u8(b);
  w.u16(ethertype).bytes(ip);
  return w.result().slice();
}

export interface Host {
  mac: string;
  ip: string;
}

export interface ClientSpec {
  mac: string;
  arch?: number[];
  vendorClass?: string;
  guid?: string;
  ipxe?: boolean;
  /** No PXE options at all (syslinux.efi's own DHCP, an OS). */
  plain?: boolean;
}

export interface OfferSpec {
  yiaddr?: string;
  siaddr?: string;
  file?: string;
  bootFile?: string;
  bootFileNul?: boolean;
  tftpServer?: string;
  vendorClass?: string;
  pxe?: PxeVendorOptions;
  giaddr?: string;
  /** Omit option 53 (BOOTP reply). */
  bootp?: boolean;
}

export class Scenario {
  readonly frames: Frame[] = [];
  t = 1_700_000_000;
  private ipId = 1;

  /** Advance the clock. */
  wait(seconds: number): this {
    this.t += seconds;
    return this;
  }

  get lastFrame(): number {
    return this.frames.length;
  }

  /** One Ethernet frame carrying `ip` (IPv4 unless `ethertype` says otherwise: 0x86dd for IPv6). */
  raw(srcMac: string, dstMac: string, ip: Uint8Array, ethertype = 0x0800): number {
    this.frames.push({ index: this.frames.length + 1, ts: this.t, linkType: 1, interfaceId: 0, data: ethernet(srcMac, dstMac, ip, ethertype), origLen: 14 + ip.length });
    this.t += 0.001;
    return this.frames.length;
  }

  udp(from: Host, sport: number, to: Host, dport: number, payload: Uint8Array): number {
    return this.raw(from.mac, to.mac, ipv4({ src: from.ip, dst: to.ip, id: this.ipId++ }, udp(sport, dport, payload)));
  }

  dhcp(from: Host, sport: number, to: Host, dport: number, msg: DhcpMessageInit): number {
    return this.udp(from, sport, to, dport, encodeDhcp(msg).slice());
  }

  tftp(from: Host, sport: number, to: Host, dport: number, p: TftpPacketInit): number {
    return this.udp(from, sport, to, dport, encodeTftp(p).slice());
  }

  /** An IPv6 packet (test/ipv6/packets6.ts builds them: DHCPv6 over UDP, HTTP over TCP). */
  ipv6(srcMac: string, dstMac: string, ip6: Uint8Array): number {
    return this.raw(srcMac, dstMac, ip6, 0x86dd);
  }

  /** A TCP segment over IPv4 (`segment` from test/ipv6/packets6.ts tcp()). */
  tcp(from: Host, to: Host, segment: Uint8Array): number {
    return this.raw(from.mac, to.mac, ipv4({ src: from.ip, dst: to.ip, protocol: 6, id: this.ipId++ }, segment));
  }

  icmpUnreachable(from: Host, to: Host, refused: Uint8Array): number {
    return this.raw(from.mac, to.mac, ipv4({ src: from.ip, dst: to.ip, protocol: 1, id: this.ipId++ }, icmpUnreachable(3, refused)));
  }

  // ------------------------------------------------------------- PXE building blocks

  clientOptions(c: ClientSpec, type: number, extra: DhcpOption[] = []): DhcpOption[] {
    const o: DhcpOption[] = [dhcpOpt.messageType(type)];
    if (!c.plain) {
      const arch = c.arch ?? [0];
      o.push(dhcpOpt.vendorClass(c.vendorClass ?? `PXEClient:Arch:${String(arch[0] ?? 0).padStart(5, '0')}:UNDI:002001`));
      if (arch.length) o.push(dhcpOpt.clientArch(arch));
      if (c.guid !== undefined) o.push(dhcpOpt.clientGuid(c.guid));
      if (c.ipxe) o.push(dhcpOpt.userClass(['iPXE'], true), dhcpOpt.ipxe([{ code: 0xeb, hex: '010000' }]));
    }
    return [...o, ...extra];
  }

  discover(c: ClientSpec, xid: number, secs = 0): number {
    return this.dhcp({ mac: c.mac, ip: '0.0.0.0' }, 68, { mac: BCAST_MAC, ip: '255.255.255.255' }, 67, { op: 1, xid, chaddr: c.mac, secs, options: this.clientOptions(c, 1) });
  }

  request(c: ClientSpec, xid: number, server: string, ip: string): number {
    return this.dhcp({ mac: c.mac, ip: '0.0.0.0' }, 68, { mac: BCAST_MAC, ip: '255.255.255.255' }, 67, {
      op: 1,
      xid,
      chaddr: c.mac,
      options: this.clientOptions(c, 3, [dhcpOpt.serverId(server), dhcpOpt.requestedIp(ip)]),
    });
  }

  /** OFFER (type 2) or ACK (type 5) from `server` to client `c`. */
  reply(server: Host, c: ClientSpec, xid: number, type: number, s: OfferSpec): number {
    const options: DhcpOption[] = [];
    if (!s.bootp) options.push(dhcpOpt.messageType(type), dhcpOpt.serverId(server.ip));
    if (s.yiaddr && s.yiaddr !== '0.0.0.0') options.push(dhcpOpt.subnetMask('255.255.255.0'), dhcpOpt.leaseTime(3600));
    if (s.vendorClass) options.push(dhcpOpt.vendorClass(s.vendorClass));
    if (s.pxe) options.push(dhcpOpt.pxeVendor(s.pxe));
    if (s.tftpServer) options.push(dhcpOpt.tftpServer(s.tftpServer));
    if (s.bootFile) options.push(dhcpOpt.bootFile(s.bootFile, s.bootFileNul ?? true));
    return this.dhcp(server, 67, { mac: BCAST_MAC, ip: '255.255.255.255' }, 68, {
      op: 2,
      xid,
      chaddr: c.mac,
      yiaddr: s.yiaddr ?? '0.0.0.0',
      siaddr: s.siaddr ?? '0.0.0.0',
      giaddr: s.giaddr ?? '0.0.0.0',
      file: s.file ?? '',
      hasMagicCookie: true,
      options,
    });
  }

  /** EDK2-style boot-server request to server:4011, from port 4011. */
  proxyRequest(c: ClientSpec, clientIp: string, server: Host, xid: number, sport = 4011): number {
    return this.dhcp({ mac: c.mac, ip: clientIp }, sport, server, 4011, {
      op: 1,
      xid,
      chaddr: c.mac,
      ciaddr: clientIp,
      options: this.clientOptions(c, 3),
    });
  }

  proxyAck(server: Host, c: ClientSpec, clientIp: string, xid: number, bootFile: string, dport = 4011): number {
    return this.dhcp(server, 4011, { mac: c.mac, ip: clientIp }, dport, {
      op: 2,
      xid,
      chaddr: c.mac,
      siaddr: server.ip,
      file: bootFile,
      options: [dhcpOpt.messageType(5), dhcpOpt.serverId(server.ip), dhcpOpt.vendorClass('PXEClient')],
    });
  }

  /** A full DORA with one server that hands out `offer` (boot information in the offer and the ACK). */
  dora(c: ClientSpec, server: Host, xid: number, ip: string, offer: OfferSpec = {}): void {
    this.discover(c, xid);
    this.wait(0.2);
    this.reply(server, c, xid, 2, { yiaddr: ip, ...offer });
    this.wait(0.5);
    this.request(c, xid, server.ip, ip);
    this.reply(server, c, xid, 5, { yiaddr: ip, ...offer });
    this.wait(0.1);
  }

  /**
   * A whole TFTP read: RRQ, optional OACK, `size` bytes of DATA (block 1 starts with `head`), ACKs.
   * `stopAfter` blocks cuts the transfer (no more packets); `errorAfterOack` makes the client abort (tsize probe).
   */
  tftpRead(
    client: Host,
    server: Host,
    file: string,
    size: number,
    o: { port?: number; options?: Record<string, string>; head?: Uint8Array; stopAfter?: number; blksize?: number; serverPort?: number } = {},
  ): { rrq: number; first?: number; last: number } {
    const cport = o.port ?? 2000 + Math.floor(Math.random() * 1000);
    const sport = o.serverPort ?? 40000 + Math.floor(Math.random() * 1000);
    const rrq = this.tftp(client, cport, server, 69, { opcode: 1, filename: file, mode: 'octet', options: o.options ?? {} });
    let first: number | undefined;
    let blksize = 512;
    if (o.options && Object.keys(o.options).length > 0) {
      const granted: Record<string, string> = {};
      if (o.options['blksize']) granted['blksize'] = String(o.blksize ?? o.options['blksize']);
      if (o.options['tsize'] !== undefined) granted['tsize'] = String(size);
      first = this.tftp(server, sport, client, cport, { opcode: 6, options: granted });
      blksize = Number(granted['blksize'] ?? 512);
      this.tftp(client, cport, server, sport, { opcode: 4, block: 0 });
    }
    const blocks = Math.floor(size / blksize) + 1;
    for (let b = 1; b <= blocks; b++) {
      if (o.stopAfter !== undefined && b > o.stopAfter) break;
      const len = b < blocks ? blksize : size - (blocks - 1) * blksize;
      const payload = new Uint8Array(len);
      if (b === 1 && o.head) payload.set(o.head.subarray(0, Math.min(len, o.head.length)));
      const f = this.tftp(server, sport, client, cport, { opcode: 3, block: b & 0xffff, payload });
      first ??= f;
      this.tftp(client, cport, server, sport, { opcode: 4, block: b & 0xffff });
    }
    return { rrq, first, last: this.lastFrame };
  }

  /** RRQ answered by ERROR `code` from the server. */
  tftpError(client: Host, server: Host, file: string, code: number, message: string, port = 3000): { rrq: number; error: number } {
    const rrq = this.tftp(client, port, server, 69, { opcode: 1, filename: file, mode: 'octet', options: {} });
    const error = this.tftp(server, 45000, client, port, { opcode: 5, errorCode: code, errorMessage: message });
    return { rrq, error };
  }

  /**
   * A TFTP DATA sent as two IPv4 fragments (what a bridge/router does when blksize exceeds the MTU);
   * `dropSecond` leaves the second fragment out, as on a path that loses fragments.
   */
  fragmentedData(server: Host, sport: number, client: Host, cport: number, block: number, len: number, dropSecond: boolean, head?: Uint8Array): number {
    const payload = new Uint8Array(len);
    if (head) payload.set(head.subarray(0, Math.min(len, head.length)));
    const datagram = udp(sport, cport, encodeTftp({ opcode: 3, block, payload }).slice());
    const id = this.ipId++;
    const cut = 1400;
    const first = this.raw(server.mac, client.mac, ipv4({ src: server.ip, dst: client.ip, id, moreFragments: true, fragmentOffset: 0 }, datagram.subarray(0, cut)));
    if (!dropSecond) this.raw(server.mac, client.mac, ipv4({ src: server.ip, dst: client.ip, id, fragmentOffset: cut }, datagram.subarray(cut)));
    return first;
  }

  /** Dissect every frame and analyze; also collects the live callbacks. */
  run(opts: { client?: string } = {}): AnalysisJson & { events: ClientEventLine[]; early: Finding[] } {
    const events: ClientEventLine[] = [];
    const early: Finding[] = [];
    const analyzer = new Analyzer({ client: opts.client, onEvent: (e) => events.push(e), onFinding: (f) => early.push(f) });
    const dissector = new Dissector();
    for (const f of this.frames) {
      analyzer.setCaptureStart(f.ts);
      const ev = dissector.dissect(f);
      if (ev) analyzer.push(ev);
      for (const side of dissector.drain()) analyzer.push(side);
    }
    for (const ev of dissector.flush()) analyzer.push(ev);
    analyzer.setCapture({ file: 'scenario', frames: this.frames.length });
    return { ...analyzer.finish(), events, early };
  }
}

/** A minimal PE/COFF header for `machine` (e.g. 0x8664), as the first bytes of an EFI NBP. */
export function peHead(machine: number): Uint8Array {
  const b = new Uint8Array(512);
  b[0] = 0x4d;
  b[1] = 0x5a;
  b[0x3c] = 0x80;
  b.set([0x50, 0x45, 0, 0, machine & 0xff, machine >> 8], 0x80);
  return b;
}

/** First bytes of a BIOS NBP (pxelinux.0 starts with real-mode code, no MZ). */
export function biosHead(): Uint8Array {
  return Uint8Array.from([0xfa, 0xea, 0x05, 0x7c, 0x00, 0x00, 0x31, 0xc0]);
}

export function ids(a: AnalysisJson, severity?: string): string[] {
  return a.findings.filter((f) => severity === undefined || f.severity === severity).map((f) => f.id);
}
