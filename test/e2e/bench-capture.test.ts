/**
 * The benchmark's capture generator (scripts/gen-bench-capture.mjs, run on the BUILT codecs and
 * writers) on a small size: tshark finds exactly the DHCP and TFTP frames its manifest counts, the
 * pcap and pcapng twins hold the same packets, and the built CLI reconstructs every client's boot
 * as complete. This is what makes the benchmark's big files trustworthy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/pxe-doctor.js');
const dir = mkdtempSync(join(tmpdir(), 'pxj-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).status === 0;

interface Manifest {
  pcap: string;
  pcapng: string;
  pcapBytes: number;
  frames: number;
  clients: number;
  uefiClients: number;
  dhcpFrames: number;
  tftpFrames: number;
  bulkFrames: number;
}

function generate(): Manifest {
  const r = spawnSync(process.execPath, [join(root, 'scripts/gen-bench-capture.mjs'), '--size', '6M', '--clients', '12', '--uefi-share', '0.25', '--out', dir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(join(dir, 'bench-6M-12c.json'), 'utf8')) as Manifest;
}

function tsharkCount(file: string, filter: string): number {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

describe('benchmark capture generator', () => {
  const m = generate();

  it('writes a pcap of the asked size and a pcapng twin, with a manifest that adds up', () => {
    expect(existsSync(m.pcap)).toBe(true);
    expect(existsSync(m.pcapng)).toBe(true);
    expect(Math.abs(m.pcapBytes - 6 * 2 ** 20)).toBeLessThan(2000);
    expect(m.clients).toBe(12);
    expect(m.dhcpFrames).toBe(12 * 7);
    expect(m.dhcpFrames + m.tftpFrames + m.bulkFrames).toBe(m.frames);
    expect(m.bulkFrames).toBeGreaterThan(m.frames / 4);
  });

  it.skipIf(!hasTshark && !process.env['CI'])('tshark sees exactly the DHCP and TFTP frames the manifest counts, in both files', () => {
    for (const file of [m.pcap, m.pcapng]) {
      expect(tsharkCount(file, 'frame')).toBe(m.frames);
      expect(tsharkCount(file, 'dhcp')).toBe(m.dhcpFrames);
      expect(tsharkCount(file, 'tftp')).toBe(m.tftpFrames);
      // Bulk traffic is well-formed enough for tshark: no malformed-packet expert infos.
      expect(tsharkCount(file, '_ws.malformed')).toBe(0);
    }
  });

  it('the built CLI finds every client, each booted with its NBP fully transferred', () => {
    for (const file of [m.pcap, m.pcapng]) {
      const r = spawnSync(process.execPath, [bin, 'analyze', '--json', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
      expect(r.status).toBe(0);
      const a = JSON.parse(r.stdout) as { capture: { frames: number }; clients: { ok: boolean; transfers: { outcome: string; bytes: number; file: string }[] }[]; findings: unknown[] };
      expect(a.capture.frames).toBe(m.frames);
      expect(a.clients).toHaveLength(12);
      expect(a.findings).toEqual([]);
      for (const c of a.clients) {
        expect(c.ok).toBe(true);
        const nbp = c.transfers.find((t) => t.file === 'pxelinux.0' || t.file === 'syslinux.efi');
        expect(nbp?.outcome).toBe('complete');
        expect(nbp?.bytes).toBeGreaterThan(40_000);
      }
      expect(a.clients.filter((c) => c.transfers.some((t) => t.file === 'syslinux.efi')).length).toBe(m.uefiClients);
    }
  });
});
