/**
 * Shared by tshark-diff.test.ts: decodes a capture with our readers + Dissector and compares each
 * frame with the normalized tshark golden (scripts/golden-tshark.mjs). Returns differences
 * {frame, field, ours, tshark} so a test can subtract a narrow, documented exception list.
 */
import { readCapture } from '../../src/capture/open.js';
import { Dissector } from '../../src/decode/dissect.js';
import type { PacketEvent } from '../../src/decode/events.js';
import { decodeRecord, type DecodeRecord } from '../../src/report/decode-line.js';
import type { Dhcp6Message } from '../../src/decode/dhcp6/types.js';

export interface GoldenFrame {
  frame: number;
  time: number;
  protocols: string;
  src?: string;
  sport?: number;
  dst?: string;
  dport?: number;
  malformed?: boolean;
  /** tshark says the snap length cut the packet short. */
  short?: boolean;
  dhcp?: Record<string, unknown> & { options: { code: number; length?: number; value?: string; typed?: unknown }[] };
  tftp?: Record<string, unknown>;
  icmp?: Record<string, unknown>;
  /** DHCPv6 (scripts/golden-tshark.mjs normalizeDhcp6): options as raw TLVs from tshark's -x view. */
  dhcp6?: GoldenDhcp6;
}
export interface GoldenHttp {
  frame: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  method?: string;
  target?: string;
  status?: number;
  contentLength?: number;
}
export interface GoldenDhcp6 {
  msgType: number;
  transactionId?: number;
  hopCount?: number;
  linkAddress?: string;
  peerAddress?: string;
  options: { code?: number; length?: number; value?: string }[];
  clientIdHex?: string;
  bootfileUrl?: string;
  vendorClassEnterprise?: number;
  vendorClass?: string;
  relayMessage?: GoldenDhcp6;
}
export interface Golden {
  capture: string;
  /** HTTP request/response heads tshark sees (UEFI HTTP boot), compared by test/ipv6/tshark-http.test.ts. */
  http?: GoldenHttp[];
  /** Hash of the capture the golden was made from (absent in --stdout output). */
  sha256?: string;
  tshark: string;
  frames: GoldenFrame[];
}

export interface Ours {
  record: DecodeRecord;
  /** Raw option bytes as hex, per option in wire order (the JSON value is typed, tshark's is hex). */
  optionHex?: string[];
  kind: PacketEvent['kind'];
  dhcp6?: Dhcp6Message;
}

/**
 * `httpOut`, when given, receives the HTTP-boot TCP events (kept out of the returned map: tshark's
 * frame set is DHCP/DHCPv6/TFTP/ICMP; HTTP heads are compared on their own).
 */
export async function decodeOurs(path: string, httpOut?: Map<number, DecodeRecord>): Promise<Map<number, Ours>> {
  const d = new Dissector();
  const out = new Map<number, Ours>();
  let t0: number | undefined;
  const take = (ev: PacketEvent): void => {
    if (ev.kind === 'fragment-problem') return; // not a frame of its own in tshark's view
    if (ev.kind === 'arp' || ev.kind === 'stp') return; // compared field by field in tshark-arp-stp.test.ts
    if (ev.kind === 'dns') return; // DNS is held against tshark in test/decode/dns.test.ts
    if (ev.kind === 'http') {
      httpOut?.set(ev.meta.frame, decodeRecord(ev, t0 ?? ev.meta.ts));
      return;
    }
    const o: Ours = { record: decodeRecord(ev, t0 ?? ev.meta.ts), kind: ev.kind };
    if (ev.kind === 'dhcp') o.optionHex = ev.dhcp.options.map((x) => Buffer.from(x.data).toString('hex'));
    if (ev.kind === 'dhcp6') o.dhcp6 = ev.dhcp6;
    out.set(ev.meta.frame, o);
  };
  await readCapture(path, {
    frame(f) {
      if (t0 === undefined) t0 = f.ts;
      const ev = d.dissect(f);
      if (ev) take(ev);
    },
  });
  for (const ev of d.flush()) take(ev);
  return out;
}

