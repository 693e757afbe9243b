/**
 * Apple BSDP (NetBoot) sub-options of option 43.
 *
 * No public capture of BSDP could be found (fixtures/public has none), so these packets are built
 * from the protocol description -- Apple's "Boot Server Discovery Protocol (BSDP)" specification
 * v1.1 and the bsdpc/bootpd sources: INFORM[LIST] -> ACK[LIST] with the image list, then
 * INFORM[SELECT] -> ACK[SELECT] -- through the real DHCP codec, dissector and analyzer.
 */
import { describe, it, expect } from 'vitest';
import type { DhcpAnomaly } from '../../../src/decode/dhcp/constants.js';
import { decodeBsdp, encodeBsdp, bsdpImageKind, type BsdpOptions } from '../../../src/decode/dhcp/bsdp.js';
import { decodeDhcp, encodeDhcp } from '../../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../../src/decode/dhcp/options.js';
import { Dissector } from '../../../src/decode/dissect.js';
import { Analyzer } from '../../../src/pipeline.js';
import { ethernet, frame, udpIpv4 } from '../packets.js';

const MAC = '00:17:f2:aa:bb:cc';
const CLIENT_IP = '192.0.2.50';
const SERVER = '192.0.2.1';
// Install image (bit 31), kind 1 = Mac OS X, index 4097 (a "global" image id).
const IMAGE_INSTALL = (0x8000 | (1 << 8)) * 65536 + 4097;
const IMAGE_BOOT = (1 << 8) * 65536 + 1;

function inform(bsdp: BsdpOptions, xid: number): Uint8Array {
  return encodeDhcp({
    op: 1,
    xid,
    chaddr: MAC,
    ciaddr: CLIENT_IP,
    options: [dhcpOpt.messageType(8), dhcpOpt.paramRequestList([1, 3, 17, 43, 60]), dhcpOpt.maxMessageSize(1500), dhcpOpt.vendorClass('AAPLBSDPC/i386/MacBookPro11,1'), dhcpOpt.raw(43, encodeBsdp(bsdp))],
  }).slice();
}

function ack(bsdp: BsdpOptions, xid: number): Uint8Array {
  return encodeDhcp({
    op: 2,
    xid,
    chaddr: MAC,
    ciaddr: CLIENT_IP,
    options: [dhcpOpt.messageType(5), dhcpOpt.serverId(SERVER), dhcpOpt.vendorClass('AAPLBSDPC'), dhcpOpt.raw(43, encodeBsdp(bsdp))],
  }).slice();
}

describe('BSDP codec', () => {
  it('round-trips every sub-option', () => {
    const o: BsdpOptions = {
      messageType: 1,
      version: '1.1',
      serverId: SERVER,
      serverPriority: 0x8000,
      replyPort: 1023,
      defaultImage: IMAGE_BOOT,
      selectedImage: IMAGE_INSTALL,
      images: [
        { id: IMAGE_BOOT, name: 'NetBoot of macOS 10.13' },
        { id: IMAGE_INSTALL, name: 'NetInstall macOS 10.13' },
      ],
      netboot10Firmware: true,
      attributesFilter: [0x0101, 0x8101],
      maxMessageSize: 1500,
      other: [{ code: 130, hex: '0102' }],
    };
    const a: string[] = [];
    expect(decodeBsdp(encodeBsdp(o), a)).toEqual(o);
    expect(a).toEqual([]);
    expect(bsdpImageKind(IMAGE_INSTALL)).toEqual({ install: true, kind: 1, index: 4097 });
  });

  it('splits a long image list over several sub-options 9 between entries', () => {
    const images = Array.from({ length: 12 }, (_, i) => ({ id: IMAGE_BOOT + i, name: `Image number ${i} with a long descriptive name` }));
    const bytes = encodeBsdp({ messageType: 1, images });
    expect(decodeBsdp(bytes, []).images).toEqual(images);
  });

  it('reports damage without throwing', () => {
    const a: DhcpAnomaly[] = [];
    const d = decodeBsdp(Uint8Array.of(1, 1, 1, 9, 7, 0, 0, 0, 1, 10, 0x41, 0x42), a);
    expect(d.messageType).toBe(1);
    expect(a).toEqual([{ code: 'bsdp-image-name-overrun', detail: 'option 43 (BSDP) boot image name runs past the list', option: 43 }]);
    const b: DhcpAnomaly[] = [];
    decodeBsdp(Uint8Array.of(2, 1, 1), b);
    expect(b).toEqual([{ code: 'bsdp-suboption-length', detail: 'option 43 (BSDP) sub-option 2 length 1, expected 2', option: 43 }]);
  });

  it('the DHCP codec decodes option 43 as BSDP when option 60 is AAPLBSDPC (and only then)', () => {
    const m = decodeDhcp(inform({ messageType: 1, version: '1.1', replyPort: 1023 }, 7));
    expect(m.bsdp).toEqual({ messageType: 1, version: '1.1', replyPort: 1023 });
    expect(m.pxe).toBeUndefined();
    const notApple = encodeDhcp({ op: 1, xid: 1, chaddr: MAC, options: [dhcpOpt.messageType(8), dhcpOpt.vendorClass('MSFT 5.0'), dhcpOpt.raw(43, encodeBsdp({ messageType: 1 }))] });
    expect(decodeDhcp(notApple).bsdp).toBeUndefined();
  });
});

function analyze(packets: [Uint8Array, boolean][]): ReturnType<Analyzer['finish']> {
  const d = new Dissector();
  const an = new Analyzer();
  let ts = 1000;
  packets.forEach(([payload, fromClient], i) => {
    const ip = fromClient ? udpIpv4(CLIENT_IP, 68, SERVER, 67, payload) : udpIpv4(SERVER, 67, CLIENT_IP, 68, payload);
    const ev = d.dissect(frame(ethernet(ip), 1, (ts += 0.5), i + 1));
    if (ev) an.push(ev);
  });
  return an.finish();
}

describe('BSDP in the exchange', () => {
  it('LIST then SELECT acknowledged: method BSDP, outcome image-selected', () => {
    const j = analyze([
      [inform({ messageType: 1, version: '1.1', replyPort: 1023 }, 1), true],
      [ack({ messageType: 1, serverId: SERVER, defaultImage: IMAGE_BOOT, images: [{ id: IMAGE_BOOT, name: 'NetBoot' }] }, 1), false],
      [inform({ messageType: 2, version: '1.1', serverId: SERVER, selectedImage: IMAGE_BOOT }, 2), true],
      [ack({ messageType: 2, selectedImage: IMAGE_BOOT }, 2), false],
    ]);
    const c = j.clients.find((x) => x.mac === MAC)!;
    expect(c.methods?.map((m) => [m.method, m.outcome])).toEqual([['BSDP', 'image-selected']]);
    expect(c.closestMethod).toBe('BSDP');
    expect(c.ok).toBe(true);
    expect(j.findings.filter((f) => f.id === 'bsdp-no-images')).toEqual([]);
  });

  it('ACK[LIST] without images: bsdp-no-images with the ACK as evidence', () => {
    const j = analyze([
      [inform({ messageType: 1, version: '1.1' }, 1), true],
      [ack({ messageType: 1, serverId: SERVER }, 1), false],
    ]);
    const c = j.clients.find((x) => x.mac === MAC)!;
    expect(c.methods?.map((m) => [m.method, m.outcome, m.frames])).toEqual([['BSDP', 'no-images', [1, 2]]]);
    const f = j.findings.find((x) => x.id === 'bsdp-no-images');
    expect(f).toMatchObject({ severity: 'error', client: MAC, frames: [1, 2] });
  });
});
