// End-to-end run of one real lab scenario (fixtures/lab): qemu + SeaBIOS + iPXE ROM as the PXE
// client, isc-dhcpd as plain DHCP, dnsmasq as proxyDHCP/PXE boot server/TFTP, pxelinux as the
// NBP, all inside pxl-* network namespaces created (and deleted) by the lab scripts. The capture
// is checked with tshark, then analyzed and checked by the built pxe-doctor. Needs root and the Debian packages listed in docs/lab.md: skipped
// without them, except in CI (CI set), where it must run.
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scenario = 'ok-bios-proxydhcp';

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const tools = ['ip', 'qemu-system-x86_64', 'tcpdump', 'tshark', 'capinfos', 'dnsmasq', 'dhcpd', 'flock'];
const missing = tools.filter((t) => !hasCommand(t));
for (const f of ['/usr/lib/PXELINUX/pxelinux.0', '/usr/lib/syslinux/modules/bios/ldlinux.c32', '/usr/share/qemu/efi-e1000.rom'])
  if (!fs.existsSync(f) && !fs.existsSync(f.replace('/usr/share/qemu/', '/usr/lib/ipxe/qemu/'))) missing.push(f);
const canRun = isRoot && missing.length === 0;

function labNamespaces(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith('pxl-'));
}

