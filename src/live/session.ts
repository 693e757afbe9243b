/**
 * A live capture session: tcpdump/dumpcap's stdout -> CaptureParser -> Dissector -> streaming
 * Analyzer, with the raw frames optionally saved to a file, until a signal, --duration, --count or the
 * capture tool ending.
 *
 * Per frame the work is synchronous and allocation-free for frames that are not boot traffic
 * (the parser hands out a reused view; the dissector decides on it), so memory does not grow with
 * the length of the run.
 */
import { closeSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CaptureSummary, CaptureWarning, Frame, FrameSink } from '../capture/frame.js';
import { CaptureParser } from '../capture/parser.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import { PcapWriter } from '../capture/pcap-writer.js';
import { Dissector } from '../decode/dissect.js';
import type { PacketEvent } from '../decode/events.js';
import type { Finding } from '../diagnose/finding.js';
import type { ClientEventLine } from '../exchange/types.js';
import { Analyzer } from '../pipeline.js';
import type { AnalysisJson, ClientJson } from '../report/schema.js';
import { TextClients } from '../report/text.js';
import { CaptureProcess, findCaptureTool, snaplenFor, type CaptureExit, type CaptureTool } from './capture-process.js';
import { LiveError } from './errors.js';
import { buildCaptureFilter } from './filter.js';
import { ARPHRD_ETHER, checkInterface, listInterfaces } from './interfaces.js';

/** LINKTYPE_ETHERNET: the link type of an empty --write file when nothing was captured. */
const LINKTYPE_ETHERNET = 1;
/** Wall-clock tick: how late at most a timeout finding (e.g. unanswered 4011 request) is printed. */
const DEFAULT_TICK_MS = 250;
/** Default quiet time before a client's findings are printed (see LiveSessionOptions.settleSec); the analyzer's own default. */
export const DEFAULT_SETTLE_SEC = 15;
/** How long the capture tool gets to flush and exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

export type StopReason = 'signal' | 'duration' | 'count' | 'capture-ended';

export interface LiveStartInfo {
  iface: string;
  tool: CaptureTool;
  /** The full BPF filter given to the tool. */
  filter: string;
  pid?: number;
  writePath?: string;
}

/** A client event with the absolute capture time of the packet it comes from. */
export interface LiveEvent extends ClientEventLine {
  /** Seconds since the epoch (packet clock). */
  ts: number;
}

export interface LiveSessionOptions {
  iface: string;
  /** The user's --filter expression, and-ed with the boot-traffic filter. */
  userFilter?: string;
  durationSec?: number;
  count?: number;
  /** Save every captured frame here (pcapng unless the name ends in .pcap). */
  writePath?: string;
  /** "tcpdump", "dumpcap" or a path; default: tcpdump, else dumpcap. */
  captureTool?: string;
  /** Bytes kept per packet; 0 = whole packets; default: the interface MTU plus link headers. */
  snaplen?: number;
  /** Only this client (MAC, lowercase with colons) is shown and reported. */
  client?: string;
  /**
   * Seconds a client must be quiet before its findings are printed (the analyzer's settleAfter).
   * A settled client is judged as if its boot had ended, so this must outlast the firmware's own
   * retry gaps: DISCOVER retries come 4, 8, 16 s apart and an RRQ or 4011 request is retried after
   * seconds. With 3 or 8 s, replaying the lab capture fail-two-boot-servers-bios printed a
   * proxy-offer-ignored finding that later packets disproved; with 15 s, no lab capture did.
   */
  settleSec?: number;
  tickIntervalMs?: number;
  onStart?(info: LiveStartInfo): void;
  onEvent?(e: LiveEvent): void;
  /** `ts`: capture time the finding refers to (seconds since the epoch). */
  onFinding?(f: Finding, ts: number): void;
  /** Something the user should know that is not a finding (no carrier, damaged capture stream...). */
  onWarning?(message: string): void;
  /**
   * Only the text summary will be printed: finished clients are kept as it reads them (TextClients:
   * at most the table's rows, the rest counted), not whole, so a long session or a DHCP flood holds
   * bounded memory; the result's analysis then has `clients: []` and `textClients` holds them.
   */
  textSummary?: boolean;
  /** Each captured frame (a reused view, valid only during the call): --save-failures spools them. */
  onFrame?(f: Frame): void;
  /** Each client once its boot is over and judged (--metrics, --save-failures, NDJSON `client`). */
  onClientDone?(c: ClientJson): void;
  /**
   * The capture tool's running count of kernel drops, asked every `statsIntervalMs` (tcpdump
   * only: SIGUSR1); given, the session asks for it (--metrics).
   */
  onToolStats?(s: { captured?: number; droppedByKernel?: number }): void;
  statsIntervalMs?: number;
}

