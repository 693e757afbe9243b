/**
 * ARP and spanning-tree BPDUs (issue 22): the codecs round-trip, never throw, and decode every
 * ARP/BPDU frame of the fixture and public captures (and of a capture written here with every BPDU
 * kind) exactly as tshark does, field by field. tshark splits a bridge id's priority into the
 * 4-bit priority (stp.*.prio) and the 12-bit system id extension (stp.*.ext); we keep the 16-bit value.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../src/capture/open.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { ArpEvent, PacketEvent, StpEvent } from '../../src/decode/events.js';
import { decodeArp, encodeArp, isArpProbe, isGratuitousArp, type ArpPacket } from '../../src/decode/arp.js';
import { BPDU_CONFIG, BPDU_RST, BPDU_TCN, bpduPortRole, decodeBpdu, encodeBpdu, type Bpdu } from '../../src/decode/stp.js';
import { root } from '../helpers/analyze-cli.js';

const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0 || Boolean(process.env['CI']);

const request: ArpPacket = { hwType: 1, protoType: 0x0800, hwSize: 6, protoSize: 4, opcode: 1, senderMac: '52:54:00:be:00:01', senderIp: '192.0.2.100', targetMac: '00:00:00:00:00:00', targetIp: '192.0.2.9' };
const reply: ArpPacket = { ...request, opcode: 2, senderMac: '02:00:00:00:02:01', senderIp: '192.0.2.2', targetMac: '52:54:00:be:00:01', targetIp: '192.0.2.100' };
const gratuitous: ArpPacket = { ...request, senderIp: '192.0.2.100', targetIp: '192.0.2.100' };
const probe: ArpPacket = { ...request, senderIp: '0.0.0.0', targetIp: '192.0.2.100' };

const stpConfig: Bpdu = { protocolId: 0, version: 0, type: BPDU_CONFIG, flags: 0x01, rootPriority: 32768, rootMac: '02:00:00:00:99:01', rootCost: 0, bridgePriority: 32768, bridgeMac: '02:00:00:00:99:01', portId: 0x8001, messageAge: 0, maxAge: 20, helloTime: 2, forwardDelay: 15 };
const rstpDesignated: Bpdu = { protocolId: 0, version: 2, type: BPDU_RST, flags: 0x3e, rootPriority: 4096 + 10, rootMac: '02:00:00:00:99:02', rootCost: 200000, bridgePriority: 32768 + 10, bridgeMac: '02:00:00:00:99:03', portId: 0x8002, messageAge: 1, maxAge: 20, helloTime: 2, forwardDelay: 15, version1Length: 0 };
const rstpRootLearning: Bpdu = { ...rstpDesignated, flags: 0x18 | 0x80, rootCost: 4, forwardDelay: 4 };
const tcn: Bpdu = { protocolId: 0, version: 0, type: BPDU_TCN };

function ethernet(src: string, dst: string, type: number, payload: Uint8Array): Uint8Array {
  const mac = (m: string) => m.split(':').map((x) => parseInt(x, 16));
  return Uint8Array.from([...mac(dst), ...mac(src), type >> 8, type & 0xff, ...payload]);
}

/** An 802.3 frame with an LLC header (DSAP = SSAP = 0x42, UI), padded to 60 bytes like a switch sends it. */
function bpduFrame(src: string, b: Bpdu): Uint8Array {
  const llc = Uint8Array.from([0x42, 0x42, 0x03, ...encodeBpdu(b)]);
  const f = ethernet(src, '01:80:c2:00:00:00', llc.length, llc);
  const out = new Uint8Array(Math.max(60, f.length));
  out.set(f);
  return out;
}

describe('ARP codec', () => {
  for (const [name, p] of Object.entries({ request, reply, gratuitous, probe })) {
    it(`${name}: decode(encode(p)) = p`, () => expect(decodeArp(encodeArp(p))).toEqual(p));
  }
  it('tells gratuitous ARP and probes', () => {
    expect([isGratuitousArp(gratuitous), isGratuitousArp(request), isArpProbe(probe), isArpProbe(request)]).toEqual([true, false, true, false]);
  });
  it('is bounds-checked: a message cut short or not Ethernet/IPv4 is undefined, random bytes never throw', () => {
    const b = encodeArp(request);
    for (let n = 0; n < 28; n++) expect(decodeArp(b.subarray(0, n))).toBeUndefined();
    const odd = b.slice();
    odd[4] = 8;
    expect(decodeArp(odd)).toBeUndefined();
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const r = new Uint8Array(seed % 40);
      for (let j = 0; j < r.length; j++) r[j] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      expect(() => decodeArp(r)).not.toThrow();
    }
  });
});

