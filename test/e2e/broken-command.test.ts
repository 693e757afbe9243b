/**
 * A command module that fails to load is a bug in the build: the CLI must say so as an internal
 * error (exit 3) that names the command and the loader's cause, not fall back to "unknown command".
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function node(args: string[]) {
  const r = spawnSync(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a command module that fails to load', () => {
  it('is an internal error (exit 3) with its cause', () => {
    // tsc's module tree (dist/), copied inside the repository so that node_modules still resolves.
    const dir = mkdtempSync(join(root, '.broken-cli-'));
    try {
      cpSync(join(root, 'dist'), dir, { recursive: true, filter: (src) => !src.endsWith('.mjs') });
      writeFileSync(join(dir, 'cli/commands/decode.js'), "throw new Error('boom while loading decode');\n");
      const capture = join(root, 'fixtures/captures/ok-bios-proxydhcp.pcap');

      const broken = node([join(dir, 'cli/main.js'), 'decode', capture]);
      expect(broken.code).toBe(3);
      expect(broken.stdout).toBe('');
      expect(broken.stderr).toContain('pxe-doctor: internal error: the decode command failed to load: boom while loading decode');
      expect(broken.stderr).not.toMatch(/unknown command/);
      expect(broken.stderr).not.toMatch(/\n\s+at /);

      const debug = node([join(dir, 'cli/main.js'), '--debug', 'decode', capture]);
      expect(debug.code).toBe(3);
      expect(debug.stderr).toMatch(/caused by: Error: boom while loading decode\n\s+at /);

      // The other commands do not load the broken module and still work.
      const analyze = node([join(dir, 'cli/main.js'), 'analyze', '--json', capture]);
      expect(analyze.code).toBe(0);
      expect(JSON.parse(analyze.stdout).clients[0].ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
