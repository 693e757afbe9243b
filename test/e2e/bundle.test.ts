/**
 * The CLI a user runs is one bundled file (scripts/bundle.mjs): it must carry everything it needs
 * (no node_modules beside it), run the same code as tsc's output, and ship its packages' licences.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const capture = join(root, 'fixtures/captures/ok-bios-proxydhcp.pcap');

function node(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the bundled CLI (dist/pxe-doctor.mjs)', () => {
  it('runs from a directory with no node_modules and no other dist file, with the same output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxe-bundle-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'dist'));
      cpSync(join(root, 'bin/pxe-doctor.js'), join(dir, 'bin/pxe-doctor.js'));
      cpSync(join(root, 'dist/pxe-doctor.mjs'), join(dir, 'dist/pxe-doctor.mjs'));
      // An ES module needs a package scope; the bin is ESM like the repository's.
      cpSync(join(root, 'package.json'), join(dir, 'package.json'));

      const alone = node([join(dir, 'bin/pxe-doctor.js'), 'analyze', '--json', capture], dir);
      expect(alone.stderr).toBe('');
      expect(alone.code).toBe(0);
      // tsc's module tree, which the unit tests exercise, gives the same bytes.
      const modules = node([join(root, 'dist/cli/main.js'), 'analyze', '--json', capture], root);
      expect(modules.code).toBe(0);
      expect(alone.stdout).toBe(modules.stdout);
      expect(JSON.parse(alone.stdout).clients[0].ok).toBe(true);

      // commander (help, usage errors) and chalk (a text report) work from the bundle too.
      const help = node([join(dir, 'bin/pxe-doctor.js'), 'serve', '--help'], dir);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: pxe-doctor serve \[options\]/);
      const usage = node([join(dir, 'bin/pxe-doctor.js'), 'analyze', '--no-such-option', capture], dir);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("unknown option '--no-such-option'");
      const text = node([join(dir, 'bin/pxe-doctor.js'), 'analyze', capture], dir);
      expect(text.code).toBe(0);
      expect(text.stdout).toBe(node([join(root, 'dist/cli/main.js'), 'analyze', capture], root).stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in one line that a checkout must be built first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxe-unbuilt-'));
    try {
      mkdirSync(join(dir, 'bin'));
      cpSync(join(root, 'bin/pxe-doctor.js'), join(dir, 'bin/pxe-doctor.js'));
      cpSync(join(root, 'package.json'), join(dir, 'package.json'));
      const r = node([join(dir, 'bin/pxe-doctor.js'), 'analyze', capture], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('pxe-doctor: dist/pxe-doctor.mjs is missing: run `npm run build` first\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships the licence of every package it bundles', () => {
    const notices = readFileSync(join(root, 'dist/pxe-doctor.mjs.LICENSES.txt'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies)) {
      const { version } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(notices).toContain(`${name} ${version}\n`);
    }
    expect(notices).toMatch(/Permission is hereby granted/);
  });
});
