#!/usr/bin/env node
/**
 * TFTP benchmark (not a test): `pxe-doctor serve` against dnsmasq's TFTP server on the same files,
 * over loopback inside network namespaces (pxs-bench-serve, pxs-bench-dnsmasq; needs root).
 *
 *   npm run build && node scripts/bench-tftp.mjs [--size-mb 100] [--concurrent 200] [--repeat 3]
 *
 * Downloads a SIZE MB file with blksize 1468 and windowsize 1, 4 and 16 from each server, then
 * CONCURRENT simultaneous downloads of a 1 MB file, checks every byte (SHA-256), prints a table.
 * Everything it starts is stopped by PID and both namespaces are deleted, also on failure.
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
  return i >= 0 ? Number(args[i + 1]) : d;
};
const sizeMb = arg('size-mb', 100);
const concurrent = arg('concurrent', 200);
// The machine is shared: each cell is run REPEAT times and the median is shown (with min-max).
const repeat = arg('repeat', 3);
if (process.getuid?.() !== 0) {
  console.error('bench-tftp: needs root (it runs the servers in network namespaces)');
  process.exit(2);
}

const ip = (...a) => execFileSync('ip', a, { encoding: 'utf8' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pxs-bench-'));
const root = path.join(dir, 'root');
fs.mkdirSync(root);
// dnsmasq drops privileges to nobody: the files must be world-readable.
fs.chmodSync(dir, 0o755);
fs.chmodSync(root, 0o755);
const procs = [];
const namespaces = [];

function sha(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function start(ns, cmd, argv) {
  // Output to a file, not a pipe: the clients run synchronously and nobody would drain a pipe,
  // so a server logging one line per transfer would block on a full pipe.
  const log = path.join(dir, `${ns}.log`);
  const fd = fs.openSync(log, 'w');
  const p = spawn('ip', ['netns', 'exec', ns, cmd, ...argv], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  procs.push(p);
  return { p, out: () => fs.readFileSync(log, 'utf8') };
}

async function waitFor(proc, re, ms) {
  const t0 = Date.now();
  while (!re.test(proc.out())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re}: ${proc.out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function client(ns, server, file, extra) {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'node', path.join(repo, 'scripts/bench-tftp-client.mjs'), server, file, ...extra], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return JSON.parse(out);
}

async function stop(p) {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  process.kill(p.pid, 'SIGTERM');
  const t = setTimeout(() => p.exitCode === null && process.kill(p.pid, 'SIGKILL'), 3000);
  await gone;
  clearTimeout(t);
}

async function main() {
  // Test data: random bytes (no compression effects), written once.
  const big = path.join(root, 'big.bin');
  const fd = fs.openSync(big, 'w');
  for (let i = 0; i < sizeMb; i++) fs.writeSync(fd, crypto.randomBytes(1024 * 1024));
  fs.closeSync(fd);
  fs.writeFileSync(path.join(root, 'small.bin'), crypto.randomBytes(1024 * 1024));
  for (const f of fs.readdirSync(root)) fs.chmodSync(path.join(root, f), 0o644);
  const want = { big: sha(big), small: sha(path.join(root, 'small.bin')) };

  const servers = [];
  for (const name of ['serve', 'dnsmasq']) {
    const ns = `pxs-bench-${name}`;
    ip('netns', 'add', ns);
    namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    // A veth pair inside the namespace gives the server an interface address to bind (serve binds
    // an interface's address); traffic to a local address goes over loopback.
    ip('-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
    ip('-n', ns, 'addr', 'add', '192.0.2.1/24', 'dev', 'd0');
    ip('-n', ns, 'link', 'set', 'd0', 'up');
    ip('-n', ns, 'link', 'set', 'd1', 'up');
    if (name === 'serve') {
      const s = start(ns, 'node', [path.join(repo, 'bin/pxe-doctor.js'), 'serve', '--no-dhcp', '--interface', 'd0', '--tftp-root', root, '--exit-after', '3600']);
      await waitFor(s, /serving on d0/, 15_000);
      servers.push({ name: 'pxe-doctor serve', ns, proc: s });
    } else {
      const version = execFileSync('dnsmasq', ['--version'], { encoding: 'utf8' }).split('\n')[0];
      const s = start(ns, 'dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--enable-tftp', `--tftp-root=${root}`, '--tftp-max=1000', '--listen-address=192.0.2.1', '--bind-interfaces', '--log-facility=-', `--pid-file=${dir}/dnsmasq.pid`]);
      await waitFor(s, /TFTP root is/, 15_000);
      servers.push({ name: version.replace(/ Copyright.*/, ''), ns, proc: s });
    }
  }

  const rows = [];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runs = (fn) => Array.from({ length: repeat }, fn);
  for (const srv of servers) {
    for (const w of [1, 4, 16]) {
      const rs = runs(() => client(srv.ns, '192.0.2.1', 'big.bin', ['--blksize', '1468', '--windowsize', String(w)]));
      const bad = rs.find((r) => !(r.ok === 1 && r.sha256s.length === 1 && r.sha256s[0] === want.big));
      const rates = rs.map((r) => r.bytes / 1e6 / r.seconds);
      rows.push({
        server: srv.name,
        test: `${sizeMb} MB, blksize 1468, windowsize ${w}`,
        result: bad
          ? `FAILED ${JSON.stringify(bad.errors)}`
          : `${median(rates).toFixed(1)} MB/s (min ${Math.min(...rates).toFixed(1)}, max ${Math.max(...rates).toFixed(1)}; granted blksize ${rs[0].negotiated.blksize}, windowsize ${rs[0].negotiated.windowsize})`,
      });
    }
    const rs = runs(() => client(srv.ns, '192.0.2.1', 'small.bin', ['--blksize', '1468', '--windowsize', '4', '--count', String(concurrent)]));
    const allSame = rs.every((r) => r.sha256s.length === 1 && r.sha256s[0] === want.small);
    const secs = rs.map((r) => r.seconds);
    rows.push({
      server: srv.name,
      test: `${concurrent} concurrent x 1 MB, windowsize 4`,
      result: `${rs.map((r) => r.ok).join('+')} of ${concurrent}x${repeat} complete${allSame ? ', bytes verified' : ' (BYTES DIFFER)'}, median ${median(secs).toFixed(2)} s (min ${Math.min(...secs).toFixed(2)}, max ${Math.max(...secs).toFixed(2)})${rs.some((r) => r.failed) ? `; errors ${JSON.stringify(rs.flatMap((r) => r.errors))}` : ''}`,
    });
  }
  const w1 = Math.max(...rows.map((r) => r.server.length), 6);
  const w2 = Math.max(...rows.map((r) => r.test.length), 4);
  console.log(`${'server'.padEnd(w1)}  ${'test'.padEnd(w2)}  result`);
  for (const r of rows) console.log(`${r.server.padEnd(w1)}  ${r.test.padEnd(w2)}  ${r.result}`);
  console.log(`\n(${os.cpus().length} CPUs: ${os.cpus()[0]?.model ?? '?'}; node ${process.version}; kernel ${os.release()})`);
}

try {
  await main();
} finally {
  for (const p of procs) await stop(p.p ?? p).catch(() => undefined);
  for (const ns of namespaces) {
    try {
      ip('netns', 'del', ns);
    } catch {
      /* gone */
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
