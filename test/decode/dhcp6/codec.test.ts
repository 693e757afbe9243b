/**
 * DHCPv6 codec (RFC 8415, RFC 5970): symmetric round trips, DUID types, nested IA_NA options,
 * relay nesting, the network-boot options 59-62, and damaged input (never throws). Real packets
 * come from fixtures/public/tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap (option 59) and the lab's OVMF
 * PXEv6 Solicit (fixtures/captures/fail-no-bootfile-uefi.pcap).
 */
import { describe, it, expect } from 'vitest';
import { readCapture } from '../../../src/capture/open.js';
import { Dissector } from '../../../src/decode/dissect.js';
import { decodeDhcp6, dhcp6Init, dhcp6Opt, duid, encodeDhcp6, dhcp6OptionName, dhcp6MessageTypeName, type Dhcp6MessageInit } from '../../../src/decode/dhcp6/codec.js';
import { dhcp6Json } from '../../../src/decode/dhcp6/json.js';
import type { Dhcp6Message } from '../../../src/decode/dhcp6/types.js';
import { expectRoundTrip } from '../dhcp/roundtrip.js';

const fixtures = new URL('../../../fixtures/', import.meta.url).pathname;

async function dhcp6Messages(path: string): Promise<{ frame: number; payload: Uint8Array; msg: Dhcp6Message }[]> {
  const d = new Dissector();
  const out: { frame: number; payload: Uint8Array; msg: Dhcp6Message }[] = [];
  await readCapture(path, {
    frame(f) {
      const ev = d.dissect(f);
      if (ev?.kind === 'dhcp6') {
        // The UDP payload: re-encode from the decoded message and check it against the frame bytes.
        const bytes = encodeDhcp6(dhcp6Init(ev.dhcp6)).slice();
        const hay = Buffer.from(f.data);
        expect(hay.indexOf(Buffer.from(bytes)), `frame ${f.index}: re-encoded bytes are in the frame`).toBe(f.data.length - bytes.length);
        out.push({ frame: f.index, payload: bytes, msg: ev.dhcp6 });
      }
    },
  });
  return out;
}

/** Round trip through the init form: decode(encode(init)) re-encodes to the same bytes. */
function roundTrip(init: Dhcp6MessageInit): Dhcp6Message {
  const bytes = expectRoundTrip(
    (v: Dhcp6MessageInit, w) => encodeDhcp6(v, w),
    (b) => dhcp6Init(decodeDhcp6(b)),
    init,
    { ...init, ...(init.msgType >= 12 ? {} : { transactionId: init.transactionId ?? 0 }) },
  );
  return decodeDhcp6(bytes);
}

