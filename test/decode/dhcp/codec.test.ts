import { describe, it, expect } from 'vitest';
import { decodeDhcp, encodeDhcp, type DhcpMessageInit } from '../../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import type { DhcpMessage } from '../../../src/decode/dhcp/types.js';
import type { DhcpAnomaly } from '../../../src/decode/dhcp/constants.js';
import { expectRoundTrip } from './roundtrip.js';
import { fixtureCaptures, isDhcpPacket, udpPayloads, type UdpPayload } from './udp-payloads.js';

const CLIENT_MAC = 'd0:50:99:4e:05:57';

function discover(options = [dhcpOpt.messageType(1)]): DhcpMessageInit {
  return { op: 1, xid: 0x9b4e0557, chaddr: CLIENT_MAC, flags: 0x8000, options };
}

/** A well-formed payload with the options area replaced by `optionBytes` (after the cookie). */
function withOptionBytes(optionBytes: number[]): Uint8Array {
  const base = encodeDhcp(discover([])).slice(0, 240);
  const out = new Uint8Array(240 + optionBytes.length);
  out.set(base);
  out.set(optionBytes, 240);
  return out;
}

describe('decodeDhcp: header', () => {
  it('decodes every BOOTP header field of a built message', () => {
    const bytes = encodeDhcp({
      op: 2,
      htype: 1,
      hops: 3,
      xid: 0xdeadbeef,
      secs: 8,
      flags: 0x8000,
      ciaddr: '192.0.2.1',
      yiaddr: '192.0.2.2',
      siaddr: '192.0.2.3',
      giaddr: '192.0.2.4',
      chaddr: CLIENT_MAC,
      sname: 'boot-server',
      file: 'pxelinux.0',
      options: [dhcpOpt.messageType(2)],
    });
    const m = decodeDhcp(bytes);
    expect(m).toMatchObject({
      op: 2,
      htype: 1,
      hlen: 6,
      hops: 3,
      xid: 0xdeadbeef,
      secs: 8,
      flags: 0x8000,
      ciaddr: '192.0.2.1',
      yiaddr: '192.0.2.2',
      siaddr: '192.0.2.3',
      giaddr: '192.0.2.4',
      chaddr: CLIENT_MAC,
      sname: 'boot-server',
      file: 'pxelinux.0',
      hasMagicCookie: true,
      messageType: 2,
      anomalies: [],
    });
    expect(bytes.length).toBe(300);
  });

  it('caps chaddr at 16 bytes and flags hlen > 16', () => {
    const bytes = encodeDhcp({ ...discover(), chaddr: '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff', hlen: 20 });
    const m = decodeDhcp(bytes);
    expect(m.chaddr).toBe('00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff');
    expect(m.anomalies.map((a) => a.detail)).toEqual(['hlen 20 (more than 16)']);
  });

  it('flags secs that look little-endian (OVMF 4011 retries) but keeps the RFC 2131 value', () => {
    expect(decodeDhcp(encodeDhcp({ ...discover(), secs: 0x0100 }))).toMatchObject({ secs: 256, anomalies: [{ code: 'secs-little-endian', detail: 'secs appears little-endian' }] });
    expect(decodeDhcp(encodeDhcp({ ...discover(), secs: 0x0101 })).anomalies).toEqual([]);
    expect(decodeDhcp(encodeDhcp({ ...discover(), secs: 0x00ff })).anomalies).toEqual([]);
  });

  it('reports a truncated header and decodes the fields that are there', () => {
    const full = encodeDhcp(discover());
    const m = decodeDhcp(full.subarray(0, 40));
    expect(m.anomalies.map((a) => a.detail)).toContain('truncated header');
    expect(m.xid).toBe(0x9b4e0557);
    expect(m.chaddr).toBe(CLIENT_MAC);
    expect(m.hasMagicCookie).toBe(false);
    expect(decodeDhcp(new Uint8Array(0)).anomalies.map((a) => a.detail)).toEqual(['truncated header']);
  });

  it('reads plain BOOTP (zero vendor area) without options or anomalies', () => {
    const bytes = encodeDhcp({ op: 1, xid: 1, chaddr: CLIENT_MAC, file: 'boot', hasMagicCookie: false, options: [] });
    expect(bytes.length).toBe(300);
    const m = decodeDhcp(bytes);
    expect(m).toMatchObject({ hasMagicCookie: false, options: [], anomalies: [], file: 'boot' });
  });

  it('reports a wrong magic cookie and does not parse the vendor area as options', () => {
    const bytes = encodeDhcp(discover()).slice();
    bytes[239] = 0x64;
    const m = decodeDhcp(bytes);
    expect(m.hasMagicCookie).toBe(false);
    expect(m.options).toEqual([]);
    expect(m.anomalies.map((a) => a.detail)).toEqual(['bad magic cookie']);
  });

  it('flags unterminated and non-printable sname/file', () => {
    const bytes = encodeDhcp(discover()).slice();
    bytes.fill(0x41, 44, 108); // sname: 64 x 'A', no NUL
    bytes.fill(0x42, 108, 236); // file: 128 x 'B', no NUL
    bytes[110] = 0xff;
    const m = decodeDhcp(bytes);
    expect(m.sname).toBe('A'.repeat(64));
    expect(m.file.length).toBe(128);
    expect(m.file.charCodeAt(2)).toBe(0xff);
    expect(m.anomalies.map((a) => a.detail)).toEqual(['sname not NUL-terminated', 'file not NUL-terminated', 'non-printable bytes in file']);
  });
});

