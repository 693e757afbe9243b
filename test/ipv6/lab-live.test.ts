// Live run of the IPv6 / HTTP boot lab (fixtures/lab/v6-http.sh http-ok-uefi): real OVMF under
// qemu -accel tcg against dnsmasq (DHCPv4, RA, TFTP), isc-dhcpd -6 and python3 http.server, in
// pxk-* namespaces the script creates and deletes. The fresh capture goes through the built CLI.
// Needs root and the Debian packages of docs/lab.md: skipped without them, except in CI.
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from '../helpers/run-cli.js';
import type { AnalysisJson } from '../../src/report/schema.js';

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const missing = ['ip', 'qemu-system-x86_64', 'tcpdump', 'tshark', 'capinfos', 'dnsmasq', 'dhcpd', 'python3', 'flock'].filter((t) => !hasCommand(t));
for (const f of ['/usr/share/ovmf/OVMF.fd', '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi']) if (!fs.existsSync(f)) missing.push(f);
const canRun = isRoot && missing.length === 0;

function pxkNamespaces(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith('pxk-'));
}

describe.skipIf(!canRun && !process.env.CI)('IPv6 / HTTP boot lab, live (real OVMF, dnsmasq, dhcpd -6, http.server)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pxk-test-'));
  fs.chmodSync(work, 0o755);
  const out = path.join(work, 'captures');

  afterAll(() => {
    // The script's EXIT trap deletes its namespaces; this is the safety net for a killed run. It
    // takes the lab lock first, so it never touches a running scenario.
    if (canRun && pxkNamespaces().length > 0) {
      spawnSync('flock', ['-w', '60', process.env.LAB_LOCK ?? '/tmp/pxl-lab.lock', 'bash', '-c',
        'for ns in $(ip netns list | awk \'/^pxk-/ {print $1}\'); do for p in $(ip netns pids "$ns"); do kill -KILL "$p"; done; ip netns del "$ns"; done'], { stdio: 'ignore' });
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('http-ok-uefi: OVMF tries PXEv4, PXEv6, then boots over HTTPv4 and HTTPv6; no namespace left', () => {
    if (!canRun) throw new Error(`lab prerequisites missing in CI: ${isRoot ? missing.join(', ') : 'not root'}`);
    const run = spawnSync('bash', [path.join(ROOT, 'fixtures/lab/v6-http.sh'), 'http-ok-uefi'], {
      cwd: ROOT,
      env: { ...process.env, LAB_OUT: out, LAB_RUN_BASE: path.join(work, 'run'), LAB_LOCK_WAIT: '480' },
      encoding: 'utf8',
      timeout: 660_000,
    });
    expect(run.status, `v6-http.sh failed:\n${run.stderr}`).toBe(0);
    expect(pxkNamespaces()).toEqual([]);
    const r = runCli(['analyze', '--json', path.join(out, 'http-ok-uefi.pcap')]);
    const json = JSON.parse(r.stdout) as AnalysisJson;
    const c = json.clients.find((x) => x.mac === '52:54:00:ef:00:01')!;
    expect(c.methods?.map((m) => [m.method, m.outcome])).toEqual([
      ['PXEv4', 'download-failed'],
      ['PXEv6', 'download-failed'],
      ['HTTPv4', 'booted'],
      ['HTTPv6', 'booted'],
    ]);
    expect(c.ok).toBe(true);
    expect(c.methods![2]!.detail).toBe('GET /boot.efi: 200 OK, 171456 bytes');
    expect(json.findings.filter((f) => f.id.startsWith('http-boot') || f.id.startsWith('pxe6') || f.id === 'dhcp6-no-advertise')).toEqual([]);
  }, 700_000);
});
