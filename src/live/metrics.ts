/**
 * `live --metrics HOST:PORT`: Prometheus metrics of the boots a sensor sees, served at
 * http://HOST:PORT/metrics through the prom-client package (docs/live.md, "Prometheus metrics";
 * the dashboard docs/grafana-dashboard.json uses these names).
 *
 * Labels are bounded: outcome (3 values), arch (the RFC 4578 names the analysis knows), boot server
 * (the servers of the segment), stage (8 values), finding id and severity (the rules). Client MACs
 * are never labels (they would grow without bound).
 */
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Finding } from '../diagnose/finding.js';
import type { ClientJson } from '../report/schema.js';
import { LiveError } from './errors.js';

/** Every metric the exporter defines (the dashboard test checks its queries against this list). */
export const METRIC_NAMES = [
  'pxe_doctor_boots_started_total',
  'pxe_doctor_boots_finished_total',
  'pxe_doctor_boots_in_progress',
  'pxe_doctor_findings_total',
  'pxe_doctor_boot_nbp_seconds',
  'pxe_doctor_boot_duration_seconds',
  'pxe_doctor_packets_captured_total',
  'pxe_doctor_packets_dropped_total',
  'pxe_doctor_live_info',
] as const;

/** Boots end in seconds (a proxyDHCP BIOS boot: 2-5 s) to minutes (a UEFI client walking PXEv4, PXEv6, HTTP). */
const DURATION_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

/**
 * booted: NBP downloaded and no error finding; failed: an error finding says why; incomplete:
 * neither (the client was still booting when the capture ended).
 */
export function outcomeOf(c: ClientJson, errorFinding: boolean): 'booted' | 'failed' | 'incomplete' {
  if (c.ok) return 'booted';
  return errorFinding ? 'failed' : 'incomplete';
}

/** Seconds from the client's first frame to the end of its NBP download (undefined: no complete NBP). */
export function nbpSeconds(c: ClientJson): number | undefined {
  const first = c.timeline[0]?.time;
  const nbp = c.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete');
  if (first === undefined || nbp === undefined) return undefined;
  const rrq = c.timeline.find((e) => e.frame === nbp.frames[0]);
  if (rrq === undefined) return undefined;
  return Math.max(0, rrq.time + nbp.duration - first);
}

/** Seconds from the client's first to its last timeline entry (the last stage it reached). */
export function bootSeconds(c: ClientJson): number | undefined {
  const t = c.timeline;
  if (t.length === 0) return undefined;
  return Math.max(0, (t[t.length - 1] as { time: number }).time - (t[0] as { time: number }).time);
}

export class LiveMetrics {
  readonly registry = new Registry();
  private readonly started: Counter;
  private readonly finished: Counter<'outcome' | 'arch' | 'boot_server' | 'stage'>;
  private readonly inProgress: Gauge;
  private readonly findings: Counter<'id' | 'severity'>;
  private readonly nbp: Histogram<'arch'>;
  private readonly duration: Histogram<'outcome' | 'arch'>;
  private readonly captured: Counter;
  private readonly dropped: Counter;
  private readonly info: Gauge<'interface' | 'tool' | 'version'>;
  /** Clients whose boot started and is not judged yet (MAC -> an error finding was reported): bounded by the boots in flight. */
  private readonly inFlight = new Map<string, boolean>();
  private droppedSoFar = 0;
  private server: http.Server | undefined;

