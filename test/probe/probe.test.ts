/**
 * `pxe-doctor probe` against real servers in network namespaces (pxp-*): dnsmasq configured well
 * (full DHCP with per-arch boot files; address DHCP + proxyDHCP), dnsmasq configured in each of the
 * lab's broken ways, and `pxe-doctor serve`. For every case the probe's verdict per architecture,
 * its exit code and the analyzer finding ids must match the configuration. Runs the BUILT CLI
 * (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDR, CLI, ProbeLab, REPO, labUnavailable, run, type Started } from './lab.js';

const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0';
const SYSLINUX_EFI64 = '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi';

const why = labUnavailable(['dnsmasq', 'tshark', 'dhcpd', 'in.tftpd']) ?? (fs.existsSync(PXELINUX) && fs.existsSync(SYSLINUX_EFI64) ? undefined : missingLoaders());

function missingLoaders(): string {
  if (process.env.CI) throw new Error('probe lab needs the pxelinux and syslinux-efi packages');
  return 'pxelinux / syslinux-efi not installed';
}

interface ProbeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: ProbeJson;
}

interface ProbeJson {
  ok: boolean;
  archs: {
    arch: string;
    ok: boolean;
    verdict: string;
    mac: string;
    offers: { server: string; kind: string; bootFile?: string; yiaddr?: string }[];
    steps: { step: string; ok: boolean; detail: string }[];
    bootFile?: string;
    tftp?: { size?: number; bytes: number; rate?: number; header?: string; mode: string };
    findings: { id: string; severity: string }[];
  }[];
}

describe.skipIf(why !== undefined)('pxe-doctor probe in namespaces', () => {
  const lab = new ProbeLab('t');
  let dir = '';
  let root = '';

  beforeAll(() => {
    // `npm test` builds first; the CLI under test is the built one.
    expect(fs.existsSync(path.join(REPO, 'dist/probe/run.js'))).toBe(true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pxp-'));
    root = path.join(dir, 'root');
    fs.mkdirSync(root);
    fs.copyFileSync(PXELINUX, path.join(root, 'pxelinux.0'));
    fs.copyFileSync(SYSLINUX_EFI64, path.join(root, 'syslinux.efi'));
    lab.build();
  }, 300_000);

  afterAll(async () => {
    await lab.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function probe(args: string[]): Promise<ProbeRun> {
    return new Promise((resolve) => {
      execFile(
        'ip',
        ['netns', 'exec', lab.ns('cli'), process.execPath, CLI, 'probe', '-i', 'eth0', '--timeout', '1', ...args],
        { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, encoding: 'utf8' },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
          let json: ProbeJson | undefined;
          if (args.includes('--json')) {
            try {
              json = JSON.parse(stdout) as ProbeJson;
            } catch {
              /* asserted by the caller */
            }
          }
          resolve({ code, stdout, stderr, json });
        },
      );
    });
  }

  /** dnsmasq in the foreground, DNS off, no ping check (it would delay offers by 3 s), leases in our tmp dir. */
  async function dnsmasq(role: 'dhcp' | 'pxe', name: string, extra: string[]): Promise<Started> {
    const args = [
      '--no-daemon',
      '--conf-file=/dev/null',
      `--pid-file=${path.join(dir, `${name}.pid`)}`,
      `--dhcp-leasefile=${path.join(dir, `${name}.leases`)}`,
      '--port=0',
      '--no-ping',
      '--log-facility=-',
      '--interface=eth0',
      '--bind-interfaces',
      ...extra,
    ];
    const p = lab.start(role, 'dnsmasq', args);
    await p.waitFor(/DHCP, (IP range|proxy on subnet)/, 10_000);
    return p;
  }

  const FULL_RANGE = '--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h';
  const PER_ARCH = ['--dhcp-match=set:efi64,option:client-arch,7', '--dhcp-boot=tag:!efi64,pxelinux.0', '--dhcp-boot=tag:efi64,syslinux.efi'];
  const tftpRoot = (): string[] => ['--enable-tftp', `--tftp-root=${root}`];

  async function withServers(start: () => Promise<Started[]>, body: () => Promise<void>): Promise<void> {
    const procs = await start();
    try {
      await body();
    } finally {
      for (const p of procs) await lab.stop(p);
    }
  }

  function byArch(j: ProbeJson | undefined, arch: string): ProbeJson['archs'][number] {
    const a = j?.archs.find((x) => x.arch === arch);
    if (!a) throw new Error(`no result for ${arch}`);
    return a;
  }

  const ids = (a: ProbeJson['archs'][number], severity?: string): string[] => a.findings.filter((f) => !severity || f.severity === severity).map((f) => f.id);

  it('dnsmasq full DHCP with per-arch boot files: both architectures would boot (exit 0), capture analyzable', async () => {
    const pcap = path.join(dir, 'good.pcapng');
    await withServers(
      async () => [await dnsmasq('dhcp', 'good', [FULL_RANGE, ...PER_ARCH, ...tftpRoot()])],
      async () => {
        const r = await probe(['--json', '--write', pcap]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.json?.ok).toBe(true);
        const bios = byArch(r.json, 'bios');
        const efi = byArch(r.json, 'efi64');
        expect(bios.ok).toBe(true);
        expect(efi.ok).toBe(true);
        expect(bios.offers.map((o) => [o.server, o.kind, o.bootFile])).toEqual([[ADDR.dhcp, 'dhcp-boot', 'pxelinux.0']]);
        expect(efi.offers.map((o) => [o.server, o.kind, o.bootFile])).toEqual([[ADDR.dhcp, 'dhcp-boot', 'syslinux.efi']]);
        expect(bios.tftp?.size).toBe(fs.statSync(PXELINUX).size);
        expect(efi.tftp?.size).toBe(fs.statSync(SYSLINUX_EFI64).size);
        expect(bios.tftp?.header).toBe('BIOS NBP (no MZ header)');
        expect(efi.tftp?.header).toBe('PE/COFF x64 (machine 0x8664)');
        expect(ids(bios, 'error')).toEqual([]);
        expect(ids(efi, 'error')).toEqual([]);
        // Never a lease without --request: no DHCPREQUEST left the probe.
        expect(bios.steps.map((s) => s.step)).toEqual(['discover', 'select', 'tftp-size', 'tftp-header', 'nbp-header']);
      },
    );
    // The written capture is a real pcapng: tshark reads it, and `analyze` finds both clients.
    const tshark = run('tshark', ['-r', pcap, '-Y', 'dhcp.option.dhcp == 1', '-T', 'fields', '-e', 'dhcp.option.vendor_class_id']);
    expect(tshark.trim().split('\n')).toEqual(['PXEClient:Arch:00000:UNDI:002001', 'PXEClient:Arch:00007:UNDI:003000']);
    // Synthesized IPv4 and UDP checksums verify (status 1 = good).
    const sums = run('tshark', ['-r', pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status']);
    expect(new Set(sums.trim().split('\n'))).toEqual(new Set(['1\t1']));
    const analyzed = JSON.parse(run(process.execPath, [CLI, 'analyze', '--json', pcap])) as { clients: { mac: string; offers: unknown[] }[] };
    expect(analyzed.clients.length).toBe(2);
    expect(analyzed.clients.every((c) => c.offers.length === 1)).toBe(true);
  });

  it('--tftp full downloads the boot file and reports size and rate; --request takes the lease and releases it', async () => {
    await withServers(
      async () => [await dnsmasq('dhcp', 'full', [FULL_RANGE, ...PER_ARCH, ...tftpRoot()])],
      async () => {
        const r = await probe(['--json', '--arch', 'efi64', '--tftp', 'full', '--request']);
        expect(r.code).toBe(0);
        const efi = byArch(r.json, 'efi64');
        expect(efi.ok).toBe(true);
        expect(efi.tftp?.mode).toBe('full');
        expect(efi.tftp?.bytes).toBe(fs.statSync(SYSLINUX_EFI64).size);
        expect(efi.tftp?.rate).toBeGreaterThan(0);
        expect(efi.steps.map((s) => [s.step, s.ok])).toEqual([
          ['discover', true],
          ['select', true],
          ['request', true],
          ['tftp-download', true],
          ['nbp-header', true],
          ['release', true],
        ]);
        // The release reached dnsmasq: the lease file no longer holds the probe's MAC.
        await new Promise((res) => setTimeout(res, 300));
        const leases = fs.existsSync(path.join(dir, 'full.leases')) ? fs.readFileSync(path.join(dir, 'full.leases'), 'utf8') : '';
        expect(leases).not.toContain(efi.mac);
      },
    );
  });

  it('address DHCP + dnsmasq proxyDHCP (pxe-service): both architectures would boot', async () => {
    await withServers(
      async () => [
        await dnsmasq('dhcp', 'addr', [FULL_RANGE]),
        await dnsmasq('pxe', 'proxy', [
          '--dhcp-range=192.0.2.0,proxy,255.255.255.0',
          '--pxe-service=x86PC,"BIOS",pxelinux',
          '--pxe-service=X86-64_EFI,"UEFI",syslinux.efi',
          ...tftpRoot(),
        ]),
      ],
      async () => {
        const r = await probe(['--json']);
        expect(r.code, r.stdout).toBe(0);
        for (const arch of ['bios', 'efi64']) {
          const a = byArch(r.json, arch);
          expect(a.ok, JSON.stringify(a.steps)).toBe(true);
          expect(a.offers.some((o) => o.server === ADDR.pxe && o.kind.startsWith('proxy'))).toBe(true);
          expect(ids(a, 'error')).toEqual([]);
        }
        expect(byArch(r.json, 'bios').bootFile).toBe('pxelinux.0');
        expect(byArch(r.json, 'efi64').bootFile).toBe('syslinux.efi');
      },
    );
  });

  it('address DHCP + pxe-doctor serve (proxy; EFI asks on 4011): both architectures would boot', async () => {
    await withServers(
      async () => {
        const d = await dnsmasq('dhcp', 'addr2', [FULL_RANGE]);
        const s = lab.start('pxe', process.execPath, [CLI, 'serve', '-i', 'eth0', '--tftp-root', root, '--boot', 'bios=pxelinux.0', '--boot', 'efi64=syslinux.efi']);
        await s.waitFor(/serving on eth0/, 15_000);
        return [d, s];
      },
      async () => {
        const r = await probe(['--json']);
        expect(r.code, r.stdout).toBe(0);
        const bios = byArch(r.json, 'bios');
        const efi = byArch(r.json, 'efi64');
        expect(bios.ok).toBe(true);
        expect(efi.ok).toBe(true);
        expect(bios.offers.find((o) => o.server === ADDR.pxe)?.kind).toBe('proxy');
        expect(efi.offers.find((o) => o.server === ADDR.pxe)?.kind).toBe('proxy-binl');
        expect(efi.steps.find((s) => s.step === 'boot-server')?.ok).toBe(true);
        expect(efi.bootFile).toBe('syslinux.efi');
      },
    );
  });

  it('ISC dhcpd (per-arch filename by option 93, next-server) + tftpd-hpa: --tftp full --request, lease released', async () => {
    const conf = path.join(dir, 'dhcpd.conf');
    const leases = path.join(dir, 'dhcpd.leases');
    fs.writeFileSync(
      conf,
      [
        'authoritative;',
        'ping-check false;',
        'default-lease-time 600;',
        'max-lease-time 600;',
        'option architecture-type code 93 = unsigned integer 16;',
        'subnet 192.0.2.0 netmask 255.255.255.0 {',
        '  range 192.0.2.160 192.0.2.170;',
        `  next-server ${ADDR.pxe};`,
        '  if option architecture-type = 00:07 { filename "syslinux.efi"; } else { filename "pxelinux.0"; }',
        '}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(leases, '');
    await withServers(
      async () => {
        const d = lab.start('dhcp', 'dhcpd', ['-f', '-d', '-4', '-cf', conf, '-lf', leases, '-pf', path.join(dir, 'dhcpd.pid'), 'eth0']);
        await d.waitFor(/Server starting service/, 15_000);
        const t = lab.start('pxe', 'in.tftpd', ['-L', '-v', '-s', root, '-a', `${ADDR.pxe}:69`]);
        return [d, t];
      },
      async () => {
        const r = await probe(['--json', '--tftp', 'full', '--request']);
        expect(r.code, r.stdout).toBe(0);
        for (const [arch, file, loader] of [
          ['bios', 'pxelinux.0', PXELINUX],
          ['efi64', 'syslinux.efi', SYSLINUX_EFI64],
        ]) {
          const a = byArch(r.json, arch as string);
          expect(a.ok).toBe(true);
          expect(a.offers.map((o) => [o.server, o.kind, o.bootFile])).toEqual([[ADDR.dhcp, 'dhcp-boot', file]]);
          expect(a.tftp?.bytes).toBe(fs.statSync(loader as string).size);
          expect(a.steps.map((s) => s.step)).toEqual(['discover', 'select', 'request', 'tftp-download', 'nbp-header', 'release']);
        }
      },
    );
  });

  it('a TFTP server that refuses RFC 2347 options (tftpd-hpa -r tsize -r blksize): size unknown, header still checked', async () => {
    await withServers(
      async () => {
        const d = await dnsmasq('dhcp', 'noopts', [FULL_RANGE, `--dhcp-boot=syslinux.efi,,${ADDR.pxe}`]);
        const t = lab.start('pxe', 'in.tftpd', ['-L', '-v', '-r', 'tsize', '-r', 'blksize', '-s', root, '-a', `${ADDR.pxe}:69`]);
        return [d, t];
      },
      async () => {
        const r = await probe(['--json', '--arch', 'efi64']);
        expect(r.code, r.stdout).toBe(0);
        const a = byArch(r.json, 'efi64');
        expect(a.ok).toBe(true);
        expect(a.tftp?.size).toBeUndefined();
        expect(a.tftp?.header).toBe('PE/COFF x64 (machine 0x8664)');
        expect(a.steps.find((s) => s.step === 'tftp-size')?.detail).toMatch(/ignores TFTP options/);
        expect(a.steps.map((s) => s.step)).toEqual(['discover', 'select', 'tftp-size', 'nbp-header']);
        expect(ids(a, 'error')).toEqual([]);
      },
    );
  });

  it('broken: no boot file -> neither architecture boots, no-boot-file (exit 1)', async () => {
    await withServers(
      async () => [await dnsmasq('dhcp', 'nofile', [FULL_RANGE, ...tftpRoot()])],
      async () => {
        const pcap = path.join(dir, 'nofile.pcapng');
        const r = await probe(['--json', '--write', pcap]);
        expect(r.code).toBe(1);
        for (const arch of ['bios', 'efi64']) {
          const a = byArch(r.json, arch);
          expect(a.ok).toBe(false);
          expect(a.steps.find((s) => s.step === 'select')?.ok).toBe(false);
          expect(ids(a, 'error')).toContain('no-boot-file');
        }
        // `analyze` on the written capture reaches the same verdict for each client, with the same ids.
        const analyzed = JSON.parse(run(process.execPath, [CLI, 'analyze', '--json', '--fail-on', 'never', pcap])) as { findings: { id: string; client: string; severity: string }[] };
        for (const arch of ['bios', 'efi64']) {
          const mac = byArch(r.json, arch).mac;
          expect(analyzed.findings.filter((f) => f.client === mac && f.severity === 'error').map((f) => f.id)).toEqual(ids(byArch(r.json, arch), 'error'));
        }
      },
    );
  });

  it('broken: option 60 "PXEClient" on the DHCP server, nothing on 4011 -> option60-on-dhcp-server (exit 1)', async () => {
    await withServers(
      async () => [await dnsmasq('dhcp', 'opt60', [FULL_RANGE, ...PER_ARCH, '--dhcp-option-force=60,PXEClient', ...tftpRoot()])],
      async () => {
        const r = await probe(['--json']);
        expect(r.code).toBe(1);
        for (const arch of ['bios', 'efi64']) {
          const a = byArch(r.json, arch);
          expect(a.ok).toBe(false);
          expect(a.offers.map((o) => o.kind)).toEqual(['dhcp-binl']);
          expect(a.steps.find((s) => s.step === 'boot-server')).toMatchObject({ ok: false, detail: expect.stringMatching(/ICMP port unreachable: nothing listens on udp\/4011 at 192\.0\.2\.1/) });
          expect(ids(a, 'error')).toContain('option60-on-dhcp-server');
        }
      },
    );
  });

  it('broken: boot file missing from the TFTP root -> tftp-file-not-found (exit 1)', async () => {
    await withServers(
      async () => [await dnsmasq('dhcp', 'missing', [FULL_RANGE, '--dhcp-boot=bootx64.efi', ...tftpRoot()])],
      async () => {
        const r = await probe(['--json', '--arch', 'efi64']);
        expect(r.code).toBe(1);
        const a = byArch(r.json, 'efi64');
        expect(a.ok).toBe(false);
        expect(a.steps.find((s) => s.step === 'tftp-size')?.detail).toMatch(/ERROR 1/);
        expect(ids(a, 'error')).toContain('tftp-file-not-found');
      },
    );
  });

  it('broken: BIOS-only boot files -> bios boots, efi64 gets pxelinux.0: arch-bootfile-mismatch (exit 1)', async () => {
    await withServers(
      async () => [await dnsmasq('dhcp', 'biosonly', [FULL_RANGE, '--dhcp-boot=pxelinux.0', ...tftpRoot()])],
      async () => {
        const r = await probe(['--json']);
        expect(r.code).toBe(1);
        const bios = byArch(r.json, 'bios');
        const efi = byArch(r.json, 'efi64');
        expect(bios.ok).toBe(true);
        expect(ids(bios, 'error')).toEqual([]);
        expect(efi.ok).toBe(false);
        expect(efi.steps.find((s) => s.step === 'nbp-header')).toMatchObject({ ok: false });
        expect(ids(efi, 'error')).toContain('arch-bootfile-mismatch');
      },
    );
  });

  it('broken: proxyDHCP (pxe-doctor serve) but no address DHCP server -> no-address-offer (exit 1)', async () => {
    await withServers(
      async () => {
        const s = lab.start('pxe', process.execPath, [CLI, 'serve', '-i', 'eth0', '--tftp-root', root, '--boot', 'bios=pxelinux.0', '--boot', 'efi64=syslinux.efi']);
        await s.waitFor(/serving on eth0/, 15_000);
        return [s];
      },
      async () => {
        const r = await probe(['--json', '--arch', 'efi64']);
        expect(r.code).toBe(1);
        const a = byArch(r.json, 'efi64');
        expect(a.ok).toBe(false);
        expect(a.offers.map((o) => [o.server, o.kind])).toEqual([[ADDR.pxe, 'proxy-binl']]);
        expect(a.steps).toMatchObject([{ step: 'discover', ok: false, detail: expect.stringMatching(/no address offer/) }]);
        expect(ids(a, 'error')).toContain('no-address-offer');
      },
    );
  });

  it('broken: next-server points at a host without TFTP -> tftp-no-response (exit 1)', async () => {
    await withServers(
      async () => [await dnsmasq('dhcp', 'notftp', [FULL_RANGE, `--dhcp-boot=pxelinux.0,,${ADDR.pxe}`])],
      async () => {
        // --timeout 3: three RRQs, as firmware retries; two unanswered ones right before the probe
        // stops would read as a capture cut short (docs/analyze.md#rules, capture-ended-mid-exchange).
        const r = await probe(['--json', '--arch', 'bios', '--timeout', '3']);
        expect(r.code).toBe(1);
        const a = byArch(r.json, 'bios');
        expect(a.ok).toBe(false);
        expect(a.steps.find((s) => s.step === 'tftp-size')).toMatchObject({ ok: false, detail: expect.stringMatching(/no answer from 192\.0\.2\.2:69/) });
        expect(ids(a, 'error')).toContain('tftp-no-response');
      },
    );
  });

  it('no server at all -> no-dhcp-offer, text output with the ladder diagram (exit 1)', async () => {
    const r = await probe(['--arch', 'bios']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no-dhcp-offer');
    expect(r.stdout).toMatch(/DISCOVER/);
    expect(r.stdout).toMatch(/bios\s+would NOT boot/);
  });
});

describe('pxe-doctor probe usage errors (exit 2, one line, no stack)', () => {
  const cli = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, 'probe', ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000, encoding: 'utf8' }, (err, _o, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
      );
    });

  it.skipIf(!fs.existsSync(CLI) || !fs.existsSync(path.join(REPO, 'dist/cli/commands/probe.js')))('rejects bad options before touching the network', async () => {
    for (const [args, re] of [
      [['-i', 'lo', '--arch', 'pdp11'], /unknown architecture "pdp11"/],
      [['-i', 'lo', '--timeout', 'soon'], /--timeout must be/],
      [['-i', 'lo', '--tftp', 'half'], /--tftp must be size or full/],
      [['-i', 'pxp-no-such-if0'], /no interface named pxp-no-such-if0/],
      [['-i', 'lo', '--mac', 'zz'], /not a MAC address/],
    ] as [string[], RegExp][]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
