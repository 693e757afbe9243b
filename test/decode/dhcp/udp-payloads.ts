/**
 * Test helper: the UDP payloads of a capture, read with the project's capture reader and a
 * deliberately small link/IPv4/UDP walk of its own (Ethernet with VLAN tags, Linux SLL/SLL2, raw
 * IPv4, BSD null), so the codec tests do not depend on the dissector they feed. Fragmented IPv4
 * datagrams are put back together here too (a few lines, independent of src/decode/fragments.ts)
 * and reported on the frame that completed them, as tshark does (a TFTP blksize above the MTU
 * fragments every DATA packet); a datagram that never completes yields its first fragment's
 * truncated payload with `partial` set. IPv6 without extension headers is walked too (TFTP over
 * IPv6 after a PXEv6 boot file URL).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../../src/capture/open.js';

export interface UdpPayload {
  frame: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  payload: Uint8Array;
  /** True when the datagram is fragmented (payload incomplete) or cut by the snap length. */
  partial: boolean;
}

function ipOffset(linkType: number, d: Uint8Array): number {
  const u16 = (p: number): number => ((d[p] ?? 0) << 8) | (d[p + 1] ?? 0);
  switch (linkType) {
    case 1: {
      let p = 12;
      let type = u16(p);
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        p += 4;
        type = u16(p);
      }
      return type === 0x0800 || type === 0x86dd ? p + 2 : -1;
    }
    case 113:
      return u16(14) === 0x0800 || u16(14) === 0x86dd ? 16 : -1;
    case 276:
      return u16(0) === 0x0800 || u16(0) === 0x86dd ? 20 : -1;
    case 101:
    case 228:
    case 12:
    case 14:
      return 0;
    case 0:
      return 4;
    default:
      return -1;
  }
}

/** Pieces of one fragmented IPv4 datagram (RFC 791 section 3.2), keyed by src, dst and id. */
interface PendingDatagram {
  src: string;
  dst: string;
  /** Frame of the first-offset fragment, when it came: the `partial` report if it never completes. */
  firstFrame: number;
  pieces: { start: number; end: number; data: Uint8Array }[];
  /** Payload length, known once the fragment with MF=0 arrived; -1 before. */
  total: number;
  /** A fragment was cut by the snap length, so the datagram can only be partial. */
  cut: boolean;
}

/** The reassembled IP payload when the pieces cover 0..total without a hole, else null. */
function assemble(d: PendingDatagram): Uint8Array | null {
  if (d.total < 0) return null;
  const sorted = d.pieces.slice().sort((a, b) => a.start - b.start);
  let covered = 0;
  for (const p of sorted) {
    if (p.start > covered) return null;
    covered = Math.max(covered, p.end);
  }
  if (covered < d.total) return null;
  const out = new Uint8Array(d.total);
  // Overlaps: the earliest received bytes win, as in the dissector (first writes kept).
  for (const p of d.pieces.slice().reverse()) if (p.start < d.total) out.set(p.data.subarray(0, d.total - p.start), p.start);
  return out;
}

const udpLength = (ipPayload: Uint8Array): number => ((ipPayload[4] as number) << 8) | (ipPayload[5] as number);

/** A UDP datagram from its IP payload (the UDP header and what follows it). */
function udpFromIpPayload(frame: number, src: string, dst: string, ipPayload: Uint8Array, partial: boolean): UdpPayload | null {
  if (ipPayload.length < 8) return null;
  const udpLen = udpLength(ipPayload);
  return {
    frame,
    src,
    dst,
    sport: ((ipPayload[0] as number) << 8) | (ipPayload[1] as number),
    dport: ((ipPayload[2] as number) << 8) | (ipPayload[3] as number),
    payload: ipPayload.slice(8, Math.min(ipPayload.length, Math.max(udpLen, 8))),
    partial,
  };
}