  constructor() {
    const registers = [this.registry];
    this.started = new Counter({ name: 'pxe_doctor_boots_started_total', help: 'PXE/HTTP boots started (a client seen for the first time, or again after its previous boot was judged)', registers });
    this.finished = new Counter({
      name: 'pxe_doctor_boots_finished_total',
      help: 'Boots judged, by outcome (booted, failed, incomplete), client architecture, boot server and last stage reached',
      labelNames: ['outcome', 'arch', 'boot_server', 'stage'],
      registers,
    });
    this.inProgress = new Gauge({ name: 'pxe_doctor_boots_in_progress', help: 'Boots started and not judged yet', registers });
    this.findings = new Counter({ name: 'pxe_doctor_findings_total', help: 'Findings reported, by rule id and severity', labelNames: ['id', 'severity'], registers });
    this.nbp = new Histogram({
      name: 'pxe_doctor_boot_nbp_seconds',
      help: "Seconds from a client's first DHCP packet to its network boot program downloaded completely",
      labelNames: ['arch'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.duration = new Histogram({
      name: 'pxe_doctor_boot_duration_seconds',
      help: "Seconds from a client's first packet to its last (the last stage it reached), by outcome",
      labelNames: ['outcome', 'arch'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.captured = new Counter({ name: 'pxe_doctor_packets_captured_total', help: 'Packets the capture tool handed to pxe-doctor (boot traffic, after the capture filter)', registers });
    this.dropped = new Counter({ name: 'pxe_doctor_packets_dropped_total', help: 'Packets the kernel dropped (capture buffer full), as the capture tool reports them', registers });
    this.info = new Gauge({ name: 'pxe_doctor_live_info', help: 'The live session: interface and capture tool (value 1)', labelNames: ['interface', 'tool', 'version'], registers });
    collectDefaultMetrics({ register: this.registry, prefix: 'pxe_doctor_' });
  }

  /** A client event (LiveSessionOptions.onEvent): a MAC not in flight starts a boot. */
  event(client: string): void {
    if (this.inFlight.has(client)) return;
    this.inFlight.set(client, false);
    this.started.inc();
    this.inProgress.set(this.inFlight.size);
  }

  /** A finding (reported before its client is judged: the analyzer reports, then hands the client over). */
  finding(f: Finding): void {
    this.findings.inc({ id: f.id, severity: f.severity });
    if (f.severity === 'error' && f.client !== '') {
      if (!this.inFlight.has(f.client)) {
        this.started.inc();
        this.inProgress.inc();
      }
      this.inFlight.set(f.client, true);
    }
  }

  clientDone(c: ClientJson): void {
    // A client judged without an event seen (it sent nothing shown as an event) still started.
    const error = this.inFlight.get(c.mac);
    if (error === undefined) this.started.inc();
    this.inFlight.delete(c.mac);
    this.inProgress.set(this.inFlight.size);
    const outcome = outcomeOf(c, error === true);
    const arch = c.archName ?? 'unknown';
    this.finished.inc({ outcome, arch, boot_server: c.bootServer ?? 'none', stage: c.stage });
    const nbp = nbpSeconds(c);
    if (nbp !== undefined) this.nbp.observe({ arch }, nbp);
    const d = bootSeconds(c);
    if (d !== undefined) this.duration.observe({ outcome, arch }, d);
  }

  frame(): void {
    this.captured.inc();
  }

  /** The capture tool's running count of kernel drops (a total: only the increase is added). */
  droppedTotal(n: number): void {
    if (n > this.droppedSoFar) {
      this.dropped.inc(n - this.droppedSoFar);
      this.droppedSoFar = n;
    }
  }

  describe(iface: string, tool: string, version: string): void {
    this.info.set({ interface: iface, tool, version }, 1);
  }

  /** Serve /metrics on HOST:PORT ("127.0.0.1:9464", "[::1]:9464", ":9464" = all addresses). */
  async listen(hostPort: string): Promise<{ host: string; port: number }> {
    const { host, port } = parseHostPort(hostPort);
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
        res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/plain' });
        res.end(req.url === '/' ? 'pxe-doctor live: metrics at /metrics\n' : 'not found: metrics are at /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`${err.message}\n`);
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new LiveError(
            'metrics',
            `--metrics ${hostPort}: ${err.code === 'EADDRINUSE' ? 'the port is already in use' : err.code === 'EADDRNOTAVAIL' ? 'no such local address' : err.code === 'EACCES' ? 'permission denied' : err.message}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const addr = server.address();
    return { host, port: typeof addr === 'object' && addr ? addr.port : port };
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}

export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new LiveError('metrics', `--metrics must be HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464, :9464), not "${s}"`);
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : (m[2] as string));
  return { host, port };
}