/** tshark fields of the frames matching FILTER, one array of columns per frame. */
function tsharkFields(capture: string, filter: string, fields: string[]): string[][] {
  const args = ['-r', capture, '-Y', filter, '-T', 'fields', '-E', 'separator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

describe.skipIf(!canRun && !process.env.CI)(`lab scenario ${scenario} (real qemu/iPXE, dhcpd, dnsmasq)`, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pxl-test-'));
  // dnsmasq serves TFTP as user nobody: the scratch tree must be traversable.
  fs.chmodSync(work, 0o755);
  const out = path.join(work, 'captures');
  const capture = path.join(out, `${scenario}.pcap`);

  afterAll(() => {
    // The scenario's own EXIT trap deletes its namespaces; this is the safety net for a run that
    // was killed (timeout). It takes the lab lock first, so it never touches a running scenario.
    if (canRun && labNamespaces().length > 0) {
      spawnSync('flock', ['-w', '60', process.env.LAB_LOCK ?? '/tmp/pxl-lab.lock', 'bash', '-c',
        'for ns in $(ip netns list | awk \'/^pxl-/ {print $1}\'); do ' +
          'for p in $(ip netns pids "$ns"); do kill -KILL "$p"; done; ip netns del "$ns"; done'], { stdio: 'ignore' });
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('boots via proxyDHCP into pxelinux, captures it, and leaves no namespace behind', () => {
    if (!canRun) throw new Error(`lab prerequisites missing in CI: ${isRoot ? missing.join(', ') : 'not root'}`);
    const run = spawnSync('bash', [path.join(repo, 'fixtures/lab/run-scenario.sh'), scenario], {
      cwd: repo,
      // The lab lock is shared with the other qemu tests, which may hold it for a few minutes.
      env: { ...process.env, LAB_OUT: out, LAB_RUN_BASE: path.join(work, 'run'), LAB_LOCK_WAIT: '480' },
      encoding: 'utf8',
      timeout: 660_000,
    });
    expect(run.status, `run-scenario.sh failed:\n${run.stderr}`).toBe(0);
    expect(labNamespaces()).toEqual([]);
    expect(fs.existsSync(capture)).toBe(true);

    // DHCP: (ip.src, udp.srcport, udp.dstport, message type, yiaddr, option 60, file field)
    const dhcp = tsharkFields(capture, 'dhcp', [
      'ip.src', 'udp.srcport', 'udp.dstport', 'dhcp.option.dhcp', 'dhcp.ip.your',
      'dhcp.option.vendor_class_id', 'dhcp.file', 'dhcp.option.client_system_architecture', 'dhcp.hw.mac_addr',
    ]);
    const discover = dhcp.find((f) => f[3] === '1');
    expect(discover, 'a DHCPDISCOVER from the client').toBeDefined();
    expect(discover![5]).toMatch(/^PXEClient:Arch:00000:UNDI:/);
    expect(discover![7]).toBe('0');
    expect(discover![8].split(',')[0]).toBe('52:54:00:be:00:01');
    // The plain DHCP server offers an address and no boot file ...
    const addressOffer = dhcp.find((f) => f[0] === '192.0.2.1' && f[3] === '2');
    expect(addressOffer?.[4]).toMatch(/^192\.0\.2\.1[0-4]\d$/);
    expect(addressOffer?.[6] ?? '').toBe('');
    // ... the proxy offers no address, option 60 "PXEClient" ...
    const proxyOffer = dhcp.find((f) => f[0] === '192.0.2.2' && f[3] === '2');
    expect(proxyOffer?.[4]).toBe('0.0.0.0');
    expect(proxyOffer?.[5]).toBe('PXEClient');
    expect(dhcp.some((f) => f[0] === '192.0.2.1' && f[3] === '5')).toBe(true); // DHCPACK
    // ... and the boot file comes from the PXE boot-server step on UDP 4011.
    expect(dhcp.some((f) => f[2] === '4011' && f[3] === '3')).toBe(true);
    const bootServerAck = dhcp.find((f) => f[0] === '192.0.2.2' && f[1] === '4011' && f[3] === '5');
    expect(bootServerAck?.[6]).toBe('pxelinux.0');

    // TFTP: the NBP, then pxelinux's own requests: ldlinux.c32, the config search, the kernel.
    const rrqs = tsharkFields(capture, 'tftp.opcode==1 && ip.dst==192.0.2.2', ['tftp.source_file']).map((f) => f[0]);
    const order = ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/01-52-54-00-be-00-01', 'pxelinux.cfg/default', 'lab/vmlinuz'];
    const positions = order.map((name) => rrqs.indexOf(name));
    expect(positions.every((p) => p >= 0), `RRQs seen: ${rrqs.join(', ')}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The config search misses are TFTP "File not found" errors; default is served (OACK tsize).
    const errors = tsharkFields(capture, 'tftp.opcode==5', ['tftp.error.code']);
    expect(errors.length).toBeGreaterThanOrEqual(10);
    expect(errors.every((f) => f[0] === '1')).toBe(true);
    const nbpSize = fs.statSync('/usr/lib/PXELINUX/pxelinux.0').size;
    const oackSizes = tsharkFields(capture, 'tftp.opcode==6', ['tftp.option.value']).map((f) => f[0]);
    expect(oackSizes.some((v) => v.split(',').includes(String(nbpSize)))).toBe(true);
    expect(tsharkFields(capture, 'tftp.opcode==3', ['frame.number']).length).toBeGreaterThan(100);

    // The description was written, with the console text pxelinux printed.
    const md = fs.readFileSync(path.join(out, `${scenario}.md`), 'utf8');
    expect(md).toContain('pxe-doctor lab: pxelinux.cfg/default loaded');
    expect(md).toContain('boot:');

    // And pxe-doctor itself, on the capture the lab just made: the built CLI's analysis and the
    // scenario's hand-written expectations (fixtures/captures/ok-bios-proxydhcp.expect.yaml).
    const bin = path.join(repo, 'bin/pxe-doctor.js');
    const analyzed = spawnSync(process.execPath, [bin, 'analyze', capture, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(analyzed.status, analyzed.stderr).toBe(0);
    const report = JSON.parse(analyzed.stdout) as { clients: { mac: string; ok: boolean; stage: string; bootFile?: string }[]; findings: { severity: string }[] };
    const client = report.clients.find((c) => c.mac === '52:54:00:be:00:01');
    expect(client).toMatchObject({ ok: true, stage: 'second-stage', bootFile: 'pxelinux.0' });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const checked = spawnSync(process.execPath, [bin, 'check', capture, '--expect', path.join(repo, 'fixtures/captures', `${scenario}.expect.yaml`)], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  }, 700_000);
});