describe('decodeDhcp: options area', () => {
  it('keeps options in wire order with duplicates, skipping pads', () => {
    const m = decodeDhcp(withOptionBytes([53, 1, 1, 0, 0, 12, 2, 0x61, 0x62, 12, 1, 0x63, 255]));
    expect(m.options.map((o) => [o.code, Array.from(o.data)])).toEqual([
      [53, [1]],
      [12, [0x61, 0x62]],
      [12, [0x63]],
    ]);
    // RFC 3396: the same code twice is one long option for the typed shortcut.
    expect(m.hostname).toBe('abc');
    expect(m.anomalies).toEqual([]);
  });

  it('gives each option an owned copy of its data', () => {
    const bytes = withOptionBytes([60, 3, 0x61, 0x62, 0x63, 255]);
    const m = decodeDhcp(bytes);
    bytes.fill(0);
    expect(Array.from(m.options[0]?.data ?? [])).toEqual([0x61, 0x62, 0x63]);
  });

  it('reports an option running past the end and a missing END', () => {
    expect(decodeDhcp(withOptionBytes([53, 1, 1, 60, 9, 0x50])).anomalies.map((a) => a.detail)).toEqual(['option 60 runs past the end']);
    expect(decodeDhcp(withOptionBytes([53, 1, 1, 60])).anomalies.map((a) => a.detail)).toEqual(['option 60 runs past the end']);
    const noEnd = decodeDhcp(withOptionBytes([53, 1, 1]));
    expect(noEnd.anomalies.map((a) => a.detail)).toEqual(['missing end option']);
    expect(noEnd.messageType).toBe(1);
  });

  it('ignores bytes after END', () => {
    const m = decodeDhcp(withOptionBytes([53, 1, 3, 255, 60, 40, 1]));
    expect(m.options.map((o) => o.code)).toEqual([53]);
    expect(m.anomalies).toEqual([]);
  });

  it('reports fixed-size options with the wrong length and leaves their shortcut unset', () => {
    const m = decodeDhcp(withOptionBytes([53, 2, 1, 1, 54, 3, 1, 2, 3, 51, 4, 0, 0, 14, 16, 255]));
    expect(m.messageType).toBeUndefined();
    expect(m.serverId).toBeUndefined();
    expect(m.leaseTime).toBe(3600);
    expect(m.anomalies.map((a) => a.detail)).toEqual(['option 53 length 2 (expected 1)', 'option 54 length 3 (expected 4)']);
  });
});

