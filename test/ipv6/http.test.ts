/**
 * UEFI HTTP boot: boot URL parsing, the HTTP head parser, the dissector decoding TCP only for the
 * servers named by http:// boot URLs, and the exchange's fetch outcomes and rules
 * (http-boot-no-url, http-boot-fetch-failed), on packets built with the real codecs.
 */
import { describe, it, expect } from 'vitest';
import { HttpBootEndpoints, parseBootUrl, parseHttpHead } from '../../src/decode/http.js';
import { parseIpv4String } from '../../src/decode/ipv4.js';
import { parseIpv6String } from '../../src/decode/ipv6.js';
import { Dissector } from '../../src/decode/dissect.js';
import { encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { dhcp6Opt, duid, encodeDhcp6 } from '../../src/decode/dhcp6/codec.js';
import { Analyzer } from '../../src/pipeline.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { ipv4, udpIpv4, ethernet, frame } from '../decode/packets.js';
import { ACK, FIN, PSH, RST, SYN, ascii, ipv6, tcp, udp } from './packets6.js';

const MAC = '52:54:00:ef:00:01';
const CLIENT = '192.0.2.130';
const SERVER = '192.0.2.1';
const URL4 = 'http://192.0.2.1:8080/boot.efi';

describe('boot URLs and HTTP heads', () => {
  it('splits http(s) URLs, IPv6 literals included', () => {
    expect(parseBootUrl(URL4)).toEqual({ scheme: 'http', host: '192.0.2.1', hostKind: 'ipv4', port: 8080, path: '/boot.efi' });
    expect(parseBootUrl('https://[2001:DB8:1::1]/efi/boot.efi')).toEqual({ scheme: 'https', host: '2001:db8:1::1', hostKind: 'ipv6', port: 443, path: '/efi/boot.efi' });
    expect(parseBootUrl('http://boot.example/x')).toMatchObject({ hostKind: 'name', port: 80 });
    for (const bad of ['tftp://[2001:db8::1]/x', 'bootx64.efi', 'http://[zz::1]/x', 'http://h:99999/']) expect(parseBootUrl(bad)).toBeUndefined();
  });

  it('parses request and response heads', () => {
    expect(parseHttpHead(ascii('GET /boot.efi HTTP/1.1\r\nHost: 192.0.2.1\r\nRange: bytes=0-\r\n\r\n'))).toEqual({
      type: 'request',
      method: 'GET',
      target: '/boot.efi',
      version: 'HTTP/1.1',
      host: '192.0.2.1',
      range: 'bytes=0-',
    });
    const head = 'HTTP/1.0 200 OK\r\nContent-Type: application/efi\r\nContent-Length: 171456\r\n\r\n';
    expect(parseHttpHead(ascii(`${head}MZ..`))).toEqual({
      type: 'response',
      version: 'HTTP/1.0',
      status: 200,
      reason: 'OK',
      contentLength: 171456,
      contentType: 'application/efi',
      headLength: head.length,
      bodyBytesInSegment: 4,
    });
    expect(parseHttpHead(ascii('HTTP/1.1 404 File not found\r\nTransfer-Encoding: chunked\r\n\r\n'))).toMatchObject({ status: 404, chunked: true });
    expect(parseHttpHead(ascii('\x16\x03\x01\x02\x00\x01\x00\x01\xfc'))).toBeUndefined();
    expect(parseHttpHead(ascii('MZ\x90\x00\x03\x00\x00\x00'))).toBeUndefined();
  });

  it('matches endpoints by number, IPv6 by full address', () => {
    const e = new HttpBootEndpoints();
    expect(e.size).toBe(0);
    expect(e.add(URL4)).toBe(true);
    expect(e.add('http://[2001:db8:1::1]:8080/boot.efi')).toBe(true);
    expect(e.add('tftp://x/y')).toBe(false);
    const s = parseIpv4String(SERVER)!;
    const c = parseIpv4String(CLIENT)!;
    expect(e.matchV4(c, 1263, s, 8080)).toBe(true);
    expect(e.matchV4(s, 8080, c, 1263)).toBe(true);
    expect(e.matchV4(c, 1263, s, 80)).toBe(false);
    const b = new Uint8Array(32);
    b.set(parseIpv6String('2001:db8:1::99')!, 0);
    b.set(parseIpv6String('2001:db8:1::1')!, 16);
    expect(e.matchV6(b, 0, 1000, 16, 8080)).toBe(true);
    b[31] = 2;
    expect(e.matchV6(b, 0, 1000, 16, 8080)).toBe(false);
  });
});

/** Builds the frames of a DHCPv4 HTTP boot round and one TCP connection, in order. */
class Script {
  frames: Uint8Array[] = [];
  private seqC = 1000;
  private seqS = 5000;
  dhcp(url: string | undefined, echo60: boolean): this {
    const req = (type: number): Uint8Array =>
      udpIpv4('0.0.0.0', 68, '255.255.255.255', 67, encodeDhcp({ op: 1, xid: 7, chaddr: MAC, options: [dhcpOpt.messageType(type), dhcpOpt.vendorClass('HTTPClient:Arch:00016:UNDI:003000'), dhcpOpt.clientArch([16])] }));
    const rep = (type: number): Uint8Array => {
      const options = [dhcpOpt.messageType(type), dhcpOpt.serverId(SERVER), dhcpOpt.subnetMask('255.255.255.0')];
      if (echo60) options.push(dhcpOpt.vendorClass('HTTPClient'));
      if (url) options.push(dhcpOpt.bootFile(url, false));
      return udpIpv4(SERVER, 67, '255.255.255.255', 68, encodeDhcp({ op: 2, xid: 7, chaddr: MAC, yiaddr: CLIENT, siaddr: SERVER, options }));
    };
    this.frames.push(req(1), rep(2), req(3), rep(5));
    return this;
  }
  private seg(fromClient: boolean, flags: number, payload = new Uint8Array(0), sport = 1263): this {
    const t = fromClient ? tcp(sport, 8080, this.seqC, this.seqS, flags, payload) : tcp(8080, sport, this.seqS, this.seqC, flags, payload);
    if (fromClient) this.seqC += payload.length + (flags & (SYN | FIN) ? 1 : 0);
    else this.seqS += payload.length + (flags & (SYN | FIN) ? 1 : 0);
    this.frames.push(fromClient ? ipv4({ src: CLIENT, dst: SERVER, protocol: 6 }, t) : ipv4({ src: SERVER, dst: CLIENT, protocol: 6 }, t));
    return this;
  }
  connect(): this {
    return this.seg(true, SYN).seg(false, SYN | ACK).seg(true, ACK);
  }
  refused(): this {
    return this.seg(true, SYN).seg(false, RST | ACK);
  }
  tlsHello(): this {
    return this.seg(true, PSH | ACK, Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00));
  }
  get(path = '/boot.efi'): this {
    return this.seg(true, PSH | ACK, ascii(`GET ${path} HTTP/1.1\r\nHost: ${SERVER}\r\n\r\n`));
  }
  response(status: string, length: number): this {
    return this.seg(false, PSH | ACK, ascii(`HTTP/1.0 ${status}\r\nContent-Length: ${length}\r\n\r\n`));
  }
  body(n: number, retransmit = false): this {
    if (retransmit) {
      // Same bytes again (a retransmission): must not count twice.
      this.seqS -= n;
    }
    return this.seg(false, PSH | ACK, new Uint8Array(n));
  }
  fin(): this {
    return this.seg(false, FIN | ACK);
  }
  reset(): this {
    return this.seg(true, RST);
  }
  run(): AnalysisJson {
    const d = new Dissector();
    const an = new Analyzer();
    this.frames.forEach((ip, i) => {
      const ev = d.dissect(frame(ethernet(ip), 1, 1000 + i * 0.01, i + 1));
      if (ev) an.push(ev);
    });
    return an.finish();
  }
}

