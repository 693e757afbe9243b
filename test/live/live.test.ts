/**
 * `pxe-doctor live` end to end, in network namespaces this test creates (prefix pxv-): a real
 * dnsmasq (DHCP + boot file + TFTP) in a server namespace, a PXE-like client in a client namespace
 * (a real DISCOVER/REQUEST with PXE options from the project's codec, then the real tftp-hpa
 * client), joined by a veth. The BUILT CLI runs `live` on the server's end of the veth, as it would
 * on a PXE server, and the test reads its NDJSON as it streams.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, Lab, REPO, haveTool, labUnavailable, runAsync, waitFor } from './lab.js';

const unavailable = labUnavailable(['ip', 'dnsmasq', 'tcpdump', 'tftp', 'tshark']);
const CLIENT_SCRIPT = join(REPO, 'test', 'live', 'pxe-client.mjs');

// Client MACs: the working flow, the missing-file flow, the big transfer, --count, the 4011 request.
const MAC_OK = '52:54:00:7e:57:01';
const MAC_MISSING = '52:54:00:7e:57:02';
const MAC_BIG = '52:54:00:7e:57:03';
const MAC_COUNT = '52:54:00:7e:57:04';
const MAC_PROXY = '52:54:00:7e:57:05';
const MAC_TEXT = '52:54:00:7e:57:06';
const BIG_SIZE = 24_000_000; // 46 875 blocks of 512: below the 16-bit block number wrap

interface NdjsonLine {
  /** Wall-clock arrival time at the test, seconds since the epoch. */
  at: number;
  rec: Record<string, unknown> & { type: string };
}

class LiveRun {
  readonly child: ChildProcess;
  readonly lines: NdjsonLine[] = [];
  stderr = '';
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private buf = '';

  constructor(lab: Lab, args: string[]) {
    this.child = lab.spawnIn(lab.serverNs, 'env', ['NO_COLOR=1', process.execPath, CLI, 'live', '-i', lab.serverIf, '--json', ...args]);
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      const at = Date.now() / 1000;
      this.buf += s;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line) this.lines.push({ at, rec: JSON.parse(line) });
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.closed = new Promise((r) => this.child.on('close', (code, signal) => r({ code, signal })));
  }

  records(type: string): Record<string, any>[] {
    return this.lines.filter((l) => l.rec.type === type).map((l) => l.rec);
  }

  /** The start record, once tcpdump has the interface open and the filter installed. */
  async started(pids: number[]): Promise<Record<string, any>> {
    await waitFor(() => this.records('start').length > 0 || this.child.exitCode !== null, 20_000, `live to start (stderr: ${this.stderr})`);
    const start = this.records('start')[0];
    if (!start) throw new Error(`live did not start: ${this.stderr}`);
    if (typeof start.pid === 'number') {
      const pid = start.pid;
      pids.push(pid);
      // live exits only after its capture tool did: then the PID is no longer ours to clean up.
      void this.closed.then(({ code }) => {
        if (code !== null && pids.includes(pid)) pids.splice(pids.indexOf(pid), 1);
      });
    }
    return start;
  }

  async interrupt(signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; summary: Record<string, any> }> {
    process.kill(this.child.pid!, signal);
    return this.result();
  }

  async result(): Promise<{ code: number | null; summary: Record<string, any> }> {
    const { code } = await this.closed;
    const summary = this.records('summary')[0];
    if (!summary) throw new Error(`no summary (exit ${code}): ${this.stderr}`);
    return { code, summary };
  }
}