describe('decodeDhcp: option 52 overload (RFC 2131 §4.1, RFC 3396 §5)', () => {
  it('reads options from file then sname after the options area and reports both fields empty', () => {
    const init = discover([
      dhcpOpt.messageType(2),
      dhcpOpt.overload(3),
      { ...dhcpOpt.bootFile('from-file-field'), area: 'file' },
      { ...dhcpOpt.tftpServer('192.0.2.9'), area: 'sname' },
    ]);
    const m = decodeDhcp(encodeDhcp(init));
    expect(m.overload).toBe(3);
    expect(m.options.map((o) => [o.code, o.area])).toEqual([
      [53, undefined],
      [52, undefined],
      [67, 'file'],
      [66, 'sname'],
    ]);
    expect(m.bootFile).toBe('from-file-field');
    expect(m.tftpServer).toBe('192.0.2.9');
    expect(m.sname).toBe('');
    expect(m.file).toBe('');
    expect(m.anomalies).toEqual([]);
  });

  it('writes an overloaded field in option form even when it holds no option', () => {
    const bytes = encodeDhcp(discover([dhcpOpt.overload(2), dhcpOpt.messageType(1)]));
    expect(bytes[44]).toBe(255);
    expect(decodeDhcp(bytes).anomalies).toEqual([]);
    expect(() => encodeDhcp(discover([{ ...dhcpOpt.hostname('x'), area: 'file' }]))).toThrow(/option 52/);
  });

  it('re-encodes options that fill an overloaded field exactly, without room for END', () => {
    const init = discover([dhcpOpt.overload(1), { ...dhcpOpt.raw(224, new Uint8Array(126)), area: 'file' }]);
    const bytes = encodeDhcp(init);
    const m = decodeDhcp(bytes);
    expect(m.options.find((o) => o.area === 'file')?.data.length).toBe(126);
    expect(m.anomalies.map((a) => a.detail)).toEqual(['missing end option in file']);
    expect(Array.from(encodeDhcp(m))).toEqual(Array.from(bytes));
  });

  it('reports an overloaded field without END', () => {
    const bytes = encodeDhcp(discover([dhcpOpt.overload(1)])).slice();
    bytes.fill(0, 108, 236);
    bytes.set([12, 2, 0x68, 0x69], 108); // hostname "hi", no END in the file field
    const m = decodeDhcp(bytes);
    expect(m.hostname).toBe('hi');
    expect(m.anomalies.map((a) => a.detail)).toEqual(['missing end option in file']);
  });
});