describe('DHCPv6 codec', () => {
  it('round-trips an OVMF-style PXEv6 Solicit and decodes every RFC 5970 option', () => {
    const m = roundTrip({
      msgType: 1,
      transactionId: 0xe83f4a,
      options: [
        dhcp6Opt.clientId(duid.uuid('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b')),
        dhcp6Opt.elapsedTime(0),
        dhcp6Opt.iaNa({ iaid: 0xef10df57, t1: 0xffffffff, t2: 0xffffffff }),
        dhcp6Opt.oro([59, 60, 23, 16]),
        dhcp6Opt.nii(1, 3, 0),
        dhcp6Opt.clientArch([7]),
        dhcp6Opt.vendorClass(343, ['PXEClient:Arch:00007:UNDI:003000']),
        dhcp6Opt.userClass(['iPXE']),
      ],
    });
    expect(m.anomalies).toEqual([]);
    expect(m.msgType).toBe(1);
    expect(m.transactionId).toBe(0xe83f4a);
    expect(m.clientId).toEqual({ type: 4, hex: '00042e0b1c8a4d5f214e9a3b0c1d2e3f4a5b', uuid: '2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b' });
    expect(m.elapsedTime).toBe(0);
    expect(m.iaNa).toEqual([{ iaid: 0xef10df57, t1: 0xffffffff, t2: 0xffffffff, addresses: [] }]);
    expect(m.oro).toEqual([59, 60, 23, 16]);
    expect(m.nii).toEqual({ type: 1, major: 3, minor: 0 });
    expect(m.clientArch).toEqual([7]);
    expect(m.vendorClassEnterprise).toBe(343);
    expect(m.vendorClass).toBe('PXEClient:Arch:00007:UNDI:003000');
    expect(m.userClass).toEqual(['iPXE']);
  });

  it('round-trips an Advertise with IA addresses, status, boot file URL and parameters', () => {
    const m = roundTrip({
      msgType: 2,
      transactionId: 0x654242,
      options: [
        dhcp6Opt.iaNa({ iaid: 1, t1: 100, t2: 200, addresses: [{ address: '2001:db8:1::161', preferredLifetime: 3600, validLifetime: 7200 }], status: { code: 0, message: 'success' } }),
        dhcp6Opt.clientId(duid.llt('00:00:01:01:00:00', 0x29d47f66)),
        dhcp6Opt.serverId(duid.en(9, '0102abcd')),
        dhcp6Opt.bootfileUrl('tftp://[2001:db8:1::1]/bootx64.efi'),
        dhcp6Opt.bootfileParams(['root=/dev/nfs', 'quiet']),
        dhcp6Opt.status(0, 'success'),
      ],
    });
    expect(m.anomalies).toEqual([]);
    expect(m.iaNa?.[0]).toEqual({
      iaid: 1,
      t1: 100,
      t2: 200,
      addresses: [{ address: '2001:db8:1::161', preferredLifetime: 3600, validLifetime: 7200 }],
      status: { code: 0, message: 'success' },
    });
    expect(m.clientId).toMatchObject({ type: 1, hwType: 1, time: 0x29d47f66, linkLayer: '00:00:01:01:00:00' });
    expect(m.serverId).toMatchObject({ type: 2, enterprise: 9, identifier: '0102abcd' });
    expect(m.bootfileUrl).toBe('tftp://[2001:db8:1::1]/bootx64.efi');
    expect(m.bootfileParams).toEqual(['root=/dev/nfs', 'quiet']);
    expect(m.status).toEqual({ code: 0, message: 'success' });
  });

  it('decodes a DUID-LL', () => {
    const m = roundTrip({ msgType: 11, transactionId: 5, options: [dhcp6Opt.clientId(duid.ll('52:54:00:ef:00:01'))] });
    expect(m.clientId).toEqual({ type: 3, hex: '00030001525400ef0001', hwType: 1, linkLayer: '52:54:00:ef:00:01' });
  });

  it('decodes Relay-forw / Relay-repl with the nested message (two levels)', () => {
    const inner = encodeDhcp6({ msgType: 1, transactionId: 0x123456, options: [dhcp6Opt.clientArch([16]), dhcp6Opt.vendorClass(343, ['HTTPClient:Arch:00016:UNDI:003000'])] }).slice();
    const relay1 = encodeDhcp6({ msgType: 12, hopCount: 0, linkAddress: '2001:db8:2::1', peerAddress: 'fe80::5054:ff:feef:1', options: [dhcp6Opt.interfaceId('657468302e31'), dhcp6Opt.relayMessage(inner)] }).slice();
    const m = roundTrip({ msgType: 12, hopCount: 1, linkAddress: '::', peerAddress: '2001:db8:2::1', options: [dhcp6Opt.relayMessage(relay1)] });
    expect(m.anomalies).toEqual([]);
    expect(m.hopCount).toBe(1);
    expect(m.peerAddress).toBe('2001:db8:2::1');
    expect(m.relayMessage?.msgType).toBe(12);
    expect(m.relayMessage?.linkAddress).toBe('2001:db8:2::1');
    expect(m.relayMessage?.peerAddress).toBe('fe80::5054:ff:feef:1');
    expect(m.relayMessage?.relayMessage).toMatchObject({ msgType: 1, transactionId: 0x123456, clientArch: [16], vendorClass: 'HTTPClient:Arch:00016:UNDI:003000' });
    const j = dhcp6Json(m);
    expect(j.relayMessage?.relayMessage?.msgTypeName).toBe('SOLICIT');
    expect(j.options[0]).toMatchObject({ code: 9, name: 'relay-message' });
  });

  it('names every message type of RFC 8415 and the boot options', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map(dhcp6MessageTypeName)).toEqual([
      'SOLICIT', 'ADVERTISE', 'REQUEST', 'CONFIRM', 'RENEW', 'REBIND', 'REPLY', 'RELEASE', 'DECLINE', 'RECONFIGURE', 'INFORMATION-REQUEST', 'RELAY-FORW', 'RELAY-REPL',
    ]);
    expect([59, 60, 61, 62].map(dhcp6OptionName)).toEqual(['bootfile-url', 'bootfile-param', 'client-arch-type', 'nii']);
    expect(dhcp6OptionName(999)).toBe('option-999');
  });

  it('reports damage as anomalies and keeps the options before it', () => {
    const good = encodeDhcp6({ msgType: 7, transactionId: 1, options: [dhcp6Opt.bootfileUrl('http://192.0.2.1/boot.efi'), dhcp6Opt.clientArch([16])] }).slice();
    // Cut inside the second option: the first survives.
    const cut = decodeDhcp6(good.subarray(0, good.length - 1));
    expect(cut.bootfileUrl).toBe('http://192.0.2.1/boot.efi');
    expect(cut.clientArch).toBeUndefined();
    expect(cut.anomalies[0]).toMatch(/option 61 length 2 runs past the end/);
    expect(decodeDhcp6(new Uint8Array(0)).anomalies).toEqual(['empty DHCPv6 message']);
    expect(decodeDhcp6(Uint8Array.of(1, 2)).anomalies[0]).toMatch(/header cut short/);
    expect(decodeDhcp6(Uint8Array.of(12, 0, 1)).anomalies[0]).toMatch(/relay message header cut short/);
    const badArch = decodeDhcp6(encodeDhcp6({ msgType: 1, transactionId: 1, options: [dhcp6Opt.raw(61, Uint8Array.of(0, 7, 1))] }));
    expect(badArch.anomalies).toEqual(['option 61 (client arch) length 3 is not a positive multiple of 2']);
    expect(dhcp6Json(badArch).options[0]?.value).toBe('000701');
  });

  it('never throws on random or mutated input (seeded, bounded)', () => {
    let x = 0x2545f491;
    const rnd = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 0x100000000;
    };
    const seed = encodeDhcp6({
      msgType: 13,
      hopCount: 0,
      linkAddress: '2001:db8::1',
      peerAddress: 'fe80::1',
      options: [dhcp6Opt.relayMessage(encodeDhcp6({ msgType: 7, transactionId: 9, options: [dhcp6Opt.iaNa({ iaid: 1, addresses: [{ address: '2001:db8::5' }] }), dhcp6Opt.bootfileUrl('http://x/y')] }).slice())],
    }).slice();
    for (let i = 0; i < 3000; i++) {
      const b = seed.slice(0, Math.floor(rnd() * (seed.length + 8)));
      for (let k = 0; k < 3; k++) if (b.length) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const m = decodeDhcp6(b);
      expect(Array.isArray(m.anomalies)).toBe(true);
      expect(() => JSON.stringify(dhcp6Json(m))).not.toThrow();
    }
  });
});