function client(j: AnalysisJson) {
  return j.clients.find((c) => c.mac === MAC)!;
}

describe('HTTP boot over IPv4 in the exchange', () => {
  it('TCP is not decoded before a boot URL names its server', () => {
    const d = new Dissector();
    const early = d.dissect(frame(ethernet(ipv4({ src: CLIENT, dst: SERVER, protocol: 6 }, tcp(1263, 8080, 1, 0, SYN)))));
    expect(early).toBeNull();
    expect(d.stats.httpSegments).toBe(0);
  });

  it('a complete GET (Content-Length reached, a retransmitted segment counted once): booted', () => {
    const j = new Script().dhcp(URL4, true).connect().get().response('200 OK', 3000).body(1460).body(1460, true).body(1460).body(80).fin().run();
    const c = client(j);
    expect(c.methods?.map((m) => [m.method, m.outcome, m.detail])).toEqual([['HTTPv4', 'booted', 'GET /boot.efi: 200 OK, 3000 bytes']]);
    expect(c.ok).toBe(true);
    expect(c.closestMethod).toBe('HTTPv4');
    expect(j.findings.filter((f) => f.id.startsWith('http-boot'))).toEqual([]);
    expect(c.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['TCP-SYN', 'HTTP-REQUEST', 'HTTP-RESPONSE']));
  });

  it('HTTP 404: http-boot-fetch-failed, evidence = request and response', () => {
    const j = new Script().dhcp(URL4, true).connect().get('/missing.efi').response('404 File not found', 469).body(469).fin().run();
    const c = client(j);
    expect(c.methods?.[0]).toMatchObject({ method: 'HTTPv4', outcome: 'download-failed', detail: 'GET /missing.efi: HTTP 404 File not found' });
    const f = j.findings.find((x) => x.id === 'http-boot-fetch-failed')!;
    expect(f).toMatchObject({ severity: 'error', frames: [8, 9, 11] });
    expect(f.title).toContain('HTTP 404');
  });

  it('connection refused (RST to the SYN) and a reset mid-transfer', () => {
    const refused = client(new Script().dhcp(URL4, true).refused().run());
    expect(refused.methods?.[0]?.detail).toBe('connection to 192.0.2.1:8080 refused');
    const reset = new Script().dhcp(URL4, true).connect().get().response('200 OK', 100000).body(1460).reset().run();
    expect(client(reset).methods?.[0]?.detail).toBe('GET /boot.efi: reset by the client after 1460 of 100000 bytes');
    expect(reset.findings.find((x) => x.id === 'http-boot-fetch-failed')?.title).toContain('(reset)');
  });

  it('an https:// URL: the download is seen but not judged (download-encrypted, no finding)', () => {
    const j = new Script().dhcp('https://192.0.2.1:8080/boot.efi', true).connect().tlsHello().body(1460).body(1460).body(1460, true).fin().run();
    const c = client(j);
    expect(c.methods?.map((m) => [m.method, m.outcome, m.detail])).toEqual([['HTTPv4', 'download-encrypted', 'HTTPS from 192.0.2.1:8080: 2920 bytes received, result not visible (TLS)']]);
    expect(j.findings.filter((f) => f.id.startsWith('http-boot'))).toEqual([]);
    expect(c.ok).toBe(false);
  });

  it('an HTTPClient offer without option 60 "HTTPClient", or without a URL: http-boot-no-url', () => {
    const noEcho = new Script().dhcp(URL4, false).run();
    expect(client(noEcho).methods?.[0]).toMatchObject({ method: 'HTTPv4', outcome: 'no-boot-file' });
    expect(noEcho.findings.find((f) => f.id === 'http-boot-no-url')?.cause).toContain('does not echo the vendor class "HTTPClient"');
    const noUrl = new Script().dhcp(undefined, true).run();
    expect(noUrl.findings.find((f) => f.id === 'http-boot-no-url')?.cause).toContain('has no http:// or https:// URL');
  });
});

