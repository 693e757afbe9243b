/**
 * The fleet features with real parts, in network namespaces this test creates (prefix pxm-) and
 * deletes: a real BIOS PXE client (qemu + SeaBIOS + the iPXE ROM) boots pxelinux from a real
 * dnsmasq (DHCP + TFTP) across a bridge. On the bridge, at the same time:
 *
 * - `pxe-doctor live -i br0 --json --metrics 127.0.0.1:PORT --save-failures DIR` (the built CLI);
 * - a real Prometheus server (Debian package prometheus), in the foreground with a config in a temp
 *   dir, scraping that exporter every second on the namespace's own 127.0.0.1, queried back through
 *   its HTTP API (/api/v1/query) for the boot's metrics;
 * - `dumpcap -b filesize:64 -b files:100`: a ring buffer of small files, which `pxe-doctor analyze
 *   DIR` must read as one capture with the boot as one client that spans several files.
 *
 * qemu runs under the lab lock (/tmp/pxl-lab.lock, taken with flock) like every lab scenario. Every
 * process is stopped by its PID; the namespaces are deleted in afterAll.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, labUnavailable, waitFor } from './lab.js';
import { NetnsLab, run, stopProcess, type Started } from '../helpers/netns-lab.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0';
const LDLINUX = '/usr/lib/syslinux/modules/bios/ldlinux.c32';
function pxelinuxMissing(): string | undefined {
  if (existsSync(PXELINUX) && existsSync(LDLINUX)) return undefined;
  if (process.env.CI) throw new Error('prometheus lab cannot run in CI: pxelinux / syslinux-common missing');
  return 'pxelinux missing';
}
const unavailable = labUnavailable(['ip', 'qemu-system-x86_64', 'dnsmasq', 'tcpdump', 'dumpcap', 'prometheus', 'flock', 'curl']) ?? pxelinuxMissing();

const MAC = '52:54:00:be:00:01';
const LOCK = process.env.LAB_LOCK ?? '/tmp/pxl-lab.lock';

describe.skipIf(unavailable !== undefined)('live --metrics scraped by a real Prometheus during a real qemu PXE boot; dumpcap ring buffer analysed as one', () => {
  const lab = new NetnsLab(`pxm-${process.pid % 100000}`);
  const dir = mkdtempSync(join(tmpdir(), 'pxm-'));
  let sw = '';
  let srv = '';
  const procs: Started[] = [];
  let qemu: Started | undefined;
  let live: Started | undefined;
  let prom: Started | undefined;
  let dumpcap: Started | undefined;
  const exporterPort = 9464;
  const promPort = 9090;

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'pxe-doctor.mjs'))) throw new Error('build first: npm run build');
    chmodSync(dir, 0o755);
    sw = lab.addNamespace('sw');
    srv = lab.addNamespace('srv');
    run('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
    run('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
    run('ip', ['-n', sw, 'link', 'add', 'p-srv', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', srv]);
    run('ip', ['-n', sw, 'link', 'set', 'p-srv', 'master', 'br0', 'up']);
    run('ip', ['-n', srv, 'link', 'set', 'eth0', 'address', '02:00:00:00:01:01']);
    run('ip', ['-n', srv, 'addr', 'add', '192.0.2.1/24', 'dev', 'eth0']);
    run('ip', ['-n', srv, 'link', 'set', 'eth0', 'up']);
    run('ip', ['-n', sw, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    run('ip', ['-n', sw, 'link', 'set', 'tap0', 'master', 'br0', 'up']);

    // TFTP root: pxelinux with a config whose "kernel" is not one (pxelinux loads it and stops at boot:).
    const tftp = join(dir, 'tftp');
    mkdirSync(join(tftp, 'pxelinux.cfg'), { recursive: true });
    copyFileSync(PXELINUX, join(tftp, 'pxelinux.0'));
    copyFileSync(LDLINUX, join(tftp, 'ldlinux.c32'));
    const kernel = Buffer.alloc(16384);
    for (let i = 0; i < kernel.length; i++) kernel[i] = (i * 131 + 7) & 255;
    writeFileSync(join(tftp, 'vmlinuz'), kernel);
    writeFileSync(join(tftp, 'pxelinux.cfg', 'default'), 'DEFAULT lab\nPROMPT 0\nTIMEOUT 0\nLABEL lab\n  KERNEL vmlinuz\n');
    spawnSync('chmod', ['-R', 'a+rX', tftp]);
    const dnsmasq = lab.startIn(srv, 'dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--interface=eth0', '--bind-interfaces', '--log-facility=-',
      `--pid-file=${join(dir, 'dnsmasq.pid')}`, `--dhcp-leasefile=${join(dir, 'leases')}`, '--no-ping',
      '--dhcp-range=192.0.2.100,192.0.2.149,255.255.255.0,10m', '--dhcp-boot=pxelinux.0,,192.0.2.1', '--enable-tftp', `--tftp-root=${tftp}`, '--user=root',
    ]);
    procs.push(dnsmasq);
    await dnsmasq.waitFor(/started, version/, 10_000);

    // The exporter: live on the bridge (sees every frame that crosses it).
    mkdirSync(join(dir, 'failures'));
    live = lab.startIn(sw, 'env', ['NO_COLOR=1', process.execPath, CLI, 'live', '-i', 'br0', '--json', '--metrics', `127.0.0.1:${exporterPort}`, '--save-failures', join(dir, 'failures')]);
    procs.push(live);
    await live.waitFor(/"type":"start"/, 20_000);

    // The ring buffer.
    mkdirSync(join(dir, 'ring'));
    dumpcap = lab.startIn(sw, 'dumpcap', ['-q', '-i', 'br0', '-b', 'filesize:64', '-b', 'files:100', '-w', join(dir, 'ring', 'boot.pcapng')]);
    procs.push(dumpcap);
    await dumpcap.waitFor(/Capturing on/, 10_000);

    // Prometheus, foreground, its own config and storage in the temp dir, on the namespace's loopback.
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: pxe-doctor\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
    );
    prom = lab.startIn(sw, 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn',
    ]);
    procs.push(prom);
    await waitFor(() => query('up{job="pxe-doctor"}')?.[0]?.value?.[1] === '1' || prom!.proc.exitCode !== null, 30_000, `Prometheus to scrape the exporter (${prom.err()})`);
  }, 120_000);

  afterAll(async () => {
    for (const p of [qemu, ...procs.reverse()]) if (p) await stopProcess(p, 5000);
    await lab.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** A PromQL instant query through Prometheus's HTTP API (run inside the namespace: its loopback). */
  function query(q: string): { metric: Record<string, string>; value: [number, string] }[] | undefined {
    const r = spawnSync('ip', ['netns', 'exec', sw, 'curl', '-sf', '--max-time', '5', `http://127.0.0.1:${promPort}/api/v1/query`, '--data-urlencode', `query=${q}`], { encoding: 'utf8' });
    if (r.status !== 0) return undefined;
    const body = JSON.parse(r.stdout) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return body.status === 'success' ? body.data.result : undefined;
  }

  function value(q: string): number | undefined {
    const r = query(q);
    return r && r.length > 0 ? Number(r[0]!.value[1]) : undefined;
  }

  it('a real BIOS PXE boot shows up in Prometheus: started, packets, NBP time, then finished booted', async () => {
    // qemu holds the lab lock for as long as it runs (flock exits when qemu does).
    const pidfile = join(dir, 'qemu.pid');
    qemu = lab.startIn(sw, 'flock', ['-w', '900', LOCK,
      'qemu-system-x86_64', '-accel', 'tcg', '-machine', 'pc', '-m', '256', '-smp', '1', '-nodefaults', '-no-user-config', '-display', 'none', '-vga', 'std',
      '-pidfile', pidfile, '-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no', '-device', `e1000,netdev=n0,mac=${MAC}`, '-boot', 'n']);
    try {
      // pxelinux fetched its config and the "kernel": the boot went through DHCP, TFTP and the second stage.
      await live!.waitFor(/RRQ vmlinuz/, 600_000);
      await new Promise((r) => setTimeout(r, 3000));
      await waitFor(() => (value('pxe_doctor_boots_started_total') ?? 0) >= 1, 20_000, 'boots_started in Prometheus');
      expect(value('pxe_doctor_boots_in_progress')).toBe(1);
      expect(value('pxe_doctor_packets_captured_total')).toBeGreaterThan(100);
    } finally {
      // Stop the VM by its PID (the one qemu wrote), which releases the lab lock.
      if (existsSync(pidfile)) {
        const pid = Number(readFileSync(pidfile, 'utf8').trim());
        const cmd = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
        if (pid > 0 && cmd.includes('qemu-system-x86_64')) process.kill(pid, 'SIGTERM');
      }
      await stopProcess(qemu, 5000);
    }
    // The client is judged 60 s after its boot completed (the tracker's boot-done time): the
    // finished counter, the outcome and the duration histograms then reach Prometheus.
    await waitFor(() => (value('sum(pxe_doctor_boots_finished_total)') ?? 0) >= 1, 120_000, 'boots_finished in Prometheus');
    const finished = query('pxe_doctor_boots_finished_total')!;
    expect(finished.map((r) => ({ ...r.metric, value: r.value[1] }))).toEqual([
      { __name__: 'pxe_doctor_boots_finished_total', instance: `127.0.0.1:${exporterPort}`, job: 'pxe-doctor', outcome: 'booted', arch: 'x86 BIOS', boot_server: '192.0.2.1', stage: 'second-stage', value: '1' },
    ]);
    expect(value('pxe_doctor_boots_in_progress')).toBe(0);
    const nbp = value('pxe_doctor_boot_nbp_seconds_sum');
    expect(nbp).toBeGreaterThan(0);
    expect(nbp).toBeLessThan(120);
    expect(value('pxe_doctor_boot_nbp_seconds_count')).toBe(1);
    expect(value('pxe_doctor_boot_duration_seconds_count{outcome="booted"}')).toBe(1);
    // The median boot from the raw buckets (one boot: the bucket its duration fell in).
    expect(value('histogram_quantile(0.5, sum by (le) (pxe_doctor_boot_duration_seconds_bucket))')).toBeGreaterThan(0);
    expect(value('pxe_doctor_packets_dropped_total')).toBe(0);
    // The live NDJSON said the same.
    const client = live!.out().split('\n').filter((l) => l.includes('"type":"client"')).map((l) => JSON.parse(l));
    expect(client).toMatchObject([{ type: 'client', v: 1, client: MAC, ok: true, stage: 'second-stage', arch: 'x86 BIOS', bootServer: '192.0.2.1' }]);
    // A boot that worked leaves no failure file.
    expect(readdirSync(join(dir, 'failures')).filter((n) => !n.startsWith('.'))).toEqual([]);
  }, 900_000);

  it('the dumpcap ring buffer of that boot is one capture: one client, booted, spanning several files', async () => {
    await stopProcess(dumpcap!, 5000);
    const files = readdirSync(join(dir, 'ring'));
    expect(files.length).toBeGreaterThan(2);
    const r = spawnSync(process.execPath, [CLI, 'analyze', '--json', join(dir, 'ring')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.stderr).toBe('');
    const a = JSON.parse(r.stdout);
    expect(a.clients.map((c: { mac: string; ok: boolean; stage: string }) => [c.mac, c.ok, c.stage])).toEqual([[MAC, true, 'second-stage']]);
    const c = a.clients[0];
    const fileOf = (frame: number) => a.capture.files.find((f: { firstFrame: number; lastFrame: number }) => f.firstFrame <= frame && frame <= f.lastFrame).file;
    expect(fileOf(c.firstFrame)).not.toBe(fileOf(c.lastFrame));
    expect(a.capture.files.length).toBe(files.length);
    // The same expectations as the lab's single-file capture of a working BIOS boot hold.
    writeFileSync(
      join(dir, 'ring.expect.yaml'),
      `clients:\n  "${MAC}":\n    ok: true\n    stage: second-stage\n    bootFile: pxelinux.0\n    bootServer: 192.0.2.1\n    maxSeverity: warning\ncapture-wide:\n  clientCount: 1\n  ok: true\n`,
    );
    const check = spawnSync(process.execPath, [CLI, 'check', '--expect', join(dir, 'ring.expect.yaml'), join(dir, 'ring')], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/7 expectations: 7 passed, 0 failed/);
    expect(check.status).toBe(0);
  }, 120_000);
});