export interface LiveResult {
  analysis: AnalysisJson;
  stopReason: StopReason;
  /** Frames parsed, analyzed and (with --write) written. */
  frames: number;
  /** Wall-clock seconds from capture start to stop. */
  seconds: number;
  capture: CaptureSummary | undefined;
  tool: CaptureExit;
  writePath?: string;
  /** With LiveSessionOptions.textSummary: the clients, as the text summary reads them. */
  textClients?: TextClients;
}

/** Capture times are microsecond-precise: drop the float noise of adding a relative time back. */
function microseconds(ts: number): number {
  return Math.round(ts * 1e6) / 1e6;
}

interface FrameWriter {
  write(ts: number, data: Uint8Array, origLen?: number): void;
  flush(): void;
  close(): Promise<void>;
}

/**
 * The analysis side of a session, separate from the capture process so it can be fed any byte
 * stream (tests feed it real capture files).
 */
export class LiveAnalysis implements FrameSink {
  readonly parser: CaptureParser;
  private readonly dissector: Dissector;
  private readonly analyzer: Analyzer;
  private readonly maxFrames: number;
  private readonly writeFd: number | undefined;
  private readonly writePcapng: boolean;
  private writer: FrameWriter | undefined;
  private frames = 0;
  private firstTs: number | undefined;
  private lastTs = 0;
  private readonly warnings: string[] = [];
  private ended: CaptureSummary | undefined;
  private readonly opts: LiveSessionOptions;
  /** With opts.textSummary: the finished clients, as the text summary reads them. */
  readonly textClients: TextClients | undefined;
  /** Called once when --count frames were analyzed. */
  onCountReached: (() => void) | undefined;

  constructor(opts: LiveSessionOptions & { writeFd?: number }) {
    this.opts = opts;
    this.maxFrames = opts.count ?? Number.POSITIVE_INFINITY;
    this.writeFd = opts.writeFd;
    this.writePcapng = !(opts.writePath ?? '').toLowerCase().endsWith('.pcap');
    this.parser = new CaptureParser(this);
    this.dissector = new Dissector({
      onWarning: (m) => {
        if (this.warnings.length < 50) this.warnings.push(m);
        opts.onWarning?.(m);
      },
    });
    const textClients = opts.textSummary ? new TextClients() : undefined;
    this.textClients = textClients;
    this.analyzer = new Analyzer({
      ...(opts.client !== undefined ? { client: opts.client } : {}),
      ...(textClients ? { onClient: (c: ClientJson, f: readonly Finding[]) => textClients.push(c, f) } : {}),
      settleAfter: opts.settleSec ?? DEFAULT_SETTLE_SEC,
      ...(opts.onClientDone ? { onClientDone: opts.onClientDone } : {}),
      onEvent: (e: ClientEventLine) => opts.onEvent?.({ ...e, ts: microseconds((this.firstTs ?? 0) + e.time) }),
      onFinding: (f: Finding) =>
        opts.onFinding?.(f, microseconds(f.time !== undefined && this.firstTs !== undefined ? this.firstTs + f.time : Date.now() / 1000)),
    });
  }

  get frameCount(): number {
    return this.frames;
  }

  /** FrameSink: one parsed frame (a reused view, valid only during this call). */
  frame(f: Frame): void {
    if (this.frames >= this.maxFrames) return;
    this.frames++;
    if (this.firstTs === undefined) {
      this.firstTs = f.ts;
      // Report times count from the first captured frame, as for a capture file.
      this.analyzer.setCaptureStart(f.ts);
    }
    if (f.ts > this.lastTs) this.lastTs = f.ts;
    if (this.writeFd !== undefined) {
      if (!this.writer) this.writer = this.makeWriter(f.linkType);
      this.writer.write(f.ts, f.data, f.origLen);
    }
    this.opts.onFrame?.(f);
    const ev = this.dissector.dissect(f);
    if (ev) this.analyzer.push(ev);
    // Fragment overlaps and given-up datagrams, queued as a side effect of this frame (an indexed
    // loop: no iterator object per frame; drain() returns a shared empty array when there are none).
    const side = this.dissector.drain();
    for (let i = 0; i < side.length; i++) this.analyzer.push(side[i] as PacketEvent);
    if (this.frames === this.maxFrames) this.onCountReached?.();
  }

