/**
 * End to end: the BUILT CLI (`npm test` builds first) on real captures: lab captures from real qemu
 * firmware (SeaBIOS+iPXE, OVMF/EDK2) against real servers (isc-dhcpd, dnsmasq, tftpd-hpa, dhcrelay),
 * the public Pixiecore PXE capture, and every public DHCP/TFTP capture (no crash, sane JSON).
 * Evidence frames of the lab failures are cross-checked with tshark when it is installed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AnalysisJson } from '../../src/report/schema.js';
import { analyzeCli, hasTshark, labDir, root, tsharkFrames } from '../helpers/analyze-cli.js';
import { runCli } from '../helpers/run-cli.js';

const usec = join(root, 'fixtures/public/netboot/usec.pcap');
const run = (args: string[], input?: Uint8Array) => runCli(args, { input });
const analyze = analyzeCli;

const labCaptures = existsSync(labDir) ? readdirSync(labDir).filter((f) => /\.(pcap|pcapng)$/.test(f)) : [];
const okCaptures = labCaptures.filter((f) => f.startsWith('ok-'));

describe('pxe-doctor analyze (built CLI) on lab captures of real firmware', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist/cli/commands/analyze.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/pipeline.js'))).toBe(true);
  });

  it('has working captures to check', () => {
    expect(okCaptures.length).toBeGreaterThan(0);
  });

  for (const f of okCaptures) {
    it(`${f}: the client boots, no error finding, exit 0`, () => {
      const { code, json } = analyze(join(labDir, f));
      expect(code).toBe(0);
      expect(json.schemaVersion).toBe(1);
      expect(json.findings.filter((x) => x.severity === 'error')).toEqual([]);
      const pxe = json.clients.filter((c) => c.vendorClass?.startsWith('PXEClient'));
      expect(pxe.length).toBeGreaterThan(0);
      for (const c of pxe) {
        expect(c.ok, `${c.mac} ${c.stage}`).toBe(true);
        expect(['nbp', 'second-stage']).toContain(c.stage);
        // The first stage came by TFTP, or (iPXE given a script URL) by HTTP.
        expect(c.transfers.some((t) => t.role === 'nbp' && t.outcome === 'complete') || c.chain?.some((s) => s.kind === 'ipxe-http' && s.status === 'ok')).toBe(true);
        expect(c.lastStage?.status).toBe('ok');
        expect(c.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        expect(c.timeline.length).toBeGreaterThan(0);
      }
    });
  }

  const lab = (name: string) => join(labDir, name);
  const present = (name: string) => (existsSync(lab(name)) ? it : it.skip);

  present('ok-uefi-proxydhcp.pcap')('ok-uefi-proxydhcp: EDK2 size probe, BINL proxy, 4011 step, x64 NBP, PXELINUX config search', () => {
    const { json } = analyze(lab('ok-uefi-proxydhcp.pcap'));
    const c = json.clients[0]!;
    expect(c.arch).toEqual([7]);
    expect(c.offers.map((o) => o.kind)).toContain('proxy-binl');
    expect(c.offers.map((o) => o.kind)).toContain('boot-server-ack');
    const nbp = c.transfers.filter((t) => t.role === 'nbp');
    expect(nbp.map((t) => t.outcome)).toEqual(['tsize-probe', 'complete']);
    expect(nbp[0]!.errorCode).toBe(8);
    expect(nbp[1]!.format).toBe('PE/COFF x64');
    expect(nbp[1]!.bytes).toBe(nbp[0]!.tsize);
    const probes = c.transfers.filter((t) => t.outcome === 'not-found-probe');
    expect(probes.length).toBe(10);
    expect(c.transfers.some((t) => t.file.endsWith('pxelinux.cfg/default') && t.outcome === 'complete')).toBe(true);
    expect(c.stage).toBe('second-stage');
    const kinds = c.timeline.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['DISCOVER', 'PROXY-OFFER']);
    expect(kinds).toContain('4011-REQUEST');
    expect(kinds).toContain('4011-ACK');
  });

  present('ok-bios-relay.both-sides.pcapng')('ok-bios-relay.both-sides: each routed packet counts once although both segments hold it', () => {
    const both = analyze(lab('ok-bios-relay.both-sides.pcapng')).json.clients[0]!;
    expect(both.ok).toBe(true);
    expect(both.offers.filter((o) => o.kind === 'boot-server-ack')).toHaveLength(1);
    expect(both.transfers.every((t) => t.retransmissions === 0)).toBe(true);
    expect(both.timeline.filter((e) => e.kind === '4011-REQUEST').every((e) => !e.repeats)).toBe(true);
    if (existsSync(lab('ok-bios-relay.pcap'))) {
      const one = analyze(lab('ok-bios-relay.pcap')).json.clients[0]!;
      expect(both.transfers.map((t) => [t.file, t.outcome, t.bytes, t.blocks])).toEqual(one.transfers.map((t) => [t.file, t.outcome, t.bytes, t.blocks]));
      expect(both.offers.map((o) => o.kind)).toEqual(one.offers.map((o) => o.kind));
    }
  });

  for (const [name, ok, id] of [
    ['ok-bios-relay', true, undefined],
    ['fail-relay-missing-pxe-helper', false, 'relay-missing-pxe-helper'],
  ] as const) {
    (hasTshark && existsSync(lab(`${name}.both-sides.pcapng`)) ? it : it.skip)(`${name}: the server-LAN half alone (capture taken at the servers) gives the same verdict`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'pxe-doctor-vantage-'));
      try {
        const serverSide = join(dir, 'server-side.pcapng');
        const r = spawnSync('tshark', ['-r', lab(`${name}.both-sides.pcapng`), '-Y', 'frame.interface_id == 1', '-F', 'pcapng', '-w', serverSide], { encoding: 'utf8', timeout: 60_000 });
        expect(r.status, r.stderr).toBe(0);
        const { json } = analyze(serverSide);
        expect(json.clients).toHaveLength(1);
        expect(json.clients[0]!.ok).toBe(ok);
        expect(json.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(id ? [id] : []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  present('fail-no-bootfile.pcap')('fail-no-bootfile: no-boot-file with the offers and the ACK as evidence', () => {
    const file = lab('fail-no-bootfile.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => f.id)).toEqual(['no-boot-file']);
    const f = json.findings[0]!;
    expect(f.severity).toBe('error');
    expect(f.firmwareMessage).toBe('PXE-E53');
    expect(f.client).toBe('52:54:00:be:00:01');
    if (hasTshark) expect(f.frames).toEqual(tsharkFrames(file, 'dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5'));
    expect(json.clients[0]!.ok).toBe(false);
    expect(json.clients[0]!.stage).toBe('bound');
  });

  present('fail-option60-on-dhcp.pcap')('fail-option60-on-dhcp: option60-on-dhcp-server, the 4011 requests and the ICMP port unreachable', () => {
    const file = lab('fail-option60-on-dhcp.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['option60-on-dhcp-server']);
    const f = json.findings.find((x) => x.id === 'option60-on-dhcp-server')!;
    // OVMF's console said "PXE-E16: No valid offer received." (fail-option60-on-dhcp.md).
    expect(f.firmwareMessage).toBe('PXE-E16');
    if (hasTshark) {
      const offer = tsharkFrames(file, 'dhcp.option.dhcp == 2')[0]!;
      const req4011 = tsharkFrames(file, 'udp.dstport == 4011 && dhcp');
      const icmp = tsharkFrames(file, 'icmp.type == 3');
      expect(f.frames).toContain(offer);
      expect(f.frames).toContain(req4011[0]);
      expect(f.frames).toContain(icmp[0]);
    }
  });

  present('fail-option60-on-dhcp-bios.pcap')('fail-option60-on-dhcp-bios: iPXE asks 4011 in vain, then has no next-server', () => {
    const file = lab('fail-option60-on-dhcp-bios.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => f.id).sort()).toEqual(['boot-server-address-missing', 'option60-on-dhcp-server']);
    expect(json.findings.every((f) => f.severity === 'error')).toBe(true);
    const f = json.findings.find((x) => x.id === 'option60-on-dhcp-server')!;
    if (hasTshark) {
      expect(f.frames).toContain(tsharkFrames(file, 'dhcp.option.dhcp == 2')[0]);
      expect(f.frames).toContain(tsharkFrames(file, 'udp.dstport == 4011 && dhcp')[0]);
      expect(f.frames).toContain(tsharkFrames(file, 'icmp.type == 3')[0]);
    }
  });

  for (const name of ['fail-relay-missing-pxe-helper.pcap', 'fail-relay-missing-pxe-helper.both-sides.pcapng']) {
    present(name)(`${name}: relay-missing-pxe-helper, not no-boot-file`, () => {
      const file = lab(name);
      const { code, json } = analyze(file);
      expect(code).toBe(1);
      expect(json.findings.map((f) => f.id)).toEqual(['relay-missing-pxe-helper']);
      const f = json.findings[0]!;
      expect(f.title).toContain('192.0.2.254');
      if (hasTshark) {
        // Client side only (both-sides: interface 0 is the client LAN, the relay's copies are folded).
        const replies = tsharkFrames(file, '(dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5) && udp.dstport == 67');
        const all = replies.length > 0 ? replies : tsharkFrames(file, 'dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5');
        expect(f.frames).toEqual(all);
      }
    });
  }

  present('fail-tftp-file-not-found.pcap')('fail-tftp-file-not-found: tftp-file-not-found with the RRQ and the ERROR', () => {
    const file = lab('fail-tftp-file-not-found.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => f.id)).toEqual(['tftp-file-not-found']);
    const f = json.findings[0]!;
    expect(f.firmwareMessage).toBe('PXE-E3B');
    if (hasTshark) {
      const rrq = tsharkFrames(file, 'tftp.opcode == 1');
      const err = tsharkFrames(file, 'tftp.opcode == 5');
      expect(f.frames).toEqual([rrq[rrq.length - 1], err[err.length - 1]]);
    }
  });

  present('fail-tftp-server-down.pcap')('fail-tftp-server-down: tftp-no-response with RRQs and ICMP port unreachable', () => {
    const file = lab('fail-tftp-server-down.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => f.id)).toEqual(['tftp-no-response']);
    const f = json.findings[0]!;
    expect(f.firmwareMessage).toBe('PXE-E32');
    expect(json.clients[0]!.transfers[0]!.outcome).toBe('no-response');
    if (hasTshark) {
      const rrq = tsharkFrames(file, 'tftp.opcode == 1');
      const icmp = tsharkFrames(file, 'icmp.type == 3');
      expect(f.frames).toContain(rrq[0]);
      expect(f.frames).toContain(icmp[0]);
    }
  });

  present('fail-two-boot-servers.pcap')('fail-two-boot-servers: multiple-boot-servers and the file-not-found at the server the client followed', () => {
    const file = lab('fail-two-boot-servers.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => f.id).sort()).toEqual(['multiple-boot-servers', 'tftp-file-not-found']);
    const f = json.findings.find((x) => x.id === 'multiple-boot-servers')!;
    expect(f.severity).toBe('error');
    expect(f.title).toContain('192.0.2.2');
    expect(f.title).toContain('192.0.2.3');
    if (hasTshark) {
      const proxyOffers = tsharkFrames(file, 'dhcp.option.dhcp == 2 && dhcp.ip.your == 0.0.0.0');
      expect(proxyOffers).toHaveLength(2);
      for (const n of proxyOffers) expect(f.frames).toContain(n);
    }
  });

  present('fail-ipxe-chainload-loop.pcap')('fail-ipxe-chainload-loop: iPXE handed undionly.kpxe round after round', () => {
    const file = lab('fail-ipxe-chainload-loop.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['ipxe-chainload-loop']);
    const f = json.findings[0]!;
    expect(f.title).toContain('undionly.kpxe');
    if (hasTshark) {
      const rrqs = tsharkFrames(file, 'tftp.opcode == 1 && tftp.source_file == "undionly.kpxe"');
      expect(rrqs.length).toBeGreaterThanOrEqual(2);
      for (const n of rrqs) expect(f.frames).toContain(n);
    }
    const m = /one cycle every ([\d.]+) s/.exec(f.title);
    expect(Number(m![1])).toBeGreaterThan(15); // the lab capture shows one cycle about every 18.5-20 s
  });

  present('fail-uefi-gets-bios-file.pcap')('fail-uefi-gets-bios-file: arch-bootfile-mismatch judged from the NBP header', () => {
    const file = lab('fail-uefi-gets-bios-file.pcap');
    const { code, json } = analyze(file);
    expect(code).toBe(1);
    expect(json.findings.map((f) => f.id)).toEqual(['arch-bootfile-mismatch']);
    const f = json.findings[0]!;
    expect(f.title).toContain('BIOS NBP (no PE/COFF header)');
    expect(f.title).toContain('x64 UEFI');
    const c = json.clients[0]!;
    expect(c.arch).toEqual([7]);
    expect(c.ok).toBe(false);
    expect(c.transfers.find((t) => t.role === 'nbp' && t.outcome === 'complete')!.format).toBe('BIOS NBP (no PE/COFF header)');
    if (hasTshark) expect(f.frames).toContain(tsharkFrames(file, 'tftp.opcode == 1').pop());
  });
});

/**
 * The lab's hand-written expectations (fixtures/captures/*.expect.yaml, format in docs/check.md),
 * checked here directly against `analyze --json`: the analyzer's own contract with the lab.
 */