describe('BPDU codec', () => {
  for (const [name, b] of Object.entries({ stpConfig, rstpDesignated, rstpRootLearning, tcn })) {
    it(`${name}: decode(encode(b)) = b`, () => expect(decodeBpdu(encodeBpdu(b))).toEqual(b));
  }
  it('reads the RSTP port role', () => {
    expect(bpduPortRole(rstpDesignated.flags!)).toBe('designated');
    expect(bpduPortRole(rstpRootLearning.flags!)).toBe('root');
  });
  it('is bounds-checked and never throws', () => {
    const b = encodeBpdu(stpConfig);
    for (let n = 0; n < 35; n++) expect(decodeBpdu(b.subarray(0, n)), `length ${n}`).toBeUndefined();
    let seed = 11;
    for (let i = 0; i < 2000; i++) {
      const r = new Uint8Array(seed % 48);
      for (let j = 0; j < r.length; j++) r[j] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      if (r.length > 1) r[0] = r[1] = 0;
      expect(() => decodeBpdu(r)).not.toThrow();
    }
  });
});

async function events(file: string): Promise<Map<number, PacketEvent>> {
  const d = new Dissector();
  const out = new Map<number, PacketEvent>();
  await readCapture(file, {
    frame(f) {
      const ev = d.dissect(f);
      if (ev && (ev.kind === 'arp' || ev.kind === 'stp')) out.set(ev.meta.frame, ev);
    },
  });
  return out;
}

function tshark(file: string, filter: string, fields: string[]): Map<number, Record<string, string>> {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const out = new Map<number, Record<string, string>>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const cols = line.split('\t');
    const rec: Record<string, string> = {};
    fields.forEach((f, i) => (rec[f] = cols[i] ?? ''));
    out.set(Number(rec['frame.number']), rec);
  }
  return out;
}

