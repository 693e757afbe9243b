#!/usr/bin/env node
/**
 * Speed benchmark (not a test): `npm run bench` = build + this script.
 *
 *   node scripts/bench.mjs [--size 1G] [--clients 10000,100] [--out /tmp/pxe-bench] [--runs 3]
 *                          [--tshark-slice 256M] [--scale 4G | --no-scale] [--skip-tshark]
 *                          [--cli path/to/bin/pxe-doctor.js] [--shapes dhcp-heavy,boot-farm,dhcp-flood,chainload-loop | none]
 *                          [--shape-runs 1] [--shape-scale 1] [--no-live] [--no-storm] [--storm-clients 200]
 *
 * For each client count (default: the issue's 10 000, then 100 clients buried in bulk traffic):
 * 1. Generates OUT/bench-SIZE-Nc.pcap and .pcapng (scripts/gen-bench-capture.mjs) unless they
 *    exist: the 1 GiB files are made once and reused.
 * 2. Reads each file once to warm the page cache, then times on the SAME file:
 *    - a bare read (node, fs.readSync into a 128 KiB buffer, the analyzer's read: the floor for any reader),
 *    - `pxe-doctor analyze --json` (the built CLI, stdout to /dev/null; one extra run checks the JSON:
 *      every generated client is found and frames match the generator's manifest),
 *    - `tcpdump -nr FILE` with the BPF filter for the DHCP/PXE/TFTP well-known ports and ICMP (BPF
 *      cannot follow TFTP's ephemeral-port DATA, so tcpdump does less work than we do),
 *    - `pxe-doctor analyze --json - < FILE` (the pcap only): stdin read like a file,
 *    - `tshark -r FILE -Y "dhcp || tftp"` on the whole file, or with --tshark-slice on its first
 *      SLICE bytes (cut at a record boundary) extrapolated to the whole file: the output says which.
 * 3. With --scale (default 4G; first client count only): generates a larger pcap with the same
 *    clients and more bulk and runs analyze on it, to show peak RSS does not grow with the file.
 *
 * 4. The capture shapes of scripts/gen-bench-shapes.mjs (issue 16: few clients with a long history,
 *    or a flood of new ones), each at full length and at a quarter of it: per shape, the bare read,
 *    analyze --json (checked against the shape's manifest), tcpdump with the BPF filter, tshark
 *    -Y "dhcp || tftp", analyze of the quarter file (4x the frames must take at most 4.4x the time),
 *    the text report (how many lines), and live's pipeline fed from the file (scripts/bench-live.mjs:
 *    keeps up, peak RSS). --clients none runs only the shapes; --shapes none only the mixes.
 * 5. Unless --no-storm (and only as root): the boot storm of scripts/bench-storm.mjs, 200 PXE clients
 *    at once against `serve` and against dnsmasq (DHCP + TFTP of a real NBP each).
 *
 * Per tool: wall time (best of RUNS), CPU time (user+sys), MB/s and packets/s (file bytes and frames
 * over wall time) and peak RSS. Node children report their exact maxRSS and CPU from an exit hook
 * (--import of a data: URL); tshark/tcpdump are sampled from /proc/PID (VmHWM, utime+stime) every
 * 10 ms. The machine may be shared: CPU time is the steadier figure, wall time the one users feel.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
function flag(name, def) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) die(`--${name} needs a value`);
  return v;
}
const has = (name) => args.includes(`--${name}`);
function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}
function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(String(s).trim());
  if (!m) die(`"${s}" is not a size (e.g. 256M, 1G)`);
  return Math.round(Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase()]);
}

const size = String(flag('size', '1G'));
// Several configurations: the issue's 10 000 clients, and a few clients buried in bulk traffic.
const clientsFlag = String(flag('clients', '10000,100'));
const clientCounts = clientsFlag === 'none' ? [] : clientsFlag.split(',').map((c) => Number(c));
if (clientCounts.some((c) => !Number.isInteger(c) || c < 0)) die('--clients takes whole numbers, comma-separated (e.g. 10000,100)');
const outDir = String(flag('out', '/tmp/pxe-bench'));
const runs = Math.max(1, Number(flag('runs', '3')));
// tshark reads 1 GiB in 12-16 s here: the whole file by default; --tshark-slice for big files.
const tsharkSliceFlag = flag('tshark-slice', undefined);
const tsharkSlice = tsharkSliceFlag === undefined ? Infinity : parseSize(tsharkSliceFlag);
const scale = has('no-scale') ? undefined : String(flag('scale', '4G'));
const skipTshark = has('skip-tshark');
const SHAPES = ['dhcp-heavy', 'boot-farm', 'dhcp-flood', 'chainload-loop'];
const shapesFlag = String(flag('shapes', SHAPES.join(',')));
const shapes = shapesFlag === 'none' ? [] : shapesFlag.split(',');
if (shapes.some((s) => !SHAPES.includes(s))) die(`--shapes takes some of ${SHAPES.join(', ')} (or none)`);
// The shape files are large (up to 2.3 GB) and tshark takes a minute on some: one run each by default.
const shapeRuns = Math.max(1, Number(flag('shape-runs', '1')));
const withLive = !has('no-live');
// --shape-scale 0.1: every shape a tenth as long (a quick try of the bench itself).
const shapeScale = Number(flag('shape-scale', '1'));
if (!(shapeScale > 0 && shapeScale <= 4)) die('--shape-scale must be a number in (0, 4]');
// --cli: time another build (e.g. a copy of the tree before a change) on the same files.
const cli = path.resolve(String(flag('cli', path.join(repo, 'bin/pxe-doctor.js'))));
if (!fs.existsSync(cli)) die(`${cli} does not exist`);
if (!fs.existsSync(path.join(repo, 'dist/pxe-doctor.mjs'))) die('build first (npm run bench builds; or npm run build)');

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

// ---------- capture files ----------
function generate(sz, clients, extra = []) {
  const base = path.join(outDir, `bench-${sz}-${clients}c`);
  const manifestPath = `${base}.json`;
  if (fs.existsSync(manifestPath)) {
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const want = extra.includes('--pcap-only') ? [m.pcap] : [m.pcap, m.pcapng];
    if (m.clients === clients && want.every((f) => f && fs.existsSync(f))) return m;
  }
  console.log(`generating ${base}.* (${sz}, ${clients} PXE clients)...`);
  const r = spawnSync(process.execPath, [path.join(repo, 'scripts/gen-bench-capture.mjs'), '--size', sz, '--clients', String(clients), '--out', outDir, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) die(`generator failed (exit ${r.status})`);
  return JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
}

function warm(file) {
  const fd = fs.openSync(file, 'r');
  const buf = new Uint8Array(4 << 20);
  while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
  fs.closeSync(fd);
}

/** First `bytes` of a classic pcap, cut at a record boundary; returns [path, frames, bytes]. */
function pcapSlice(file, bytes) {
  const dst = file.replace(/\.pcap$/, `.slice-${bytes}.pcap`);
  const fd = fs.openSync(file, 'r');
  const head = new Uint8Array(24);
  fs.readSync(fd, head, 0, 24, 0);
  const le = new DataView(head.buffer).getUint32(0, true) === 0xa1b2c3d4;
  let pos = 24;
  let frames = 0;
  const rec = new Uint8Array(16);
  const dv = new DataView(rec.buffer);
  while (pos < bytes) {
    if (fs.readSync(fd, rec, 0, 16, pos) < 16) break;
    const next = pos + 16 + dv.getUint32(8, le);
    if (next > bytes) break;
    pos = next;
    frames++;
  }
  fs.closeSync(fd);
  if (!fs.existsSync(dst) || fs.statSync(dst).size !== pos) {
    fs.copyFileSync(file, dst);
    fs.truncateSync(dst, pos);
  }
  return [dst, frames, pos];
}

