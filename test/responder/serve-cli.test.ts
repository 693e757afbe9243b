/**
 * The built CLI's `serve` refuses bad setups with one clear line (exit 2, no stack trace):
 * bad options checked before binding, and ports held by real servers (dnsmasq on 67, tftpd-hpa
 * on 69) or not bindable without privileges, checked in a namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, Lab, labUnavailable, tmpDir } from './lab.js';

function serve(args: string[], ns?: string, prefix: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const cmd = ns ? ['ip', ['netns', 'exec', ns, ...prefix, 'node', CLI, 'serve', ...args]] : ['node', [CLI, 'serve', ...args]];
  const r = spawnSync(cmd[0] as string, cmd[1] as string[], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectUserError(r: { code: number | null; stderr: string }, re: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(re);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const why = labUnavailable(['dnsmasq', 'in.tftpd', 'setpriv']);

describe.skipIf(why !== undefined)('serve setup errors in a namespace', () => {
  const lab = new Lab('cli');
  const dir = tmpDir('cli-ns');
  const root = path.join(dir, 'root');
  let ns: string;

  beforeAll(() => {
    fs.mkdirSync(root);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(root, 0o755);
    fs.writeFileSync(path.join(root, 'pxelinux.0'), 'x');
    fs.chmodSync(path.join(root, 'pxelinux.0'), 0o644);
    ns = lab.addNamespace('one');
    const peer = lab.addNamespace('peer');
    lab.veth(ns, 'eth0', peer, 'eth0');
    lab.addr(ns, 'eth0', '192.0.2.2/24');
  });
  afterAll(async () => {
    await lab.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks options: missing tftp-root, boot file outside the root, no --boot, bad range, --answer known without --allow', () => {
    expectUserError(serve(['--tftp-root', path.join(dir, 'nope'), '--boot', 'bios=pxelinux.0'], ns), /tftp-root .*nope does not exist/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=missing.0'], ns), /boot file missing\.0 is not servable from tftp-root .*: File not found/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=../etc/passwd'], ns), /boot file \.\.\/etc\/passwd is not servable .*Access violation/);
    expectUserError(serve(['--tftp-root', root], ns), /no boot file: give at least one --boot/);
    expectUserError(serve(['--interface', 'pxs-no-such-if', '--tftp-root', root, '--boot', 'bios=pxelinux.0'], ns), /no interface named pxs-no-such-if \(have: lo, eth0\)/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'riscv=x'], ns), /--boot: unknown architecture "riscv"/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--dhcp-range', '198.51.100.10-198.51.100.20'], ns), /not in the subnet of eth0 \(192\.0\.2\.2\/24\)/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--answer', 'known'], ns), /--answer known needs --allow FILE/);
    const allow = path.join(dir, 'allow.txt');
    fs.writeFileSync(allow, '52:54:00:be:00:01\nnot-a-mac\n');
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--answer', 'known', '--allow', allow], ns), /allow\.txt:2: "not-a-mac" is neither a MAC nor a GUID/);
    // The WDS client budget: a delay past the firmware's last DISCOVER (28 s) would never answer anyone.
    expectUserError(
      serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--delay', '30'], ns),
      /^pxe-doctor: --delay 30: PXE firmware sends its last DISCOVER 28 s after the first \(at 0, 4, 12, 28 s\) and then gives up, so no client would ever be answered; use --delay 28 or less$/m,
    );
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--ban-guid', 'not-a-guid'], ns), /--ban-guid: "not-a-guid" is not a GUID/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--fallback', 'bios'], ns), /--fallback expects ARCH=FILE/);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0', '--http-port', '99999'], ns), /--http-port must be 1\.\.65535/);
  });

  it('port 80 in use, or not bindable without privileges: one line each', async () => {
    const holder = lab.start(ns, 'node', ['-e', "require('net').createServer().listen(80, '0.0.0.0', () => console.log('holding 80'))"]);
    await holder.waitFor(/holding 80/, 10_000);
    expectUserError(serve(['--no-dhcp', '--no-tftp', '--tftp-root', root, '--http'], ns), /^pxe-doctor: port 80 is in use — usually a web server \(nginx, apache2, lighttpd\); stop it, pick another with --http-port, or let that server serve the root with --http-url URL$/m);
    await lab.stop(holder);
    expectUserError(serve(['--no-dhcp', '--no-tftp', '--tftp-root', root, '--http'], ns, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']), /cannot bind TCP port 80: permission denied — run as root or grant CAP_NET_BIND_SERVICE, or use --http-port 8080/);
  });

  it('port 67 held by dnsmasq: says which kind of server usually holds it', async () => {
    const dnsmasq = lab.start(ns, 'dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts', '--dhcp-range=192.0.2.100,192.0.2.110,5m', `--dhcp-leasefile=${dir}/leases`, '--log-facility=-', `--pid-file=${dir}/dnsmasq.pid`]);
    await dnsmasq.waitFor(/DHCP, IP range/, 10_000);
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0'], ns), /^pxe-doctor: port 67 is in use — usually a DHCP server or dnsmasq; stop it or use proxy mode on another host$/m);
    await lab.stop(dnsmasq);
  });

  it('port 69 held by tftpd-hpa', async () => {
    const tftpd = lab.start(ns, 'in.tftpd', ['--foreground', '--listen', '--address', '0.0.0.0:69', '--secure', root]);
    await new Promise((r) => setTimeout(r, 500));
    expectUserError(serve(['--no-dhcp', '--tftp-root', root], ns), /port 69 is in use — usually tftpd-hpa, atftpd or dnsmasq --enable-tftp/);
    await lab.stop(tftpd);
  });

  it('no permission to bind: run as root or grant CAP_NET_BIND_SERVICE', () => {
    expectUserError(serve(['--tftp-root', root, '--boot', 'bios=pxelinux.0'], ns, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']), /cannot bind UDP port 67: permission denied — run as root or grant CAP_NET_BIND_SERVICE/);
  });
});
