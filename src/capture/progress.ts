/**
 * A one-line progress bar for reading a large capture: bytes read / file size and throughput,
 * redrawn in place on stderr at most every `intervalMs`.
 *
 * Shown only when the stream is a terminal (a pipe or a file gets nothing, so `2> log` and CI logs
 * stay clean) and the input is big enough to take noticeable time. It plugs into readCapture's
 * `onProgress(bytesRead, total)`; call `done()` before printing anything else, it erases the line.
 */

/** The part of a tty.WriteStream we use (a fake one in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export interface ProgressOptions {
  /** Where to draw (default process.stderr). */
  stream?: ProgressStream;
  /** Inputs smaller than this get no bar (default 8 MiB: read in well under a second). */
  minBytes?: number;
  /** Least time between two redraws (default 100 ms). */
  intervalMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Text before the bar, e.g. the file name (shortened to fit). */
  label?: string;
}

export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;
const BAR_WIDTH = 24;
const MB = 1_000_000;

export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly minBytes: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly label: string;
  private readonly enabled: boolean;
  private readonly start: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private finished = false;

  constructor(opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.minBytes = opts.minBytes ?? PROGRESS_MIN_BYTES;
    this.intervalMs = opts.intervalMs ?? 100;
    this.now = opts.now ?? (() => performance.now());
    this.label = opts.label ?? '';
    this.enabled = this.stream.isTTY === true;
    this.start = this.now();
  }

  /** readCapture's onProgress: redraws when due. Cheap when not shown (called once per read). */
  update(bytesRead: number, total?: number): void {
    if (!this.enabled || this.finished) return;
    // Unknown size (stdin, gzip on a pipe): show the count once it is past the threshold.
    if ((total !== undefined ? total : bytesRead) < this.minBytes) return;
    const t = this.now();
    if (t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.stream.write(`\r${this.render(bytesRead, total, t)}\x1b[K`);
    this.drawn = true;
  }

  /** Erase the bar (only if one was drawn) so the next output starts on a clean line. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.drawn) this.stream.write('\r\x1b[K');
  }

  /** The line as drawn: "label [######......]  42%  450/1074 MB  812 MB/s". */
  render(bytesRead: number, total: number | undefined, t: number = this.now()): string {
    const secs = Math.max((t - this.start) / 1000, 1e-3);
    // Fixed-width numbers, so the line (and the label's share of it) does not jitter between redraws.
    const rate = `${String(Math.round(bytesRead / MB / secs)).padStart(4)} MB/s`;
    let body: string;
    if (total !== undefined && total > 0) {
      const frac = Math.min(1, bytesRead / total);
      const fill = Math.round(frac * BAR_WIDTH);
      const pct = `${Math.floor(frac * 100)}%`.padStart(4);
      const totalMb = String(Math.round(total / MB));
      body = `[${'#'.repeat(fill)}${'.'.repeat(BAR_WIDTH - fill)}] ${pct}  ${String(Math.round(bytesRead / MB)).padStart(totalMb.length)}/${totalMb} MB  ${rate}`;
    } else {
      body = `${Math.round(bytesRead / MB)} MB  ${rate}`;
    }
    // A pty without a window size (script, some CI runners) reports 0 columns.
    const columns = this.stream.columns || 80;
    // Never wrap: a wrapped line cannot be redrawn with \r. The label gives way first.
    const room = columns - 1 - body.length - 1;
    if (this.label === '' || room < 8) return body.slice(0, Math.max(0, columns - 1));
    const label = this.label.length <= room ? this.label : `…${this.label.slice(this.label.length - room + 1)}`;
    return `${label} ${body}`;
  }
}

/**
 * The bar for one capture read, or undefined when none would be shown (not a terminal): callers
 * then pass no onProgress at all and the read loop pays nothing.
 */
export function captureProgress(opts: ProgressOptions = {}): ProgressBar | undefined {
  const stream = opts.stream ?? process.stderr;
  return stream.isTTY === true ? new ProgressBar({ ...opts, stream }) : undefined;
}