  /** FrameSink: damage in the capture stream (should not happen with a live tool; reported if it does). */
  warning(w: CaptureWarning): void {
    const m = `capture stream damaged at frame ${w.frame} (byte ${w.offset}): ${w.message}; analyzed up to there`;
    this.warnings.push(m);
    this.opts.onWarning?.(m);
  }

  /** A warning about the run (kernel drops, tool died): shown now and kept in the summary. */
  addWarning(m: string): void {
    if (this.warnings.length < 50) this.warnings.push(m);
    this.opts.onWarning?.(m);
  }

  push(chunk: Uint8Array): void {
    this.parser.push(chunk);
  }

  /** Wall-clock or packet-clock tick: lets the analyzer judge timeouts when no packet arrives. */
  tick(nowSeconds: number): void {
    this.analyzer.tick(nowSeconds);
    // The writer buffers 64 KiB; flushing here keeps the --write file valid and at most one tick
    // behind, for someone reading it while the capture runs.
    this.writer?.flush();
  }

  /** End of stream: pending fragment problems, the final analysis, the written file closed. */
  async finish(endTs?: number): Promise<{ analysis: AnalysisJson; capture: CaptureSummary | undefined }> {
    try {
      this.ended = this.parser.end();
    } catch {
      // The tool ended before writing even a file header (it was stopped while starting): no frames.
      this.ended = undefined;
    }
    const rest: PacketEvent[] = this.dissector.flush();
    for (const ev of rest) this.analyzer.push(ev);
    this.analyzer.setCapture({
      file: this.opts.writePath ?? `live:${this.opts.iface}`,
      // The report describes the saved file when there is one, else the tool's stream.
      ...(this.writeFd !== undefined ? { format: this.writePcapng ? 'pcapng' : 'pcap' } : this.ended ? { format: this.ended.format } : {}),
      frames: this.frames,
      ...(this.firstTs !== undefined
        ? { firstTime: new Date(this.firstTs * 1000).toISOString(), duration: Math.round((this.lastTs - this.firstTs) * 1e6) / 1e6 }
        : { duration: 0 }),
      warnings: this.warnings,
    });
    // Judge waits up to the moment capture stopped (live), not only up to the last packet; without
    // that moment (a stream fed from a file), up to the last frame, as analyze does.
    const analysis = this.analyzer.finish(endTs ?? (this.firstTs !== undefined ? this.lastTs : undefined));
    if (this.writeFd !== undefined) {
      if (!this.writer) this.writer = this.makeWriter(this.ended?.linkTypes[0] ?? LINKTYPE_ETHERNET);
      await this.writer.close();
      closeSync(this.writeFd); // the writer leaves a caller's descriptor open
    }
    return { analysis, capture: this.ended };
  }

  private makeWriter(linkType: number): FrameWriter {
    const fd = this.writeFd as number;
    return this.writePcapng ? new PcapngWriter(fd, linkType) : new PcapWriter(fd, linkType);
  }
}

/**
 * Run a live session to its end. Resolves with the final analysis; rejects with a LiveError when the
 * capture cannot start (tool missing, permission, unknown or down interface, bad filter, unwritable
 * --write file). Call the returned `stop` (e.g. from a SIGINT handler) to end it.
 */
export function startLiveSession(opts: LiveSessionOptions): { stop(reason?: StopReason): void; result: Promise<LiveResult> } {
  let stopRequested: StopReason | undefined;
  let stopHook: ((r: StopReason) => void) | undefined;
  const stop = (reason: StopReason = 'signal') => {
    if (stopRequested) return;
    stopRequested = reason;
    stopHook?.(reason);
  };
  const result = runSession(opts, (hook) => {
    stopHook = hook;
    if (stopRequested) hook(stopRequested);
  });
  return { stop, result };
}

