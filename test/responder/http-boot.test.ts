/**
 * HTTP from `serve` with real firmware in a namespace lab (prefix pxs-hb<pid>-), one qemu at a time
 * under the lab lock:
 *   - OVMF (EDK2 HttpBootDxe, Secure Boot off, IPv4) with `serve --http` in full DHCP mode: the
 *     offer carries option 60 HTTPClient and http://192.0.2.2/efi64/syslinux.efi, the firmware
 *     downloads it over HTTP from serve and starts it;
 *   - the same in proxy mode beside dnsmasq as the site DHCP server (addresses only);
 *   - SeaBIOS + iPXE ROM with `--ipxe-script boot.ipxe --http`: iPXE gets the script as a URL on
 *     serve's HTTP server, and the script chains the NBP from it.
 * OVMF's PXE is switched off through fw_cfg (opt/org.tianocore/IPv4PXESupport, IPv6PXESupport), so
 * "UEFI HTTPv4" is the first boot option and the run does not wait for PXE to time out.
 * Each capture (tcpdump on the client's tap port) is analyzed by the built CLI: the served file arrived whole.
 *
 *  ns pxs-hb<pid>-sw: br0 -- tap0 (qemu) -- p-pxe <-> ...-pxe eth0 192.0.2.2 (serve)
 *                                       -- p-dhcp <-> ...-dhcp eth0 192.0.2.1 (dnsmasq, proxy case)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, Lab, labUnavailable, tmpDir, type Started } from './lab.js';

const why = labUnavailable(['qemu-system-x86_64', 'dnsmasq', 'tcpdump', 'flock']);
const SYSLINUX_EFI = '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi';
const LDLINUX_EFI = '/usr/lib/syslinux/modules/efi64/ldlinux.e64';
const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0';
const LDLINUX_BIOS = '/usr/lib/syslinux/modules/bios/ldlinux.c32';
const OVMF = '/usr/share/ovmf/OVMF.fd';
const UEFI_MAC = '52:54:00:ef:00:01';
const BIOS_MAC = '52:54:00:be:00:01';

describe.skipIf(why !== undefined)('HTTP boot from serve with real firmware', () => {
  const lab = new Lab('hb');
  const dir = tmpDir('hb');
  const root = path.join(dir, 'root');
  let sw: string;
  let pxeNs: string;
  let dhcpNs: string;

  beforeAll(async () => {
    await lab.lock('/tmp/pxl-lab.lock', 1150);
    fs.mkdirSync(path.join(root, 'efi64', 'pxelinux.cfg'), { recursive: true });
    fs.mkdirSync(path.join(root, 'pxelinux.cfg'), { recursive: true });
    fs.copyFileSync(SYSLINUX_EFI, path.join(root, 'efi64', 'syslinux.efi'));
    fs.copyFileSync(LDLINUX_EFI, path.join(root, 'efi64', 'ldlinux.e64'));
    fs.copyFileSync(PXELINUX, path.join(root, 'pxelinux.0'));
    fs.copyFileSync(LDLINUX_BIOS, path.join(root, 'ldlinux.c32'));
    const cfg = 'DEFAULT local\nPROMPT 0\nTIMEOUT 1\nLABEL local\n  LOCALBOOT 0\n';
    fs.writeFileSync(path.join(root, 'pxelinux.cfg', 'default'), cfg);
    fs.writeFileSync(path.join(root, 'efi64', 'pxelinux.cfg', 'default'), cfg);
    // Relative names in an iPXE script resolve against the script's own URL: pxelinux.0 comes over HTTP too.
    fs.writeFileSync(path.join(root, 'boot.ipxe'), '#!ipxe\necho pxe-doctor serve: iPXE script over HTTP\nchain pxelinux.0\n');
    // The NIC ROM is iPXE; this script makes it chainload undionly.kpxe (the ipxe package's) first,
    // and lets undionly (its network device's driver is "undionly") go on to PXELINUX.
    fs.copyFileSync('/usr/lib/ipxe/undionly.kpxe', path.join(root, 'undionly.kpxe'));
    fs.writeFileSync(
      path.join(root, 'stage.ipxe'),
      '#!ipxe\niseq ${net0/chip} undionly && goto undionly ||\necho pxe-doctor serve: chainloading undionly.kpxe\nchain undionly.kpxe\n:undionly\necho pxe-doctor serve: running in undionly.kpxe\nchain pxelinux.0\n',
    );

    sw = lab.addNamespace('sw');
    pxeNs = lab.addNamespace('pxe');
    dhcpNs = lab.addNamespace('dhcp');
    lab.bridge(sw, 'br0');
    try {
      lab.exec(sw, 'sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-iptables=0']);
    } catch {
      /* br_netfilter not loaded */
    }
    lab.veth(sw, 'p-pxe', pxeNs, 'eth0');
    lab.veth(sw, 'p-dhcp', dhcpNs, 'eth0');
    lab.enslave(sw, 'p-pxe', 'br0');
    lab.enslave(sw, 'p-dhcp', 'br0');
    lab.addr(pxeNs, 'eth0', '192.0.2.2/24');
    lab.addr(dhcpNs, 'eth0', '192.0.2.1/24');
    lab.exec(sw, 'ip', ['tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    lab.enslave(sw, 'tap0', 'br0');
    lab.exec(sw, 'ip', ['link', 'set', 'tap0', 'up']);
  }, 1_200_000);

  afterAll(async () => {
    await lab.cleanup();
    if (!process.env.PXS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });

  function startQemu(kind: 'bios' | 'uefi', tag: string): Started {
    const args = ['-accel', 'tcg', '-m', '256', '-display', 'none', '-serial', `file:${path.join(dir, `${tag}.serial.log`)}`, '-monitor', 'none', '-no-reboot'];
    args.push('-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no');
    if (kind === 'bios') args.push('-device', `e1000,netdev=n0,mac=${BIOS_MAC}`, '-boot', 'n');
    else {
      // OVMF.fd is the build without Secure Boot. PXE off: HTTPv4 is the first network boot option.
      args.push('-bios', OVMF, '-device', `virtio-net-pci,netdev=n0,mac=${UEFI_MAC},romfile=`);
      args.push('-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=no', '-fw_cfg', 'name=opt/org.tianocore/IPv6PXESupport,string=no');
    }
    return lab.start(sw, 'qemu-system-x86_64', args);
  }

  /** Wait for `re` in a file the VM writes (its serial console). */
  async function waitFile(file: string, re: RegExp, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!(fs.existsSync(file) && re.test(fs.readFileSync(file, 'latin1')))) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${re} in ${file}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function scenario(opts: { tag: string; firmware: 'bios' | 'uefi'; serveArgs: string[]; dnsmasq: boolean; waitFor: RegExp[] }): Promise<{ serve: Started; capture: string }> {
    const capture = path.join(dir, `${opts.tag}.pcap`);
    const tcpdump = lab.start(sw, 'tcpdump', ['-i', 'tap0', '--immediate-mode', '-n', '-U', '-s', '0', '-Z', 'root', '-w', capture, 'udp or icmp or tcp']);
    await tcpdump.waitFor(/listening on tap0/, 10_000);
    let dnsmasq: Started | undefined;
    if (opts.dnsmasq) {
      dnsmasq = lab.start(dhcpNs, 'dnsmasq', [
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--port=0',
        '--no-resolv',
        '--no-hosts',
        '--interface=eth0',
        '--bind-interfaces',
        '--dhcp-range=192.0.2.100,192.0.2.149,255.255.255.0,10m',
        `--dhcp-leasefile=${path.join(dir, `${opts.tag}.leases`)}`,
        `--pid-file=${path.join(dir, `${opts.tag}.dnsmasq.pid`)}`,
        '--log-dhcp',
        '--log-facility=-',
      ]);
      await dnsmasq.waitFor(/DHCP, IP range 192\.0\.2\.100/, 10_000);
    }
    const serve = lab.start(pxeNs, 'node', [CLI, 'serve', '--interface', 'eth0', '--tftp-root', root, ...opts.serveArgs, '--exit-after', '400']);
    await serve.waitFor(/serving on eth0/, 15_000);
    const qemu = startQemu(opts.firmware, opts.tag);
    try {
      for (const re of opts.waitFor) await serve.waitFor(re, 180_000);
      // serve logs a response once it is handed to the kernel; the emulated client takes longer to
      // read it. Stop only once the client has it all, so the capture holds the whole download.
      if (opts.firmware === 'uefi') await waitFile(path.join(dir, `${opts.tag}.serial.log`), /Downloading\.\.\.100%/, 60_000);
      await new Promise((r) => setTimeout(r, opts.firmware === 'uefi' ? 3000 : 8000));
    } finally {
      await lab.stop(qemu);
      await lab.stop(serve);
      await new Promise((r) => setTimeout(r, 500));
      if (dnsmasq) await lab.stop(dnsmasq);
      await lab.stop(tcpdump);
      fs.writeFileSync(path.join(dir, `${opts.tag}.serve.log`), serve.out() + serve.err());
    }
    return { serve, capture };
  }

  /**
   * The built CLI's analysis of an HTTP boot of syslinux.efi: the HTTPv4 download is whole (what
   * serve is proven for), and the chain shows what the firmware did next. syslinux.efi cannot run
   * under UEFI HTTP boot (the console says "Failed to locate root device"; it needs the PXE base
   * code), so the firmware goes on to HTTP over IPv6 and the analyzer rightly does not call it OK.
   */
  function analyzeHttpDelivered(capture: string, mac: string): void {
    let stdout: string;
    try {
      stdout = execFileSync('node', [CLI, 'analyze', capture, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      stdout = (e as { stdout?: string }).stdout ?? '';
    }
    const result = JSON.parse(stdout) as { clients: { mac: string; methods?: { method: string; outcome: string }[]; lastStage?: { kind: string } }[] };
    const client = result.clients.find((c) => c.mac === mac);
    expect(client, `client ${mac} in analysis`).toBeDefined();
    expect(client!.methods?.find((m) => m.method === 'HTTPv4')?.outcome, JSON.stringify(client)).toBe('booted');
    expect(client!.lastStage?.kind).toBe('nbp');
  }

  const size = (f: string): number => fs.statSync(path.join(root, f)).size;

  /** tshark (not our decoder): a 200 response for /FILE, and the client acknowledged all of its bytes. */
  function expectWholeBody(capture: string, file: string): void {
    const resp = execFileSync('tshark', ['-r', capture, '-Y', `http.response.code == 200 && http.response_for.uri contains "/${file}"`, '-T', 'fields', '-e', 'tcp.stream', '-e', 'http.content_length'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const get = resp.find((r) => Number(r[1]) === size(file));
    expect(get, `a 200 with Content-Length ${size(file)} for /${file}`).toBeDefined();
    const acks = execFileSync('tshark', ['-r', capture, '-Y', `tcp.stream == ${get![0]} && tcp.dstport == 80`, '-T', 'fields', '-e', 'tcp.ack'], { encoding: 'utf8' });
    const maxAck = Math.max(...acks.trim().split('\n').map(Number));
    expect(maxAck).toBeGreaterThan(size(file));
  }

  it('UEFI HTTP boot (OVMF, IPv4) from serve in full DHCP mode: option 60 HTTPClient + URI, file over HTTP', async () => {
    const { serve, capture } = await scenario({
      tag: 'http-full',
      firmware: 'uefi',
      serveArgs: ['--boot', 'efi64=efi64/syslinux.efi', '--dhcp-range', '192.0.2.170-192.0.2.179', '--lease-time', '600', '--http'],
      dnsmasq: false,
      waitFor: [new RegExp(`HTTP GET /efi64/syslinux\\.efi: 200, ${size('efi64/syslinux.efi')} bytes`)],
    });
    expect(serve.out()).toMatch(new RegExp(`${UEFI_MAC} .*\\(16\\) {2}DHCP offer sent: 192\\.0\\.2\\.170, boot file http://192\\.0\\.2\\.2/efi64/syslinux\\.efi`));
    expect(serve.out()).toMatch(new RegExp(`${UEFI_MAC} 192\\.0\\.2\\.170 {2}HTTP GET /efi64/syslinux\\.efi: 200`));
    const out = execFileSync('tshark', ['-r', capture, '-Y', 'dhcp.option.dhcp == 2', '-T', 'fields', '-e', 'dhcp.option.vendor_class_id', '-e', 'dhcp.file'], { encoding: 'utf8' });
    expect(out).toMatch(/HTTPClient\thttp:\/\/192\.0\.2\.2\/efi64\/syslinux\.efi/);
    analyzeHttpDelivered(capture, UEFI_MAC);
    // serve's own analysis in full mode (its HTTP requests fed to the analyzer as TCP segments) agrees.
    expect(serve.out()).toMatch(/HTTPv4 (booted|image downloaded) +GET \/efi64\/syslinux\.efi: 200 OK, 171456 bytes/);
    expect(serve.out()).toMatch(/1 client \(/);
  }, 400_000);

  it('UEFI HTTP boot from serve in proxy mode beside dnsmasq (addresses only): the proxy offer carries HTTPClient + URI', async () => {
    const { serve, capture } = await scenario({
      tag: 'http-proxy',
      firmware: 'uefi',
      serveArgs: ['--boot', 'efi64=efi64/syslinux.efi', '--http'],
      dnsmasq: true,
      waitFor: [new RegExp(`HTTP GET /efi64/syslinux\\.efi: 200, ${size('efi64/syslinux.efi')} bytes`)],
    });
    expect(serve.out()).toMatch(new RegExp(`${UEFI_MAC} .*\\(16\\) {2}proxyDHCP offer sent \\(HTTP boot\\): http://192\\.0\\.2\\.2/efi64/syslinux\\.efi`));
    // On the wire, independent of our decoders: the proxy offer (yiaddr 0) with option 60
    // HTTPClient and the URI, dnsmasq's address offer, and the whole file acknowledged by the client.
    const offers = execFileSync('tshark', ['-r', capture, '-Y', 'dhcp.option.dhcp == 2', '-T', 'fields', '-e', 'ip.src', '-e', 'dhcp.ip.your', '-e', 'dhcp.option.vendor_class_id', '-e', 'dhcp.option.bootfile_name'], { encoding: 'utf8' });
    expect(offers).toMatch(/192\.0\.2\.2\t0\.0\.0\.0\tHTTPClient\thttp:\/\/192\.0\.2\.2\/efi64\/syslinux\.efi/);
    expect(offers).toMatch(/192\.0\.2\.1\t192\.0\.2\.1\d\d/);
    expectWholeBody(capture, 'efi64/syslinux.efi');
    // The analyzer: the HTTPv4 download whole (no proxy-offer-missing-option60 for the HTTPClient offer).
    analyzeHttpDelivered(capture, UEFI_MAC);
  }, 400_000);

  it('undionly.kpxe from the ipxe package: the ROM chains it over HTTP, it gets the script again and boots PXELINUX, all from one serve', async () => {
    const { serve } = await scenario({
      tag: 'undionly',
      firmware: 'bios',
      serveArgs: ['--boot', 'bios=undionly.kpxe', '--ipxe-script', 'stage.ipxe', '--dhcp-range', '192.0.2.190-192.0.2.199', '--http'],
      dnsmasq: false,
      waitFor: [new RegExp(`HTTP GET /undionly\\.kpxe: 200, ${size('undionly.kpxe')} bytes`), new RegExp(`HTTP GET /pxelinux\\.0: 200, ${size('pxelinux.0')} bytes`), /pxelinux\.cfg\/default: (?:200|finished)/],
    });
    // Twice the script (ROM, then undionly), once undionly.kpxe: no loop.
    expect(serve.out().match(/HTTP GET \/stage\.ipxe: 200/g)).toHaveLength(2);
    expect(serve.out().match(/HTTP GET \/undionly\.kpxe: 200/g)).toHaveLength(1);
  }, 400_000);

  it('iPXE gets --ipxe-script as a URL on serve, and the script chains PXELINUX from the same serve', async () => {
    const { serve, capture } = await scenario({
      tag: 'ipxe-http',
      firmware: 'bios',
      serveArgs: ['--boot', 'bios=pxelinux.0', '--ipxe-script', 'boot.ipxe', '--dhcp-range', '192.0.2.180-192.0.2.189', '--http'],
      dnsmasq: false,
      waitFor: [/HTTP GET \/boot\.ipxe: 200/, new RegExp(`HTTP GET /pxelinux\\.0: 200, ${size('pxelinux.0')} bytes`), /pxelinux\.cfg\/default: (?:200|finished)/],
    });
    expect(serve.out()).toMatch(new RegExp(`${BIOS_MAC} x86 BIOS\\(0\\) iPXE {2}DHCP offer sent: 192\\.0\\.2\\.180, boot file http://192\\.0\\.2\\.2/boot\\.ipxe`));
    // Fetched once: no chainload loop.
    expect(serve.out().match(/HTTP GET \/boot\.ipxe: 200/g)).toHaveLength(1);
    // PXELINUX, chained over HTTP, fetched its own files over HTTP too (iPXE's file API).
    expect(serve.out()).toMatch(new RegExp(`HTTP GET /ldlinux\\.c32: 200, ${size('ldlinux.c32')} bytes`));
    expectWholeBody(capture, 'pxelinux.0');
    // `analyze` does not yet count this as a boot: for a PXEClient attempt it credits TFTP
    // transfers only (src/exchange/boot-methods.ts), so iPXE's HTTP downloads are "never requested".
  }, 400_000);
});
