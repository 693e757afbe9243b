/**
 * End to end: the BUILT CLI (`npm test` builds first) on real captures, as a user or script runs it.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/pxe-doctor.js');
const usec = join(root, 'fixtures/public/netboot/usec.pcap');

function run(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, env: { ...process.env, NO_COLOR: '1' }, encoding: 'buffer', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

const RECORD_KEYS = ['frame', 'time', 'src', 'sport', 'dst', 'dport'];
const DHCP_KEYS = ['op', 'xid', 'secs', 'flags', 'ciaddr', 'yiaddr', 'siaddr', 'giaddr', 'chaddr', 'sname', 'file', 'messageType', 'options', 'vendorClass', 'clientArch', 'clientGuid', 'tftpServer', 'bootFile', 'serverId', 'userClass', 'anomalies'];

describe('pxe-doctor decode (built CLI)', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist/cli/commands/decode.js'))).toBe(true);
  });

  it('prints one tshark-like line per DHCP/TFTP frame of a real PXE boot', () => {
    const r = run(['decode', usec]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^\s+1\s+0\.000000 0\.0\.0\.0:68 -> 255\.255\.255\.255:67 DHCP DISCOVER xid 0x9b4e0557 /);
    expect(lines[0]).toContain('PXEClient:Arch:00000:UNDI:002001 arch=x86 BIOS');
    expect(lines[2]).toContain('DHCP OFFER xid 0x9b4e0557 yiaddr 192.168.16.12 siaddr 192.168.16.1');
    expect(lines[6]).toMatch(/192\.168\.16\.10:4011 -> 192\.168\.16\.12:4011 DHCP ACK .*file "boot"/);
    expect(lines[7]).toMatch(/^\s+8\s+9\.105504 192\.168\.16\.12:2070 -> 192\.168\.16\.10:69 TFTP RRQ "boot" octet tsize=0$/);
  });

  it('--json prints NDJSON with the documented keys', () => {
    const r = run(['decode', '--json', usec]);
    expect(r.code).toBe(0);
    const recs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(recs.map((x) => x.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const rec of recs) {
      expect(Object.keys(rec).slice(0, 6)).toEqual(RECORD_KEYS);
      if (rec.dhcp) for (const k of Object.keys(rec.dhcp)) expect(DHCP_KEYS).toContain(k);
    }
    const [discover, , , , , , proxyAck, rrq] = recs;
    expect(discover.dhcp).toMatchObject({ op: 1, xid: 0x9b4e0557, secs: 8, flags: 0x8000, chaddr: 'd0:50:99:4e:05:57', messageType: 1, clientArch: [0], vendorClass: 'PXEClient:Arch:00000:UNDI:002001', anomalies: [] });
    expect(discover.dhcp.clientGuid).toBe('00020003-0004-0005-0006-000700080009');
    expect(discover.dhcp.options[0]).toEqual({ code: 53, name: 'DHCP Message Type', length: 1, value: 1 });
    expect(discover.dhcp.options.map((o: { code: number }) => o.code)).toEqual([53, 55, 57, 97, 93, 94, 60]);
    expect(proxyAck).toMatchObject({ time: 8.11404, sport: 4011, dport: 4011, dhcp: { file: 'boot', siaddr: '192.168.16.10', serverId: '192.168.16.10', messageType: 5 } });
    expect(rrq).toEqual({ frame: 8, time: 9.105504, src: '192.168.16.12', sport: 2070, dst: '192.168.16.10', dport: 69, tftp: { opcode: 1, filename: 'boot', mode: 'octet', options: { tsize: '0' } } });
  });

  it('follows TFTP onto ephemeral ports and prints DATA/ACK/OACK/ERROR', () => {
    const oack = run(['decode', '--json', join(root, 'fixtures/public/spicy-tftp/tftp_oack.pcap')]);
    const recs = oack.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(recs.map((x) => x.tftp.opcode)).toEqual([1, 6, 4, 3, 4, 3, 4]);
    expect(recs[1].tftp).toEqual({ opcode: 6, options: { blksize: '256' } });
    expect(recs[3].tftp).toEqual({ opcode: 3, block: 1, length: 256 });
    const err = run(['decode', join(root, 'fixtures/public/libslirp/tftp_get_libslirp-txt.pcap')]);
    expect(err.stdout).toContain('TFTP ERROR 2 Access violation');
  });

  it("reads stdin ('-') and gzip, with the same output as the file", () => {
    const plain = run(['decode', '--json', usec]).stdout;
    const gz = gzipSync(readFileSync(usec));
    expect(run(['decode', '--json', '-'], gz).stdout).toBe(plain);
    const dir = mkdtempSync(join(tmpdir(), 'pxb-decode-'));
    try {
      writeFileSync(join(dir, 'c.pcap.gz'), gz);
      expect(run(['decode', '--json', join(dir, 'c.pcap.gz')]).stdout).toBe(plain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the frames before damage and one warning line for a truncated capture', () => {
    const whole = readFileSync(usec);
    const dir = mkdtempSync(join(tmpdir(), 'pxb-decode-'));
    try {
      const cut = join(dir, 'cut.pcap');
      writeFileSync(cut, whole.subarray(0, whole.length - 10)); // inside the last record (an RRQ)
      const r = run(['decode', cut]);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(8);
      const err = r.stderr.trimEnd().split('\n');
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^pxe-doctor: warning: .*frame 9/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with one line and no stack trace for input that is not a capture', () => {
    for (const input of [join(root, 'package.json'), join(root, 'no/such/file.pcap')]) {
      const r = run(['decode', input]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pxe-doctor: /);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('decodes every public fixture without an internal error', () => {
    const files = ['tcpdump/tftp-heapoverflow.pcap', 'tcpdump/bootp_asan.pcap', 'PcapPlusPlus/sll.pcap', 'PcapPlusPlus/raw_ip.pcap', 'nDPI/dhcp-fuzz.pcapng', 'spicy-tftp/tftp_oack.pcap'];
    for (const f of files) {
      const r = run(['decode', '--json', join(root, 'fixtures/public', f)]);
      expect(r.code, f).toBe(0);
      expect(r.stdout.trimEnd().split('\n').length, f).toBeGreaterThan(0);
    }
  });
});
