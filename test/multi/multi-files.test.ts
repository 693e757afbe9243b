/**
 * Several files read as one capture (src/capture/multi.ts, docs/capture.md "Several files"): lab
 * captures cut into ring-buffer pieces (sequential) and into interleaved pieces (overlapping in
 * time) must give the same clients and findings as the whole file, frame numbers included; each
 * finding names the file and in-file frame of its evidence; mergecap agrees on the numbering.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { readCapture } from '../../src/capture/open.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { captureFiles, readCaptures } from '../../src/capture/multi.js';
import { analyzeCapture } from '../../src/pipeline.js';
import type { AnalysisJson } from '../../src/report/schema.js';
import { runCli } from '../helpers/run-cli.js';
import { hasTshark } from '../helpers/analyze-cli.js';

const LAB = join(import.meta.dirname, '../../fixtures/captures');
const work = mkdtempSync(join(tmpdir(), 'pxd-multi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Rec {
  ts: number;
  data: Uint8Array;
  origLen: number;
  linkType: number;
}

async function records(file: string): Promise<Rec[]> {
  const out: Rec[] = [];
  await readCapture(file, { frame: (f: Frame) => void out.push({ ts: f.ts, data: f.data.slice(), origLen: f.origLen, linkType: f.linkType }) });
  return out;
}

/** Write `recs` to `file` (pcap, or pcapng when `ng`), closing it. */
async function write(file: string, recs: Rec[], ng = false): Promise<void> {
  const w = ng ? new PcapngWriter(file, recs[0]?.linkType ?? 1) : new PcapWriter(file, recs[0]?.linkType ?? 1);
  for (const r of recs) w.write(r.ts, r.data, r.origLen);
  await w.close();
}

/** The report without what depends on how it was read (capture info, evidence locations). */
function comparable(a: AnalysisJson): unknown {
  return { clients: a.clients, findings: a.findings.map(({ files: _files, ...f }) => f) };
}

// Single-interface lab captures (both-sides ones need pcapng interfaces, tested below with mergecap).
const CAPTURES = readdirSync(LAB).filter((n) => /\.pcap$/.test(n));

