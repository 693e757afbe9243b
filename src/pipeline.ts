/**
 * capture -> dissector -> exchange tracker -> rules -> AnalysisJson.
 *
 * `Analyzer` is the streaming core shared by `analyze` (a file) and `live` (tcpdump's stdout): push
 * PacketEvents in capture order, call tick(now) to let time pass (packet time or wall clock), and
 * finish() for the report. Findings are reported through onFinding as soon as a client has been
 * quiet for `settleAfter` seconds (nothing a rule concludes from can still change quickly), and
 * again at the end for anything new.
 */
import type { Clock, Frame, FrameSink } from './capture/frame.js';
import { readCapture } from './capture/open.js';
import { captureFiles, readCaptures, type MultiCaptureSummary } from './capture/multi.js';
import { Dissector } from './decode/dissect.js';
import type { TftpBlock } from './decode/dissect.js';
import type { PacketEvent } from './decode/events.js';
import type { Finding } from './diagnose/finding.js';
import { severityRank } from './diagnose/finding.js';
import { diagnoseClient } from './diagnose/index.js';
import type { RuleContext } from './diagnose/rule.js';
import { ExchangeTracker } from './exchange/tracker.js';
import type { ClientEventLine, ClientRecord } from './exchange/types.js';
import { clientJson } from './report/json.js';
import type { AnalysisJson, ClientJson } from './report/schema.js';
import { SCHEMA_VERSION } from './report/schema.js';

export type { ClientEventLine } from './exchange/types.js';

export interface AnalyzerOptions {
  onEvent?(e: ClientEventLine): void;
  onFinding?(f: Finding): void;
  /** Only this client (MAC, lowercase with colons) is reported. */
  client?: string;
  /** Packet-time silence after which a client is finished and forgotten (default 600 s). */
  idleExpiry?: number;
  /** Packet-time silence after which a client whose boot completed is finished (default 60 s; TrackerOptions.bootDoneAfter). */
  bootDoneAfter?: number;
  /** Silence after which a client's findings are reported early through onFinding (default 15 s). */
  settleAfter?: number;
  /**
   * Streams finished clients instead of keeping them: each is handed here once no client still in
   * progress started before it (so they arrive in firstFrame order, the order of `clients` in the
   * report), and finish() then returns `clients: []`. Memory follows the clients in flight.
   * `findings` are the client's own (they are in the report's findings too).
   */
  onClient?(c: ClientJson, findings: readonly Finding[]): void;
  /**
   * Told of each client as it is finished (in the order they finish), whether or not the report
   * keeps it: `live` counts finished boots and saves failed ones from here.
   */
  onClientDone?(c: ClientJson): void;
}

/** Finished clients waiting for an earlier-starting client still in progress: a min-heap on firstFrame. */
class FinishedClients {
  private readonly heap: { json: ClientJson; findings: readonly Finding[]; seq: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(json: ClientJson, findings: readonly Finding[]): void {
    const h = this.heap;
    h.push({ json, findings, seq: this.seq++ });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /** The earliest-starting client (ties: the one finished first), if it started before `limit`. */
  popBefore(limit: number): { json: ClientJson; findings: readonly Finding[] } | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0]!.json.firstFrame >= limit) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(l, m)) m = l;
        if (r < h.length && this.before(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.json.firstFrame < y.json.firstFrame || (x.json.firstFrame === y.json.firstFrame && x.seq < y.seq);
  }
}

/** ISO time of an epoch-seconds timestamp, or undefined when a damaged capture holds an impossible one. */
function isoTime(ts: number): string | undefined {
  const d = new Date(ts * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/** Normalise a MAC typed by a user (aa-bb-cc-dd-ee-ff, AABB.CCDD.EEFF, aabbccddeeff); undefined if it is not one. */
export function normalizeMac(s: string): string | undefined {
  const hex = s.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\-\s]+$/i.test(s)) return undefined;
  return hex.match(/../g)!.join(':');
}

export class Analyzer {
  private readonly opts: AnalyzerOptions;
  private readonly tracker: ExchangeTracker;
  /** Finished clients, in the order they finished (when not streamed through onClient). */
  private readonly done: ClientJson[] = [];
  /** Finished clients not yet handed to onClient (streaming). */
  private readonly finished = new FinishedClients();
  private readonly findings: Finding[] = [];
  private clientsReported = 0;
  private readonly reported = new Set<string>();
  private readonly settledAt = new Map<string, number>();
  private readonly warnings: string[] = [];
  private readonly ruleErrors = new Set<string>();
  private malformed = 0;
  private firstMalformed: string | undefined;
  private lastTick = 0;
  private capture: Partial<AnalysisJson['capture']> = {};

  constructor(opts: AnalyzerOptions = {}) {
    this.opts = opts;
    this.tracker = new ExchangeTracker({
      onEvent: opts.onEvent ? (e) => this.wanted(e.client) && opts.onEvent!(e) : undefined,
      onClientDone: (c) => this.clientDone(c),
      idleExpiry: opts.idleExpiry,
      bootDoneAfter: opts.bootDoneAfter,
    });
  }