describe('decodeDhcp: typed PXE shortcuts', () => {
  it('decodes 93 (several values), 94, 97 and 60 as a PXE client sends them', () => {
    const m = decodeDhcp(
      encodeDhcp(
        discover([
          dhcpOpt.messageType(1),
          dhcpOpt.clientArch([7, 9]),
          dhcpOpt.clientNdi(1, 3, 16),
          dhcpOpt.clientGuid('00020003-0004-0005-0006-000700080009'),
          dhcpOpt.vendorClass('PXEClient:Arch:00007:UNDI:003016'),
          dhcpOpt.maxMessageSize(1464),
          dhcpOpt.paramRequestList([1, 3, 43, 60, 66, 67]),
        ]),
      ),
    );
    expect(m).toMatchObject({
      clientArch: [7, 9],
      clientNdi: { type: 1, major: 3, minor: 16 },
      clientGuid: '00020003-0004-0005-0006-000700080009',
      vendorClass: 'PXEClient:Arch:00007:UNDI:003016',
      maxMessageSize: 1464,
      paramRequestList: [1, 3, 43, 60, 66, 67],
      anomalies: [],
    });
  });

  it('checks option 97 length and type, and option 93 length', () => {
    const bad = decodeDhcp(withOptionBytes([97, 16, ...new Array(16).fill(1), 93, 3, 0, 7, 0, 255]));
    expect(bad.clientGuid).toBeUndefined();
    expect(bad.clientArch).toBeUndefined();
    expect(bad.anomalies.map((a) => a.detail)).toEqual(['option 97 length 16 (expected 17)', 'option 93 odd length']);
    const type1 = decodeDhcp(withOptionBytes([97, 17, 1, ...new Array(16).fill(0xab), 255]));
    expect(type1.anomalies.map((a) => a.detail)).toEqual(['option 97 type 1 (expected 0)']);
    expect(type1.clientGuid).toBe('abababab-abab-abab-abab-abababababab');
  });

  it('records option 67 with and without its trailing NUL', () => {
    const withNul = decodeDhcp(encodeDhcp(discover([dhcpOpt.bootFile('ipxe.efi')])));
    expect(withNul).toMatchObject({ bootFile: 'ipxe.efi', bootFileNulTerminated: true, anomalies: [] });
    const without = decodeDhcp(encodeDhcp(discover([dhcpOpt.bootFile('ipxe.efi', false)])));
    expect(without).toMatchObject({ bootFile: 'ipxe.efi', bootFileNulTerminated: false, anomalies: [{ code: 'bootfile-not-nul-terminated', detail: 'option 67 without trailing NUL', option: 67 }] });
  });

  it('decodes option 43 as PXE sub-options when option 60 says PXEClient', () => {
    const pxe = {
      discoveryControl: 3,
      bootServers: [{ type: 32768, addresses: ['192.0.2.10'] }],
      bootMenu: [{ type: 32768, description: 'Pixiecore' }],
      menuPrompt: { timeout: 0, prompt: 'Pixiecore' },
    };
    const m = decodeDhcp(encodeDhcp(discover([dhcpOpt.vendorClass('PXEClient'), dhcpOpt.pxeVendor(pxe)])));
    expect(m.pxe).toEqual(pxe);
    expect(m.vendorSpecificHex).toBeUndefined();
  });

  it('decodes a clean PXE option 43 without option 60 (proxy ACK on 4011), else keeps the hex', () => {
    const bootItem = decodeDhcp(encodeDhcp(discover([dhcpOpt.pxeVendor({ bootItem: { type: 32768, layer: 0 } })])));
    expect(bootItem.pxe).toEqual({ bootItem: { type: 32768, layer: 0 } });
    // Microsoft's "disable NetBIOS" 43 is PXE-shaped but has no END: not PXE without option 60.
    const msftReply = decodeDhcp(encodeDhcp(discover([dhcpOpt.vendorSpecific('010400000001')])));
    expect(msftReply.pxe).toBeUndefined();
    expect(msftReply.vendorSpecificHex).toBe('010400000001');
    // A Cisco-style 43 (sub-option 241) is not PXE without option 60.
    const cisco = decodeDhcp(encodeDhcp(discover([dhcpOpt.vendorSpecific('f104c0000201')])));
    expect(cisco.pxe).toBeUndefined();
    expect(cisco.vendorSpecificHex).toBe('f104c0000201');
    // Another vendor class keeps the raw bytes even when they would parse as PXE.
    const msft = decodeDhcp(encodeDhcp(discover([dhcpOpt.vendorClass('MSFT 5.0'), dhcpOpt.vendorSpecific('060103ff')])));
    expect(msft.pxe).toBeUndefined();
    expect(msft.vendorSpecificHex).toBe('060103ff');
  });

  it('reports damaged PXE sub-options when the vendor is PXEClient', () => {
    const m = decodeDhcp(encodeDhcp(discover([dhcpOpt.vendorClass('PXEClient'), dhcpOpt.vendorSpecific('0602030447048000')])));
    expect(m.anomalies.map((a) => a.detail)).toEqual(['option 43 sub-option 6 length 2 (expected 1)', 'option 43 sub-option 71 runs past the end']);
  });

  it('decodes 77 in RFC 3004 form and in iPXE raw form', () => {
    expect(decodeDhcp(encodeDhcp(discover([dhcpOpt.userClass(['subopt1', 'x'])]))).userClass).toEqual(['subopt1', 'x']);
    expect(decodeDhcp(encodeDhcp(discover([dhcpOpt.userClass(['iPXE'], true)]))).userClass).toEqual(['iPXE']);
  });

  it('decodes 82 sub-options, 150, 175 and 208-211', () => {
    const m = decodeDhcp(
      encodeDhcp(
        discover([
          dhcpOpt.relayAgent({ circuitId: '0004000a0001', remoteId: 'aabbcc', linkSelection: '192.0.2.0', subscriberId: 'sub-1' }),
          dhcpOpt.tftpServerAddresses(['192.0.2.5', '192.0.2.6']),
          dhcpOpt.ipxe([{ code: 1, hex: '7f' }, { code: 0xb0, hex: '01' }]),
          dhcpOpt.pxelinuxMagic(),
          dhcpOpt.pxelinuxConfigFile('pxelinux.cfg/default'),
          dhcpOpt.pxelinuxPathPrefix('http://192.0.2.10/'),
          dhcpOpt.pxelinuxRebootTime(5),
        ]),
      ),
    );
    expect(m.relayAgent).toEqual({ circuitId: '0004000a0001', remoteId: 'aabbcc', linkSelection: '192.0.2.0', subscriberId: 'sub-1' });
    expect(m.tftpServerAddresses).toEqual(['192.0.2.5', '192.0.2.6']);
    expect(m.ipxe).toEqual([
      { code: 1, hex: '7f' },
      { code: 0xb0, hex: '01' },
    ]);
    expect(m.pxelinux).toEqual({ magic: true, configFile: 'pxelinux.cfg/default', pathPrefix: 'http://192.0.2.10/', rebootTime: 5 });
    expect(m.anomalies).toEqual([]);
  });

  it('decodes the common network options', () => {
    const m = decodeDhcp(
      encodeDhcp(
        discover([
          dhcpOpt.subnetMask('255.255.255.0'),
          dhcpOpt.routers(['192.0.2.1']),
          dhcpOpt.dnsServers(['192.0.2.53', '198.51.100.53']),
          dhcpOpt.domainName('example.test'),
          dhcpOpt.broadcastAddress('192.0.2.255'),
          dhcpOpt.requestedIp('192.0.2.77'),
          dhcpOpt.leaseTime(86400),
          dhcpOpt.serverId('192.0.2.1'),
          dhcpOpt.clientId('01d050994e0557'),
          dhcpOpt.tftpServer('192.0.2.10'),
        ]),
      ),
    );
    expect(m).toMatchObject({
      subnetMask: '255.255.255.0',
      routers: ['192.0.2.1'],
      dnsServers: ['192.0.2.53', '198.51.100.53'],
      domainName: 'example.test',
      broadcastAddress: '192.0.2.255',
      requestedIp: '192.0.2.77',
      leaseTime: 86400,
      serverId: '192.0.2.1',
      clientId: '01d050994e0557',
      tftpServer: '192.0.2.10',
      anomalies: [],
    });
  });
});

