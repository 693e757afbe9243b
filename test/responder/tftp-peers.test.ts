/**
 * `serve --no-dhcp` as a TFTP server for real clients (tftp-hpa, atftp) in a namespace pair:
 * bytes equal with and without blksize/tsize/windowsize/timeout, blksize clamped to the MTU,
 * traversal refused, writes refused, many concurrent transfers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, Lab, labUnavailable, tmpDir, type Started } from './lab.js';

const why = labUnavailable(['tftp', 'atftp']);
const SERVER = '192.0.2.2';

describe.skipIf(why !== undefined)('serve TFTP with tftp-hpa and atftp clients', () => {
  const lab = new Lab('tf');
  const dir = tmpDir('tf');
  const root = path.join(dir, 'root');
  const out = path.join(dir, 'out');
  let srv: string;
  let cli: string;
  let serve: Started;

  const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  const sh = (script: string, timeout = 30_000): { code: number; output: string } => {
    try {
      return { code: 0, output: lab.exec(cli, 'sh', ['-c', script], { timeout }) };
    } catch (e) {
      const err = e as { status?: number; stdout?: string; stderr?: string };
      return { code: err.status ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  };

  beforeAll(async () => {
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(root, 'exact.bin'), crypto.randomBytes(512 * 2048)); // ends with an empty DATA block
    fs.writeFileSync(path.join(root, 'odd.bin'), crypto.randomBytes(3_000_001));
    fs.copyFileSync('/usr/lib/PXELINUX/pxelinux.0', path.join(root, 'pxelinux.0'));
    fs.writeFileSync(path.join(root, 'sub', 'text.cfg'), 'DEFAULT linux\nLABEL linux\r\n  KERNEL vmlinuz\n');
    fs.symlinkSync('/etc/passwd', path.join(root, 'escape'));
    fs.symlinkSync('/etc', path.join(root, 'etcdir'));
    fs.symlinkSync('odd.bin', path.join(root, 'inside-link'));

    srv = lab.addNamespace('srv');
    cli = lab.addNamespace('cli');
    // MTU 1400 on the link: blksize must be clamped to 1400 - 32 = 1368.
    lab.veth(srv, 'eth0', cli, 'eth0', 1400);
    lab.addr(srv, 'eth0', `${SERVER}/24`);
    lab.addr(cli, 'eth0', '192.0.2.50/24');
    serve = lab.start(srv, 'node', [CLI, 'serve', '--no-dhcp', '--interface', 'eth0', '--tftp-root', root, '--exit-after', '600']);
    await serve.waitFor(/serving on eth0/, 15_000);
  });

  afterAll(async () => {
    await lab.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tftp-hpa fetches files in octet mode without options (512-byte blocks)', async () => {
    for (const f of ['pxelinux.0', 'exact.bin', 'odd.bin', 'inside-link']) {
      const dst = path.join(out, `hpa-${f}`);
      const r = sh(`tftp -m binary ${SERVER} -c get ${f} ${dst}`);
      expect(r.code, r.output).toBe(0);
      expect(sha(dst)).toBe(sha(path.join(root, f)));
    }
    await serve.waitFor(/TFTP exact\.bin: started \(1048576 bytes, blksize 512\)/, 5000);
    await serve.waitFor(/TFTP exact\.bin: finished, 1048576 bytes/, 5000);
  });

  it('tftp-hpa netascii mode gets CR LF line ends', () => {
    const dst = path.join(out, 'text.cfg');
    const r = sh(`tftp -m netascii ${SERVER} -c get sub/text.cfg ${dst}`);
    expect(r.code, r.output).toBe(0);
    // The client converts back to local (LF) line ends; a bare CR survives as CR (sent as CR NUL).
    expect(fs.readFileSync(dst, 'latin1')).toBe('DEFAULT linux\nLABEL linux\r\n  KERNEL vmlinuz\n');
  });

  it('atftp negotiates blksize/tsize/windowsize/timeout and gets the same bytes', async () => {
    const cases = [
      ['blksize 1024'],
      ['blksize 1024', 'tsize 0'],
      ['blksize 1200', 'tsize 0', 'windowsize 4'],
      ['windowsize 16', 'timeout 2'],
      ['blksize 8192', 'windowsize 8'],
    ];
    cases.forEach((opts, i) => {
      for (const f of ['odd.bin', 'exact.bin']) {
        const dst = path.join(out, `at-${i}-${f}`);
        const args = opts.map((o) => `--option "${o}"`).join(' ');
        const r = sh(`atftp ${args} -g -r ${f} -l ${dst} ${SERVER}`);
        expect(r.code, `${opts.join(',')} ${f}: ${r.output}`).toBe(0);
        expect(sha(dst), `${opts.join(',')} ${f}`).toBe(sha(path.join(root, f)));
      }
    });
    await serve.waitFor(/TFTP odd\.bin: started \(3000001 bytes, blksize 1200, windowsize 4\)/, 5000);
    // 8192 requested on a 1400-byte MTU link: clamped so no DATA packet is IP-fragmented.
    await serve.waitFor(/TFTP odd\.bin: started \(3000001 bytes, blksize 1368, windowsize 8\)/, 5000);
  });

  it('refuses traversal: "..", absolute, backslashes, symlinks out of the root, missing files', async () => {
    const attempts: [string, RegExp][] = [
      ['../etc/passwd', /Access violation/],
      ['sub/../../etc/passwd', /Access violation/],
      ['/etc/passwd', /Absolute paths are not allowed/],
      ['..\\\\..\\\\etc\\\\passwd', /Access violation/],
      ['\\\\etc\\\\passwd', /Absolute paths are not allowed/],
      ['escape', /Access violation/],
      ['etcdir/passwd', /Access violation/],
      ['no-such-file', /File not found/],
    ];
    for (const [name, msg] of attempts) {
      const dst = path.join(out, 'stolen');
      fs.rmSync(dst, { force: true });
      const r = sh(`atftp -g -r '${name}' -l ${dst} ${SERVER}`);
      expect(r.code, name).not.toBe(0);
      expect(r.output, name).toMatch(msg);
      expect(fs.existsSync(dst) ? fs.statSync(dst).size : 0, name).toBe(0);
    }
    await serve.waitFor(/TFTP \.\.\/etc\/passwd: refused with error 2 \(Access violation\)/, 5000);
  });

  it('refuses writes (WRQ -> ERROR 2) and writes nothing', () => {
    const src = path.join(out, 'upload.bin');
    fs.writeFileSync(src, 'data');
    const r = sh(`atftp -p -l ${src} -r upload.bin ${SERVER}`);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Read-only server/);
    expect(fs.existsSync(path.join(root, 'upload.bin'))).toBe(false);
  });

  it('serves 40 concurrent clients, each on its own transfer socket', () => {
    const n = 40;
    const script = Array.from({ length: n }, (_, i) => `atftp --option "blksize 1368" --option "windowsize ${1 + (i % 8)}" -g -r odd.bin -l ${out}/c${i}.bin ${SERVER} &`).join('\n') + '\nwait';
    const r = sh(script, 60_000);
    expect(r.code, r.output).toBe(0);
    const want = sha(path.join(root, 'odd.bin'));
    for (let i = 0; i < n; i++) expect(sha(path.join(out, `c${i}.bin`)), `client ${i}`).toBe(want);
  });
});
