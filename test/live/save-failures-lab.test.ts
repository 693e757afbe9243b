/**
 * `live --save-failures DIR --metrics 127.0.0.1:PORT --json` end to end in network namespaces this
 * test creates (prefix pxv-) and deletes: a real dnsmasq (DHCP, boot file, TFTP) in the server
 * namespace, a PXE-like client (a real DISCOVER/REQUEST built with the project's codec, then the
 * real tftp-hpa client) in the client namespace. One client boots, one asks for a boot file the
 * server does not have. The failed one, and only it, is saved to DIR as a pcapng that tshark reads
 * and that re-analyses to tftp-file-not-found; the exporter (read from inside the namespace)
 * counts one booted and one failed boot with their labels; the spool is gone after the run.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, Lab, REPO, labUnavailable, waitFor } from './lab.js';

const unavailable = labUnavailable(['ip', 'dnsmasq', 'tcpdump', 'tftp', 'curl']);
const CLIENT_SCRIPT = join(REPO, 'test', 'live', 'pxe-client.mjs');
const MAC_OK = '52:54:00:5a:7e:01';
const MAC_MISSING = '52:54:00:5a:7e:02';
const PORT = 9465;

describe.skipIf(unavailable !== undefined)('live --save-failures and --metrics with a real dnsmasq and tftp client', () => {
  const lab = new Lab('f');
  const toolPids: number[] = [];
  let dnsmasqLog = '';
  const tftpRoot = join(lab.dir, 'tftp');
  const failures = join(lab.dir, 'failures');

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'pxe-doctor.mjs'))) throw new Error('build first: npm run build');
    lab.create();
    mkdirSync(tftpRoot);
    writeFileSync(join(tftpRoot, 'boot.bin'), Buffer.alloc(20_000, 0x90));
    const dnsmasq: ChildProcess = lab.spawnIn(lab.serverNs, 'dnsmasq', [
      '--no-daemon', '--conf-file=/dev/null', `--pid-file=${join(lab.dir, 'dnsmasq.pid')}`, `--dhcp-leasefile=${join(lab.dir, 'leases')}`,
      '--log-facility=-', '--port=0', '--user=root', `--interface=${lab.serverIf}`, '--bind-interfaces', '--no-ping',
      '--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h', `--dhcp-host=${MAC_MISSING},set:missing`,
      '--dhcp-boot=tag:missing,missing.0', '--dhcp-boot=tag:!missing,boot.bin', '--enable-tftp', `--tftp-root=${tftpRoot}`,
    ]);
    dnsmasq.stderr!.setEncoding('utf8').on('data', (s: string) => (dnsmasqLog += s));
    await waitFor(() => /DHCP, IP range/.test(dnsmasqLog) || dnsmasq.exitCode !== null, 10_000, 'dnsmasq to start');
  });

  afterAll(async () => {
    await lab.destroy(toolPids);
  });

  async function boot(mac: string): Promise<void> {
    const r = await lab.execIn(lab.clientNs, process.execPath, [CLIENT_SCRIPT, '--mac', mac, '--arch', '0'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const ack = JSON.parse(r.stdout) as { yiaddr: string; bootFile: string };
    await lab.execIn(lab.clientNs, 'ip', ['addr', 'add', `${ack.yiaddr}/24`, 'dev', lab.clientIf]);
    await lab.execIn(lab.clientNs, 'tftp', ['-m', 'binary', lab.serverIp, '-c', 'get', ack.bootFile, join(lab.dir, `got-${mac.replace(/:/g, '')}`)], { timeoutMs: 30_000 });
    await lab.execIn(lab.clientNs, 'ip', ['addr', 'flush', 'dev', lab.clientIf]);
    await lab.execIn(lab.clientNs, 'ip', ['route', 'replace', 'default', 'dev', lab.clientIf]);
  }

  function metrics(): string {
    const r = spawnSync('ip', ['netns', 'exec', lab.serverNs, 'curl', '-sf', '--max-time', '5', `http://127.0.0.1:${PORT}/metrics`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it('saves the failed boot only, and the exporter counts both boots', async () => {
    const live = lab.startIn(lab.serverNs, 'env', ['NO_COLOR=1', process.execPath, CLI, 'live', '-i', lab.serverIf, '--json', '--save-failures', failures, '--metrics', `127.0.0.1:${PORT}`, '--settle', '2']);
    const start = JSON.parse(await live.waitFor(/\{"type":"start"[^\n]*\}/, 20_000));
    if (typeof start.pid === 'number') toolPids.push(start.pid);
    await boot(MAC_OK);
    await boot(MAC_MISSING);
    await live.waitFor(/missing\.0 ERROR/, 10_000);
    // --settle 2: the finding is certain 2 s after the client went quiet, and counted then.
    await live.waitFor(/"type":"finding"[^\n]*tftp-file-not-found/, 10_000);
    const during = metrics();
    expect(during).toMatch(/^pxe_doctor_boots_started_total 2$/m);
    expect(during).toMatch(/^pxe_doctor_boots_in_progress 2$/m);
    expect(during).toMatch(/^pxe_doctor_findings_total\{id="tftp-file-not-found",severity="error"\} 1$/m);
    expect(readdirSync(failures).filter((n) => n.startsWith('.spool-')).length).toBe(1);
    // Stop: both clients are judged; the failed one is saved before the summary.
    process.kill(live.proc.pid!, 'SIGINT');
    await live.waitFor(/"type":"summary"/, 20_000);
    await live.exited;
    const recs = live.out().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
    const saved = recs.filter((r) => r.type === 'saved');
    expect(saved).toMatchObject([{ client: MAC_MISSING, verdict: expect.stringMatching(/^FAILED at tftp: .*tftp-file-not-found/) }]);
    expect(recs.filter((r) => r.type === 'client').map((r) => [r.client, r.ok])).toEqual([[MAC_OK, true], [MAC_MISSING, false]]);
    // Only the failure file is left (the spool is gone).
    expect(readdirSync(failures)).toEqual([saved[0].file.slice(failures.length + 1)]);
    const file = saved[0].file as string;
    expect(file).toMatch(/52-54-00-5a-7e-02-\d{8}T\d{6}Z\.pcapng$/);
    const t = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.protocols'], { encoding: 'utf8' });
    if (t.status !== null && !t.error) {
      expect(t.status).toBe(0);
      expect(t.stdout.split('\n').filter(Boolean).length).toBe(saved[0].frames);
    }
    const a = spawnSync(process.execPath, [CLI, 'analyze', '--json', file], { encoding: 'utf8' });
    const analysis = JSON.parse(a.stdout);
    expect(analysis.clients.map((c: any) => [c.mac, c.ok, c.stage])).toEqual([[MAC_MISSING, false, 'tftp']]);
    expect(analysis.findings.map((f: any) => f.id)).toContain('tftp-file-not-found');
  }, 120_000);
});