describe('encodeDhcp', () => {
  it('splits option data over 255 bytes into several options of the same code (RFC 3396)', () => {
    const long = 'x'.repeat(600);
    const bytes = encodeDhcp(discover([dhcpOpt.pxelinuxConfigFile(long)]));
    const m = decodeDhcp(bytes);
    expect(m.options.map((o) => [o.code, o.data.length])).toEqual([
      [209, 255],
      [209, 255],
      [209, 90],
    ]);
    expect(m.pxelinux?.configFile).toBe(long);
  });

  it('pads to the 300-byte BOOTP minimum but not beyond what the options need', () => {
    expect(encodeDhcp(discover()).length).toBe(300);
    const big = encodeDhcp(discover([dhcpOpt.raw(224, new Uint8Array(200))]));
    expect(big.length).toBe(240 + 2 + 200 + 1);
  });

  it('round-trips built messages, also into a writer at an offset', () => {
    const init = discover([
      dhcpOpt.messageType(1),
      dhcpOpt.clientArch([0]),
      dhcpOpt.clientGuid('00020003-0004-0005-0006-000700080009'),
      dhcpOpt.vendorClass('PXEClient:Arch:00000:UNDI:002001'),
    ]);
    const decoded = decodeDhcp(encodeDhcp(init));
    expectRoundTrip(encodeDhcp, decodeDhcp, decoded);
  });

  it('rejects input it cannot encode (caller bugs, not packet damage)', () => {
    expect(() => encodeDhcp({ ...discover(), chaddr: 'zz' })).toThrow(/not hex/);
    expect(() => encodeDhcp({ ...discover(), file: 'f'.repeat(129) })).toThrow(/file longer than 128/);
    expect(() => encodeDhcp(discover([dhcpOpt.raw(255, new Uint8Array(1))]))).toThrow(/pad\/end/);
  });
});

