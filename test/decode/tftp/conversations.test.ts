import { describe, it, expect } from 'vitest';
import { readCapture } from '../../../src/capture/open.js';
import { Dissector } from '../../../src/decode/dissect.js';
import type { PacketEvent } from '../../../src/decode/events.js';
import { parseIpv4String } from '../../../src/decode/ipv4.js';
import { TftpConversations } from '../../../src/decode/tftp-conversations.js';
import { fixturesDir } from '../dhcp/tshark-fields.mjs';

const ip = (s: string): number => parseIpv4String(s) as number;
const CLIENT = ip('192.0.2.100');
const SERVER = ip('192.0.2.2');
const OTHER_SERVER = ip('192.0.2.3');

describe('TftpConversations', () => {
  it('binds the server transfer port on its first reply, and then only that port', () => {
    const t = new TftpConversations();
    expect(t.match(SERVER, 40000, CLIENT, 1849, 1)).toBe(false);
    t.open(CLIENT, 1849, SERVER, 1);
    // ACK from the client before any reply: no port bound yet, so not TFTP.
    expect(t.match(CLIENT, 1849, SERVER, 40000, 1)).toBe(false);
    expect(t.match(SERVER, 40000, CLIENT, 1849, 1.1)).toBe(true);
    expect(t.match(CLIENT, 1849, SERVER, 40000, 1.2)).toBe(true);
    expect(t.match(SERVER, 40001, CLIENT, 1849, 1.3)).toBe(false);
    expect(t.match(OTHER_SERVER, 40000, CLIENT, 1849, 1.3)).toBe(false);
    expect(t.match(SERVER, 40000, CLIENT, 1850, 1.3)).toBe(false);
    expect(t.portsOf(CLIENT, 1849)).toEqual([{ server: SERVER, port: 40000 }]);
  });

  it('keeps the ports bound earlier when the client reuses its port for a new RRQ (EDK2 retries)', () => {
    const t = new TftpConversations();
    t.open(CLIENT, 1849, SERVER, 0);
    expect(t.match(SERVER, 49117, CLIENT, 1849, 0.1)).toBe(true);
    t.open(CLIENT, 1849, SERVER, 4);
    expect(t.match(SERVER, 33936, CLIENT, 1849, 4.1)).toBe(true);
    // A late retransmission from the first transfer port is still TFTP, in both directions.
    expect(t.match(SERVER, 49117, CLIENT, 1849, 7)).toBe(true);
    expect(t.match(CLIENT, 1849, SERVER, 49117, 7.1)).toBe(true);
    expect(t.match(CLIENT, 1849, SERVER, 33936, 7.2)).toBe(true);
    expect(t.portsOf(CLIENT, 1849)).toEqual([
      { server: SERVER, port: 49117 },
      { server: SERVER, port: 33936 },
    ]);
    expect(t.size).toBe(1);
    expect(t.opened).toBe(2);
  });

  it('re-arms a waiting wildcard instead of adding another for a repeated RRQ', () => {
    const t = new TftpConversations();
    t.open(CLIENT, 1849, SERVER, 0);
    t.open(CLIENT, 1849, SERVER, 0); // the same RRQ captured on both sides of a bridge
    expect(t.portsOf(CLIENT, 1849)).toEqual([{ server: SERVER, port: 0 }]);
    expect(t.match(SERVER, 49117, CLIENT, 1849, 0.1)).toBe(true);
    // The wildcard is consumed: a reply from yet another port needs a new request.
    expect(t.match(SERVER, 49118, CLIENT, 1849, 0.2)).toBe(false);
  });

  it('a forking server answers a retransmitted RRQ from a second port: both conversations are TFTP (issue 22)', () => {
    const t = new TftpConversations();
    t.open(CLIENT, 1849, SERVER, 0);
    t.open(CLIENT, 1849, SERVER, 1); // the RRQ sent again: the first reply was lost, or is slow
    expect(t.match(SERVER, 49117, CLIENT, 1849, 1.01)).toBe(true); // the answer to the first copy
    expect(t.match(SERVER, 49118, CLIENT, 1849, 1.02)).toBe(true); // tftpd-hpa's child for the second
    expect(t.match(CLIENT, 1849, SERVER, 49118, 1.03)).toBe(true);
    expect(t.portsOf(CLIENT, 1849)).toEqual([
      { server: SERVER, port: 49117 },
      { server: SERVER, port: 49118 },
    ]);
  });

  it('keeps a bounded number of ports per client endpoint, dropping the least recently used', () => {
    const t = new TftpConversations({ maxPortsPerClient: 3 });
    for (let i = 0; i < 5; i++) {
      t.open(CLIENT, 1849, SERVER, i);
      expect(t.match(SERVER, 50000 + i, CLIENT, 1849, i + 0.1)).toBe(true);
    }
    // Each new RRQ pushed out the port idle longest: only the last three remain.
    expect(t.portsOf(CLIENT, 1849).map((p) => p.port)).toEqual([50002, 50003, 50004]);
    expect(t.match(SERVER, 50001, CLIENT, 1849, 6)).toBe(false);
    // Traffic on an older port keeps it over a newer idle one.
    expect(t.match(SERVER, 50002, CLIENT, 1849, 7)).toBe(true);
    t.open(CLIENT, 1849, SERVER, 8);
    expect(t.portsOf(CLIENT, 1849).map((p) => p.port)).toEqual([50002, 50004, 0]);
  });

  it('forgets ports and endpoints idle longer than the timeout, on packet time', () => {
    const t = new TftpConversations({ idleTimeout: 30 });
    t.open(CLIENT, 1849, SERVER, 0);
    expect(t.match(SERVER, 49117, CLIENT, 1849, 0.1)).toBe(true);
    t.open(CLIENT, 1849, SERVER, 25);
    expect(t.match(SERVER, 33936, CLIENT, 1849, 25.1)).toBe(true);
    // 49117 idle for 40 s: gone; 33936 idle for 15 s: kept.
    expect(t.match(SERVER, 33936, CLIENT, 1849, 40)).toBe(true);
    expect(t.match(SERVER, 49117, CLIENT, 1849, 40.1)).toBe(false);
    expect(t.portsOf(CLIENT, 1849).map((p) => p.port)).toEqual([33936]);
    // Everything idle: the endpoint itself goes (sweeps run at most every 10 s of packet time).
    expect(t.match(SERVER, 33936, CLIENT, 1849, 100)).toBe(false);
    expect(t.size).toBe(0);
  });

  it('bounds the number of client endpoints', () => {
    const t = new TftpConversations({ maxConversations: 2 });
    t.open(CLIENT, 1000, SERVER, 0);
    t.open(CLIENT, 1001, SERVER, 0);
    t.open(CLIENT, 1002, SERVER, 0);
    expect(t.size).toBe(2);
    expect(t.evicted).toBe(1);
    expect(t.match(SERVER, 40000, CLIENT, 1000, 1)).toBe(false);
    expect(t.match(SERVER, 40001, CLIENT, 1002, 1)).toBe(true);
  });
});