describe('pxe-doctor analyze (built CLI) meets the lab expectations files', () => {
  const STAGES = ['none', 'discover', 'offer', 'bound', 'proxy', 'tftp', 'nbp', 'second-stage'];
  const RANK: Record<string, number> = { none: -1, info: 0, warning: 1, error: 2 };
  const expectFiles = existsSync(labDir) ? readdirSync(labDir).filter((f) => f.endsWith('.expect.yaml')) : [];
  const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);
  for (const ef of expectFiles) {
    const spec = parseYaml(readFileSync(join(labDir, ef), 'utf8')) as Record<string, any>;
    const base = ef.replace(/\.expect\.yaml$/, '');
    const capture = spec['capture'] ? join(labDir, spec['capture']) : [`${base}.pcap`, `${base}.pcapng`].map((n) => join(labDir, n)).find((p) => existsSync(p));
    (capture && existsSync(capture) ? it : it.skip)(`${ef}`, () => {
      const { json } = analyze(capture!);
      for (const [macIn, want] of Object.entries((spec['clients'] ?? {}) as Record<string, Record<string, unknown>>)) {
        const mac = macIn.toLowerCase().replace(/-/g, ':');
        const c = json.clients.find((x) => x.mac === mac);
        expect(c, `${ef}: client ${mac}`).toBeDefined();
        const mine = json.findings.filter((f) => f.client === mac);
        const ids = mine.map((f) => f.id);
        if ('ok' in want) expect(c!.ok, `${ef} ok`).toBe(want['ok']);
        if ('stage' in want) expect(c!.stage, `${ef} stage`).toBe(want['stage']);
        if ('minStage' in want) expect(STAGES.indexOf(c!.stage)).toBeGreaterThanOrEqual(STAGES.indexOf(want['minStage'] as string));
        if ('bootFile' in want) expect(c!.bootFile ?? null, `${ef} bootFile`).toBe(want['bootFile']);
        if ('bootServer' in want) expect(c!.bootServer ?? null, `${ef} bootServer`).toBe(want['bootServer']);
        for (const id of [...asList(want['findings']), ...asList(want['mustInclude'])]) expect(ids, `${ef} findings`).toContain(id);
        for (const id of [...asList(want['notFindings']), ...asList(want['mustNotInclude'])]) expect(ids, `${ef} notFindings`).not.toContain(id);
        if ('maxSeverity' in want) for (const f of mine) expect(RANK[f.severity]!, `${ef}: ${f.id} ${f.severity}`).toBeLessThanOrEqual(RANK[want['maxSeverity'] as string]!);
      }
      const wide = (spec['capture-wide'] ?? spec['captureWide'] ?? {}) as Record<string, unknown>;
      if ('clientCount' in wide) expect(json.clients.length, `${ef} clientCount`).toBe(wide['clientCount']);
      if ('ok' in wide) expect(json.clients.length > 0 && json.clients.every((c) => c.ok) && !json.findings.some((f) => f.severity === 'error')).toBe(wide['ok']);
      const all = json.findings.map((f) => f.id);
      for (const id of [...asList(wide['findings']), ...asList(wide['mustInclude'])]) expect(all).toContain(id);
      for (const id of [...asList(wide['notFindings']), ...asList(wide['mustNotInclude'])]) expect(all).not.toContain(id);
      if ('maxSeverity' in wide) for (const f of json.findings) expect(RANK[f.severity]!).toBeLessThanOrEqual(RANK[wide['maxSeverity'] as string]!);
    });
  }
});

