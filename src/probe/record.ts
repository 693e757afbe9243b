/**
 * Turns the probe's datagrams into frames and feeds them, one at a time, to the optional pcapng
 * writer (`--write`) and to the same Dissector + Analyzer that `analyze` uses, so the probe's
 * findings are the analyzer's findings (same rule ids) and its capture reads back identically.
 * Nothing is kept per packet: a `--tftp full` download costs no memory per block.
 */
import fs from 'node:fs';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import { Dissector } from '../decode/dissect.js';
import { Analyzer } from '../pipeline.js';
import type { AnalysisJson } from '../report/schema.js';
import { LINKTYPE_ETHERNET, udpFrame } from './frames.js';
import type { ProbePacket } from './net.js';

const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
const UNKNOWN_MAC = '00:00:00:00:00:00';

/**
 * The kernel's ARP cache (/proc/net/arp) gives the servers' real MACs once we have talked to them
 * by unicast; broadcast-only servers stay 00:00:00:00:00:00 in the synthesized frames.
 */
class ArpCache {
  private readonly known = new Map<string, string>();
  private lastRead = 0;

  lookup(ip: string): string {
    const hit = this.known.get(ip);
    if (hit) return hit;
    const t = Date.now();
    if (t - this.lastRead > 500) {
      this.lastRead = t;
      try {
        for (const line of fs.readFileSync('/proc/net/arp', 'utf8').split('\n').slice(1)) {
          const f = line.trim().split(/\s+/);
          if (f.length >= 4 && f[3] !== UNKNOWN_MAC && /^[0-9a-f:]{17}$/.test(f[3] as string)) this.known.set(f[0] as string, f[3] as string);
        }
      } catch {
        /* not Linux: leave server MACs unknown */
      }
    }
    return this.known.get(ip) ?? UNKNOWN_MAC;
  }
}

export class ProbeRecorder {
  private readonly writer: PcapngWriter | undefined;
  private readonly arp = new ArpCache();
  private frameIndex = 0;
  private ipId = 1;
  private analyzer: Analyzer | undefined;
  private dissector: Dissector | undefined;
  private clientMac = UNKNOWN_MAC;
  private firstTs: number | undefined;
  private lastTs = 0;
  private archFrames = 0;
  private readonly warnings: string[] = [];
  private readonly label: string;

  constructor(label: string, writePath?: string) {
    this.label = label;
    // Every packet written through at once (a probe is a few hundred packets): a Ctrl-C leaves a valid file.
    this.writer = writePath !== undefined ? new PcapngWriter(writePath, LINKTYPE_ETHERNET, { bufferBytes: 0 }) : undefined;
  }

  /** A fresh analysis for the next architecture (its own client MAC, xids and verdict). */
  startArch(clientMac: string): void {
    this.clientMac = clientMac;
    this.analyzer = new Analyzer({ idleExpiry: 24 * 3600, bootDoneAfter: 24 * 3600 });
    this.dissector = new Dissector({ onWarning: (m) => this.warnings.length < 20 && this.warnings.push(m) });
    this.firstTs = undefined;
    this.archFrames = 0;
  }

  record(p: ProbePacket): void {
    const fromClient = p.dir === 'out';
    const peerIp = fromClient ? p.dst.address : p.src.address;
    const peerMac = peerIp === '255.255.255.255' ? BROADCAST_MAC : this.arp.lookup(peerIp);
    const dstMac = fromClient ? peerMac : p.dst.address === '255.255.255.255' ? BROADCAST_MAC : this.clientMac;
    const data = udpFrame(
      { srcMac: fromClient ? this.clientMac : peerMac, dstMac, src: p.src.address, sport: p.src.port, dst: p.dst.address, dport: p.dst.port, ipId: this.ipId++ },
      p.payload,
    );
    this.frameIndex++;
    this.archFrames++;
    this.writer?.write(p.ts, data);
    if (!this.analyzer || !this.dissector) return;
    if (this.firstTs === undefined) {
      this.firstTs = p.ts;
      this.analyzer.setCaptureStart(p.ts);
    }
    this.lastTs = p.ts;
    const ev = this.dissector.dissect({ index: this.frameIndex, ts: p.ts, linkType: LINKTYPE_ETHERNET, interfaceId: 0, data, origLen: data.length });
    if (ev) this.analyzer.push(ev);
    for (const side of this.dissector.drain()) this.analyzer.push(side);
  }

  /** The analysis of the current architecture's traffic, as `analyze` would report it. */
  finishArch(): AnalysisJson {
    const analyzer = this.analyzer ?? new Analyzer();
    for (const ev of this.dissector?.flush() ?? []) analyzer.push(ev);
    analyzer.setCapture({
      file: this.label,
      format: 'probe',
      frames: this.archFrames,
      ...(this.firstTs !== undefined ? { firstTime: new Date(this.firstTs * 1000).toISOString(), duration: Math.round((this.lastTs - this.firstTs) * 1e6) / 1e6 } : { duration: 0 }),
      warnings: this.warnings.splice(0),
    });
    this.analyzer = undefined;
    this.dissector = undefined;
    // The probe listened until now (its timeouts ran out): silence up to this moment counts, as in live.
    return analyzer.finish(this.firstTs !== undefined ? Math.max(this.lastTs, Date.now() / 1000) : undefined);
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
