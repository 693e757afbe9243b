/**
 * The command line as a new user meets it (issue 19): usage errors in one line with where to read
 * more and a "did you mean", the ways tcpdump/tshark users give a capture, --html to stdout, file
 * errors in words, --client with a MAC that is not there, forced colour, and every --help with
 * examples and exit codes. Runs the built CLI.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/run-cli.js';

const cap = join(ROOT, 'fixtures/captures/fail-option60-on-dhcp.pcap');
const ESC = /\x1b\[[0-9;]*m/;

describe('usage errors', () => {
  it('an unknown option: one line, did you mean, see --help, exit 2', () => {
    const r = runCli(['analyze', '--jsn', cap]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("pxe-doctor: unknown option '--jsn' (did you mean --json?); see pxe-doctor analyze --help\n");
    // Without the command name too (pxe-doctor CAPTURE runs analyze).
    expect(runCli(['--jsn', cap]).stderr).toBe("pxe-doctor: unknown option '--jsn' (did you mean --json?); see pxe-doctor analyze --help\n");
  });

  it('a misspelt command: did you mean', () => {
    const r = runCli(['analyse', cap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pxe-doctor: unknown command 'analyse' (did you mean analyze?); see pxe-doctor --help\n");
  });

  it('a missing capture, and a capture given twice', () => {
    expect(runCli(['analyze']).stderr).toMatch(/^pxe-doctor: no capture given: .*; see pxe-doctor analyze --help\n$/);
    expect(runCli(['analyze', cap, '-r', cap]).code).toBe(2);
  });
});

describe('giving the capture', () => {
  const expected = JSON.parse(runCli(['analyze', cap, '--json']).stdout);
  it('pxe-doctor - reads stdin, -r FILE reads the file (analyze and decode)', () => {
    const stdin = runCli(['-', '--json'], { input: readFileSync(cap) });
    expect(stdin.code).toBe(1);
    expect(JSON.parse(stdin.stdout).clients).toEqual(expected.clients);
    for (const args of [['-r', cap, '--json'], ['analyze', '-r', cap, '--json']]) {
      const r = runCli(args);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).clients).toEqual(expected.clients);
    }
    expect(runCli(['decode', '-r', cap]).stdout).toBe(runCli(['decode', cap]).stdout);
  });
});

describe('outputs and their errors', () => {
  it('--html - writes the HTML to stdout, and only it', () => {
    const r = runCli([cap, '--html', '-']);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('</html>')).toBe(true);
    expect(runCli([cap, '--html', '-', '--json']).code).toBe(2);
  });

  it('file errors are sentences, not EISDIR / ENOENT', () => {
    const dir = runCli([cap, '--html', '/tmp']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toBe('pxe-doctor: cannot write the HTML report to /tmp: that is a directory; give a file name in it\n');
    expect(runCli([cap, '--html', '/nonexistent-dir/r.html']).stderr).toBe('pxe-doctor: cannot write the HTML report to /nonexistent-dir/r.html: the directory "/nonexistent-dir" does not exist\n');
    const junit = runCli(['check', join(ROOT, 'fixtures/captures/fail-no-bootfile.pcap'), '--junit', '/tmp']);
    expect(junit.stderr).toBe('pxe-doctor: cannot write the JUnit report to /tmp: that is a directory; give a file name in it\n');
    for (const r of [dir, junit, runCli(['/nonexistent.pcap']), runCli(['/tmp'])]) expect(r.stderr).not.toMatch(/E[A-Z]{3,}/);
  });

  it('--client with a MAC that is not in the capture lists the clients seen, exit 2', () => {
    const r = runCli([cap, '--client', '52:54:00:00:00:09']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('pxe-doctor: client 52:54:00:00:00:09 is not in this capture; clients seen: 52:54:00:ef:00:01\n');
  });

  it('colour on a pipe with --color always or FORCE_COLOR; never with --no-color', () => {
    expect(runCli([cap]).stdout).not.toMatch(ESC);
    expect(runCli([cap, '--color', 'always']).stdout).toMatch(ESC);
    expect(runCli([cap], { env: { ...process.env, FORCE_COLOR: '1' } }).stdout).toMatch(ESC);
    expect(runCli([cap, '--no-color'], { env: { ...process.env, FORCE_COLOR: '1' } }).stdout).not.toMatch(ESC);
    expect(runCli([cap, '--diagram', '--color', 'always']).stdout).toMatch(ESC);
  });

  it('--diagram with --timeline shows both', () => {
    const r = runCli([cap, '--diagram', '--timeline']);
    expect(r.stdout).toContain('Client 52:54:00:ef:00:01  x64 UEFI  FAILED at bound: option60-on-dhcp-server');
    expect(r.stdout).toContain('Timeline 52:54:00:ef:00:01');
  });
});

describe('help', () => {
  it('every command shows examples and exit codes; the top level names pxe-doctor CAPTURE', () => {
    for (const cmd of [[], ['analyze'], ['decode'], ['check'], ['serve'], ['live'], ['probe']]) {
      const r = runCli([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout, cmd.join(' ')).toContain('\nExamples:\n  $ ');
      expect(r.stdout, cmd.join(' ')).toMatch(/\nExit codes:\n {2}0 {2}.+\n(?: {2}\d {2}.+\n)*/);
      expect(r.stdout, cmd.join(' ')).not.toContain('(default: [])');
      expect(r.stdout, cmd.join(' ')).not.toMatch(/default: "\d+"/);
    }
    expect(runCli(['--help']).stdout).toContain('pxe-doctor CAPTURE');
  });

  it('one set of architecture names in serve --boot and probe --arch', () => {
    const serve = runCli(['serve', '--help']).stdout.replace(/\s+/g, ' ');
    const probe = runCli(['probe', '--help']).stdout.replace(/\s+/g, ' ');
    for (const name of ['bios', 'efi32', 'efi64', 'arm32', 'arm64']) {
      expect(serve).toMatch(new RegExp(`[ :]${name}[,) ]`));
      expect(probe).toMatch(new RegExp(`[ :]${name}[,) ]`));
    }
  });
});