const ARP_FIELDS = ['frame.number', 'arp.hw.type', 'arp.proto.type', 'arp.hw.size', 'arp.proto.size', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4', 'arp.isgratuitous'];
const STP_FIELDS = ['frame.number', 'stp.protocol', 'stp.version', 'stp.type', 'stp.flags', 'stp.flags.port_role', 'stp.root.prio', 'stp.root.ext', 'stp.root.hw', 'stp.root.cost', 'stp.bridge.prio', 'stp.bridge.ext', 'stp.bridge.hw', 'stp.port', 'stp.msg_age', 'stp.max_age', 'stp.hello', 'stp.forward', 'stp.version_1_length'];

/** Every ARP/BPDU frame, ours against tshark's: the same frames, the same fields. Returns the fields compared. */
async function compare(file: string): Promise<number> {
  const ours = await events(file);
  const arp = tshark(file, 'arp', ARP_FIELDS);
  const stp = tshark(file, 'stp', STP_FIELDS);
  expect([...ours.values()].filter((e) => e.kind === 'arp').map((e) => e.meta.frame), `${file}: ARP frames`).toEqual([...arp.keys()]);
  expect([...ours.values()].filter((e) => e.kind === 'stp').map((e) => e.meta.frame), `${file}: BPDU frames`).toEqual([...stp.keys()]);
  let n = 0;
  const eq = (where: string, a: unknown, b: unknown) => {
    expect(a, where).toEqual(b);
    n++;
  };
  for (const [frame, t] of arp) {
    const a = (ours.get(frame) as ArpEvent).arp;
    const w = `${file} frame ${frame}`;
    eq(`${w} arp.hw.type`, a.hwType, Number(t['arp.hw.type']));
    eq(`${w} arp.proto.type`, a.protoType, Number(t['arp.proto.type']));
    eq(`${w} arp.hw.size`, a.hwSize, Number(t['arp.hw.size']));
    eq(`${w} arp.proto.size`, a.protoSize, Number(t['arp.proto.size']));
    eq(`${w} arp.opcode`, a.opcode, Number(t['arp.opcode']));
    eq(`${w} arp.src.hw_mac`, a.senderMac, t['arp.src.hw_mac']);
    eq(`${w} arp.src.proto_ipv4`, a.senderIp, t['arp.src.proto_ipv4']);
    eq(`${w} arp.dst.hw_mac`, a.targetMac, t['arp.dst.hw_mac']);
    eq(`${w} arp.dst.proto_ipv4`, a.targetIp, t['arp.dst.proto_ipv4']);
    eq(`${w} arp.isgratuitous`, isGratuitousArp(a), t['arp.isgratuitous'] === '1' || t['arp.isgratuitous'] === 'True');
  }
  for (const [frame, t] of stp) {
    const b = (ours.get(frame) as StpEvent).bpdu;
    const w = `${file} frame ${frame}`;
    eq(`${w} stp.protocol`, b.protocolId, Number(t['stp.protocol']));
    eq(`${w} stp.version`, b.version, Number(t['stp.version']));
    eq(`${w} stp.type`, b.type, Number(t['stp.type']));
    if (b.type === BPDU_TCN) continue;
    eq(`${w} stp.flags`, b.flags, Number(t['stp.flags']));
    if (t['stp.flags.port_role']) eq(`${w} stp.flags.port_role`, (b.flags! >> 2) & 3, Number(t['stp.flags.port_role']));
    eq(`${w} stp.root.prio+ext`, b.rootPriority, Number(t['stp.root.prio']) + Number(t['stp.root.ext'] || 0));
    eq(`${w} stp.root.hw`, b.rootMac, t['stp.root.hw']);
    eq(`${w} stp.root.cost`, b.rootCost, Number(t['stp.root.cost']));
    eq(`${w} stp.bridge.prio+ext`, b.bridgePriority, Number(t['stp.bridge.prio']) + Number(t['stp.bridge.ext'] || 0));
    eq(`${w} stp.bridge.hw`, b.bridgeMac, t['stp.bridge.hw']);
    eq(`${w} stp.port`, b.portId, Number(t['stp.port']));
    eq(`${w} stp.msg_age`, b.messageAge, Number(t['stp.msg_age']));
    eq(`${w} stp.max_age`, b.maxAge, Number(t['stp.max_age']));
    eq(`${w} stp.hello`, b.helloTime, Number(t['stp.hello']));
    eq(`${w} stp.forward`, b.forwardDelay, Number(t['stp.forward']));
    if (t['stp.version_1_length']) eq(`${w} stp.version_1_length`, b.version1Length, Number(t['stp.version_1_length']));
  }
  return n;
}

function captures(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(pcap|pcapng)$/.test(e.name)) out.push(join(d, e.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('ARP and BPDUs against tshark', () => {
  (hasTshark ? it : it.skip)('every BPDU kind, written here: STP config with TC, RSTP designated/forwarding, RSTP root/learning with TC ack, TCN; and every ARP kind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxe-doctor-stp-'));
    try {
      const file = join(dir, 'l2.pcap');
      const w = new PcapWriter(file, 1);
      let t = 1_780_000_000;
      for (const b of [stpConfig, rstpDesignated, rstpRootLearning, tcn]) w.write((t += 1), bpduFrame('02:00:00:00:99:01', b));
      for (const p of [request, reply, gratuitous, probe]) {
        const f = ethernet(p.senderMac, p.opcode === 1 ? 'ff:ff:ff:ff:ff:ff' : p.targetMac, 0x0806, encodeArp(p));
        const padded = new Uint8Array(60);
        padded.set(f);
        w.write((t += 1), padded);
      }
      await w.close();
      expect(await compare(file)).toBeGreaterThan(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const files = [...captures(join(root, 'fixtures/captures')), ...captures(join(root, 'fixtures/public'))];
  (hasTshark ? it : it.skip)(`every ARP/BPDU frame of the ${files.length} fixture and public captures`, async () => {
    let fields = 0;
    for (const f of files) fields += await compare(f);
    expect(fields).toBeGreaterThan(100);
  }, 300_000);
});