// ---------- measuring one run ----------
/** Exit hook for node children: exact peak RSS and CPU, written to fd 3 (a pipe to us). */
const NODE_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    "import fs from 'node:fs';process.on('exit',()=>{const u=process.resourceUsage();try{fs.writeSync(3,JSON.stringify({maxRss:u.maxRSS*1024,cpu:(u.userCPUTime+u.systemCPUTime)/1e6}))}catch{}});",
  );

function sampleProc(pid, acc) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) acc.maxRss = Math.max(acc.maxRss, Number(m[1]) * 1024);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime are fields 14 and 15 (1-based) of stat; after the ')' they are at 11 and 12.
    acc.cpu = (Number(f[11]) + Number(f[12])) / ticksPerSecond;
  } catch {
    /* exited between samples */
  }
}
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Runs cmd with stdout to `stdoutFile` (default /dev/null); resolves { wall, cpu, maxRss, code, exact }. */
function measure(cmd, argv, { node = false, stdoutFile = '/dev/null', stdinFile = undefined } = {}) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(stdoutFile, 'w');
    const inp = stdinFile === undefined ? 'ignore' : fs.openSync(stdinFile, 'r');
    const fullArgv = node ? ['--import', NODE_HOOK, ...argv] : argv;
    const t0 = process.hrtime.bigint();
    const child = spawn(node ? process.execPath : cmd, fullArgv, { stdio: [inp, out, 'pipe', ...(node ? ['pipe'] : [])] });
    fs.closeSync(out);
    if (inp !== 'ignore') fs.closeSync(inp);
    const acc = { maxRss: 0, cpu: 0 };
    let report = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    if (node) child.stdio[3].on('data', (d) => (report += d));
    const timer = setInterval(() => sampleProc(child.pid, acc), 10);
    sampleProc(child.pid, acc);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      let exact = false;
      if (report) {
        const r = JSON.parse(report);
        acc.maxRss = r.maxRss;
        acc.cpu = r.cpu;
        exact = true;
      }
      resolve({ wall, cpu: acc.cpu, maxRss: acc.maxRss, code, exact, stderr });
    });
  });
}

