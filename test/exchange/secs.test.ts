/**
 * The BOOTP secs field as the client meant it. EDK2 writes secs little-endian on its port-4011 BINL
 * retries (lab capture fail-option60-on-dhcp: 256, 512, 768 on the wire for 1, 2, 3 s); the tracker
 * byte-swaps what the codec flags, and slow-server-response reads the corrected value.
 */
import { describe, it, expect } from 'vitest';
import { join, resolve } from 'node:path';
import { ExchangeTracker, clientSecs } from '../../src/exchange/tracker.js';
import type { ClientRecord } from '../../src/exchange/types.js';
import { Dissector } from '../../src/decode/dissect.js';
import { readCapture } from '../../src/capture/open.js';
import { decodeDhcp, encodeDhcp } from '../../src/decode/dhcp/codec.js';
import { dhcpOpt } from '../../src/decode/dhcp/options.js';
import { Scenario, type ClientSpec, type Host } from './scenario.js';

const root = resolve(import.meta.dirname, '../..');

async function track(capture: string): Promise<ClientRecord[]> {
  const done: ClientRecord[] = [];
  const tracker = new ExchangeTracker({ onClientDone: (c) => done.push(c) });
  const d = new Dissector();
  await readCapture(join(root, capture), {
    frame(f) {
      const ev = d.dissect(f);
      if (ev) tracker.push(ev);
      for (const side of d.drain()) tracker.push(side);
    },
  });
  for (const ev of d.flush()) tracker.push(ev);
  tracker.finish();
  return done;
}

describe('secs as the client meant it', () => {
  it('byte-swaps only what the codec flags as little-endian', () => {
    const wire = (secs: number) => decodeDhcp(encodeDhcp({ op: 1, xid: 1, secs, chaddr: '52:54:00:ef:00:01', options: [dhcpOpt.messageType(3)] }));
    expect(clientSecs(wire(0x0100))).toBe(1);
    expect(clientSecs(wire(0x0300))).toBe(3);
    expect(clientSecs(wire(4))).toBe(4);
    expect(clientSecs(wire(0))).toBe(0);
    // 0x0123 has a non-zero low byte: a plausible big-endian value (291 s), left alone.
    expect(clientSecs(wire(0x0123))).toBe(0x0123);
  });

  it('real EDK2 BINL retries (fail-option60-on-dhcp): the 4011 request is recorded with secs 3, not 768', async () => {
    const clients = await track('fixtures/captures/fail-option60-on-dhcp.pcap');
    const c = clients.find((x) => x.mac === '52:54:00:ef:00:01');
    expect(c).toBeDefined();
    const proxy = c!.attempts.flatMap((a) => a.proxyRequests);
    expect(proxy.length).toBeGreaterThan(0);
    // Frame 12 (secs 0) and its retries 14, 16, 20, which carry 0x0100, 0x0200, 0x0300 on the wire.
    expect(proxy[0]!.frame).toBe(12);
    expect(proxy[0]!.repeatFrames).toEqual([14, 16, 20]);
    expect(proxy[0]!.secs).toBe(3);
    // The DISCOVER and REQUEST are big-endian zeros and stay so.
    expect(c!.attempts[0]!.discovers[0]!.secs).toBe(0);
  });

  it('real EDK2 DISCOVER retransmissions (fail-no-dhcp-server) keep their big-endian 0, 4, 12', async () => {
    const clients = await track('fixtures/captures/fail-no-dhcp-server.pcap');
    const d = clients[0]!.attempts[0]!.discovers[0]!;
    expect(d.secs).toBe(0);
    expect(d.repeatFrames).toEqual([4, 6]);
  });
});

describe('slow-server-response and little-endian secs', () => {
  const srv: Host = { mac: '02:00:00:00:01:01', ip: '192.0.2.1' };
  const edk2: ClientSpec = { mac: '52:54:00:ef:00:02', arch: [7], vendorClass: 'PXEClient:Arch:00007:UNDI:003000', guid: '8a1c0b2e-5f4d-4e21-9a3b-0c1d2e3f4a5b' };
  const lateHint = (secs: number) => {
    const s = new Scenario();
    s.discover(edk2, 0x51, secs);
    s.wait(0.5);
    s.reply(srv, edk2, 0x51, 2, { yiaddr: '192.0.2.101', siaddr: srv.ip, file: 'efi64/syslinux.efi' });
    return s.run().findings.filter((f) => f.id === 'slow-server-response');
  };

  it('does not misfire on a first DISCOVER whose secs is 1 s written little-endian (256 on the wire)', () => {
    expect(lateHint(0x0100)).toEqual([]);
  });

  it('reports the corrected value when the little-endian secs really is large (0x0500 = 5 s)', () => {
    const f = lateHint(0x0500);
    expect(f).toHaveLength(1);
    expect(f[0]!.title).toContain('secs = 5');
  });

  it('still reads a big-endian secs of 4', () => {
    expect(lateHint(4).map((f) => f.title)).toEqual(['First DISCOVER seen already has secs = 4: earlier DISCOVERs were lost']);
  });
});
