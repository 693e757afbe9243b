#!/usr/bin/env node
/**
 * `live` under load, without a network (not a test): a capture file is fed through live's own
 * pipeline (LiveAnalysis: CaptureParser -> Dissector -> streaming Analyzer, as tcpdump's stdout
 * would be) in 64 KiB chunks as fast as it can be read, every event line and finding formatted as
 * `live` prints them (to nowhere), then the closing text summary rendered. Prints one JSON line:
 * frames, packet-time span, wall and CPU seconds, how many times faster than the traffic's own
 * pace (>= 1: live keeps up), event lines, findings, and peak RSS. As `live` without --json, it keeps
 * finished clients only as the text summary reads them (LiveSessionOptions.textSummary).
 *
 *   npx tsc -p . && node scripts/bench-live.mjs FILE
 */
import fs from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';

// What the CLI sets at start-up (src/cli/main.ts), live included.
setFlagsFromString('--heap-growing-percent=50');

const repo = path.resolve(import.meta.dirname, '..');
const dist = path.join(repo, 'dist');
const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.error('bench-live: usage: node scripts/bench-live.mjs CAPTURE-FILE');
  process.exit(2);
}
if (!fs.existsSync(path.join(dist, 'live/session.js'))) {
  console.error('bench-live: build first (npx tsc -p .)');
  process.exit(2);
}
const { LiveAnalysis } = await import(path.join(dist, 'live/session.js'));
const out = await import(path.join(dist, 'live/output.js'));
const { renderText } = await import(path.join(dist, 'report/text.js'));

let events = 0;
let findings = 0;
let printed = 0;
const live = new LiveAnalysis({
  iface: 'bench0',
  textSummary: true,
  onEvent: (e) => {
    events++;
    printed += out.formatEventLine(e).length;
  },
  onFinding: (f, ts) => {
    findings++;
    printed += out.formatFindingBlock(f, ts, false).length;
  },
});
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const fd = fs.openSync(file, 'r');
const buf = new Uint8Array(64 << 10);
for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) live.push(buf.subarray(0, n));
fs.closeSync(fd);
const { analysis } = await live.finish();
const t = live.textClients;
const summaryLines = renderText({ ...analysis, clients: t.kept, unlisted: t.unlisted }, { color: false }).split('\n').length;
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const span = analysis.capture.duration;
console.log(
  JSON.stringify({
    file: path.basename(file),
    frames: analysis.capture.frames,
    packetSeconds: span,
    wall: Math.round(wall * 100) / 100,
    cpu: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
    timesRealTime: Math.round(span / wall),
    framesPerSecond: Math.round(analysis.capture.frames / wall),
    events,
    findings,
    clients: t.count,
    summaryLines,
    printedMB: Math.round(printed / 1e5) / 10,
    peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
  }),
);