async function best(label, n, fn) {
  let bestRun;
  for (let i = 0; i < n; i++) {
    const r = await fn();
    if (r.code !== 0 && !(label.startsWith('analyze') && r.code === 1)) die(`${label} exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    if (!bestRun || r.wall < bestRun.wall) bestRun = { ...r, maxRss: Math.max(r.maxRss, bestRun?.maxRss ?? 0) };
    else bestRun.maxRss = Math.max(bestRun.maxRss, r.maxRss);
  }
  return bestRun;
}

const BARE_READ = "const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=new Uint8Array(128<<10);let n=0,r;while((r=fs.readSync(fd,b,0,b.length,null))>0)n+=r;process.stdout.write(String(n));";
const BPF = 'udp port 67 or udp port 68 or udp port 4011 or udp port 69 or icmp';

// ---------- run ----------
const haveTcpdump = which('tcpdump');
const haveTshark = which('tshark') && !skipTshark;

/** analyze --json into a file, then check it against the generator's manifest; returns the run. */
async function analyzeChecked(m, file) {
  const jsonOut = path.join(outDir, `analyze-${path.basename(file)}.json`);
  const r = await measure(cli, [cli, 'analyze', '--json', file], { node: true, stdoutFile: jsonOut });
  if (r.code !== 0) die(`analyze exited ${r.code}: ${r.stderr.trim()}`);
  const a = JSON.parse(fs.readFileSync(jsonOut, 'utf8'));
  const ok = a.clients.filter((c) => c.ok).length;
  const problems = [];
  if (a.capture.frames !== m.frames) problems.push(`frames ${a.capture.frames} != ${m.frames}`);
  if (a.clients.length !== m.clients) problems.push(`clients ${a.clients.length} != ${m.clients}`);
  if (ok !== m.clients) problems.push(`${m.clients - ok} clients not ok`);
  if (problems.length) die(`analyze output of ${file} is wrong: ${problems.join('; ')} (see ${jsonOut})`);
  console.log(`check ${path.basename(file)}: analyze found all ${a.clients.length} clients, all booted, ${a.findings.length} findings, ${a.capture.frames} frames (JSON ${(fs.statSync(jsonOut).size / 2 ** 20).toFixed(1)} MiB)`);
  fs.rmSync(jsonOut);
  return r;
}

const mb = (b) => b / 1e6;
const fmt = (x, d = 2) => x.toFixed(d);

async function benchOne(clients, withScale) {
  const rows = [];
  const row = (tool, file, fileBytes, frames, r, note = '') => rows.push({ tool, file: path.basename(file), bytes: fileBytes, frames, ...r, note });
  const m = generate(size, clients);
  console.log('');
  console.log(`== ${path.basename(m.pcap)}: ${m.frames} frames, ${m.clients} PXE clients (${m.uefiClients} UEFI), ${m.dhcpFrames} DHCP + ${m.tftpFrames} TFTP frames, ${m.bulkFrames} other; ${m.spanSeconds} s of traffic`);
  // Correctness first: every generated client found, all booted, frames as written.
  warm(m.pcap);
  await analyzeChecked(m, m.pcap);

  for (const [file, fileBytes] of [
    [m.pcap, m.pcapBytes],
    [m.pcapng, m.pcapngBytes],
  ]) {
    warm(file);
    row('bare read (node)', file, fileBytes, m.frames, await best('bare read', runs, () => measure(process.execPath, ['-e', BARE_READ, file], { node: true })));
    row('pxe-doctor analyze --json', file, fileBytes, m.frames, await best('analyze', runs, () => measure(cli, [cli, 'analyze', '--json', file], { node: true })));
    if (haveTcpdump) row(`tcpdump -nr (BPF)`, file, fileBytes, m.frames, await best('tcpdump', runs, () => measure('tcpdump', ['-nr', file, BPF])));
  }
  // stdin redirected from the file (`analyze --json - < FILE`): fd 0 is read like the file.
  row('pxe-doctor analyze --json - <', m.pcap, m.pcapBytes, m.frames, await best('analyze stdin', runs, () => measure(cli, [cli, 'analyze', '--json', '-'], { node: true, stdinFile: m.pcap })));

  let tsharkNote = '';
  if (haveTshark) {
    if (m.pcapBytes <= tsharkSlice) {
      row('tshark -Y "dhcp || tftp"', m.pcap, m.pcapBytes, m.frames, await best('tshark', 1, () => measure('tshark', ['-r', m.pcap, '-Y', 'dhcp || tftp'])));
    } else {
      const [slice, sliceFrames, sliceBytes] = pcapSlice(m.pcap, tsharkSlice);
      // tshark's start-up (loading every dissector, ~1 s) is paid once, not per slice: time it on
      // the first record alone and scale only the rest.
      const [tiny] = pcapSlice(m.pcap, 24 + 16 + 1514);
      warm(slice);
      const r = await best('tshark', 1, () => measure('tshark', ['-r', slice, '-Y', 'dhcp || tftp']));
      const r0 = await best('tshark', 1, () => measure('tshark', ['-r', tiny, '-Y', 'dhcp || tftp']));
      fs.rmSync(slice);
      fs.rmSync(tiny);
      const k = m.pcapBytes / sliceBytes;
      const scaled = (whole, start) => start + Math.max(0, whole - start) * k;
      tsharkNote = `tshark measured on the first ${(sliceBytes / 2 ** 20).toFixed(0)} MiB (${sliceFrames} frames): start-up ${fmt(r0.wall)} s wall + the rest x${k.toFixed(2)}; its RSS is the slice's and grows with the file`;
      row('tshark -Y "dhcp || tftp"', m.pcap, m.pcapBytes, m.frames, { ...r, wall: scaled(r.wall, r0.wall), cpu: scaled(r.cpu, r0.cpu), extrapolated: true }, 'extrapolated');
    }
  }

  // Peak RSS at a larger size: same clients, more bulk traffic.
  if (withScale) {
    const big = generate(scale, clients, ['--pcap-only']);
    warm(big.pcap);
    row('pxe-doctor analyze --json', big.pcap, big.pcapBytes, big.frames, await analyzeChecked(big, big.pcap), 'scale check');
  }

  const table = [['tool', 'file', 'size MB', 'wall s', 'cpu s', 'MB/s', 'packets/s', 'peak RSS MB', 'note']];
  for (const r of rows) {
    table.push([
      r.tool,
      r.file,
      fmt(mb(r.bytes), 0),
      fmt(r.wall) + (r.extrapolated ? '*' : ''),
      fmt(r.cpu),
      fmt(mb(r.bytes) / r.wall, 0),
      fmt(r.frames / r.wall / 1e6, 2) + 'M',
      fmt(r.maxRss / 2 ** 20, 0) + (r.exact ? '' : '~'),
      r.note,
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((t) => String(t[i]).length)));
  console.log('');
  for (const t of table) console.log(t.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
  console.log(`(${rows.some((r) => r.extrapolated) ? '* extrapolated from a slice; ' : ''}~ peak RSS sampled from /proc every 10 ms, others exact from the child)`);

  const find = (tool, file) => rows.find((r) => r.tool.startsWith(tool) && r.file === path.basename(file));
  const analyze = find('pxe-doctor', m.pcap);
  console.log(`analyze ${path.basename(m.pcap)}: ${fmt(mb(m.pcapBytes) / analyze.wall / 1000)} GB/s wall, ${fmt(mb(m.pcapBytes) / analyze.cpu / 1000)} GB/s per CPU second (target >= 1 GB/s)`);
  // What a bigger file of the same mix would approach: the fixed start-up is paid once per run.
  if (startup) console.log(`  after start-up (${fmt(startup.analyze.wall)} s, measured on a 4 KB capture): ${fmt(mb(m.pcapBytes) / Math.max(1e-3, analyze.wall - startup.analyze.wall) / 1000)} GB/s`);
  for (const [tool, target] of [
    ['tshark', 30],
    ['tcpdump', 3],
    ['bare read', undefined],
  ]) {
    const other = find(tool, m.pcap);
    if (!other) continue;
    const w = other.wall / analyze.wall;
    const c = other.cpu / analyze.cpu;
    const goal = target ? ` (target >= ${target}x faster)` : '';
    console.log(`  vs ${tool}: ${w >= 1 ? fmt(w, 1) + 'x faster' : fmt(1 / w, 1) + 'x slower'} (wall), ${c >= 1 ? fmt(c, 1) + 'x less' : fmt(1 / c, 1) + 'x more'} CPU${goal}`);
  }
  const ng = find('pxe-doctor', m.pcapng);
  if (ng) console.log(`  pcapng: ${fmt(mb(m.pcapngBytes) / ng.wall / 1000)} GB/s wall`);
  const viaStdin = rows.find((r) => r.tool.endsWith(' - <'));
  if (viaStdin) console.log(`  stdin (- < FILE): ${fmt(mb(m.pcapBytes) / viaStdin.wall / 1000)} GB/s wall, peak RSS ${fmt(viaStdin.maxRss / 2 ** 20, 0)} MB`);
  const rss = rows.filter((x) => x.tool === 'pxe-doctor analyze --json' && x.file.endsWith('.pcap'));
  console.log(`  peak RSS: ${rss.map((r) => `${fmt(r.maxRss / 2 ** 20, 0)} MB at ${fmt(r.bytes / 2 ** 30, 1)} GiB`).join(', ')} (target < 150 MB, not growing)`);
  if (tsharkNote) console.log(`  ${tsharkNote}.`);
}

// ---------- the capture shapes (issue 16) ----------
function generateShape(name, scaleText) {
  const base = path.join(outDir, `shape-${name}-${scaleText}`);
  if (fs.existsSync(`${base}.json`)) {
    const m = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
    if (fs.existsSync(m.pcap) && fs.statSync(m.pcap).size === m.pcapBytes) return m;
  }
  console.log(`generating ${base}.pcap (${name}, scale ${scaleText})...`);
  const r = spawnSync(process.execPath, [path.join(repo, 'scripts/gen-bench-shapes.mjs'), '--shape', name, '--scale', scaleText, '--out', outDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) die(`shape generator failed (exit ${r.status})`);
  return JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
}

/** What analyze must find in a shape: every frame, and the clients the generator made. */
function shapeProblems(m, a) {
  const problems = [];
  if (a.capture.frames !== m.frames) problems.push(`frames ${a.capture.frames} != ${m.frames}`);
  const ok = a.clients.filter((c) => c.ok).length;
  if (m.shape === 'boot-farm') {
    // Each boot is a session of its machine (handed over once it booted), and every one booted.
    if (a.clients.length !== m.boots) problems.push(`clients ${a.clients.length} != ${m.boots} boots`);
    if (ok !== m.boots) problems.push(`${m.boots - ok} boots not ok`);
  } else if (a.clients.length !== m.clients) problems.push(`clients ${a.clients.length} != ${m.clients}`);
  if (m.shape === 'chainload-loop' && !a.findings.some((f) => f.id === 'ipxe-chainload-loop')) problems.push('no ipxe-chainload-loop finding');
  return problems;
}

async function analyzeShapeChecked(m) {
  const jsonOut = path.join(outDir, `analyze-${path.basename(m.pcap)}.json`);
  const r = await measure(cli, [cli, 'analyze', '--json', m.pcap], { node: true, stdoutFile: jsonOut });
  if (r.code !== 0 && r.code !== 1) die(`analyze exited ${r.code}: ${r.stderr.trim()}`);
  const a = JSON.parse(fs.readFileSync(jsonOut, 'utf8'));
  const problems = shapeProblems(m, a);
  if (problems.length) die(`analyze output of ${m.pcap} is wrong: ${problems.join('; ')} (see ${jsonOut})`);
  const verdicts = new Map();
  for (const c of a.clients) verdicts.set(c.ok ? 'ok' : c.stage, (verdicts.get(c.ok ? 'ok' : c.stage) ?? 0) + 1);
  const ids = [...new Set(a.findings.map((f) => f.id))];
  console.log(
    `check ${path.basename(m.pcap)}: ${a.capture.frames} frames, ${a.clients.length} clients (${[...verdicts].map(([k, v]) => `${v} ${k}`).join(', ')}), ${a.findings.length} findings${ids.length ? ` (${ids.slice(0, 4).join(', ')})` : ''}`,
  );
  fs.rmSync(jsonOut);
  return r;
}

async function benchShape(name) {
  const m = generateShape(name, String(shapeScale));
  const q = generateShape(name, String(shapeScale / 4));
  const rows = [];
  const row = (tool, mm, r, note = '') => rows.push({ tool, file: path.basename(mm.pcap), bytes: mm.pcapBytes, frames: mm.frames, ...r, note });
  const bootShare = (m.dhcpFrames + m.tftpFrames) / m.frames;
  console.log('');
  console.log(`== shape ${name}: ${path.basename(m.pcap)}, ${m.frames} frames (${m.dhcpFrames} DHCP, ${m.tftpFrames} TFTP: ${(100 * bootShare).toFixed(0)} % boot traffic), ${m.clients} clients${m.boots ? `, ${m.boots} boots` : ''}, ${m.spanSeconds} s of packet time, ${(m.pcapBytes / 1e6).toFixed(0)} MB`);
  warm(m.pcap);
  await analyzeShapeChecked(m);
  row('bare read (node)', m, await best('bare read', shapeRuns, () => measure(process.execPath, ['-e', BARE_READ, m.pcap], { node: true })));
  row('pxe-doctor analyze --json', m, await best('analyze', shapeRuns, () => measure(cli, [cli, 'analyze', '--json', m.pcap], { node: true })));
  if (haveTcpdump) row('tcpdump -nr (BPF)', m, await best('tcpdump', shapeRuns, () => measure('tcpdump', ['-nr', m.pcap, BPF])));
  if (haveTshark) row('tshark -Y "dhcp || tftp"', m, await best('tshark', 1, () => measure('tshark', ['-r', m.pcap, '-Y', 'dhcp || tftp'])));
  // The text report: how long it is (a flood of 100 000 MACs must stay readable).
  const textOut = path.join(outDir, `text-${path.basename(m.pcap)}.txt`);
  const text = await best('analyze', 1, () => measure(cli, [cli, 'analyze', m.pcap], { node: true, stdoutFile: textOut }));
  const textLines = fs.readFileSync(textOut, 'utf8').split('\n').length;
  fs.rmSync(textOut);
  row('pxe-doctor analyze (text)', m, text, `${textLines} lines`);
  // live's pipeline fed from the file (scripts/bench-live.mjs).
  let liveStats;
  if (withLive) {
    const liveOut = path.join(outDir, `live-${path.basename(m.pcap)}.json`);
    const r = await best('analyze', 1, () => measure(process.execPath, [path.join(repo, 'scripts/bench-live.mjs'), m.pcap], { node: true, stdoutFile: liveOut }));
    liveStats = JSON.parse(fs.readFileSync(liveOut, 'utf8'));
    fs.rmSync(liveOut);
    row('live pipeline (from the file)', m, r, `${liveStats.timesRealTime}x real time, ${liveStats.events} event lines`);
  }
  warm(q.pcap);
  await analyzeShapeChecked(q);
  row('pxe-doctor analyze --json', q, await best('analyze', shapeRuns, () => measure(cli, [cli, 'analyze', '--json', q.pcap], { node: true })), 'quarter');

  printRows(rows);
  const find = (tool, file = m.pcap) => rows.find((r) => r.tool.startsWith(tool) && r.file === path.basename(file));
  const analyze = find('pxe-doctor analyze --json');
  const quarter = find('pxe-doctor analyze --json', q.pcap);
  const tshark = find('tshark');
  const tcpdump = find('tcpdump');
  const bare = find('bare read');
  const tsharkTarget = bootShare < 0.05 ? 30 : 8;
  const summary = { name, frames: m.frames, bootShare, analyze, quarter, tshark, tcpdump, bare, text, textLines, live: liveStats, liveRun: find('live'), tsharkTarget, frameRatio: m.frames / q.frames };
  const x = (a, b) => (b ? a / b : NaN);
  if (tshark) console.log(`  vs tshark: ${fmt(x(tshark.wall, analyze.wall), 1)}x faster (wall), ${fmt(x(tshark.cpu, analyze.cpu), 1)}x less CPU (target >= ${tsharkTarget}x)`);
  if (tcpdump) console.log(`  vs tcpdump: ${fmt(x(analyze.wall, tcpdump.wall), 2)}x its time (wall), ${fmt(x(analyze.cpu, tcpdump.cpu), 2)}x its CPU (target <= 1.5x)`);
  console.log(`  vs a bare read: ${fmt(x(analyze.wall, bare.wall), 1)}x its time (wall)`);
  console.log(`  ${fmt(summary.frameRatio, 2)}x the frames: ${fmt(x(analyze.wall, quarter.wall), 2)}x the time (wall), ${fmt(x(analyze.cpu, quarter.cpu), 2)}x the CPU (target <= 4.4x)`);
  console.log(`  peak RSS: ${fmt(analyze.maxRss / 2 ** 20, 0)} MB (quarter: ${fmt(quarter.maxRss / 2 ** 20, 0)} MB; text report ${fmt(text.maxRss / 2 ** 20, 0)} MB${liveStats ? `; live ${liveStats.peakRssMB} MB` : ''}) (target < 150 MB)`);
  return summary;
}

function printRows(rows) {
  const table = [['tool', 'file', 'size MB', 'wall s', 'cpu s', 'MB/s', 'packets/s', 'peak RSS MB', 'note']];
  for (const r of rows) {
    table.push([r.tool, r.file, fmt(mb(r.bytes), 0), fmt(r.wall), fmt(r.cpu), fmt(mb(r.bytes) / r.wall, 0), fmt(r.frames / r.wall / 1e6, 2) + 'M', fmt(r.maxRss / 2 ** 20, 0) + (r.exact ? '' : '~'), r.note]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((t) => String(t[i]).length)));
  console.log('');
  for (const t of table) console.log(t.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
}

function printShapeSummary(list) {
  console.log('');
  console.log('== shapes: targets (wall-time ratios of this run; CPU ratios in brackets)');
  const t = [['shape', 'frames', 'analyze s', 'x tshark', 'x tcpdump time', '4x frames: x time', 'peak RSS MB', 'live: x real time, RSS MB']];
  const mark = (ok) => (ok ? ' ok' : ' MISSED');
  for (const s of list) {
    const vsTshark = s.tshark ? s.tshark.wall / s.analyze.wall : NaN;
    const vsTcpdump = s.tcpdump ? s.analyze.wall / s.tcpdump.wall : NaN;
    const grow = s.analyze.wall / s.quarter.wall;
    const rss = Math.max(s.analyze.maxRss, s.quarter.maxRss) / 2 ** 20;
    t.push([
      s.name,
      String(s.frames),
      fmt(s.analyze.wall),
      s.tshark ? `${fmt(vsTshark, 1)} (${fmt(s.tshark.cpu / s.analyze.cpu, 1)})${mark(vsTshark >= s.tsharkTarget)} [>= ${s.tsharkTarget}]` : '-',
      s.tcpdump ? `${fmt(vsTcpdump, 2)} (${fmt(s.analyze.cpu / s.tcpdump.cpu, 2)})${mark(vsTcpdump <= 1.5)} [<= 1.5]` : '-',
      `${fmt(grow, 2)} (${fmt(s.analyze.cpu / s.quarter.cpu, 2)})${mark(grow <= 4.4)} [<= 4.4]`,
      `${fmt(rss, 0)}${mark(rss < 150)}`,
      s.live ? `${s.live.timesRealTime}x, ${s.live.peakRssMB}${mark(s.live.timesRealTime >= 1 && s.live.peakRssMB < 150)}` : '-',
    ]);
  }
  const widths = t[0].map((_, i) => Math.max(...t.map((r) => String(r[i]).length)));
  for (const r of t) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
}

console.log(`pxe-doctor bench (${path.relative(process.cwd(), cli) || cli}) on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// The fixed cost of every run: Node itself, then pxe-doctor's start-up and a 4 KB capture.
const smallCapture = path.join(repo, 'fixtures/captures/ok-bios-proxydhcp.pcap');
const startup = fs.existsSync(smallCapture)
  ? {
      node: await best('node -e 0', 5, () => measure(process.execPath, ['-e', '0'], { node: true })),
      analyze: await best('analyze', 5, () => measure(cli, [cli, 'analyze', '--json', smallCapture], { node: true })),
    }
  : undefined;
if (startup) console.log(`start-up: node -e 0 ${fmt(startup.node.wall)} s, pxe-doctor analyze --json of a 4 KB capture ${fmt(startup.analyze.wall)} s (best of 5)`);
for (const [i, c] of clientCounts.entries()) await benchOne(c, scale !== undefined && i === 0);
const shapeSummaries = [];
for (const s of shapes) shapeSummaries.push(await benchShape(s));
if (shapeSummaries.length > 0) printShapeSummary(shapeSummaries);
console.log('');
console.log(`files kept in ${outDir} for the next run; rm -rf ${outDir} when done.`);
if (!has('no-storm')) {
  console.log('');
  if (process.getuid?.() !== 0) console.log('boot storm skipped: needs root (network namespaces); run node scripts/bench-storm.mjs as root');
  else {
    const r = spawnSync(process.execPath, [path.join(repo, 'scripts/bench-storm.mjs'), '--clients', String(flag('storm-clients', '200'))], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}