async function runSession(opts: LiveSessionOptions, setStopHook: (hook: (r: StopReason) => void) => void): Promise<LiveResult> {
  const tool = findCaptureTool(opts.captureTool);
  const interfaces = listInterfaces();
  const problem = checkInterface(opts.iface, interfaces);
  if (problem?.kind === 'unknown') throw new LiveError('unknown-interface', problem.message);
  if (problem?.kind === 'down') throw new LiveError('interface-down', problem.message);
  if (problem?.kind === 'no-carrier') opts.onWarning?.(problem.message);
  if (opts.count !== undefined && (!Number.isInteger(opts.count) || opts.count < 1)) {
    throw new LiveError('capture-failed', `--count must be a whole number of packets >= 1, not ${opts.count}`);
  }
  if (opts.snaplen !== undefined && (!Number.isInteger(opts.snaplen) || opts.snaplen < 0 || opts.snaplen > 262_144)) {
    throw new LiveError('capture-failed', `--snaplen must be 0 (whole packets) or up to 262144 bytes, not ${opts.snaplen}`);
  }

  let writeFd: number | undefined;
  if (opts.writePath !== undefined) {
    try {
      writeFd = openSync(opts.writePath, 'w');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'ENOENT' ? 'its directory does not exist' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
      throw new LiveError('write-file', `cannot write ${opts.writePath}: ${why}`);
    }
  }

  let analysis: LiveAnalysis;
  let proc: CaptureProcess;
  // VLAN-tagged variants only where tags can exist (Ethernet); "any" is Linux cooked capture.
  const ethernet = interfaces.find((i) => i.name === opts.iface)?.hwType === ARPHRD_ETHER;
  const filter = buildCaptureFilter(opts.userFilter, { vlan: ethernet });
  try {
    analysis = new LiveAnalysis({ ...opts, writeFd });
    proc = new CaptureProcess(tool, {
      iface: opts.iface,
      filter,
      snaplen: opts.snaplen ?? snaplenFor(opts.iface === 'any' ? undefined : interfaces.find((i) => i.name === opts.iface)?.mtu),
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      ...(opts.userFilter !== undefined ? { userFilter: opts.userFilter } : {}),
    });
  } catch (err) {
    if (writeFd !== undefined) closeSync(writeFd);
    throw err;
  }

  const stdout: Readable = proc.stdout;
  stdout.on('data', (chunk: Buffer) => analysis.push(chunk));

  try {
    await proc.ready;
  } catch (err) {
    await proc.exited;
    if (writeFd !== undefined) closeSync(writeFd);
    throw err;
  }
  const startedAt = Date.now();
  opts.onStart?.({ iface: opts.iface, tool, filter, ...(proc.pid !== undefined ? { pid: proc.pid } : {}), ...(opts.writePath ? { writePath: opts.writePath } : {}) });

  let reason: StopReason | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const requestStop = (r: StopReason) => {
    if (reason) return;
    reason = r;
    proc.stop();
    graceTimer = setTimeout(() => proc.kill(), STOP_GRACE_MS);
    graceTimer.unref();
  };
  setStopHook(requestStop);
  analysis.onCountReached = () => requestStop('count');

  const tickTimer = setInterval(() => analysis.tick(Date.now() / 1000), opts.tickIntervalMs ?? DEFAULT_TICK_MS);
  let statsTimer: NodeJS.Timeout | undefined;
  if (opts.onToolStats) {
    proc.onStats = opts.onToolStats;
    statsTimer = setInterval(() => proc.requestStats(), opts.statsIntervalMs ?? 10_000);
  }
  const durationTimer =
    opts.durationSec !== undefined ? setTimeout(() => requestStop('duration'), Math.max(0, opts.durationSec * 1000)) : undefined;

  const exit = await proc.exited;
  clearInterval(tickTimer);
  if (statsTimer) clearInterval(statsTimer);
  if (durationTimer) clearTimeout(durationTimer);
  if (graceTimer) clearTimeout(graceTimer);
  if (!reason) {
    // The tool ended on its own: after -c N packets, or the interface went away.
    reason = opts.count !== undefined && analysis.frameCount >= opts.count ? 'count' : 'capture-ended';
    if (reason === 'capture-ended' && exit.code !== 0) {
      analysis.addWarning(`${tool.kind} stopped unexpectedly${exit.messages[0] ? `: ${exit.messages[0]}` : ` (exit ${exit.code ?? exit.signal})`}`);
    }
  }
  if (exit.droppedByKernel) {
    analysis.addWarning(
      `the kernel dropped ${exit.droppedByKernel} packets (capture buffer full): the analysis may miss packets; narrow it with --filter`,
    );
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const { analysis: json, capture } = await analysis.finish(Date.now() / 1000);
  return {
    analysis: json,
    stopReason: reason,
    frames: analysis.frameCount,
    seconds,
    capture,
    tool: exit,
    ...(analysis.textClients ? { textClients: analysis.textClients } : {}),
    ...(opts.writePath !== undefined ? { writePath: opts.writePath } : {}),
  };
}
