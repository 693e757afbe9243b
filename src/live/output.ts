/**
 * How a live session is shown: one text line per client event and a short block per finding, as
 * they happen; or NDJSON (one JSON object per line, `type` first) for other tools.
 *
 * NDJSON records (documented in docs/live.md; every record also has `v` and `@timestamp`):
 *   {"type":"start","interface":..,"tool":..,"toolPath":..,"pid":..,"filter":..,"write"?:..,"time":ISO}
 *   {"type":"event","time":s,"ts":epoch,"iso":..,"frame":n,"client":mac,"text":..}
 *   {"type":"finding","ts":epoch,...Finding}
 *   {"type":"warning","message":..}
 *   {"type":"client","client":mac,"ok":..,"stage":..,"arch"?:..,"bootServer"?:..,"findings":[ids],...}
 *   {"type":"saved","client":mac,"file":path,"frames":n,"verdict":..}
 *   {"type":"summary","stopReason":..,"frames":n,"seconds":s,"droppedByKernel"?:n,"write"?:path,"analysis":AnalysisJson}
 */
import type { Finding } from '../diagnose/finding.js';
import type { ClientJson } from '../report/schema.js';
import type { SavedFailure } from './save-failures.js';
import type { LiveEvent, LiveResult, LiveStartInfo } from './session.js';

/** Local wall-clock time of a capture timestamp, HH:MM:SS.mmm (what an engineer at the rack reads). */
export function clockTime(ts: number): string {
  const d = new Date(ts * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function describeStart(s: LiveStartInfo, userFilter?: string): string {
  const what = 'DHCP, proxyDHCP, TFTP, ICMP unreachable';
  const filter = userFilter ? `${what}; and ${userFilter}` : what;
  const write = s.writePath ? `, saving to ${s.writePath}` : '';
  return `listening on ${s.iface} with ${s.tool.kind} (${filter})${write}; Ctrl-C to stop and summarize`;
}

export function formatEventLine(e: LiveEvent): string {
  return `${clockTime(e.ts)}  ${e.client || '-'.padEnd(17)}  ${e.text}`;
}

/** ANSI colors as the text report uses them: errors red bold, warnings yellow, info cyan. */
function paint(s: string, sev: Finding['severity'], color: boolean): string {
  if (!color) return s;
  const code = sev === 'error' ? '1;31' : sev === 'warning' ? '33' : '36';
  return `\x1b[${code}m${s}\x1b[0m`;
}

const SEVERITY_LABEL: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

/** A finding as it is printed the moment it is certain: headline, then cause and fix indented. */
export function formatFindingBlock(f: Finding, ts: number, color = false): string {
  const who = f.client || 'capture'.padEnd(17);
  const fw = f.firmwareMessage ? ` (${f.firmwareMessage})` : '';
  const frames = f.frames.length ? `    frames: ${f.frames.slice(0, 12).join(', ')}${f.frames.length > 12 ? ', ...' : ''}\n` : '';
  return (
    `${clockTime(ts)}  ${who}  ${paint(SEVERITY_LABEL[f.severity], f.severity, color)} ${f.id}: ${f.title}${fw}\n` +
    `    cause: ${f.cause}\n` +
    `    fix: ${f.fix}\n` +
    frames
  );
}

/** Closing line of a text run: how much was captured, how it ended, where it was saved. */
export function describeEnd(r: LiveResult): string {
  const why: Record<LiveResult['stopReason'], string> = {
    signal: 'stopped',
    duration: 'duration reached',
    count: 'packet count reached',
    'capture-ended': 'capture ended',
  };
  const drops = r.tool.droppedByKernel ? `, ${r.tool.droppedByKernel} dropped by the kernel` : '';
  const saved = r.writePath ? `; saved to ${r.writePath}` : '';
  return `${why[r.stopReason]}: ${r.frames} packet${r.frames === 1 ? '' : 's'} in ${r.seconds.toFixed(1)} s${drops}${saved}`;
}

/**
 * Version of the NDJSON records (docs/live.md, "NDJSON schema"): bumped when a field is renamed,
 * removed or changes type; adding a field or a record type does not bump it.
 */
export const LIVE_SCHEMA_VERSION = 1;

/**
 * One record: `type`, the schema version `v`, `@timestamp` (ISO 8601, UTC: the packet's capture
 * time for event and finding records, else when the record was written), then its own fields.
 */
function record(type: string, fields: Record<string, unknown>, ts?: number): string {
  const at = new Date(ts !== undefined ? ts * 1000 : Date.now());
  return JSON.stringify({ type, v: LIVE_SCHEMA_VERSION, '@timestamp': Number.isFinite(at.getTime()) ? at.toISOString() : new Date().toISOString(), ...fields });
}

export function ndjsonStart(s: LiveStartInfo): string {
  return record('start', {
    interface: s.iface,
    tool: s.tool.kind,
    toolPath: s.tool.path,
    ...(s.pid !== undefined ? { pid: s.pid } : {}),
    filter: s.filter,
    ...(s.writePath ? { write: s.writePath } : {}),
    time: new Date().toISOString(),
  });
}

export function ndjsonEvent(e: LiveEvent): string {
  return record('event', { time: e.time, ts: e.ts, iso: new Date(e.ts * 1000).toISOString(), frame: e.frame, client: e.client, text: e.text }, e.ts);
}

export function ndjsonFinding(f: Finding, ts: number): string {
  return record('finding', { ts, ...f }, ts);
}

export function ndjsonWarning(message: string): string {
  return record('warning', { message });
}

/** A client judged (its boot is over): the verdict line a log pipeline indexes. */
export function ndjsonClient(c: ClientJson): string {
  return record('client', clientRecord(c));
}

/** The fields of a judged client a log pipeline wants flat (the full entry is in the summary's analysis). */
export function clientRecord(c: ClientJson): Record<string, unknown> {
  const first = c.timeline[0]?.time;
  const last = c.timeline[c.timeline.length - 1]?.time;
  return {
    client: c.mac,
    ...(c.session !== undefined ? { session: c.session } : {}),
    ok: c.ok,
    stage: c.stage,
    ...(c.archName !== undefined ? { arch: c.archName } : {}),
    ...(c.firmware !== undefined ? { firmware: c.firmware } : {}),
    ...(c.bootServer !== undefined ? { bootServer: c.bootServer } : {}),
    ...(c.bootFile !== undefined ? { bootFile: c.bootFile } : {}),
    findings: [...new Set(c.findings)],
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    ...(first !== undefined && last !== undefined ? { duration: Math.round((last - first) * 1e6) / 1e6 } : {}),
  };
}

export function ndjsonSaved(s: SavedFailure): string {
  return record('saved', { client: s.client, file: s.file, frames: s.frames, verdict: s.verdict });
}

export function ndjsonSummary(r: LiveResult): string {
  return record('summary', {
    stopReason: r.stopReason,
    frames: r.frames,
    seconds: Number(r.seconds.toFixed(3)),
    ...(r.tool.droppedByKernel !== undefined ? { droppedByKernel: r.tool.droppedByKernel } : {}),
    ...(r.writePath ? { write: r.writePath } : {}),
    analysis: r.analysis,
  });
}
