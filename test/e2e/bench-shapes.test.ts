/**
 * The bench's capture shapes (scripts/gen-bench-shapes.mjs, run on the BUILT codecs and writer),
 * each a few hundredths as long: tshark finds exactly the DHCP and TFTP frames the manifest
 * counts, with nothing malformed, and the built CLI finds what the bench checks on the big files
 * (every frame; the hosts; one booted session per boot of the farm; one client per flooding MAC;
 * the chainload loop named).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/pxe-doctor.js');
const dir = mkdtempSync(join(tmpdir(), 'pxj-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).status === 0;

interface Manifest {
  shape: string;
  pcap: string;
  frames: number;
  clients: number;
  boots: number;
  dhcpFrames: number;
  tftpFrames: number;
  bulkFrames: number;
}

function generate(shape: string, scale: string): Manifest {
  const r = spawnSync(process.execPath, [join(root, 'scripts/gen-bench-shapes.mjs'), '--shape', shape, '--scale', scale, '--out', dir], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(join(dir, `shape-${shape}-${scale}.json`), 'utf8')) as Manifest;
}

function tsharkCount(file: string, filter: string): number {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

const SHAPES: [string, string][] = [
  ['dhcp-heavy', '0.005'],
  ['boot-farm', '0.01'],
  ['dhcp-flood', '0.01'],
  ['chainload-loop', '0.01'],
];

describe('bench capture shapes', () => {
  for (const [shape, scale] of SHAPES) {
    describe(shape, () => {
      const m = generate(shape, scale);

      it('has a manifest that adds up', () => {
        expect(m.dhcpFrames + m.tftpFrames + m.bulkFrames).toBe(m.frames);
        expect(m.dhcpFrames).toBeGreaterThan(0);
        expect(m.bulkFrames).toBeGreaterThan(0);
      });

      it.skipIf(!hasTshark && !process.env['CI'])('tshark sees exactly the DHCP and TFTP frames the manifest counts, none malformed', () => {
        expect(tsharkCount(m.pcap, 'frame')).toBe(m.frames);
        expect(tsharkCount(m.pcap, 'dhcp')).toBe(m.dhcpFrames);
        expect(tsharkCount(m.pcap, 'tftp')).toBe(m.tftpFrames);
        expect(tsharkCount(m.pcap, '_ws.malformed')).toBe(0);
      });

      it('the built CLI finds what the bench checks', () => {
        const r = spawnSync(process.execPath, [bin, 'analyze', '--json', m.pcap], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
        expect(r.status === 0 || r.status === 1).toBe(true);
        const a = JSON.parse(r.stdout) as { capture: { frames: number }; clients: { ok: boolean }[]; findings: { id: string; severity: string }[] };
        expect(a.capture.frames).toBe(m.frames);
        if (shape === 'boot-farm') {
          expect(m.boots).toBeGreaterThanOrEqual(20);
          expect(a.clients).toHaveLength(m.boots);
          expect(a.clients.every((c) => c.ok)).toBe(true);
          expect(a.findings).toEqual([]);
        } else expect(a.clients).toHaveLength(m.clients);
        // The loop is the error; the shape ends right after the last NBP download (nbp-then-silence, a warning).
        if (shape === 'chainload-loop') expect(a.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['ipxe-chainload-loop']);
      });
    });
  }
});
