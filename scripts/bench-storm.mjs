#!/usr/bin/env node
/**
 * Boot storm benchmark (not a test; `npm run bench` runs it when root): CLIENTS PXE clients start
 * at once against `pxe-doctor serve` in full DHCP mode, then against dnsmasq doing the same (full
 * DHCP + TFTP), in the same run, each in its own pair of network namespaces (pxs-storm-*; needs root).
 *
 *   npm run build && node scripts/bench-storm.mjs [--clients 200] [--nbp /usr/lib/ipxe/ipxe.efi]
 *
 * The clients are scripts/storm-client.mjs (the project's own DHCP + TFTP client driver, not qemu):
 * DISCOVER -> OFFER -> REQUEST -> ACK -> TFTP download of the boot file (a real NBP, default iPXE's
 * ipxe.efi), lock-step like a PXE ROM. Reported per server: clients complete / failed, time to the
 * last completion and the median (from the common start), bytes checked by SHA-256, peak RSS of the
 * server process (VmHWM). Everything started is stopped by PID; the namespaces are deleted.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const clients = Number(arg('clients', '200'));
const nbpSource = String(arg('nbp', fs.existsSync('/usr/lib/ipxe/ipxe.efi') ? '/usr/lib/ipxe/ipxe.efi' : '/usr/lib/PXELINUX/pxelinux.0'));
if (process.getuid?.() !== 0) {
  console.error('bench-storm: needs root (servers and clients run in network namespaces)');
  process.exit(2);
}
if (!Number.isInteger(clients) || clients < 1 || clients > 240) {
  console.error('bench-storm: --clients must be 1..240 (one /24 pool)');
  process.exit(2);
}
if (!fs.existsSync(path.join(repo, 'dist/pxe-doctor.mjs'))) {
  console.error('bench-storm: build first (npm run build)');
  process.exit(2);
}
if (!fs.existsSync(nbpSource)) {
  console.error(`bench-storm: ${nbpSource} does not exist (--nbp FILE)`);
  process.exit(2);
}

const ip = (...a) => execFileSync('ip', a, { encoding: 'utf8' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pxs-storm-'));
const root = path.join(dir, 'root');
fs.mkdirSync(root);
fs.chmodSync(dir, 0o755);
fs.chmodSync(root, 0o755);
const nbpName = path.basename(nbpSource);
fs.copyFileSync(nbpSource, path.join(root, nbpName));
fs.chmodSync(path.join(root, nbpName), 0o644);
const want = crypto.createHash('sha256').update(fs.readFileSync(path.join(root, nbpName))).digest('hex');
const procs = [];
const namespaces = [];

function start(ns, cmd, argv, log) {
  const fd = fs.openSync(log, 'w');
  const p = spawn('ip', ['netns', 'exec', ns, cmd, ...argv], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  procs.push(p);
  return p;
}

async function waitFor(log, re, ms) {
  const t0 = Date.now();
  while (!re.test(fs.readFileSync(log, 'utf8'))) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re} in ${log}: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(p) {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  process.kill(p.pid, 'SIGTERM');
  const t = setTimeout(() => p.exitCode === null && process.kill(p.pid, 'SIGKILL'), 5000);
  await gone;
  clearTimeout(t);
}

function status(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** A server namespace (192.0.2.1) and a client namespace (192.0.2.9) joined by a veth pair. */
function pair(tag) {
  const srv = `pxs-storm-${tag}-srv`;
  const cli = `pxs-storm-${tag}-cli`;
  for (const ns of [srv, cli]) {
    ip('netns', 'add', ns);
    namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  ip('-n', srv, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', cli);
  ip('-n', srv, 'addr', 'add', '192.0.2.1/24', 'dev', 'eth0');
  ip('-n', cli, 'addr', 'add', '192.0.2.9/24', 'dev', 'eth0');
  ip('-n', srv, 'link', 'set', 'eth0', 'up');
  ip('-n', cli, 'link', 'set', 'eth0', 'up');
  // Broadcasts to 255.255.255.255 need a route out of eth0.
  ip('-n', cli, 'route', 'add', 'default', 'dev', 'eth0');
  return { srv, cli };
}

async function storm(tag, name, startServer, ready) {
  const { srv, cli } = pair(tag);
  const log = path.join(dir, `${name}.log`);
  const p = startServer(srv, log);
  await waitFor(log, ready, 20_000);
  await new Promise((r) => setTimeout(r, 300));
  const before = status(p.pid);
  let result;
  try {
    const out = execFileSync('ip', ['netns', 'exec', cli, process.execPath, path.join(repo, 'scripts/storm-client.mjs'), '--count', String(clients), '--deadline', '150'], {
      encoding: 'utf8',
      timeout: 200_000,
    });
    result = JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    result = { clients, ok: 0, failed: clients, errors: [String(e.message).split('\n')[0]] };
  }
  const after = status(p.pid);
  await stop(p);
  return { name, ...result, rssBefore: before.rss, peakRss: after.hwm, verified: result.sha256s?.length === 1 && result.sha256s[0] === want };
}

async function main() {
  const rows = [];
  rows.push(
    await storm(
      'serve',
      'pxe-doctor serve',
      (ns, log) =>
        start(ns, process.execPath, [path.join(repo, 'bin/pxe-doctor.js'), 'serve', '--interface', 'eth0', '--tftp-root', root, '--boot', `default=${nbpName}`, '--dhcp-range', '192.0.2.10-192.0.2.250', '--lease-time', '600', '--exit-after', '600'], log),
      /serving on eth0/,
    ),
  );
  const version = execFileSync('dnsmasq', ['--version'], { encoding: 'utf8' }).split('\n')[0].replace(/ Copyright.*/, '').trim();
  rows.push(
    await storm(
      'dnsmasq',
      version,
      (ns, log) =>
        start(
          ns,
          'dnsmasq',
          [
            '--keep-in-foreground',
            '--conf-file=/dev/null',
            '--port=0',
            '--no-resolv',
            '--no-hosts',
            '--interface=eth0',
            '--bind-interfaces',
            '--dhcp-range=192.0.2.10,192.0.2.250,255.255.255.0,10m',
            `--dhcp-boot=${nbpName},,192.0.2.1`,
            '--enable-tftp',
            `--tftp-root=${root}`,
            '--tftp-max=1000',
            `--dhcp-leasefile=${path.join(dir, 'dnsmasq.leases')}`,
            `--pid-file=${path.join(dir, 'dnsmasq.pid')}`,
            '--log-facility=-',
          ],
          log,
        ),
      /TFTP root is/,
    ),
  );
  // dnsmasq pings an address before offering it (up to 3 s per new client); the same without that.
  rows.push(
    await storm(
      'dnsmasq-noping',
      `${version}, --no-ping`,
      (ns, log) =>
        start(
          ns,
          'dnsmasq',
          [
            '--keep-in-foreground',
            '--conf-file=/dev/null',
            '--port=0',
            '--no-resolv',
            '--no-hosts',
            '--interface=eth0',
            '--bind-interfaces',
            '--no-ping',
            '--dhcp-range=192.0.2.10,192.0.2.250,255.255.255.0,10m',
            `--dhcp-boot=${nbpName},,192.0.2.1`,
            '--enable-tftp',
            `--tftp-root=${root}`,
            '--tftp-max=1000',
            `--dhcp-leasefile=${path.join(dir, 'dnsmasq-noping.leases')}`,
            `--pid-file=${path.join(dir, 'dnsmasq-noping.pid')}`,
            '--log-facility=-',
          ],
          log,
        ),
      /TFTP root is/,
    ),
  );
  const nbpSize = fs.statSync(path.join(root, nbpName)).size;
  console.log(`boot storm: ${clients} PXE clients at once, DHCP (DISCOVER/OFFER/REQUEST/ACK) + TFTP download of ${nbpName} (${nbpSize} bytes, blksize 1468, lock-step) each`);
  const table = [['server', 'complete', 'failed', 'last done (s)', 'median (s)', 'bytes verified', 'RSS idle (MB)', 'peak RSS (MB)', 'errors']];
  for (const r of rows) {
    table.push([
      r.name,
      `${r.ok}/${r.clients}`,
      String(r.failed),
      r.lastSeconds ?? '-',
      r.medianSeconds ?? '-',
      r.verified ? 'yes' : 'NO',
      (r.rssBefore ?? 0).toFixed(0),
      (r.peakRss ?? 0).toFixed(0),
      (r.errors ?? []).join('; ') || '-',
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((t) => String(t[i]).length)));
  for (const t of table) console.log(t.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
  console.log(`(${os.cpus().length} CPUs: ${os.cpus()[0]?.model ?? '?'}; node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  if (rows.some((r) => r.failed > 0 || !r.verified)) process.exitCode = 1;
}

try {
  await main();
} finally {
  for (const p of procs) await stop(p).catch(() => undefined);
  for (const ns of namespaces) {
    try {
      ip('netns', 'del', ns);
    } catch {
      /* gone */
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