export async function udpPayloads(path: string): Promise<UdpPayload[]> {
  const out: UdpPayload[] = [];
  const pending = new Map<string, PendingDatagram>();
  await readCapture(path, {
    frame(f) {
      const d = f.data;
      const ip = ipOffset(f.linkType, d);
      if (ip >= 0 && ip + 48 <= d.length && (d[ip] as number) >> 4 === 6) {
        // IPv6, next header UDP directly (RFC 8200 section 3).
        if (d[ip + 6] !== 17) return;
        const udp = ip + 40;
        const plen = ((d[ip + 4] as number) << 8) | (d[ip + 5] as number);
        const udpLen = ((d[udp + 4] as number) << 8) | (d[udp + 5] as number);
        const hex = (p: number): string => {
          const g: string[] = [];
          for (let i = 0; i < 16; i += 2) g.push((((d[p + i] as number) << 8) | (d[p + i + 1] as number)).toString(16));
          return g.join(':');
        };
        out.push({
          frame: f.index,
          src: hex(ip + 8),
          dst: hex(ip + 24),
          sport: ((d[udp] as number) << 8) | (d[udp + 1] as number),
          dport: ((d[udp + 2] as number) << 8) | (d[udp + 3] as number),
          payload: d.slice(udp + 8, Math.min(d.length, ip + 40 + plen, udp + Math.max(udpLen, 8))),
          partial: udp + udpLen > d.length,
        });
        return;
      }
      if (ip < 0 || ip + 20 > d.length || ((d[ip] as number) >> 4) !== 4 || d[ip + 9] !== 17) return;
      const ihl = ((d[ip] as number) & 15) * 4;
      const fragField = ((d[ip + 6] as number) << 8) | (d[ip + 7] as number);
      const moreFragments = (fragField & 0x2000) !== 0;
      const fragOffset = (fragField & 0x1fff) * 8;
      const ipLen = ((d[ip + 2] as number) << 8) | (d[ip + 3] as number);
      const ipStr = (p: number): string => `${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`;
      const src = ipStr(ip + 12);
      const dst = ipStr(ip + 16);
      if (moreFragments || fragOffset !== 0) {
        const declared = ipLen - ihl;
        if (declared <= 0) return;
        const key = `${src}|${dst}|${((d[ip + 4] as number) << 8) | (d[ip + 5] as number)}`;
        let dg = pending.get(key);
        if (!dg) {
          dg = { src, dst, firstFrame: -1, pieces: [], total: -1, cut: false };
          pending.set(key, dg);
        }
        const data = d.slice(ip + ihl, Math.min(d.length, ip + ipLen));
        if (data.length < declared) dg.cut = true;
        if (fragOffset === 0) dg.firstFrame = f.index;
        if (!moreFragments && dg.total < 0) dg.total = fragOffset + declared;
        dg.pieces.push({ start: fragOffset, end: fragOffset + declared, data });
        const whole = dg.cut ? null : assemble(dg);
        if (whole) {
          pending.delete(key);
          const u = udpFromIpPayload(f.index, src, dst, whole, whole.length >= 8 && udpLength(whole) > whole.length);
          if (u) out.push(u);
        }
        return;
      }
      const udp = ip + ihl;
      if (udp + 8 > d.length) return;
      const udpLen = ((d[udp + 4] as number) << 8) | (d[udp + 5] as number);
      // The IP total length bounds the payload (Ethernet padding is not UDP data).
      const u = udpFromIpPayload(f.index, src, dst, d.subarray(udp, Math.max(udp + 8, Math.min(d.length, ip + ipLen))), udp + udpLen > d.length);
      if (u) out.push(u);
    },
  });
  // Datagrams that never completed (a fragment lost or cut): the first fragment, marked partial.
  for (const dg of pending.values()) {
    const first = dg.pieces.find((p) => p.start === 0);
    if (dg.firstFrame < 0 || !first) continue;
    const u = udpFromIpPayload(dg.firstFrame, dg.src, dg.dst, first.data, true);
    if (u) out.push(u);
  }
  return out.sort((a, b) => a.frame - b.frame);
}

export const isDhcpPacket = (p: UdpPayload): boolean =>
  [67, 68, 4011].includes(p.sport) || [67, 68, 4011].includes(p.dport);

/**
 * TFTP payloads: anything to or from port 69, plus packets of a conversation an RRQ/WRQ to port 69
 * opened (keyed on the client's address and port, as Wireshark does).
 */
export function tftpPackets(all: UdpPayload[]): UdpPayload[] {
  const clients = new Set<string>();
  const out: UdpPayload[] = [];
  for (const p of all) {
    const op = ((p.payload[0] ?? 0) << 8) | (p.payload[1] ?? 0);
    if (p.dport === 69 && (op === 1 || op === 2)) clients.add(`${p.src}:${p.sport}`);
    if (p.sport === 69 || p.dport === 69 || clients.has(`${p.src}:${p.sport}`) || clients.has(`${p.dst}:${p.dport}`)) out.push(p);
  }
  return out;
}

/** Every capture file under fixtures/ (public captures and the lab's own). */
export function fixtureCaptures(root = new URL('../../../fixtures/', import.meta.url).pathname): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}
