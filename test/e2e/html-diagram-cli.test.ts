import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runCli, isOneLineError } from '../helpers/run-cli.js';
import type { AnalysisJson } from '../../src/report/schema.js';

/** `analyze --diagram` and `analyze --html` through the built CLI, on lab captures. */
const CAPTURES = path.join(ROOT, 'fixtures/captures');
const tmp = mkdtempSync(path.join(tmpdir(), 'pxg-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pxe-doctor analyze --diagram', () => {
  it('draws plain ASCII without colors when piped, one ladder per client, the finding marked', () => {
    const capture = path.join(CAPTURES, 'fail-two-boot-servers.pcap');
    const r = runCli(['analyze', capture, '--diagram'], { env: { LANG: 'en_US.UTF-8' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // the findings are errors: same exit code as the text report
    expect(r.stdout).toMatch(/^[\x20-\x7e\n]*$/); // piped: ASCII even in a UTF-8 locale, no ANSI
    expect(r.stdout).toMatch(/^Client 52:54:00:ef:00:01 .* FAILED at nbp: multiple-boot-servers$/m);
    // The DHCPv6 Solicit at the end goes to its multicast group, drawn as a column of its own.
    expect(r.stdout).toMatch(/^ +52:54:00:ef:00:01 +192\.0\.2\.1 +192\.0\.2\.3 +192\.0\.2\.2 +ff02::1:2$/m);
    expect(r.stdout).toMatch(/\|-+4011-REQUEST-+>\| +\| +\| +to 192\.0\.2\.3 /);
    expect(r.stdout).toMatch(/^ +X .*X error multiple-boot-servers: /m);
    expect(r.stdout).toMatch(/^ +X .*X error tftp-file-not-found: /m);
    const json = JSON.parse(runCli(['analyze', capture, '--json']).stdout) as AnalysisJson;
    const frames = [...r.stdout.matchAll(/#(\d+)(?: \+(\d+))?$/gm)].length;
    expect(frames).toBeGreaterThan(5);
    expect(frames).toBeLessThanOrEqual(json.clients[0]!.timeline.length);
  });

  it('--client draws only that client, and --diagram refuses --json', () => {
    const capture = path.join(CAPTURES, 'ok-bios-proxydhcp.pcap');
    const r = runCli(['analyze', capture, '--diagram', '--client', '52-54-00-BE-00-01']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^Client /gm)).toHaveLength(1);
    const bad = runCli(['analyze', capture, '--diagram', '--json']);
    expect(bad.code).toBe(2);
    expect(isOneLineError(bad.stderr)).toBe(true);
  });
});

describe('pxe-doctor analyze --html', () => {
  it('writes the report and still prints the text report', () => {
    const out = path.join(tmp, 'r.html');
    const r = runCli(['analyze', path.join(CAPTURES, 'fail-uefi-gets-bios-file.pcap'), '--html', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBeGreaterThan(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg class="ladder" data-client="52:54:00:ef:00:01"');
    expect(html).toContain('data-finding="arch-bootfile-mismatch"');
    expect(html).toContain('BIOS NBP (no PE/COFF header)');
  });

  it('says in one line when the file cannot be written', () => {
    const r = runCli(['analyze', path.join(CAPTURES, 'fail-no-bootfile.pcap'), '--html', path.join(tmp, 'no/such/dir/r.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pxe-doctor: cannot write the HTML report to ${path.join(tmp, 'no/such/dir/r.html')}: the directory "${path.join(tmp, 'no/such/dir')}" does not exist\n`);
  });
});