  /** Times in the report are relative to this (the first frame of the capture); default: the first event. */
  setCaptureStart(ts: number): void {
    this.tracker.origin ??= ts;
  }

  /** File name, format, frame count, duration and warnings for the report's `capture` object. */
  setCapture(info: Partial<AnalysisJson['capture']>): void {
    this.capture = { ...this.capture, ...info };
  }

  addWarning(message: string): void {
    if (this.warnings.length < 50) this.warnings.push(message);
  }

  push(ev: PacketEvent): void {
    if (ev.kind === 'malformed') {
      this.malformed++;
      this.firstMalformed ??= `frame ${ev.meta.frame}: ${ev.layer}: ${ev.reason}`;
    }
    // Offline, packet time is the clock: let it expire state and settle quiet clients now and then.
    if (ev.meta.ts - this.lastTick >= 5) this.tick(ev.meta.ts);
    this.tracker.push(ev);
  }

  /**
   * A TFTP DATA/ACK read in place from the capture buffer (Dissector.peekTftpBlock), accounted for
   * without an event when the tracker already follows its transfer. False: push() the frame's
   * event instead (dissect it as usual).
   */
  tftpBlock(frame: number, clock: Clock, interfaceId: number, b: TftpBlock, buf: Uint8Array): boolean {
    const ts = clock[0] as number;
    if (ts - this.lastTick >= 5) this.tick(ts);
    return this.tracker.tftpBlock(frame, clock, interfaceId, b, buf);
  }

  /** Let time pass: expire idle clients and report findings of clients quiet for settleAfter seconds. */
  /** When capturing stopped (live), if later than the last packet. */
  private endTs = -Infinity;

  tick(now: number): void {
    this.lastTick = now;
    if (this.opts.onFinding) {
      const settle = this.opts.settleAfter ?? 15;
      for (const c of this.tracker.idleClients(now, settle)) {
        if (!this.wanted(c.mac) || this.settledAt.get(c.mac) === c.lastTs) continue;
        this.settledAt.set(c.mac, c.lastTs);
        this.tracker.settle(c, now);
        for (const f of diagnoseClient(c, this.context(now, true), (id, e) => this.ruleFailed(id, e))) this.report(f);
      }
    }
    this.tracker.expire(now);
    if (this.opts.onClient && this.finished.size > 0) this.handOver(this.tracker.oldestFirstFrame());
  }

  /** Clients in the report so far (streamed or kept). */
  get clientCount(): number {
    return this.clientsReported;
  }

  /** Streams finished clients that started before `limit` (the first frame of the oldest client in progress). */
  private handOver(limit: number): void {
    for (let c = this.finished.popBefore(limit); c !== undefined; c = this.finished.popBefore(limit)) this.opts.onClient!(c.json, c.findings);
  }

