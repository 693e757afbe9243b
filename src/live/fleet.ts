/**
 * What `live` does for a fleet besides printing (docs/live.md): Prometheus metrics (--metrics) and
 * one capture file per failed client (--save-failures). Both are fed from the session's hooks;
 * neither is loaded or costs anything per packet when not asked for.
 */
import type { Frame } from '../capture/frame.js';
import type { Finding } from '../diagnose/finding.js';
import type { ClientJson } from '../report/schema.js';
import type { SavedFailure } from './save-failures.js';
import type { LiveEvent, LiveResult, LiveStartInfo } from './session.js';

export interface FleetOptions {
  metrics?: string;
  saveFailures?: string;
  onSaved?(s: SavedFailure): void;
  onWarning?(message: string): void;
}

export interface FleetOutputs {
  /** Session hooks (only those needed). */
  hooks: { onFrame?(f: Frame): void; onClientDone?(c: ClientJson): void; onToolStats?(s: { droppedByKernel?: number }): void };
  started(s: LiveStartInfo): void;
  event(e: LiveEvent): void;
  finding(f: Finding): void;
  ended(r: LiveResult): void;
  /** Wait for failure files being written, delete the spool, stop serving metrics. */
  close(): Promise<void>;
  /** Where metrics are served (after listen), for the start message. */
  metricsAddress?: { host: string; port: number };
}

export async function startFleetOutputs(o: FleetOptions): Promise<FleetOutputs> {
  const metrics = o.metrics !== undefined ? new (await import('./metrics.js')).LiveMetrics() : undefined;
  const metricsAddress = metrics && o.metrics !== undefined ? await metrics.listen(o.metrics) : undefined;
  let saver;
  try {
    saver =
      o.saveFailures !== undefined
        ? new (await import('./save-failures.js')).FailureSaver(o.saveFailures, {
            ...(o.onSaved ? { onSaved: o.onSaved } : {}),
            ...(o.onWarning ? { onError: o.onWarning } : {}),
          })
        : undefined;
  } catch (err) {
    await metrics?.close();
    throw err;
  }
  const hooks: FleetOutputs['hooks'] = {};
  if (metrics || saver) {
    hooks.onFrame = (f) => {
      metrics?.frame();
      saver?.frame(f);
    };
    hooks.onClientDone = (c) => {
      metrics?.clientDone(c);
      saver?.clientDone(c);
    };
  }
  // Kernel drops while the sensor runs (tcpdump reports them when asked; dumpcap when it stops).
  if (metrics) hooks.onToolStats = (s) => s.droppedByKernel !== undefined && metrics.droppedTotal(s.droppedByKernel);
  return {
    hooks,
    ...(metricsAddress ? { metricsAddress } : {}),
    started: (s) => metrics?.describe(s.iface, s.tool.kind, '0.1.0'),
    event: (e) => {
      if (e.client) metrics?.event(e.client);
    },
    finding: (f) => metrics?.finding(f),
    ended: (r) => {
      if (r.tool.droppedByKernel !== undefined) metrics?.droppedTotal(r.tool.droppedByKernel);
    },
    close: async () => {
      await saver?.close();
      await metrics?.close();
    },
  };
}