describe('pxe-doctor analyze (built CLI) on public captures', () => {
  it('usec.pcap (real PXE boot against Pixiecore): proxy offer, 4011 step, boot file, replies not captured', () => {
    const { code, json } = analyze(usec);
    expect(code).toBe(0);
    expect(json.capture.frames).toBe(9);
    expect(json.capture.format).toBe('pcap');
    expect(json.clients).toHaveLength(1);
    const c = json.clients[0]!;
    expect(c.mac).toBe('d0:50:99:4e:05:57');
    expect(c.arch).toEqual([0]);
    expect(c.vendorClass).toBe('PXEClient:Arch:00000:UNDI:002001');
    expect(c.firmware).toBe('BIOS PXE firmware (UNDI 2.1)');
    expect(c.offers.map((o) => [o.kind, o.frame])).toEqual([
      ['proxy', 2],
      ['dhcp', 3],
      ['boot-server-ack', 7],
    ]);
    expect(c.bootFile).toBe('boot');
    expect(c.bootServer).toBe('192.168.16.10');
    expect(c.stage).toBe('tftp');
    expect(c.ok).toBe(false);
    expect(c.transfers.map((t) => [t.file, t.outcome, t.frames[0]])).toEqual([
      ['boot', 'not-captured', 8],
      ['boot', 'capture-ended', 9],
    ]);
    expect(json.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(json.findings.map((f) => f.id)).toContain('tftp-replies-not-captured');
    const kinds = c.timeline.map((e) => e.kind);
    expect(kinds).toEqual(['DISCOVER', 'PROXY-OFFER', 'OFFER', 'REQUEST', 'ACK', '4011-REQUEST', '4011-ACK', 'TFTP-TRANSFER', 'TFTP-TRANSFER']);
  });

  const publicFiles: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(pcap|pcapng)$/.test(e.name)) publicFiles.push(join(d, e.name));
    }
  };
  walk(join(root, 'fixtures/public'));

  it('every public DHCP/TFTP capture: valid JSON, no crash, MACs lowercase with colons', () => {
    expect(publicFiles.length).toBeGreaterThan(30);
    for (const f of publicFiles) {
      const r = run(['analyze', f, '--json', '--fail-on', 'never']);
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stderr, f).toBe('');
      const json = JSON.parse(r.stdout) as AnalysisJson;
      expect(json.schemaVersion).toBe(1);
      for (const c of json.clients) {
        if (!c.mac.startsWith('ip:')) expect(c.mac, f).toMatch(/^([0-9a-f]{2}:){5,15}[0-9a-f]{2}$/);
        for (const id of c.findings) expect(json.findings.some((x) => x.id === id && x.client === c.mac)).toBe(true);
      }
      for (const x of json.findings) {
        expect(x.frames.length, `${f} ${x.id}`).toBeGreaterThan(0);
        expect(x.frames.every((n) => n >= 1 && n <= json.capture.frames)).toBe(true);
      }
    }
  });

  it('the public TFTP error capture: tftp-error for the access violation (PXE-E3C)', () => {
    const { code, json } = analyze(join(root, 'fixtures/public/libslirp/tftp_get_libslirp-txt.pcap'));
    expect(code).toBe(1);
    const f = json.findings.find((x) => x.id === 'tftp-error')!;
    expect(f.firmwareMessage).toBe('PXE-E3C');
    expect(f.frames).toEqual([1, 2]);
  });

  it('a plain TFTP download is one transfer entry with blocks, bytes and rate', () => {
    const { json } = analyze(join(root, 'fixtures/public/spicy-tftp/tftp_rrq.pcap'));
    const t = json.clients[0]!.transfers[0]!;
    expect(t.file).toBe('rfc1350.txt');
    expect(t.outcome).toBe('complete');
    expect(t.blocks).toBe(49);
    expect(t.frames[0]).toBe(1);
    expect(t.rate).toBeGreaterThan(0);
    const tftpEntries = json.clients[0]!.timeline.filter((e) => e.kind === 'TFTP-TRANSFER');
    expect(tftpEntries).toHaveLength(1);
  });
});

