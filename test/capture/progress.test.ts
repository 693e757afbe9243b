/**
 * The capture progress bar, drawn into a fake terminal: shown only on a TTY and for inputs past the
 * size threshold, throttled, never wider than the terminal, erased by done(); and driven by the
 * real readCapture on a real (generated) 10 MB capture file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/open.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { captureProgress, ProgressBar, PROGRESS_MIN_BYTES, type ProgressStream } from '../../src/capture/progress.js';

class FakeStream implements ProgressStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}
  write(s: string): boolean {
    this.writes.push(s);
    return true;
  }
  /** What a terminal would show on the current line after all the \r redraws and erases. */
  get screen(): string {
    let line = '';
    for (const w of this.writes) {
      for (const part of w.split('\r').slice(w.startsWith('\r') ? 1 : 0)) line = part;
    }
    return line.replace(/\x1b\[K$/, '');
  }
}

function clock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pxj-progress-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('ProgressBar', () => {
  it('draws bytes read / size, percent and MB/s on a terminal', () => {
    const s = new FakeStream(true);
    const bar = new ProgressBar({ stream: s, now: clock(500) });
    bar.update(50_000_000, 200_000_000);
    expect(s.writes).toHaveLength(1);
    expect(s.writes[0]!.startsWith('\r')).toBe(true);
    expect(s.screen).toMatch(/^\[#{6}\.{18}\]  25%   50\/200 MB  +\d+ MB\/s$/);
    // clock: start at 500 ms, first update at 1000 ms -> 0.5 s for 50 MB = 100 MB/s.
    expect(s.screen).toContain(' 100 MB/s');
  });

  it('writes nothing when the stream is not a terminal (piped stderr)', () => {
    const s = new FakeStream(false);
    const bar = new ProgressBar({ stream: s, now: clock(500) });
    bar.update(50_000_000, 200_000_000);
    bar.update(200_000_000, 200_000_000);
    bar.done();
    expect(s.writes).toEqual([]);
    expect(captureProgress({ stream: s })).toBeUndefined();
    expect(captureProgress({ stream: new FakeStream(true) })).toBeInstanceOf(ProgressBar);
  });

  it('stays quiet for small inputs and erases nothing it did not draw', () => {
    const s = new FakeStream(true);
    const bar = new ProgressBar({ stream: s, now: clock(500) });
    bar.update(1_000_000, PROGRESS_MIN_BYTES - 1);
    bar.update(PROGRESS_MIN_BYTES - 1, PROGRESS_MIN_BYTES - 1);
    bar.done();
    expect(s.writes).toEqual([]);
  });

  it('redraws at most once per interval, and done() erases the line once', () => {
    const s = new FakeStream(true);
    const bar = new ProgressBar({ stream: s, now: clock(30), intervalMs: 100 });
    for (let i = 1; i <= 20; i++) bar.update(i * 10_000_000, 200_000_000);
    // 20 updates 30 ms apart = 600 ms: a draw at the first update, then every 4th (120 ms).
    expect(s.writes.length).toBe(5);
    bar.done();
    bar.done();
    expect(s.writes.at(-1)).toBe('\r\x1b[K');
    expect(s.writes.length).toBe(6);
    expect(s.screen).toBe('');
    bar.update(200_000_000, 200_000_000);
    expect(s.writes.length).toBe(6);
  });

  it('shows a count and rate when the size is unknown (stdin), once past the threshold', () => {
    const s = new FakeStream(true);
    const bar = new ProgressBar({ stream: s, now: clock(1000), minBytes: 8_000_000 });
    bar.update(4_000_000);
    expect(s.writes).toEqual([]);
    bar.update(30_000_000);
    expect(s.screen).toMatch(/^30 MB  +\d+ MB\/s$/);
  });

  it('keeps the same width while the numbers grow, so the label does not jitter', () => {
    const s = new FakeStream(true, 100);
    const bar = new ProgressBar({ stream: s, now: clock(1000), intervalMs: 0, label: '/captures/x.pcap' });
    for (const read of [1_000_000, 20_000_000, 300_000_000, 4_000_000_000]) bar.update(read, 4_000_000_000);
    const lines = s.writes.map((w) => w.replace(/^\r/, '').replace(/\x1b\[K$/, ''));
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^\/captures\/x\.pcap \[\.{24}\]   0%     1\/4000 MB/);
  });

  it('a terminal that reports 0 columns (a pty without a size) gets an 80-column line, not nothing', () => {
    const s = new FakeStream(true, 0);
    const bar = new ProgressBar({ stream: s, now: clock(500) });
    bar.update(50_000_000, 200_000_000);
    expect(s.screen).toMatch(/25%/);
    expect(s.screen.length).toBeLessThan(80);
  });

  it('never draws wider than the terminal: the label is shortened, then dropped', () => {
    const label = '/very/long/path/to/some/capture/directory/on/a/file/server/big-capture.pcapng';
    for (const columns of [160, 80, 60, 40, 20]) {
      const s = new FakeStream(true, columns);
      const bar = new ProgressBar({ stream: s, now: clock(100), label });
      bar.update(123_000_000, 4_000_000_000);
      expect(s.screen.length).toBeLessThan(columns);
      if (columns === 160) expect(s.screen.startsWith(label)).toBe(true);
      if (columns === 80) expect(s.screen).toMatch(/^….*big-capture\.pcapng \[/);
    }
  });
});

describe('ProgressBar driven by readCapture', () => {
  it('follows a real 10 MB capture read to the end', async () => {
    const file = path.join(tmp, 'ten-mb.pcap');
    const w = new PcapWriter(file, 1, { bufferBytes: 1 << 20 });
    const frame = new Uint8Array(1400);
    for (let i = 0; i < frame.length; i++) frame[i] = i & 0xff;
    const frames = Math.ceil((10 * 1024 * 1024) / (16 + frame.length));
    for (let i = 0; i < frames; i++) w.write(1_700_000_000 + i / 1000, frame);
    await w.close();
    const size = fs.statSync(file).size;

    const s = new FakeStream(true, 100);
    const bar = new ProgressBar({ stream: s, now: clock(60), label: file });
    const calls: [number, number | undefined][] = [];
    let n = 0;
    const summary = await readCapture(
      file,
      { frame: () => void n++ },
      {
        onProgress: (read, total) => {
          calls.push([read, total]);
          bar.update(read, total);
        },
      },
    );
    expect(summary.frames).toBe(frames);
    expect(n).toBe(frames);
    // Every call knows the size; the last one is the whole file.
    expect(calls.every(([, t]) => t === size)).toBe(true);
    expect(calls.at(-1)![0]).toBe(size);
    expect(s.writes.length).toBeGreaterThan(1);
    const lastDrawn = s.screen;
    expect(lastDrawn).toMatch(/\] (100|\s\d\d)%  +\d+\/10 MB  +\d+ MB\/s$/);
    bar.done();
    expect(s.screen).toBe('');
  });
});
