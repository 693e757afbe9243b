/**
 * `redact`: every lab capture redacted gives the same verdicts and findings (ids, severities,
 * evidence frames, in the same order of clients), tshark reads it with no error or warning the
 * original did not have (IPv4/UDP/TCP checksum validation on), and nothing identifying is left:
 * no original MAC, IPv4 address or GUID of the capture appears in the redacted bytes.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/pipeline.js';
import { redactCapture } from '../../src/redact/run.js';
import { Pseudonyms, formatIpv6, parseIpv6Text } from '../../src/redact/pseudonyms.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { hasTshark } from '../helpers/analyze-cli.js';
import { addedProblems } from '../helpers/tshark-expert.js';
import { runCli } from '../helpers/run-cli.js';

const LAB = join(import.meta.dirname, '../../fixtures/captures');
const work = mkdtempSync(join(tmpdir(), 'pxd-redact-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function shape(a: AnalysisJson): unknown {
  return {
    clients: a.clients.map((c) => ({ ok: c.ok, stage: c.stage, findings: c.findings, offers: c.offers.map((o) => o.kind), transfers: c.transfers.map((t) => [t.outcome, t.role, t.bytes]), methods: c.methods?.map((m) => m.outcome) })),
    // In frame order: clients that end together are reported in MAC order, and the MACs are pseudonyms.
    findings: a.findings.map((f) => JSON.stringify([f.frames, f.id, f.severity, f.firmwareMessage])).sort(),
    frames: a.capture.frames,
  };
}

const captures = readdirSync(LAB).filter((n) => /\.(pcap|pcapng)$/.test(n));

describe('redact', () => {
  it.each(captures)('%s: same verdicts and findings, tshark reads it cleanly, no original MAC/address/GUID left', async (name) => {
    const input = join(LAB, name);
    const out = join(work, `${name}.pcapng`);
    const fd = openSync(out, 'w');
    await redactCapture(input, fd);
    closeSync(fd);
    const before = await analyzeCapture(input);
    const after = await analyzeCapture(out);
    expect(shape(after)).toEqual(shape(before));
    // What identified the network is gone from the bytes.
    const bytes = readFileSync(out);
    for (const c of before.clients) {
      const mac = Buffer.from(c.mac.replace(/:/g, ''), 'hex');
      expect(bytes.indexOf(mac), `MAC ${c.mac}`).toBe(-1);
      if (c.guid && !/^0{8}-0{4}-0{4}-0{4}-0{12}$|^f{8}-/.test(c.guid)) expect(after.clients.some((x) => x.guid === c.guid), `GUID ${c.guid}`).toBe(false);
      for (const o of c.offers) {
        const ip = Buffer.from(o.server.split('.').map(Number));
        if (o.server.includes('.')) expect(bytes.indexOf(ip), `server ${o.server}`).toBe(-1);
      }
    }
    if (hasTshark) expect(addedProblems(input, out)).toEqual([]);
  });

  it('public captures (fixtures/public): redacted, the same clients, verdicts and findings', async () => {
    const { readdirSync: ls, statSync } = await import('node:fs');
    const walk = (d: string): string[] => ls(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    const files = walk(join(LAB, '../public')).filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f));
    expect(files.length).toBeGreaterThan(30);
    let checked = 0;
    for (const f of files) {
      let before: AnalysisJson;
      try {
        before = await analyzeCapture(f);
      } catch {
        continue; // not a capture we read (the reader's own tests cover these)
      }
      const out = join(work, 'public.pcapng');
      const fd = openSync(out, 'w');
      await redactCapture(f, fd);
      closeSync(fd);
      const after = await analyzeCapture(out);
      expect(shape(after), f).toEqual(shape(before));
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('the same input gives the same pseudonym; --keep-oui keeps the vendor part; lengths are kept', () => {
    const p = new Pseudonyms();
    const a = p.mac(Uint8Array.from([0x52, 0x54, 0, 0xbe, 0, 1]));
    expect(p.mac(Uint8Array.from([0x52, 0x54, 0, 0xbe, 0, 1]))).toEqual(a);
    expect(p.mac(Uint8Array.from([0x52, 0x54, 0, 0xbe, 0, 2]))).not.toEqual(a);
    const k = new Pseudonyms({ keepOui: true }).mac(Uint8Array.from([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]));
    expect(Array.from(k.subarray(0, 3))).toEqual([0x00, 0x1b, 0x21]);
    expect(Array.from(k.subarray(3))).not.toEqual([0xaa, 0xbb, 0xcc]);
    // Broadcasts stay broadcasts; text keeps its length.
    expect(p.text('192.0.2.255 and 255.255.255.255')).toMatch(/^\d+\.\d\.\d\.255 and 255\.255\.255\.255$/);
    const t = 'file /srv/tftp/customer-acme/boot/pxelinux.0 not found for 198.51.100.23';
    expect(p.text(t).length).toBe(t.length);
    expect(p.text(t)).not.toMatch(/acme|198\.51\.100/);
    expect(p.text(t)).toMatch(/\/boot\/pxelinux\.0 /);
    expect(p.path('pxelinux.cfg/01-52-54-00-be-00-01')).toBe(`pxelinux.cfg/01-${Array.from(a, (x) => x.toString(16).padStart(2, '0')).join('-')}`);
    expect(p.hostname('build-server.corp.example.com')).toMatch(/^h\S{11}\.h\S{3}\.h\S{6}\.com$/);
    const v6 = parseIpv6Text('2001:db8:1::1e2')!;
    p.ipv6At(v6, 0);
    expect(formatIpv6(v6).length).toBe('2001:db8:1::1e2'.length);
  });

  it('analyze --redact: the report names pseudonyms only; --client takes the real MAC', () => {
    const input = join(LAB, 'fail-option60-on-dhcp.pcap');
    const plain = runCli(['analyze', input, '--json']);
    const red = runCli(['analyze', input, '--json', '--redact', '--client', '52:54:00:ef:00:01']);
    expect(red.stderr).toBe('');
    const a = JSON.parse(plain.stdout) as AnalysisJson;
    const b = JSON.parse(red.stdout) as AnalysisJson;
    expect(b.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
    expect(b.clients.length).toBe(1);
    expect(red.stdout).not.toMatch(/52:54:00:ef:00:01|192\.0\.2\.|fixtures\/captures/);
    expect(runCli(['analyze', input, '--keep-oui']).stderr).toMatch(/--keep-oui goes with --redact/);
  });

  it('the CLI: redact IN OUT writes pcapng; bad usage is one line', () => {
    const out = join(work, 'cli.pcapng');
    const r = runCli(['redact', join(LAB, 'ok-bios-proxydhcp.pcap'), out, '--keep-oui']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote \S+cli\.pcapng: \d+ frames, redacted\n$/);
    expect(runCli(['redact', join(LAB, 'ok-bios-proxydhcp.pcap')]).stderr).toMatch(/needs the capture and the file to write/);
    expect(runCli(['redact', join(work, 'nope.pcap'), out]).code).toBe(2);
  });
});
