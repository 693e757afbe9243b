/**
 * Real PXE firmware booting from `pxe-doctor serve` in a namespace lab (prefix pxs-qm<pid>-):
 *   - qemu SeaBIOS + iPXE ROM (e1000), proxy mode beside dnsmasq as the site DHCP server (DHCP only);
 *   - qemu OVMF (EDK2 PxeBcDxe on virtio-net, no iPXE), proxy mode beside the same dnsmasq;
 *   - qemu OVMF with `serve` in full DHCP mode and no other server;
 *   - qemu SeaBIOS + iPXE in full DHCP mode with --ipxe-script (the script chains PXELINUX).
 * Each run downloads the NBP completely and the NBP (PXELINUX / syslinux.efi) fetches its own files
 * through the same TFTP server. Runs one qemu at a time (TCG, ~20 s each).
 *
 *  ns pxs-qm<pid>-sw: br0 -- tap0 (qemu; tcpdump here sees every frame of the client) -- p-dhcp <-> ...-dhcp eth0 192.0.2.1
 *                                             -- p-pxe  <-> ...-pxe  eth0 192.0.2.2
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, Lab, labUnavailable, tmpDir, type Started } from './lab.js';

const why = labUnavailable(['qemu-system-x86_64', 'dnsmasq', 'tcpdump', 'tshark', 'flock']);
const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0';
const LDLINUX_BIOS = '/usr/lib/syslinux/modules/bios/ldlinux.c32';
const SYSLINUX_EFI = '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi';
const LDLINUX_EFI = '/usr/lib/syslinux/modules/efi64/ldlinux.e64';
const OVMF = '/usr/share/ovmf/OVMF.fd';

describe.skipIf(why !== undefined)('real firmware boots from serve', () => {
  const lab = new Lab('qm');
  const dir = tmpDir('qm');
  const root = path.join(dir, 'root');
  let sw: string;
  let dhcpNs: string;
  let pxeNs: string;

  beforeAll(async () => {
    // The project's other qemu lab (fixtures/lab) holds this lock per scenario: wait our turn.
    await lab.lock('/tmp/pxl-lab.lock', 1150);
    fs.mkdirSync(path.join(root, 'pxelinux.cfg'), { recursive: true });
    fs.mkdirSync(path.join(root, 'efi64', 'pxelinux.cfg'), { recursive: true });
    fs.copyFileSync(PXELINUX, path.join(root, 'pxelinux.0'));
    fs.copyFileSync(LDLINUX_BIOS, path.join(root, 'ldlinux.c32'));
    fs.copyFileSync(SYSLINUX_EFI, path.join(root, 'efi64', 'syslinux.efi'));
    fs.copyFileSync(LDLINUX_EFI, path.join(root, 'efi64', 'ldlinux.e64'));
    // A config that exists, so PXELINUX's search ends with a successful transfer we can wait for.
    const cfg = 'DEFAULT local\nPROMPT 0\nTIMEOUT 1\nLABEL local\n  LOCALBOOT 0\n';
    fs.writeFileSync(path.join(root, 'pxelinux.cfg', 'default'), cfg);
    fs.writeFileSync(path.join(root, 'efi64', 'pxelinux.cfg', 'default'), cfg);
    // For --ipxe-script: the iPXE ROM gets this script instead of an NBP; it chains PXELINUX from the same server.
    fs.writeFileSync(path.join(root, 'boot.ipxe'), '#!ipxe\necho pxe-doctor serve: iPXE script\nchain pxelinux.0\n');

    sw = lab.addNamespace('sw');
    dhcpNs = lab.addNamespace('dhcp');
    pxeNs = lab.addNamespace('pxe');
    lab.bridge(sw, 'br0');
    // br_netfilter would IP-fragment oversized frames on the bridge and hide MTU mistakes.
    try {
      lab.exec(sw, 'sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-iptables=0']);
    } catch {
      /* br_netfilter not loaded: nothing to turn off */
    }
    lab.veth(sw, 'p-dhcp', dhcpNs, 'eth0');
    lab.veth(sw, 'p-pxe', pxeNs, 'eth0');
    lab.enslave(sw, 'p-dhcp', 'br0');
    lab.enslave(sw, 'p-pxe', 'br0');
    lab.addr(dhcpNs, 'eth0', '192.0.2.1/24');
    lab.addr(pxeNs, 'eth0', '192.0.2.2/24');
    lab.exec(sw, 'ip', ['tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    lab.enslave(sw, 'tap0', 'br0');
    lab.exec(sw, 'ip', ['link', 'set', 'tap0', 'up']);
  }, 1_200_000);

  afterAll(async () => {
    await lab.cleanup();
    if (!process.env.PXS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });

  function startDnsmasq(tag: string): Started {
    // Site DHCP server in DHCP-only mode: addresses, no boot options, no DNS (--port=0).
    return lab.start(dhcpNs, 'dnsmasq', [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--port=0',
      '--no-resolv',
      '--no-hosts',
      '--interface=eth0',
      '--bind-interfaces',
      '--dhcp-range=192.0.2.100,192.0.2.149,255.255.255.0,10m',
      `--dhcp-leasefile=${path.join(dir, `${tag}.leases`)}`,
      `--pid-file=${path.join(dir, `${tag}.dnsmasq.pid`)}`,
      '--log-dhcp',
      '--log-facility=-',
    ]);
  }

  function startQemu(kind: 'bios' | 'uefi', tag: string): Started {
    const common = ['-accel', 'tcg', '-m', '256', '-display', 'none', '-serial', `file:${path.join(dir, `${tag}.serial.log`)}`, '-monitor', 'none', '-no-reboot'];
    common.push('-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no');
    if (kind === 'bios') common.push('-device', 'e1000,netdev=n0,mac=52:54:00:be:00:01', '-boot', 'n');
    else common.push('-bios', OVMF, '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:ef:00:01,romfile=');
    return lab.start(sw, 'qemu-system-x86_64', common);
  }

  async function scenario(opts: { tag: string; firmware: 'bios' | 'uefi'; serveArgs: string[]; withDnsmasq: boolean; expectFiles: string[] }): Promise<{ serve: Started; capture: string }> {
    const capture = path.join(dir, `${opts.tag}.pcap`);
    const tcpdump = lab.start(sw, 'tcpdump', ['-i', 'tap0', '--immediate-mode', '-n', '-U', '-s', '0', '-Z', 'root', '-w', capture, 'udp or icmp']);
    await tcpdump.waitFor(/listening on tap0/, 10_000);
    const dnsmasq = opts.withDnsmasq ? startDnsmasq(opts.tag) : undefined;
    if (dnsmasq) await dnsmasq.waitFor(/DHCP, IP range 192\.0\.2\.100/, 10_000);
    const serve = lab.start(pxeNs, 'node', [CLI, 'serve', '--interface', 'eth0', '--tftp-root', root, ...opts.serveArgs, '--exit-after', '300']);
    await serve.waitFor(/serving on eth0/, 15_000);
    const qemu = startQemu(opts.firmware, opts.tag);
    try {
      for (const f of opts.expectFiles) {
        const re = new RegExp(`TFTP ${f.replace(/[.]/g, '\\.')}: finished, (\\d+) bytes`);
        const line = await serve.waitFor(re, 90_000);
        const size = fs.statSync(path.join(root, f)).size;
        expect(line).toContain(`${size} bytes`);
      }
    } finally {
      await lab.stop(qemu);
      await lab.stop(serve);
      // Let tcpdump write the last frames before it is stopped.
      await new Promise((r) => setTimeout(r, 500));
      if (dnsmasq) await lab.stop(dnsmasq);
      await lab.stop(tcpdump);
      fs.writeFileSync(path.join(dir, `${opts.tag}.serve.log`), serve.out() + serve.err());
    }
    return { serve, capture };
  }

  /** The capture of the run, analyzed by the built CLI, says this client booted. */
  function analyzeOk(capture: string, mac: string): void {
    let stdout: string;
    try {
      stdout = execFileSync('node', [CLI, 'analyze', capture, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    } catch (e) {
      stdout = (e as { stdout?: string }).stdout ?? '';
    }
    const result = JSON.parse(stdout) as { clients: { mac: string; ok: boolean; stage: string; findings: string[] }[] };
    const client = result.clients.find((c) => c.mac === mac);
    expect(client, `client ${mac} in analysis`).toBeDefined();
    expect(client?.ok, JSON.stringify(client)).toBe(true);
  }

  it('BIOS (SeaBIOS + iPXE ROM) boots PXELINUX from serve in proxy mode beside dnsmasq DHCP', async () => {
    const { serve, capture } = await scenario({
      tag: 'bios-proxy',
      firmware: 'bios',
      serveArgs: ['--boot', 'bios=pxelinux.0', '--boot', 'efi64=efi64/syslinux.efi'],
      withDnsmasq: true,
      expectFiles: ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/default'],
    });
    expect(serve.out()).toMatch(/52:54:00:be:00:01 x86 BIOS\(0\) iPXE {2}proxyDHCP offer sent: boot file pxelinux\.0, server 192\.0\.2\.2/);
    // Ctrl-C summary: the TFTP downloads are attributed to the MAC (learned from its REQUEST's option 50).
    expect(serve.out()).toMatch(/summary: 1 client: 1 downloaded\n.*\n {2}52:54:00:be:00:01 +192\.0\.2\.1\d\d +downloaded +\d+ +0 +0 +0 +3\/0 +162013 +pxelinux\.0, ldlinux\.c32, pxelinux\.cfg\/default/);
    analyzeOk(capture, '52:54:00:be:00:01');
  }, 150_000);

  it('UEFI (OVMF, EDK2 PXE) boots syslinux.efi from serve in proxy mode beside dnsmasq DHCP: BINL offer, then 4011', async () => {
    const { serve, capture } = await scenario({
      tag: 'uefi-proxy',
      firmware: 'uefi',
      serveArgs: ['--boot', 'bios=pxelinux.0', '--boot', 'efi64=efi64/syslinux.efi'],
      withDnsmasq: true,
      expectFiles: ['efi64/syslinux.efi', 'efi64/ldlinux.e64', 'efi64/pxelinux.cfg/default'],
    });
    expect(serve.out()).toMatch(/52:54:00:ef:00:01 .*\(7\) {2}proxyDHCP offer sent \(UEFI: BINL/);
    expect(serve.out()).toMatch(/52:54:00:ef:00:01 .*4011 answered: boot file efi64\/syslinux\.efi -> 192\.0\.2\.1\d\d:4011/);
    analyzeOk(capture, '52:54:00:ef:00:01');
  }, 150_000);

  it('UEFI boots from serve in full DHCP mode (no other DHCP server)', async () => {
    const { serve, capture } = await scenario({
      tag: 'uefi-full',
      firmware: 'uefi',
      serveArgs: ['--boot', 'efi64=efi64/syslinux.efi', '--dhcp-range', '192.0.2.150-192.0.2.159', '--lease-time', '600'],
      withDnsmasq: false,
      expectFiles: ['efi64/syslinux.efi', 'efi64/ldlinux.e64', 'efi64/pxelinux.cfg/default'],
    });
    expect(serve.out()).toMatch(/52:54:00:ef:00:01 .* {2}DHCP offer sent: 192\.0\.2\.150, boot file efi64\/syslinux\.efi/);
    expect(serve.out()).toMatch(/52:54:00:ef:00:01 .* {2}DHCP ACK: 192\.0\.2\.150/);
    // In full DHCP mode serve sees the whole exchange, and its summary is the analyzer's verdict.
    expect(serve.out()).toMatch(/52:54:00:ef:00:01 .*\bOK\b/);
    expect(serve.out()).toMatch(/1 client \(1 booted\)/);
    analyzeOk(capture, '52:54:00:ef:00:01');
  }, 150_000);

  it('BIOS iPXE in full DHCP mode gets the --ipxe-script (no chainload loop), which chains PXELINUX', async () => {
    const { serve, capture } = await scenario({
      tag: 'bios-full',
      firmware: 'bios',
      serveArgs: ['--boot', 'bios=pxelinux.0', '--ipxe-script', 'boot.ipxe', '--dhcp-range', '192.0.2.160-192.0.2.169'],
      withDnsmasq: false,
      expectFiles: ['boot.ipxe', 'pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/default'],
    });
    expect(serve.out()).toMatch(/52:54:00:be:00:01 x86 BIOS\(0\) iPXE {2}DHCP offer sent: 192\.0\.2\.160, boot file boot\.ipxe/);
    expect(serve.out()).toMatch(/52:54:00:be:00:01 x86 BIOS\(0\) iPXE {2}DHCP ACK: 192\.0\.2\.160, boot file boot\.ipxe/);
    // The script was fetched once: iPXE did not come back for it (a loop would repeat DHCP + boot.ipxe).
    expect(serve.out().match(/TFTP boot\.ipxe: started/g)).toHaveLength(1);
    analyzeOk(capture, '52:54:00:be:00:01');
  }, 150_000);

  it('the captures hold complete transfers (bytes on the wire match the files)', () => {
    // Independent of our own decoder: tshark reads the BIOS capture and sees every DATA block of pxelinux.0.
    const capture = path.join(dir, 'bios-proxy.pcap');
    const out = execFileSync('tshark', ['-r', capture, '-Y', 'tftp.opcode == 3', '-T', 'fields', '-e', 'udp.length'], { encoding: 'utf8' });
    const payload = out
      .trim()
      .split('\n')
      .reduce((n, l) => n + Number(l) - 12, 0);
    const expected = ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/default'].reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0);
    expect(payload).toBeGreaterThanOrEqual(expected);
    expect(crypto.createHash('sha256').update(fs.readFileSync(path.join(root, 'pxelinux.0'))).digest('hex')).toBe(crypto.createHash('sha256').update(fs.readFileSync(PXELINUX)).digest('hex'));
  });
});