describe('PXE and HTTP boot over IPv6 in the exchange', () => {
  const C6 = '2001:db8:1::161';
  const S6 = '2001:db8:1::1';
  const LL = 'fe80::5054:ff:feef:1';
  function v6frames(vendor: string, url: string | undefined, echo16: boolean): Uint8Array[] {
    const client = (type: number, xid: number): Uint8Array =>
      ipv6(LL, 'ff02::1:2', 17, udp(546, 547, encodeDhcp6({ msgType: type, transactionId: xid, options: [dhcp6Opt.clientId(duid.uuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b')), dhcp6Opt.vendorClass(343, [vendor]), dhcp6Opt.oro([59, 60, 23, 16])] })));
    const server = (type: number, xid: number): Uint8Array => {
      const options = [dhcp6Opt.clientId(duid.uuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b')), dhcp6Opt.serverId(duid.ll('02:00:00:00:01:01')), dhcp6Opt.iaNa({ iaid: 1, addresses: [{ address: C6, preferredLifetime: 600, validLifetime: 600 }] })];
      if (url) options.push(dhcp6Opt.bootfileUrl(url));
      if (echo16) options.push(dhcp6Opt.vendorClass(343, ['HTTPClient']));
      return ipv6('fe80::ff:fe00:101', LL, 17, udp(547, 546, encodeDhcp6({ msgType: type, transactionId: xid, options })));
    };
    return [client(1, 1), server(2, 1), client(3, 2), server(7, 2)];
  }
  function run(frames: Uint8Array[]): AnalysisJson {
    const d = new Dissector();
    const an = new Analyzer();
    frames.forEach((p, i) => {
      const eth = ethernet(p, [], 0x86dd);
      // The client's own frames carry its MAC as Ethernet source (packets.ts writes 52:54:00:12:34:56 there).
      const ev = d.dissect(frame(eth, 1, 1000 + i * 0.01, i + 1));
      if (ev) an.push(ev);
    });
    return an.finish();
  }
  const V6MAC = '52:54:00:12:34:56';

  it('PXEv6 Advertise without option 59: pxe6-no-bootfile-url', () => {
    const j = run(v6frames('PXEClient:Arch:00007:UNDI:003000', undefined, false));
    const c = j.clients.find((x) => x.mac === V6MAC)!;
    expect(c.methods?.map((m) => [m.method, m.outcome])).toEqual([['PXEv6', 'no-boot-file']]);
    expect(j.findings.find((f) => f.id === 'pxe6-no-bootfile-url')).toMatchObject({ severity: 'error', frames: [1, 2, 4], firmwareMessage: 'PXE-E16' });
    expect(c.timeline.map((t) => t.kind)).toEqual(['DHCPV6-SOLICIT', 'DHCPV6-ADVERTISE', 'DHCPV6-REQUEST', 'DHCPV6-REPLY']);
  });

  it('HTTPv6 with URL and HTTPClient echoed, then a complete GET over IPv6: booted', () => {
    const url = `http://[${S6}]:8080/boot.efi`;
    const conn = [
      ipv6(C6, S6, 6, tcp(1300, 8080, 1, 0, SYN)),
      ipv6(S6, C6, 6, tcp(8080, 1300, 9, 2, SYN | ACK)),
      ipv6(C6, S6, 6, tcp(1300, 8080, 2, 10, PSH | ACK, ascii('GET /boot.efi HTTP/1.1\r\nHost: [2001:db8:1::1]:8080\r\n\r\n'))),
      ipv6(S6, C6, 6, tcp(8080, 1300, 10, 60, PSH | ACK, ascii('HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n0123456789'))),
    ];
    const j = run([...v6frames('HTTPClient:Arch:00016:UNDI:003000', url, true), ...conn]);
    const c = j.clients.find((x) => x.mac === V6MAC)!;
    expect(c.methods?.map((m) => [m.method, m.outcome, m.bootFile])).toEqual([['HTTPv6', 'booted', url]]);
    expect(c.ok).toBe(true);
    expect(j.findings.filter((f) => f.id.startsWith('http-boot') || f.id.startsWith('pxe6'))).toEqual([]);
  });

  it('HTTPv6 URL without vendor class HTTPClient echoed: http-boot-no-url', () => {
    const j = run(v6frames('HTTPClient:Arch:00016:UNDI:003000', `http://[${S6}]/boot.efi`, false));
    expect(j.findings.find((f) => f.id === 'http-boot-no-url')?.title).toContain('HTTP boot over IPv6');
  });
});