describe('Dissector on a capture where EDK2 reuses its port for RRQ retries', () => {
  // Lab capture (OVMF, server replies blocked on the way back; captured on both bridge sides so
  // every packet appears twice). The client sends every RRQ from port 1849; each makes tftp-hpa
  // open a new transfer port, and tftp-hpa keeps retransmitting the OACK from the older ports.
  const capture = `${fixturesDir}/captures/fail-tftp-replies-blocked.both-sides.pcapng`;

  it('decodes the late OACKs from older server ports as TFTP, frame for frame as tshark', async () => {
    const d = new Dissector();
    const events: PacketEvent[] = [];
    await readCapture(capture, {
      frame(f) {
        const ev = d.dissect(f);
        if (ev) events.push(ev);
      },
    });
    events.push(...d.flush());
    const tftp = events.filter((e) => e.kind === 'tftp');
    // tshark 4.0.17 `-Y tftp` on this capture.
    const tsharkFrames = [23, 24, 25, 26, 27, 28, 29, 30, 31, ...Array.from({ length: 29 }, (_, i) => 38 + i)];
    expect(tftp.map((e) => e.meta.frame)).toEqual(tsharkFrames);
    // The frames the old one-port-per-client table missed, with tshark's source ports.
    const late: [number, number][] = [
      [39, 49117],
      [44, 33936],
      [51, 57285],
      [52, 49117],
      [57, 33936],
      [58, 60289],
      [64, 57285],
      [65, 41325],
    ];
    for (const [frame, sport] of late) {
      const ev = tftp.find((e) => e.meta.frame === frame);
      expect(ev?.meta.sport, `frame ${frame}`).toBe(sport);
      expect(ev?.meta.dport, `frame ${frame}`).toBe(1849);
      expect(ev?.kind === 'tftp' ? ev.tftp : undefined, `frame ${frame}`).toMatchObject({ opcode: 6, options: { tsize: '171456', blksize: '1468' }, anomalies: [] });
    }
    expect(events.filter((e) => e.kind === 'malformed')).toEqual([]);
  });
});