// ---------------------------------------------------------------------------------------------
// Real captures

/** Anomalies about the packet's framing, which a re-encoded message no longer has. */
function isFramingAnomaly({ detail: a }: DhcpAnomaly): boolean {
  return a === 'missing end option' || a === 'bad magic cookie' || a.startsWith('missing end option in ') || /^option \d+ runs past the end$/.test(a);
}

/**
 * The bytes encodeDhcp must reproduce from the decoded message. The rule: the original payload,
 * with (1) chaddr bytes beyond hlen zeroed, (2) in sname/file, bytes after the first NUL zeroed
 * (the decoded string stops there), (3) pad options (code 0) removed from every options region,
 * (4) each overloaded field rebuilt as its options + END + zero fill, (5) the options area cut
 * after END. The encoding then continues with END (if the original had none) and zeros up to 300.
 */
function canonical(orig: Uint8Array, m: DhcpMessage): Uint8Array {
  const out: number[] = Array.from(orig.subarray(0, 236));
  for (let i = 28 + Math.min(m.hlen, 16); i < 44; i++) out[i] = 0;
  const tlvs = (start: number, end: number): number[] => {
    const r: number[] = [];
    let p = start;
    while (p < end) {
      const code = orig[p] as number;
      if (code === 0) {
        p++;
        continue;
      }
      if (code === 255) {
        r.push(255);
        break;
      }
      const len = orig[p + 1] as number;
      if (p + 2 + len > end) break;
      r.push(...orig.subarray(p, p + 2 + len));
      p += 2 + len;
    }
    return r;
  };
  const field = (start: number, size: number, overloaded: boolean): void => {
    let bytes: number[];
    if (overloaded) {
      bytes = tlvs(start, start + size);
      if (bytes[bytes.length - 1] !== 255) bytes.push(255);
    } else {
      const nul = orig.subarray(start, start + size).indexOf(0);
      bytes = Array.from(orig.subarray(start, nul < 0 ? start + size : start + nul));
    }
    for (let i = 0; i < size; i++) out[start + i] = bytes[i] ?? 0;
  };
  field(44, 64, (m.overload ?? 0) & 2 ? true : false);
  field(108, 128, (m.overload ?? 0) & 1 ? true : false);
  if (m.hasMagicCookie) out.push(...orig.subarray(236, 240), ...tlvs(240, orig.length));
  return Uint8Array.from(out);
}

describe('DHCP codec on every fixture capture', async () => {
  const captures: { path: string; packets: UdpPayload[] }[] = [];
  for (const path of fixtureCaptures()) {
    // The flood captures repeat one shape thousands of times: the first 300 packets say it all.
    const packets = (await udpPayloads(path)).filter((p) => isDhcpPacket(p) && !p.partial).slice(0, 300);
    if (packets.length > 0) captures.push({ path, packets });
  }

  it('finds DHCP traffic in the fixtures', () => {
    expect(captures.length).toBeGreaterThan(30);
  });

  it.each(captures.map((c) => [c.path.replace(/.*fixtures\//, ''), c] as const))('%s: encode(decode(bytes)) and decode(encode(x))', (_name, c) => {
    let compared = 0;
    for (const p of c.packets) {
      const m = decodeDhcp(p.payload);
      if (m.anomalies.some((a) => a.code === 'truncated-header' || a.code === 'bad-magic-cookie')) continue;
      const encoded = encodeDhcp(m);
      const want = canonical(p.payload, m);
      expect(encoded.subarray(0, want.length), `frame ${p.frame}`).toEqual(want);
      const rest = Array.from(encoded.subarray(want.length));
      if (m.hasMagicCookie && want[want.length - 1] !== 255) expect(rest.shift(), `frame ${p.frame} END`).toBe(255);
      expect(rest.every((v) => v === 0), `frame ${p.frame} padding`).toBe(true);
      expect(encoded.length).toBe(Math.max(300, want.length + (m.hasMagicCookie && want[want.length - 1] !== 255 ? 1 : 0)));

      expect(decodeDhcp(encoded), `frame ${p.frame}`).toEqual({ ...m, anomalies: m.anomalies.filter((a) => !isFramingAnomaly(a)) });
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
