import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TftpRoot } from '../../../src/responder/tftp/safe-path.js';

describe('TftpRoot.resolve keeps every name inside the root', () => {
  let base: string;
  let root: TftpRoot;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'pxs-path-'));
    const r = path.join(base, 'root');
    fs.mkdirSync(path.join(r, 'Boot', 'x64'), { recursive: true });
    fs.writeFileSync(path.join(r, 'Boot', 'x64', 'wdsmgfw.efi'), 'efi');
    fs.writeFileSync(path.join(r, 'pxelinux.0'), 'nbp');
    fs.writeFileSync(path.join(base, 'secret'), 'outside');
    fs.symlinkSync(path.join(base, 'secret'), path.join(r, 'link-out'));
    fs.symlinkSync('..', path.join(r, 'up'));
    fs.symlinkSync('pxelinux.0', path.join(r, 'link-in'));
    root = new TftpRoot(r);
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('serves plain, nested, backslash (WDS-style) and in-root symlink names', () => {
    expect(root.resolve('pxelinux.0')).toMatchObject({ ok: true, size: 3 });
    expect(root.resolve('Boot/x64/wdsmgfw.efi')).toMatchObject({ ok: true, size: 3 });
    expect(root.resolve('Boot\\x64\\wdsmgfw.efi')).toMatchObject({ ok: true, size: 3 });
    expect(root.resolve('./Boot//x64/./wdsmgfw.efi')).toMatchObject({ ok: true });
    expect(root.resolve('link-in')).toMatchObject({ ok: true, size: 3 });
    // A link that leaves and comes back is judged by where it really ends: inside.
    expect(root.resolve('up/root/pxelinux.0')).toMatchObject({ ok: true, size: 3 });
  });

  it('refuses ways out with Access violation (2)', () => {
    for (const name of ['../secret', 'Boot/../../secret', '..\\secret', 'Boot\\..\\..\\secret', 'link-out', 'up/secret']) {
      expect(root.resolve(name), name).toMatchObject({ ok: false, code: 2 });
    }
    for (const name of ['/etc/passwd', '\\etc\\passwd', 'C:\\Windows\\win.ini', 'c:/x']) {
      expect(root.resolve(name), name).toMatchObject({ ok: false, code: 2, message: 'Absolute paths are not allowed' });
    }
    expect(root.resolve('pxelinux.0\u0000../secret')).toMatchObject({ ok: false, code: 2 });
    expect(root.resolve('pxelinux.0\n')).toMatchObject({ ok: false, code: 2 });
  });

  it('answers File not found (1) for missing files and directories', () => {
    expect(root.resolve('nope')).toMatchObject({ ok: false, code: 1 });
    expect(root.resolve('Boot')).toMatchObject({ ok: false, code: 1 });
    expect(root.resolve('')).toMatchObject({ ok: false, code: 2 });
    expect(root.resolve('.')).toMatchObject({ ok: false, code: 1 });
  });
});