describe('several files as one capture', () => {
  it.each(CAPTURES)('%s cut into ring-buffer pieces of 20 frames gives the same report', async (name) => {
    const whole = join(LAB, name);
    const recs = await records(whole);
    const dir = join(work, `ring-${name}`);
    mkdirSync(dir);
    // Names as tcpdump -C gives them (x, x1, x2, ..., x10 sorts before x2): order comes from time.
    for (let i = 0, n = 0; i < recs.length; i += 20, n++) await write(join(dir, `boot.pcap${n === 0 ? '' : n}`), recs.slice(i, i + 20), n % 2 === 1);
    writeFileSync(join(dir, 'README.txt'), 'not a capture: skipped');
    const single = await analyzeCapture(whole);
    const merged = await analyzeCapture([dir]);
    expect(comparable(merged)).toEqual(comparable(single));
    expect(merged.capture.frames).toBe(recs.length);
    const files = merged.capture.files!;
    expect(files.map((f) => basename(f.file))).toEqual(files.map((_, i) => `boot.pcap${i === 0 ? '' : i}`));
    // Sequential pieces: each holds a contiguous range of the merged numbers.
    files.forEach((f, i) => {
      expect(f.firstFrame).toBe(i * 20 + 1);
      expect(f.lastFrame).toBe(Math.min(recs.length, i * 20 + 20));
    });
    for (const f of merged.findings) {
      const flat = f.files!.flatMap((e) => e.frames.map((local) => ({ file: e.file, local })));
      expect(flat.length).toBe(f.frames.length);
      for (const { file, local } of flat) {
        const piece = files.find((x) => x.file === file)!;
        expect(f.frames).toContain(piece.firstFrame! + local - 1);
      }
    }
  });

  it('interleaved pieces (two captures overlapping in time) merge by timestamp, numbered like mergecap', async () => {
    const whole = join(LAB, 'ok-uefi-proxydhcp.pcap');
    const recs = await records(whole);
    const a = join(work, 'third.pcap');
    const b = join(work, 'rest.pcapng');
    await write(a, recs.filter((_, i) => i % 3 === 2));
    await write(b, recs.filter((_, i) => i % 3 !== 2), true);
    const merged = await analyzeCapture([a, b]);
    expect(comparable(merged)).toEqual(comparable(await analyzeCapture(whole)));
    // Frame 3k of the whole capture is frame k of `third.pcap`.
    const seen: { index: number; ts: number }[] = [];
    const summary = await readCaptures([b, a], { frame: (f) => void seen.push({ index: f.index, ts: f.ts }) });
    expect(seen.map((s) => s.index)).toEqual(recs.map((_, i) => i + 1));
    expect(seen.map((s) => s.ts)).toEqual(recs.map((r) => r.ts));
    expect(summary.locator.locate(3)).toEqual({ file: a, frame: 1 });
    expect(summary.locator.locate(4)).toEqual({ file: b, frame: 3 });
    expect(summary.locator.locate(recs.length)).toBeDefined();
    if (hasTshark) {
      const m = join(work, 'mergecap.pcapng');
      const r = spawnSync('mergecap', ['-w', m, a, b], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const ours = await records(m);
      expect(ours.map((x) => x.ts)).toEqual(seen.map((s) => s.ts));
    }
  });

  it('a file damaged in the middle ends with a warning naming it; the other files are still read', async () => {
    const recs = await records(join(LAB, 'ok-bios-proxydhcp.pcap'));
    const dir = join(work, 'damaged');
    mkdirSync(dir);
    await write(join(dir, 'a.pcap'), recs.slice(0, 50));
    await write(join(dir, 'b.pcap'), recs.slice(50));
    // Cut a.pcap inside its last record.
    const fs = await import('node:fs');
    const buf = fs.readFileSync(join(dir, 'a.pcap'));
    fs.writeFileSync(join(dir, 'a.pcap'), buf.subarray(0, buf.length - 10));
    const merged = await analyzeCapture([dir]);
    expect(merged.capture.frames).toBe(recs.length - 1);
    expect(merged.capture.warnings.join('\n')).toMatch(/a\.pcap \(its frame 50\): truncated record/);
    expect(merged.clients.length).toBeGreaterThan(0);
  });

  it('bad input: one line naming the file, exit 2', () => {
    const notCapture = join(work, 'notes.pcap');
    writeFileSync(notCapture, 'hello world, not a capture');
    const r = runCli(['analyze', join(LAB, 'ok-bios-proxydhcp.pcap'), notCapture]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`pxe-doctor: ${notCapture}: not a pcap or pcapng capture (starts with 0x68656c6c)`);
    const empty = join(work, 'empty-dir');
    mkdirSync(empty);
    const e = runCli(['analyze', empty]);
    expect(e.code).toBe(2);
    expect(e.stderr.trim()).toBe(`pxe-doctor: no capture files (pcap, pcapng, gzipped or not) in ${empty}`);
    expect(() => captureFiles(['-', 'x'])).toThrow(/stdin/);
  });

  it('the CLI: analyze DIR names the file of each evidence frame; check --expect FILES... passes', async () => {
    const recs = await records(join(LAB, 'fail-tftp-file-not-found.pcap'));
    const dir = join(work, 'cli');
    mkdirSync(dir);
    await write(join(dir, 'ring_00001.pcap'), recs.slice(0, 10));
    await write(join(dir, 'ring_00002.pcap'), recs.slice(10));
    const r = runCli(['analyze', dir, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'ring_00001.pcap')}: frames 1-10 (10 in the file)`);
    expect(r.stdout).toMatch(/frames: 18, 19\n\s+in:\s+\S*ring_00002\.pcap frames 8, 9\n/);
    const c = runCli(['check', '--expect', join(LAB, 'fail-tftp-file-not-found.expect.yaml'), join(dir, 'ring_00002.pcap'), join(dir, 'ring_00001.pcap')]);
    expect(c.stdout).toMatch(/passed, 0 failed/);
    expect(c.code).toBe(0);
    const noExpect = runCli(['check', join(dir, 'ring_00002.pcap'), join(dir, 'ring_00001.pcap')]);
    expect(noExpect.code).toBe(2);
    expect(noExpect.stderr).toMatch(/give --expect FILE/);
  });
});
