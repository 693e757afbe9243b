/**
 * IPv6 parsing (RFC 8200 extension headers, RFC 5952 text form) and the dissector's IPv6 path:
 * DHCPv6 on UDP 546/547 behind every extension header, TFTP over IPv6, ICMPv6 router
 * solicitation/advertisement counted, and nothing else decoded.
 */
import { describe, it, expect } from 'vitest';
import { Dissector } from '../../src/decode/dissect.js';
import { ipv6String, newIpv6Header, parseIpv6, parseIpv6String } from '../../src/decode/ipv6.js';
import { dhcp6Opt, duid, encodeDhcp6 } from '../../src/decode/dhcp6/codec.js';
import { encodeTftp } from '../../src/decode/tftp/codec.js';
import { ethernet, frame } from '../decode/packets.js';
import { ipv6, udp, type Ext } from './packets6.js';

const CLIENT = 'fe80::5054:ff:feef:1';
const ALL_DHCP = 'ff02::1:2';

function solicit(): Uint8Array {
  return encodeDhcp6({
    msgType: 1,
    transactionId: 0xabcdef,
    options: [dhcp6Opt.clientId(duid.uuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b')), dhcp6Opt.clientArch([7]), dhcp6Opt.vendorClass(343, ['PXEClient:Arch:00007:UNDI:003000'])],
  }).slice();
}

describe('IPv6 text form', () => {
  it('formats addresses as RFC 5952 says (section 4 examples)', () => {
    const cases: [string, string][] = [
      ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
      ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'],
      ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
      ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
      ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
      ['fe80:0000:0000:0000:5054:00ff:feef:0001', 'fe80::5054:ff:feef:1'],
      ['ff02:0000:0000:0000:0000:0000:0001:0002', 'ff02::1:2'],
      ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
      ['2001:0db8:0001:0000:0000:0000:0000:0000', '2001:db8:1::'],
    ];
    for (const [full, want] of cases) {
      const b = Uint8Array.from(Buffer.from(full.replace(/:/g, ''), 'hex'));
      expect(ipv6String(b)).toBe(want);
      expect(Buffer.from(parseIpv6String(want)!).toString('hex')).toBe(full.replace(/:/g, ''));
    }
  });

  it('rejects what is not an IPv6 address', () => {
    for (const s of ['', '1:2:3', '2001:db8::1::2', 'gggg::1', '1:2:3:4:5:6:7:8:9', '::ffff:300.1.1.1']) expect(parseIpv6String(s)).toBeUndefined();
  });
});

describe('IPv6 extension headers', () => {
  const chains: [string, Ext[]][] = [
    ['none', []],
    ['hop-by-hop', [{ type: 0 }]],
    ['hop-by-hop (16 bytes) + destination options', [{ type: 0, units: 1 }, { type: 60 }]],
    ['routing', [{ type: 43, units: 2 }]],
    ['first fragment', [{ type: 44, more: true }]],
    ['hop-by-hop + routing + fragment + destination options + AH', [{ type: 0 }, { type: 43 }, { type: 44 }, { type: 60 }, { type: 51, units: 4 }]],
  ];
  for (const [name, exts] of chains) {
    it(`skips ${name} to reach UDP`, () => {
      const pkt = ipv6(CLIENT, ALL_DHCP, 17, udp(546, 547, solicit()), exts);
      const h = newIpv6Header();
      expect(parseIpv6(pkt, 0, h)).toBe('ok');
      expect(h.protocol).toBe(17);
      expect(h.extensionHeaders).toBe(exts.length);
      expect(((pkt[h.payloadOffset] as number) << 8) | (pkt[h.payloadOffset + 1] as number)).toBe(546);
      const d = new Dissector();
      const ev = d.dissect(frame(ethernet(pkt, [], 0x86dd)));
      expect(ev?.kind).toBe('dhcp6');
      if (ev?.kind !== 'dhcp6') return;
      expect(ev.meta).toMatchObject({ src: CLIENT, dst: ALL_DHCP, sport: 546, dport: 547, ipVersion: 6, ttl: 64, srcMac: '52:54:00:12:34:56' });
      expect(ev.dhcp6.transactionId).toBe(0xabcdef);
      expect(ev.dhcp6.vendorClass).toBe('PXEClient:Arch:00007:UNDI:003000');
      expect(d.stats).toMatchObject({ ipv6: 1, dhcp6: 1, badIpv6: 0 });
    });
  }

  it('drops later fragments (no upper-layer header) and flags a chain that runs past the packet', () => {
    const d = new Dissector();
    expect(d.dissect(frame(ethernet(ipv6(CLIENT, ALL_DHCP, 17, udp(546, 547, solicit()), [{ type: 44, fragmentOffset: 1448 }]), [], 0x86dd)))).toBeNull();
    const cut = ipv6(CLIENT, ALL_DHCP, 17, new Uint8Array(0), [{ type: 0, units: 4 }]).subarray(0, 50);
    const h = newIpv6Header();
    expect(parseIpv6(cut, 0, h)).toBe('bad-extension');
    expect(parseIpv6(cut.subarray(0, 30), 0, h)).toBe('short');
    const v4 = cut.slice();
    v4[0] = 0x45;
    expect(parseIpv6(v4, 0, h)).toBe('bad-version');
    expect(d.dissect(frame(ethernet(cut, [], 0x86dd)))).toBeNull();
    expect(d.stats.badIpv6).toBe(1);
  });
});

describe('dissector, IPv6 path', () => {
  it('decodes DHCPv6 on raw-IP and SLL links too', () => {
    const pkt = ipv6(CLIENT, ALL_DHCP, 17, udp(546, 547, solicit()));
    const d = new Dissector();
    expect(d.dissect(frame(pkt, 101))?.kind).toBe('dhcp6');
    expect(d.dissect(frame(pkt, 229))?.kind).toBe('dhcp6');
  });

  it('counts router solicitations/advertisements and decodes nothing else of ICMPv6, UDP or TCP', () => {
    const d = new Dissector();
    const rs = ipv6('::', 'ff02::2', 58, Uint8Array.of(133, 0, 0, 0, 0, 0, 0, 0));
    const ra = ipv6('fe80::1', 'ff02::1', 58, Uint8Array.of(134, 0, 0, 0, 64, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    const ns = ipv6('::', 'ff02::1:ff00:1', 58, Uint8Array.of(135, 0, 0, 0, 0, 0, 0, 0));
    const dns = ipv6('2001:db8::5', '2001:db8::53', 17, udp(40000, 53, new Uint8Array(20)));
    const tcp = ipv6('2001:db8::5', '2001:db8::1', 6, new Uint8Array(20));
    for (const p of [rs, ra, ns, dns, tcp]) expect(d.dissect(frame(ethernet(p, [], 0x86dd)))).toBeNull();
    expect(d.stats).toMatchObject({ ipv6: 5, icmp6: 3, routerSolicitations: 1, routerAdvertisements: 1, dhcp6: 0, httpSegments: 0 });
  });

  it('follows a TFTP transfer over IPv6 (PXEv6 boot file URL tftp://[..]/..) to its ephemeral ports', () => {
    const d = new Dissector();
    const c = '2001:db8:1::161';
    const s = '2001:db8:1::1';
    const rrq = ipv6(c, s, 17, udp(1796, 69, encodeTftp({ opcode: 1, filename: 'bootx64.efi', mode: 'octet', options: { blksize: '1228' } })));
    const data = ipv6(s, c, 17, udp(53981, 1796, encodeTftp({ opcode: 3, block: 1, payload: new Uint8Array(100) })));
    const ack = ipv6(c, s, 17, udp(1796, 53981, encodeTftp({ opcode: 4, block: 1 })));
    const evs = [rrq, data, ack].map((p) => d.dissect(frame(ethernet(p, [], 0x86dd))));
    expect(evs.map((e) => e?.kind)).toEqual(['tftp', 'tftp', 'tftp']);
    expect(evs[1]?.meta).toMatchObject({ src: s, dst: c, sport: 53981, dport: 1796, ipVersion: 6 });
    // An unrelated flow between other ports stays undecoded.
    expect(d.dissect(frame(ethernet(ipv6(s, c, 17, udp(53982, 1797, encodeTftp({ opcode: 3, block: 1, payload: new Uint8Array(4) }))), [], 0x86dd)))).toBeNull();
  });

  it('marks a DHCPv6 packet whose UDP header is cut short as malformed', () => {
    const pkt = ipv6(CLIENT, ALL_DHCP, 17, Uint8Array.of(0x02, 0x22, 0x02, 0x23, 0, 3));
    const ev = new Dissector().dissect(frame(ethernet(pkt, [], 0x86dd)));
    expect(ev).toMatchObject({ kind: 'malformed', layer: 'udp' });
  });
});