describe('DHCPv6 on real captures', () => {
  it('fixtures/public/tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap: Advertise and Reply carry option 59', async () => {
    const msgs = await dhcp6Messages(`${fixtures}public/tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap`);
    expect(msgs.map((m) => m.frame)).toEqual([1, 2, 3, 4, 5, 10, 11, 12, 13, 14]);
    const withUrl = msgs.filter((m) => m.msg.bootfileUrl !== undefined);
    expect(withUrl.map((m) => [m.frame, m.msg.msgType, m.msg.bootfileUrl])).toEqual([
      [11, 2, 'my-startup-config'],
      [13, 7, 'my-startup-config'],
    ]);
    for (const m of msgs) expect(m.msg.anomalies).toEqual([]);
    expect(msgs[2]?.msg.iaNa?.[0]?.addresses[0]?.address).toBe('1234:5678::4');
  });

  it("the lab's OVMF PXEv6 Solicit: DUID-UUID, arch 7, NII 1.3.0, vendor class PXEClient", async () => {
    const msgs = await dhcp6Messages(`${fixtures}captures/fail-no-bootfile-uefi.pcap`);
    expect(msgs).toHaveLength(1);
    const m = msgs[0]!.msg;
    expect(m.msgType).toBe(1);
    expect(m.clientId?.uuid).toBe('2e0b1c8a-4d5f-214e-9a3b-0c1d2e3f4a5b');
    expect(m.clientArch).toEqual([7]);
    expect(m.nii).toEqual({ type: 1, major: 3, minor: 0 });
    expect(m.oro).toEqual([59, 60, 23, 16]);
    expect(m.vendorClass).toBe('PXEClient:Arch:00007:UNDI:003000');
  });
});