describe.skipIf(unavailable !== undefined)('pxe-doctor live in network namespaces', () => {
  const lab = new Lab('l');
  /** Capture tool PIDs reported by live: killed in afterAll if a failed test left one behind. */
  const toolPids: number[] = [];
  let dnsmasq: ChildProcess | undefined;
  let dnsmasqLog = '';
  const tftpRoot = join(lab.dir, 'tftp');
  let bootBin: Buffer;

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'pxe-doctor.mjs'))) throw new Error('build first: npm run build');
    lab.create();
    spawnSync('mkdir', ['-p', tftpRoot]);
    // A BIOS NBP stand-in (no PE/COFF "MZ" header, matching the BIOS client arch 0).
    bootBin = Buffer.alloc(64 * 1024 + 100, 0x90);
    writeFileSync(join(tftpRoot, 'boot.bin'), bootBin);
    const big = Buffer.alloc(BIG_SIZE);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    writeFileSync(join(tftpRoot, 'big.bin'), big);
    dnsmasq = lab.spawnIn(lab.serverNs, 'dnsmasq', [
      '--no-daemon',
      '--conf-file=/dev/null',
      `--pid-file=${join(lab.dir, 'dnsmasq.pid')}`,
      `--dhcp-leasefile=${join(lab.dir, 'dnsmasq.leases')}`,
      '--log-facility=-',
      '--port=0', // no DNS
      '--user=root', // keep read access to the test's private temp dir
      `--interface=${lab.serverIf}`,
      '--bind-interfaces',
      '--no-ping', // offer at once instead of probing the address for 3 s
      '--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h',
      `--dhcp-host=${MAC_MISSING},set:missing`,
      '--dhcp-boot=tag:missing,missing.efi',
      '--dhcp-boot=tag:!missing,boot.bin',
      '--enable-tftp',
      `--tftp-root=${tftpRoot}`,
    ]);
    dnsmasq.stderr!.setEncoding('utf8').on('data', (s: string) => (dnsmasqLog += s));
    await waitFor(() => /DHCP, IP range/.test(dnsmasqLog) || dnsmasq!.exitCode !== null, 10_000, 'dnsmasq to start');
    if (dnsmasq.exitCode !== null) throw new Error(`dnsmasq failed: ${dnsmasqLog}`);
  });

  afterAll(async () => {
    await lab.destroy(toolPids);
  });

  /** DHCP with the PXE-like client; the leased address is then configured on the client link. */
  async function dhcp(mac: string): Promise<{ yiaddr: string; bootFile: string }> {
    const r = await lab.execIn(lab.clientNs, process.execPath, [CLIENT_SCRIPT, '--mac', mac, '--arch', '0'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const ack = JSON.parse(r.stdout) as { yiaddr: string; bootFile: string };
    await lab.execIn(lab.clientNs, 'ip', ['addr', 'add', `${ack.yiaddr}/24`, 'dev', lab.clientIf]);
    return ack;
  }

  /** Back to "no address" for the next client (the broadcast route stays). */
  async function releaseAddress(): Promise<void> {
    await lab.execIn(lab.clientNs, 'ip', ['addr', 'flush', 'dev', lab.clientIf]);
    await lab.execIn(lab.clientNs, 'ip', ['route', 'replace', 'default', 'dev', lab.clientIf]);
  }

  /** DHCP, then `tftp get FILE` (default: the boot file) from the server with the leased address. */
  async function pxeBoot(mac: string, file?: string, opts: { tftpInBackground?: boolean } = {}) {
    const ack = await dhcp(mac);
    const dest = join(lab.dir, `got-${mac.replace(/:/g, '')}`);
    const tftp = lab.execIn(lab.clientNs, 'tftp', ['-m', 'binary', lab.serverIp, '-c', 'get', file ?? ack.bootFile, dest], { timeoutMs: 60_000 });
    const finish = async () => {
      const r = await tftp;
      await releaseAddress();
      return { ...r, dest };
    };
    if (opts.tftpInBackground) return { ack, tftp: finish() };
    return { ack, tftp: Promise.resolve(await finish()) };
  }

  function tsharkFrames(file: string): { status: number | null; stderr: string; frames: Map<number, string> } {
    const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols'], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 256 << 20,
    });
    const frames = new Map<number, string>();
    for (const line of r.stdout.split('\n')) {
      const [n, protocols] = line.split('\t');
      if (n) frames.set(Number(n), protocols ?? '');
    }
    // tshark says "Running as user root" on stderr; anything else (e.g. "cut short") is damage.
    const stderr = r.stderr
      .split('\n')
      .filter((l) => l && !/Running as user/.test(l))
      .join('\n');
    return { status: r.status, stderr, frames };
  }

  it('streams a working boot as it happens, verdict ok, and --write matches tshark frame for frame', async () => {
    const file = join(lab.dir, 'ok.pcapng');
    const run = new LiveRun(lab, ['--write', file]);
    const start = await run.started(toolPids);
    expect(start.interface).toBe(lab.serverIf);
    expect(start.tool).toBe('tcpdump');

    const { ack, tftp } = await pxeBoot(MAC_OK);
    expect(ack.bootFile).toBe('boot.bin');
    const t = await tftp;
    expect(t.code, t.stderr).toBe(0);
    expect(readFileSync(t.dest).equals(bootBin)).toBe(true);

    // The download's last packets reach live, which reports the finished transfer.
    await waitFor(() => run.records('event').some((e) => e.client === MAC_OK && /boot\.bin/.test(e.text) && /done|complete/i.test(e.text)), 5000, 'the TFTP done event');
    const { code, summary } = await run.interrupt();
    expect(code, run.stderr).toBe(0);

    const events = run.lines.filter((l) => l.rec.type === 'event' && l.rec.client === MAC_OK);
    const texts = events.map((e) => String(e.rec.text));
    expect(texts[0]).toMatch(/^DISCOVER/);
    expect(texts.some((x) => /^OFFER from 192\.0\.2\.1/.test(x))).toBe(true);
    expect(texts.some((x) => /^ACK from 192\.0\.2\.1/.test(x))).toBe(true);
    expect(texts.some((x) => /RRQ boot\.bin/.test(x))).toBe(true);
    // Each event line arrives within a second of its packet's capture time.
    for (const e of events) {
      const delay = e.at - Number(e.rec.ts);
      expect(delay, `${e.rec.text}: ${delay.toFixed(3)} s late`).toBeLessThan(1);
      expect(delay).toBeGreaterThan(-0.5);
    }

    expect(summary.stopReason).toBe('signal');
    const client = summary.analysis.clients.find((c: { mac: string }) => c.mac === MAC_OK);
    expect(client, JSON.stringify(summary.analysis.clients)).toBeDefined();
    expect(client.ok).toBe(true);
    expect(client.stage).toBe('nbp');
    expect(client.transfers[0]).toMatchObject({ file: 'boot.bin', outcome: 'complete', bytes: bootBin.length });
    expect(summary.analysis.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);

    // The saved capture: tshark reads it without complaint, with exactly the frames live analyzed,
    // and the frame numbers live cites are DHCP/TFTP frames there too.
    const ts = tsharkFrames(file);
    expect(ts.status).toBe(0);
    expect(ts.stderr).toBe('');
    expect(ts.frames.size).toBe(summary.frames);
    expect(summary.analysis.capture.frames).toBe(summary.frames);
    for (const e of events) {
      expect(ts.frames.get(Number(e.rec.frame)), `frame ${e.rec.frame} (${e.rec.text})`).toMatch(/:(dhcp|tftp)/);
    }
  });

  it('reports a missing boot file as tftp-file-not-found while still capturing, then stops at --duration', async () => {
    // --settle 3: the client is judged 3 s after it went quiet instead of the default 15 s.
    const run = new LiveRun(lab, ['--duration', '9', '--settle', '3']);
    await run.started(toolPids);
    const { ack, tftp } = await pxeBoot(MAC_MISSING);
    expect(ack.bootFile).toBe('missing.efi');
    const t = await tftp;
    expect(t.stderr + t.stdout).toMatch(/Error code 1: .*not found/); // tftp-hpa got the server's ERROR 1

    // The finding streams out before the run ends (once the client was quiet for --settle seconds).
    await waitFor(() => run.records('finding').some((f) => f.id === 'tftp-file-not-found'), 8000, 'the tftp-file-not-found finding');
    const streamed = run.lines.find((l) => l.rec.type === 'finding' && l.rec.id === 'tftp-file-not-found')!;
    expect(streamed.rec.client).toBe(MAC_MISSING);
    expect(run.records('summary')).toEqual([]); // printed while live was still running

    const { code, summary } = await run.result();
    expect(code).toBe(1); // an error finding: exit 1, as analyze
    expect(summary.stopReason).toBe('duration');
    const client = summary.analysis.clients.find((c: { mac: string }) => c.mac === MAC_MISSING);
    expect(client.ok).toBe(false);
    expect(client.findings).toContain('tftp-file-not-found');
    expect(client.transfers[0]).toMatchObject({ file: 'missing.efi', outcome: 'error', errorCode: 1 });
    // The streamed error event names the file.
    expect(run.records('event').some((e) => e.client === MAC_MISSING && /missing\.efi/.test(e.text) && /ERROR/.test(e.text))).toBe(true);
  });

  it('leaves a complete, readable --write file after Ctrl-C in the middle of a large transfer', async () => {
    const file = join(lab.dir, 'interrupted.pcapng');
    const run = new LiveRun(lab, ['--write', file]);
    await run.started(toolPids);
    const { tftp } = await pxeBoot(MAC_BIG, 'big.bin', { tftpInBackground: true });
    await waitFor(() => run.records('event').some((e) => e.client === MAC_BIG && /RRQ big\.bin/.test(e.text)), 10_000, 'the RRQ for big.bin');
    await new Promise((r) => setTimeout(r, 300));
    const stoppedAt = Date.now();
    const { code, summary } = await run.interrupt();
    const stopSeconds = (Date.now() - stoppedAt) / 1000;
    const t = await tftp;
    expect(t.code, t.stderr).toBe(0); // the download itself was not disturbed

    expect(code).toBeLessThanOrEqual(1);
    expect(summary.stopReason).toBe('signal');
    expect(stopSeconds).toBeLessThan(10);
    const client = summary.analysis.clients.find((c: { mac: string }) => c.mac === MAC_BIG);
    const big = client.transfers.find((x: { file: string }) => x.file === 'big.bin');
    expect(big).toBeDefined();
    expect(big.bytes).toBeGreaterThan(0);
    expect(big.bytes).toBeLessThan(BIG_SIZE); // stopped mid-transfer
    expect(summary.frames).toBeGreaterThan(100);

    const ts = tsharkFrames(file);
    expect(ts.status).toBe(0);
    expect(ts.stderr).toBe(''); // no "cut short in the middle of a packet"
    expect(ts.frames.size).toBe(summary.frames);
  });

  it('reports an unanswered 4011 request on the wall clock, with no packet after it', async () => {
    // Something bound to 192.0.2.1:4011 that never answers: no reply and no ICMP port unreachable,
    // so only the passing of time can tell the firmware gave up (PXE-E55).
    const silent = lab.spawnIn(lab.serverNs, process.execPath, ['-e', "require('dgram').createSocket('udp4').bind(4011, '192.0.2.1', () => console.log('bound'))"]);
    let bound = '';
    silent.stdout!.setEncoding('utf8').on('data', (s: string) => (bound += s));
    try {
      await waitFor(() => bound.includes('bound'), 10_000, 'the silent 4011 listener');
      const run = new LiveRun(lab, ['--settle', '3']);
      await run.started(toolPids);
      const ack = await dhcp(MAC_PROXY);
      const sent = await lab.execIn(lab.clientNs, process.execPath, [CLIENT_SCRIPT, '--mac', MAC_PROXY, '--boot-server', lab.serverIp, '--ciaddr', ack.yiaddr]);
      expect(sent.code, sent.stderr).toBe(0);
      await releaseAddress();
      await waitFor(() => run.records('finding').some((f) => f.id === 'proxy-request-unanswered'), 15_000, 'proxy-request-unanswered');
      const request = run.records('event').find((e) => e.client === MAC_PROXY && /4011/.test(e.text));
      expect(request, JSON.stringify(run.records('event'))).toBeDefined();
      const found = run.lines.find((l) => l.rec.type === 'finding' && l.rec.id === 'proxy-request-unanswered')!;
      expect(found.rec).toMatchObject({ client: MAC_PROXY, firmwareMessage: 'PXE-E55', severity: 'error' });
      // Judged on time passing: at least the rule's 2 s after the request, and soon after --settle.
      const after = found.at - Number(request!.ts);
      expect(after).toBeGreaterThanOrEqual(2);
      expect(after).toBeLessThan(3 + 2);
      const { summary } = await run.interrupt('SIGTERM'); // SIGTERM ends a run like Ctrl-C
      expect(summary.stopReason).toBe('signal');
      // No DHCP/4011 answer came after the request (the capture filter also keeps the ARP of the
      // address release): nothing but the clock triggered the finding.
      expect(summary.frames).toBeGreaterThanOrEqual(request!.frame);
      expect(run.records('event').filter((e) => Number(e.frame) > request!.frame && e.client === MAC_PROXY)).toEqual([]);
      const client = summary.analysis.clients.find((c: { mac: string }) => c.mac === MAC_PROXY);
      expect(client.timeline.map((t: { kind: string }) => t.kind)).toContain('4011-REQUEST');
      // The closing summary judges the client at the moment capture stopped, not at its last
      // packet, so the finding the clock proved stands there too (and in the exit code).
      expect(client.findings).toContain('proxy-request-unanswered');
      expect(summary.analysis.findings.some((f: { id: string; client: string }) => f.id === 'proxy-request-unanswered' && f.client === MAC_PROXY)).toBe(true);
    } finally {
      await lab.stop(silent);
    }
  });

  it('stops by itself after --count packets (dumpcap when asked)', async () => {
    const haveDumpcap = spawnSync('sh', ['-c', 'command -v dumpcap'], { stdio: 'ignore' }).status === 0;
    const tool = haveDumpcap || process.env.CI ? 'dumpcap' : 'tcpdump';
    const run = new LiveRun(lab, ['--count', '3', '--capture-tool', tool]);
    const start = await run.started(toolPids);
    expect(start.tool).toBe(tool);
    const { tftp } = await pxeBoot(MAC_COUNT);
    await tftp;
    const { code, summary } = await run.result();
    expect(code).toBe(0);
    expect(summary.stopReason).toBe('count');
    expect(summary.frames).toBe(3);
    const events = run.records('event').filter((e) => e.client === MAC_COUNT);
    expect(events.map((e) => e.text.split(' ')[0])).toEqual(['DISCOVER', 'OFFER', 'REQUEST']);
  });

  it('text mode: one line per event, then the analyze summary table', async () => {
    const child = lab.spawnIn(lab.serverNs, 'env', ['NO_COLOR=1', process.execPath, CLI, 'live', '-i', lab.serverIf, '--count', '4']);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await waitFor(() => stderr.includes('listening on'), 20_000, `live to start (${stderr})`);
    await dhcp(MAC_TEXT);
    await releaseAddress();
    expect(await closed).toBe(0);
    // Event lines; a finding about what the capture saw (INFO, a block) may come between them.
    const lines = stdout.split('\n').filter((l) => !/^\d\d:\d\d:\d\d\.\d{3}  \S+  (INFO|WARNING|ERROR)\b/.test(l) && !/^ {4}/.test(l));
    const at = (kind: string) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${MAC_TEXT}  ${kind}`);
    expect(lines[0]).toMatch(at('DISCOVER'));
    expect(lines[1]).toMatch(at('OFFER from 192\\.0\\.2\\.1'));
    expect(lines[2]).toMatch(at('REQUEST'));
    // The fourth packet is the ACK, or an ARP of the exchange (the capture filter keeps ARP too,
    // and --count counts every packet): then the count is reached before the ACK.
    if (lines[3] !== '') expect(lines[3]).toMatch(at('ACK from 192\\.0\\.2\\.1'));
    expect(stdout).toContain(`│ ${MAC_TEXT} │`); // the summary table, as analyze prints it
    expect(stderr).toContain(`listening on ${lab.serverIf} with tcpdump`);
    expect(stderr).toMatch(/packet count reached: 4 packets in \d+\.\d s/);
    expect(stdout + stderr).not.toMatch(/\x1b\[/); // NO_COLOR
  });

  describe('errors: one line on stderr with the fix, exit 2', () => {
    async function cli(ns: string, args: string[], asNobody = false) {
      const cmd = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
      const r = await lab.execIn(ns, cmd[0]!, [...cmd.slice(1), CLI, 'live', ...args], { timeoutMs: 30_000 });
      return r;
    }
    function oneLine(stderr: string): string {
      const lines = stderr.split('\n').filter(Boolean);
      expect(lines, stderr).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      return lines[0]!;
    }

    it('unknown interface: lists the available ones', async () => {
      const r = await cli(lab.serverNs, ['-i', 'nosuch0']);
      expect(r.code).toBe(2);
      const line = oneLine(r.stderr);
      expect(line).toContain('unknown interface "nosuch0"');
      expect(line).toContain(`${lab.serverIf} (up)`);
      expect(line).toContain('lo (up)');
    });

    it('interface down: says how to bring it up', async () => {
      // A veth pair inside the namespace is created administratively down.
      const down = `pxvd${lab.id}`.slice(0, 15);
      const made = await lab.execIn(lab.serverNs, 'ip', ['link', 'add', down, 'type', 'veth', 'peer', 'name', `pxve${lab.id}`.slice(0, 15)]);
      expect(made.code, made.stderr).toBe(0);
      const r = await cli(lab.serverNs, ['-i', down]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toBe(`pxe-doctor: interface ${down} is down: bring it up with "ip link set ${down} up"`);
      const list = await cli(lab.serverNs, ['--list-interfaces', '--json']);
      expect(list.code).toBe(0);
      const ifs = JSON.parse(list.stdout) as { name: string; state: string; addresses: string[]; mtu: number }[];
      expect(ifs.find((i) => i.name === down)?.state).toBe('down');
      expect(ifs.find((i) => i.name === lab.serverIf)).toMatchObject({ state: 'up', mtu: 1500, addresses: ['192.0.2.1/24'] });
    });

    it('no permission: run as root or setcap', async () => {
      const r = await cli(lab.serverNs, ['-i', lab.serverIf], true);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/no permission to capture on .*: run as root, or setcap cap_net_raw,cap_net_admin=eip \/\S*tcpdump$/);
    });

    it('bad --filter: names the user expression', async () => {
      const r = await cli(lab.serverNs, ['-i', lab.serverIf, '--filter', 'udp port nosuchport']);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/tcpdump rejected your --filter "udp port nosuchport": .*nosuchport/);
    });

    it('capture tool missing: says what to install', async () => {
      const r = await cli(lab.serverNs, ['-i', lab.serverIf, '--capture-tool', join(lab.dir, 'no', 'tcpdump')]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toContain('is not an executable file');
    });
  });
});

describe('capture tool lookup', () => {
  it('names the package to install when neither tcpdump nor dumpcap exists', async () => {
    const { findCaptureTool } = await import('../../src/live/capture-process.js');
    const { LiveError } = await import('../../src/live/errors.js');
    let err: unknown;
    try {
      findCaptureTool(undefined, join(REPO, 'no-such-dir'), []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LiveError);
    expect((err as InstanceType<typeof LiveError>).kind).toBe('no-capture-tool');
    expect((err as Error).message).toBe(
      'neither tcpdump nor dumpcap is installed: install tcpdump (apt-get install tcpdump, dnf install tcpdump)',
    );
  });

  it.skipIf(!process.env.CI && (!haveTool('tcpdump') || !haveTool('dumpcap')))('finds tcpdump first, dumpcap when asked, and tells them apart by name', async () => {
    const { findCaptureTool } = await import('../../src/live/capture-process.js');
    const tcpdump = (await runAsync('sh', ['-c', 'PATH=$PATH:/usr/sbin:/sbin command -v tcpdump'])).stdout.trim();
    const dumpcap = (await runAsync('sh', ['-c', 'PATH=$PATH:/usr/sbin:/sbin command -v dumpcap'])).stdout.trim();
    expect(findCaptureTool()).toEqual({ kind: 'tcpdump', path: tcpdump });
    expect(findCaptureTool('dumpcap')).toEqual({ kind: 'dumpcap', path: dumpcap });
    expect(findCaptureTool(dumpcap)).toEqual({ kind: 'dumpcap', path: dumpcap });
    expect(() => findCaptureTool('wireshark')).toThrow(/--capture-tool must be tcpdump, dumpcap or a path/);
  });
});