  /**
   * End of input. `endTs` is when capturing stopped (live capture): a request still unanswered then
   * has waited that long, not just until the last packet.
   */
  finish(endTs?: number): AnalysisJson {
    if (endTs !== undefined) this.endTs = endTs;
    this.tracker.finish();
    if (this.opts.onClient) this.handOver(Infinity);
    const clients = this.done.sort((a, b) => a.firstFrame - b.firstFrame);
    const findings = this.findings.sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || (a.client < b.client ? -1 : a.client > b.client ? 1 : 0) || (a.time ?? 0) - (b.time ?? 0));
    const warnings = [...(this.capture.warnings ?? []), ...this.warnings];
    if (this.malformed > 0) warnings.push(`${this.malformed} DHCP/TFTP packet${this.malformed > 1 ? 's' : ''} could not be decoded (first: ${this.firstMalformed})`);
    for (const id of this.ruleErrors) warnings.push(`rule ${id} failed on this capture and was skipped (please report it)`);
    const origin = this.tracker.origin;
    const firstTime = this.capture.firstTime ?? (origin !== undefined ? isoTime(origin) : undefined);
    return {
      schemaVersion: SCHEMA_VERSION,
      capture: {
        file: this.capture.file ?? '',
        ...(this.capture.format ? { format: this.capture.format } : {}),
        frames: this.capture.frames ?? this.tracker.lastFrame,
        ...(firstTime !== undefined ? { firstTime } : {}),
        duration: this.capture.duration ?? (origin !== undefined ? Math.round((this.tracker.lastTs - origin) * 1e6) / 1e6 : 0),
        warnings,
      },
      clients,
      findings,
    };
  }

  private wanted(mac: string): boolean {
    return this.opts.client === undefined || this.opts.client === mac;
  }

  private context(now: number, final: boolean): RuleContext {
    return { origin: this.tracker.origin ?? now, captureEnd: Math.max(now, this.tracker.lastTs), guidOwners: this.tracker.guidOwners, final };
  }

  private ruleFailed(id: string, err: unknown): void {
    this.ruleErrors.add(id);
    if (process.env['PXE_DOCTOR_DEBUG']) process.stderr.write(`rule ${id}: ${(err as Error)?.stack ?? String(err)}\n`);
  }

  private report(f: Finding): void {
    const key = `${f.id}|${f.client}|${f.frames[0] ?? ''}|${f.severity}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.opts.onFinding?.(f);
  }

  private clientDone(c: ClientRecord): void {
    this.settledAt.delete(c.mac);
    if (!this.wanted(c.mac)) return;
    const ctx = this.context(Math.max(this.tracker.lastTs, this.endTs), true);
    const findings = diagnoseClient(c, ctx, (id, e) => this.ruleFailed(id, e));
    for (const f of findings) this.report(f);
    for (const f of findings) this.findings.push(f);
    this.clientsReported++;
    const json = clientJson(c, findings, ctx);
    this.opts.onClientDone?.(json);
    if (this.opts.onClient) this.finished.push(json, findings);
    else this.done.push(json);
  }
}

export interface AnalyzeOptions {
  client?: string;
  /** Stream finished clients (AnalyzerOptions.onClient); the result then has `clients: []`. */
  onClient?(c: ClientJson, findings: readonly Finding[]): void;
  onEvent?(e: ClientEventLine): void;
  onFinding?(f: Finding): void;
  onProgress?(bytesRead: number, total?: number): void;
  /** Put a sink between the reader and the analysis (`analyze --redact`: frames are redacted first). */
  wrapSink?(sink: FrameSink): FrameSink;
}

/**
 * Analyze a capture file ('-' = stdin), or several files / directories read as one capture in time
 * order (capture/multi.ts; docs/capture.md, "Several files"). Throws CaptureFormatError for input
 * that is not a capture.
 */
export async function analyzeCapture(input: string | string[], opts: AnalyzeOptions = {}): Promise<AnalysisJson> {
  const files = Array.isArray(input) ? captureFiles(input) : undefined;
  const analyzer = new Analyzer({ client: opts.client, onEvent: opts.onEvent, onFinding: opts.onFinding, onClient: opts.onClient });
  const warnings: string[] = [];
  const dissector = new Dissector({ onWarning: (m) => warnings.length < 50 && warnings.push(m) });
  let first: number | undefined;
  // The latest timestamp, in a typed array: a double stored in a closure variable is a new heap
  // number per store, i.e. one allocation per record of the capture.
  const latest = new Float64Array(1);
  const sink: FrameSink = {
    // Asked for every record before a Frame is built: most traffic is rejected here, straight from
    // the read buffer, with no allocation (the dissector still counts it in its statistics).
    select(data, start, end, linkType, clock, index, interfaceId) {
      const ts = clock[0] as number;
      if (first === undefined) {
        first = ts;
        analyzer.setCaptureStart(ts);
      }
      if (ts > (latest[0] as number)) latest[0] = ts;
      if (!dissector.select(data, start, end, linkType, clock)) return false;
      // The blocks of every TFTP transfer (most of a PXE capture's packets) are counted from the
      // buffer, with no Frame or event, once their transfer is known.
      if (dissector.peekTftpBlock(data, end) && analyzer.tftpBlock(index, clock, interfaceId, dissector.tftpBlock, data)) {
        dissector.takeTftpBlock();
        return false;
      }
      return true;
    },
    frame(f: Frame) {
      const ev = dissector.dissect(f);
      if (ev) analyzer.push(ev);
      for (const side of dissector.drain()) analyzer.push(side);
    },
    warning(w) {
      warnings.push(`capture damaged at frame ${w.frame} (byte ${w.offset}): ${w.message}; analyzed up to there`);
    },
  };
  const source = opts.wrapSink ? opts.wrapSink(sink) : sink;
  const summary = files !== undefined ? await readCaptures(files, source, { onProgress: opts.onProgress }) : await readCapture(input as string, source, { onProgress: opts.onProgress });
  for (const ev of dissector.flush()) analyzer.push(ev);
  analyzer.setCapture({
    file: Array.isArray(input) ? input.join(' ') : input,
    format: summary.format,
    frames: summary.frames,
    ...(first !== undefined && isoTime(first) !== undefined ? { firstTime: isoTime(first) } : {}),
    duration: first !== undefined ? Math.round(((latest[0] as number) - first) * 1e6) / 1e6 : 0,
    warnings,
  });
  // The capture ends at its last frame, not at the last DHCP/TFTP packet: a client silent for the
  // frames after that has been silent that long (src/exchange/vantage.ts).
  const analysis = analyzer.finish(first !== undefined ? (latest[0] as number) : undefined);
  if (files !== undefined) locateEvidence(analysis, summary as MultiCaptureSummary);
  return analysis;
}

/**
 * Several files: the report lists them (with the merged frame numbers each one holds) and names,
 * for each finding, the file and in-file frame number of every evidence frame.
 */
function locateEvidence(analysis: AnalysisJson, summary: MultiCaptureSummary): void {
  analysis.capture.files = summary.files.map((f) => ({
    file: f.file,
    format: f.format,
    frames: f.frames,
    ...(f.firstFrame !== undefined ? { firstFrame: f.firstFrame, lastFrame: f.lastFrame } : {}),
    ...(f.firstTs !== undefined && isoTime(f.firstTs) !== undefined ? { firstTime: isoTime(f.firstTs) } : {}),
  }));
  for (const f of analysis.findings) f.files = summary.locator.group(f.frames);
}