describe('pxe-doctor analyze (built CLI): options and exit codes', () => {
  it('prints a text report without colors under NO_COLOR, and runs without the command name', () => {
    const r = run([usec]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('d0:50:99:4e:05:57');
    expect(r.stdout).toContain('tftp-replies-not-captured');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('--fail-on warning / never change the exit code', () => {
    expect(run(['analyze', usec, '--fail-on', 'warning']).code).toBe(1);
    const fail = join(labDir, 'fail-no-bootfile.pcap');
    if (existsSync(fail)) {
      expect(run(['analyze', fail]).code).toBe(1);
      expect(run(['analyze', fail, '--fail-on', 'never']).code).toBe(0);
    }
  });

  it('--client focuses on one machine and accepts other MAC spellings', () => {
    const { json } = analyze(join(root, 'fixtures/public/tcpdump/dhcp-rfc4388.pcap'), ['--fail-on', 'never']);
    expect(json.clients.length).toBeGreaterThan(1);
    const mac = json.clients.find((c) => json.clients.filter((x) => x.mac === c.mac).length === 1)!.mac;
    const focused = analyze(join(root, 'fixtures/public/tcpdump/dhcp-rfc4388.pcap'), ['--client', mac.toUpperCase().replace(/:/g, '-'), '--fail-on', 'never']);
    expect(focused.json.clients.map((c) => c.mac)).toEqual([mac]);
  });

  it('reads a gzip-compressed capture, by content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxe-doctor-analyze-'));
    try {
      const gz = join(dir, 'boot.cap');
      writeFileSync(gz, gzipSync(readFileSync(usec)));
      const { code, json } = analyze(gz);
      expect(code).toBe(0);
      expect(json.clients[0]!.mac).toBe('d0:50:99:4e:05:57');
      expect(json.capture.frames).toBe(9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads stdin with "-"', () => {
    const r = run(['analyze', '-', '--json'], readFileSync(usec));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as AnalysisJson).clients[0]!.mac).toBe('d0:50:99:4e:05:57');
  });

  it('bad input: one line on stderr, exit 2, no stack trace', () => {
    for (const args of [
      ['analyze', join(root, 'fixtures/public/PcapPlusPlus/solaris.snoop')],
      ['analyze', join(root, 'no/such/file.pcap')],
      ['analyze', usec, '--client', 'not-a-mac'],
      ['analyze', usec, '--fail-on', 'sometimes'],
    ]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });
});
