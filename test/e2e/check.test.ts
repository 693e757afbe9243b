import { describe, it, expect, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runCli, isOneLineError } from '../helpers/run-cli.js';

const CAPTURES = path.join(ROOT, 'fixtures/captures');
const NO_BOOTFILE = path.join(CAPTURES, 'fail-no-bootfile.pcap');
const TFTP_404 = path.join(CAPTURES, 'fail-tftp-file-not-found.pcap');
const OK_PROXY = path.join(CAPTURES, 'ok-bios-proxydhcp.pcap');
const tmp = mkdtempSync(path.join(tmpdir(), 'pxg-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('pxe-doctor check CAPTURE --expect FILE (lab capture: BIOS client, DHCP without boot file)', () => {
  it('passes and lists every expectation when the capture shows what is expected', () => {
    const exp = file('pass.yaml', [
      'clients:',
      '  "52:54:00:be:00:01":',
      '    ok: false',
      '    stage: bound',
      '    bootFile: null',
      '    findings: [no-boot-file]',
      '    notFindings: [tftp-file-not-found]',
      'capture-wide:',
      '  clientCount: 1',
      '  ok: false',
      '',
    ].join('\n'));
    const r = runCli(['check', NO_BOOTFILE, '--expect', exp]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  PASS'))).toEqual([
      '  PASS  client 52:54:00:be:00:01: ok is false',
      '  PASS  client 52:54:00:be:00:01: stage is bound',
      '  PASS  client 52:54:00:be:00:01: boot file is (none)',
      '  PASS  client 52:54:00:be:00:01: has finding no-boot-file',
      '  PASS  client 52:54:00:be:00:01: has no finding tftp-file-not-found',
      '  PASS  capture: has 1 client',
      '  PASS  capture: ok is false',
    ]);
    expect(r.stdout).toContain('7 expectations: 7 passed, 0 failed');
  });

  it('fails with exit 1 and says expected vs actual', () => {
    const exp = file('fail.json', JSON.stringify({ clients: { '52:54:00:be:00:01': { ok: true, stage: 'nbp', maxSeverity: 'warning' } } }));
    const r = runCli(['check', NO_BOOTFILE, '--expect', exp]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  FAIL  client 52:54:00:be:00:01: ok is true: expected ok true, got false');
    expect(r.stdout).toContain('  FAIL  client 52:54:00:be:00:01: stage is nbp: expected stage nbp, got bound');
    expect(r.stdout).toMatch(/FAIL {2}client 52:54:00:be:00:01: has no finding above warning: expected nothing above warning, got no-boot-file \(error\)/);
    expect(r.stdout).toContain('3 expectations: 0 passed, 3 failed');
  });

  it('exits 2 with one line for bad input: YAML syntax (line), unknown key (which), missing files, not a capture', () => {
    const syntax = runCli(['check', NO_BOOTFILE, '--expect', file('syntax.yaml', 'clients:\n  "52:54:00:be:00:01":\n    findings: [a, b\n    ok: true\n')]);
    expect(syntax.code).toBe(2);
    expect(isOneLineError(syntax.stderr)).toBe(true);
    expect(syntax.stderr).toMatch(/syntax\.yaml:\d+: syntax error: /);

    const unknown = runCli(['check', NO_BOOTFILE, '--expect', file('unknown.yaml', 'clients:\n  "52:54:00:be:00:01":\n    ok: false\n    mustinclude: [no-boot-file]\n')]);
    expect(unknown.code).toBe(2);
    expect(isOneLineError(unknown.stderr)).toBe(true);
    expect(unknown.stderr).toContain('unknown.yaml:4: unknown key "mustinclude" for client 52:54:00:be:00:01 (did you mean "mustInclude"?)');

    const noCapture = runCli(['check', path.join(tmp, 'nope.pcap'), '--expect', path.join(tmp, 'pass.yaml')]);
    expect(noCapture.code).toBe(2);
    expect(noCapture.stderr).toBe(`pxe-doctor: cannot read ${path.join(tmp, 'nope.pcap')}: no such file or directory\n`);

    const noExpect = runCli(['check', NO_BOOTFILE, '--expect', path.join(tmp, 'nope.yaml')]);
    expect(noExpect.code).toBe(2);
    expect(noExpect.stderr).toBe(`pxe-doctor: cannot read expectations file ${path.join(tmp, 'nope.yaml')}: no such file\n`);

    const junk = runCli(['check', file('junk.pcap', 'not a capture at all\n'), '--expect', path.join(tmp, 'pass.yaml')]);
    expect(junk.code).toBe(2);
    expect(isOneLineError(junk.stderr)).toBe(true);
    expect(junk.stderr).toMatch(/not a pcap or pcapng capture/);

    const nothing = runCli(['check']);
    expect(nothing.code).toBe(2);
    expect(isOneLineError(nothing.stderr)).toBe(true);
  });

  it('finds the capture from the "capture:" key when only --expect is given', () => {
    const sub = mkdtempSync(path.join(tmp, 'sub-'));
    copyFileSync(NO_BOOTFILE, path.join(sub, 'lab.pcap'));
    writeFileSync(path.join(sub, 'lab.expect.yaml'), 'capture: lab.pcap\nclients:\n  "52:54:00:be:00:01":\n    findings: [no-boot-file]\n');
    const r = runCli(['check', '--expect', path.join(sub, 'lab.expect.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS  client 52:54:00:be:00:01: has finding no-boot-file');
  });
});

describe('pxe-doctor check --update', () => {
  it('writes a baseline next to the capture that the same capture then passes', () => {
    const dir = mkdtempSync(path.join(tmp, 'update-'));
    const capture = path.join(dir, 'tftp-404.pcap');
    copyFileSync(TFTP_404, capture);
    const w = runCli(['check', capture, '--update']);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(new RegExp(`^wrote ${path.join(dir, 'tftp-404.expect.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 client, \\d+ findings? \\(review it before committing\\)\n$`));
    const yaml = readFileSync(path.join(dir, 'tftp-404.expect.yaml'), 'utf8');
    expect(yaml).toContain('capture: "tftp-404.pcap"');
    expect(yaml).toContain('  "52:54:00:be:00:01":\n    ok: false\n    stage: tftp\n    bootFile: "boot/pxelinux.0"\n    findings: [');
    expect(yaml).toMatch(/findings: \[[^\]]*"tftp-file-not-found"/);
    const r = runCli(['check', capture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ expectations: (\d+) passed, 0 failed/);
  });
});

describe('pxe-doctor check DIR', () => {
  it('runs every capture with its sibling expectations like a test runner, with a summary and JUnit', () => {
    const dir = mkdtempSync(path.join(tmp, 'dir-'));
    copyFileSync(NO_BOOTFILE, path.join(dir, 'a-no-bootfile.pcap'));
    writeFileSync(path.join(dir, 'a-no-bootfile.expect.yaml'), 'clients:\n  "52:54:00:be:00:01":\n    ok: false\n    findings: [no-boot-file]\n');
    copyFileSync(OK_PROXY, path.join(dir, 'b-ok.pcap'));
    // Deliberately wrong, to see a failure reported with its reason.
    writeFileSync(path.join(dir, 'b-ok.expect.json'), JSON.stringify({ clients: { '52:54:00:be:00:01': { ok: false } }, 'capture-wide': { clientCount: 1 } }));
    copyFileSync(TFTP_404, path.join(dir, 'c-unchecked.pcap'));
    const junit = path.join(dir, 'report.xml');
    const r = runCli(['check', dir, '--junit', junit]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PASS  a-no-bootfile\.pcap: 2 expectations \(\d+\.\d+ s\)$/);
    expect(lines[1]).toMatch(/^FAIL  b-ok\.pcap: 1 of 2 expectations failed/);
    expect(lines[2]).toBe('        FAIL  client 52:54:00:be:00:01: ok is false: expected ok false, got true (OK)');
    expect(lines[3]).toBe('SKIP  c-unchecked.pcap: no expectations');
    expect(lines[4]).toBe('FAILED: 3 captures: 1 passed, 1 failed, 1 without expectations; 3 of 4 expectations passed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuites name="pxe-doctor check" tests="5" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<failure message="expected ok false, got true (OK)" type="expectation">');

    const verbose = runCli(['check', dir, '--verbose']);
    expect(verbose.stdout).toContain('        PASS  client 52:54:00:be:00:01: has finding no-boot-file');
  });

  it('exits 2 for an unreadable capture or a stale expectations file, and still reports the rest', () => {
    const dir = mkdtempSync(path.join(tmp, 'bad-'));
    copyFileSync(NO_BOOTFILE, path.join(dir, 'a.pcap'));
    writeFileSync(path.join(dir, 'a.expect.yaml'), 'clients:\n  "52:54:00:be:00:01":\n    ok: false\n');
    writeFileSync(path.join(dir, 'broken.pcap'), '\xd4\xc3\xb2');
    writeFileSync(path.join(dir, 'broken.expect.yaml'), 'capture-wide:\n  clientCount: 0\n');
    writeFileSync(path.join(dir, 'renamed.expect.yaml'), 'capture-wide:\n  clientCount: 0\n');
    const r = runCli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^PASS  a\.pcap: 1 expectation /m);
    expect(r.stdout).toMatch(/^ERROR broken\.pcap: .*(pcap|capture)/m);
    expect(r.stdout).toContain('ERROR renamed.expect.yaml: expectations file without a capture next to it');
    expect(r.stdout).toContain('FAILED: 3 captures: 1 passed, 0 failed, 2 errors; 1 of 1 expectations passed');
  });

  it('refuses an empty directory and --expect with a directory', () => {
    const empty = mkdtempSync(path.join(tmp, 'empty-'));
    const r = runCli(['check', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pxe-doctor: no captures (.pcap, .pcapng, .cap, also .gz) in ${empty}\n`);
    const both = runCli(['check', CAPTURES, '--expect', 'x.yaml']);
    expect(both.code).toBe(2);
    expect(isOneLineError(both.stderr)).toBe(true);
  });
});
