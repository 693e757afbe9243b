/**
 * Test helper: the UDP payloads of a capture, read with the project's capture reader and a
 * deliberately small link/IPv4/UDP walk of its own (Ethernet with VLAN tags, Linux SLL/SLL2, raw
 * IPv4, BSD null), so the codec tests do not depend on the dissector they feed. Non-first IPv4
 * fragments are skipped; a first fragment yields its truncated payload with `partial` set. IPv6
 * without extension headers is walked too (TFTP over IPv6 after a PXEv6 boot file URL).
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

export async function udpPayloads(path: string): Promise<UdpPayload[]> {
  const out: UdpPayload[] = [];
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
      if ((fragField & 0x1fff) !== 0) return;
      const udp = ip + ihl;
      if (udp + 8 > d.length) return;
      const ipLen = ((d[ip + 2] as number) << 8) | (d[ip + 3] as number);
      const udpLen = ((d[udp + 4] as number) << 8) | (d[udp + 5] as number);
      const end = Math.min(d.length, ip + ipLen, moreFragments ? d.length : udp + Math.max(udpLen, 8));
      const ipStr = (p: number): string => `${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`;
      out.push({
        frame: f.index,
        src: ipStr(ip + 12),
        dst: ipStr(ip + 16),
        sport: ((d[udp] as number) << 8) | (d[udp + 1] as number),
        dport: ((d[udp + 2] as number) << 8) | (d[udp + 3] as number),
        payload: d.slice(udp + 8, end),
        partial: moreFragments || udp + udpLen > d.length,
      });
    },
  });
  return out;
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