/** tshark shows option 97's GUID with the first three fields little-endian (SMBIOS order). */
export function guidFromTsharkOrder(g: string): string {
  const h = g.replace(/-/g, '');
  if (h.length !== 32) return g;
  const sw = (s: string): string => s.match(/../g)!.reverse().join('');
  const w = sw(h.slice(0, 8)) + sw(h.slice(8, 12)) + sw(h.slice(12, 16)) + h.slice(16);
  return `${w.slice(0, 8)}-${w.slice(8, 12)}-${w.slice(12, 16)}-${w.slice(16, 20)}-${w.slice(20)}`;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface Difference {
  frame: number;
  field: string;
  ours: unknown;
  tshark: unknown;
}

export function describeDifference(d: Difference): string {
  return `frame ${d.frame}: ${d.field}: ours ${JSON.stringify(d.ours)}, tshark ${JSON.stringify(d.tshark)}`;
}

export function compareFrame(o: Ours, g: GoldenFrame): Difference[] {
  const diffs: Difference[] = [];
  const r = o.record;
  const frame = g.frame;
  const cmp = (field: string, ours: unknown, theirs: unknown): void => {
    if (theirs === undefined && ours === undefined) return;
    if (!same(ours, theirs)) diffs.push({ frame, field, ours, tshark: theirs });
  };
  if (Math.abs(r.time - g.time) > 1.5e-6) diffs.push({ frame, field: 'time', ours: r.time, tshark: g.time });
  cmp('src', r.src, g.src);
  cmp('dst', r.dst, g.dst);
  if (!g.icmp) {
    cmp('sport', r.sport, g.sport);
    cmp('dport', r.dport, g.dport);
  }
  if (g.dhcp) {
    const t = g.dhcp;
    const d = r.dhcp;
    if (!d) {
      diffs.push({ frame, field: 'kind', ours: r.malformed ? `malformed: ${r.malformed.reason}` : o.kind, tshark: 'dhcp' });
      return diffs;
    }
    for (const k of ['op', 'xid', 'secs', 'flags', 'ciaddr', 'yiaddr', 'siaddr', 'giaddr', 'sname', 'file', 'messageType', 'vendorClass', 'clientArch', 'tftpServer', 'bootFile', 'serverId', 'userClass'] as const) {
      cmp(`dhcp.${k}`, (d as unknown as Record<string, unknown>)[k], t[k]);
    }
    // tshark names chaddr as a MAC only for Ethernet-style htype 1 / hlen 6.
    if (t.chaddr !== undefined) cmp('dhcp.chaddr', d.chaddr, t.chaddr);
    // Where tshark flags the frame malformed, we must have recorded at least one anomaly.
    if (g.malformed && d.anomalies.length === 0) diffs.push({ frame, field: 'dhcp.anomalies', ours: [], tshark: 'malformed' });
    if (t.clientGuid !== undefined) cmp('dhcp.clientGuid', d.clientGuid, guidFromTsharkOrder(t.clientGuid as string));
    const ours = d.options.map((x, i) => ({ code: x.code, length: x.length, value: o.optionHex?.[i] }));
    const theirs = t.options.map((x) => ({ code: x.code, length: x.length, value: x.value }));
    cmp('dhcp.options', ours, theirs);
    // Typed option values (`value` in decode --json) where tshark has a typed field for the code.
    if (same(ours, theirs)) {
      t.options.forEach((x, i) => {
        if (x.typed !== undefined) cmp(`dhcp.options[${i}].value (option ${x.code})`, d.options[i]?.value, x.typed);
      });
    }
  }
  if (g.tftp) {
    if (!r.tftp) {
      diffs.push({ frame, field: 'kind', ours: r.malformed ? `malformed: ${r.malformed.reason}` : o.kind, tshark: 'tftp' });
      return diffs;
    }
    for (const k of ['opcode', 'filename', 'mode', 'options', 'block', 'length', 'errorCode', 'errorMessage'] as const) {
      cmp(`tftp.${k}`, (r.tftp as unknown as Record<string, unknown>)[k], g.tftp[k]);
    }
  }
  if (g.dhcp6) {
    if (!o.dhcp6 || !r.dhcp6) {
      diffs.push({ frame, field: 'kind', ours: r.malformed ? `malformed: ${r.malformed.reason}` : o.kind, tshark: 'dhcp6' });
      return diffs;
    }
    compareDhcp6(o.dhcp6, g.dhcp6, 'dhcp6', frame, diffs);
  }
  if (g.icmp) {
    if (!r.icmp) {
      diffs.push({ frame, field: 'kind', ours: o.kind, tshark: 'icmp' });
      return diffs;
    }
    cmp('icmp.type', r.icmp.type, g.icmp.type);
    cmp('icmp.code', r.icmp.code, g.icmp.code);
    const gq = g.icmp.quoted as Record<string, unknown>;
    const oq = r.icmp.quoted;
    // tshark quotes ports only when the refused datagram was UDP/TCP.
    cmp('icmp.quoted', gq.sport !== undefined ? { src: oq.src, sport: oq.sport, dst: oq.dst, dport: oq.dport } : { src: oq.src, dst: oq.dst }, gq);
  }
  return diffs;
}

/** Every difference between our decode and the golden, frame sets included. */
export async function diffCapture(path: string, golden: Golden): Promise<{ diffs: Difference[]; ours: Map<number, Ours> }> {
  const ours = await decodeOurs(path);
  const diffs: Difference[] = [];
  const theirs = new Map(golden.frames.map((g) => [g.frame, g]));
  for (const [n, o] of ours) if (!theirs.has(n)) diffs.push({ frame: n, field: 'frame-set', ours: o.kind, tshark: undefined });
  for (const g of golden.frames) {
    const o = ours.get(g.frame);
    if (!o) {
      diffs.push({ frame: g.frame, field: 'frame-set', ours: undefined, tshark: g.protocols });
      continue;
    }
    diffs.push(...compareFrame(o, g));
  }
  return { diffs, ours };
}

/** DHCPv6: header fields, every option's raw bytes, and the values tshark decodes. Recurses into relays. */
function compareDhcp6(m: Dhcp6Message, t: GoldenDhcp6, path: string, frame: number, diffs: Difference[]): void {
  const cmp = (field: string, ours: unknown, theirs: unknown): void => {
    if (theirs === undefined && ours === undefined) return;
    if (!same(ours, theirs)) diffs.push({ frame, field: `${path}.${field}`, ours, tshark: theirs });
  };
  cmp('msgType', m.msgType, t.msgType);
  if (t.transactionId !== undefined) cmp('transactionId', m.transactionId, t.transactionId);
  cmp('hopCount', m.hopCount, t.hopCount);
  cmp('linkAddress', m.linkAddress, t.linkAddress);
  cmp('peerAddress', m.peerAddress, t.peerAddress);
  cmp(
    'options',
    m.options.map((x) => ({ code: x.code, length: x.data.length, value: Buffer.from(x.data).toString('hex') })),
    t.options,
  );
  cmp('clientId', m.clientId?.hex, t.clientIdHex);
  cmp('bootfileUrl', m.bootfileUrl, t.bootfileUrl);
  cmp('vendorClassEnterprise', m.vendorClassEnterprise, t.vendorClassEnterprise);
  cmp('vendorClass', m.vendorClass, t.vendorClass);
  if (t.relayMessage) {
    if (!m.relayMessage) diffs.push({ frame, field: `${path}.relayMessage`, ours: undefined, tshark: t.relayMessage.msgType });
    else compareDhcp6(m.relayMessage, t.relayMessage, `${path}.relayMessage`, frame, diffs);
  }
}
