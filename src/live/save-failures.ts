/**
 * `live --save-failures DIR`: one pcapng file per client whose boot failed, holding just that
 * client's boot (what `pxe-doctor extract` writes; docs/live.md, "Saving failed boots").
 *
 * Every captured frame is spooled to pcapng files in DIR/.spool-PID (a new file every 60 s or
 * 32 MiB; files whose last frame is older than the retention, 15 min by default, are deleted), so
 * memory does not grow with the run and the disk holds only the last minutes of boot traffic (the
 * capture filter keeps only boot traffic). When a client is judged and did not boot, its frames are
 * copied from the spool files that cover its frame window into DIR/<MAC>-<time>.pcapng. The spool
 * directory is deleted at the end of the run.
 */
import { existsSync, mkdirSync, rmSync, openSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from '../capture/frame.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import { writeClientFrames } from '../extract/run.js';
import type { ClientJson } from '../report/schema.js';
import { LiveError } from './errors.js';

const ROTATE_SECONDS = 60;
const ROTATE_BYTES = 32 * 1024 * 1024;
export const DEFAULT_RETENTION_SECONDS = 15 * 60;

interface SpoolFile {
  path: string;
  firstFrame: number;
  lastFrame: number;
  firstTs: number;
  lastTs: number;
  bytes: number;
}

export interface SavedFailure {
  client: string;
  file: string;
  frames: number;
  verdict: string;
}

export class FailureSaver {
  private readonly dir: string;
  private readonly spoolDir: string;
  private readonly retention: number;
  private readonly files: SpoolFile[] = [];
  private writer: PcapngWriter | undefined;
  private fd: number | undefined;
  private current: SpoolFile | undefined;
  private linkType = 1;
  private queue: Promise<void> = Promise.resolve();
  private serial = 0;
  /** Failure files named and not written yet. */
  private readonly pending = new Set<string>();
  readonly saved: SavedFailure[] = [];
  private readonly onSaved: (s: SavedFailure) => void;
  private readonly onError: (message: string) => void;

  constructor(dir: string, opts: { retentionSeconds?: number; onSaved?(s: SavedFailure): void; onError?(message: string): void } = {}) {
    this.dir = dir;
    this.retention = opts.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    this.onSaved = opts.onSaved ?? (() => undefined);
    this.onError = opts.onError ?? (() => undefined);
    try {
      mkdirSync(dir, { recursive: true });
      if (!statSync(dir).isDirectory()) throw new Error('not a directory');
      this.spoolDir = path.join(dir, `.spool-${process.pid}`);
      mkdirSync(this.spoolDir, { recursive: true });
    } catch (err) {
      throw new LiveError('write-file', `--save-failures: cannot use ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  /** Each captured frame, in order (LiveSessionOptions.onFrame). */
  frame(f: Frame): void {
    const cur = this.current;
    if (cur === undefined || f.linkType !== this.linkType || f.ts - cur.firstTs >= ROTATE_SECONDS || cur.bytes >= ROTATE_BYTES) this.rotate(f);
    const c = this.current as SpoolFile;
    (this.writer as PcapngWriter).write(f.ts, f.data, f.origLen);
    c.lastFrame = f.index;
    c.lastTs = f.ts;
    c.bytes += 32 + f.data.length;
  }

  private rotate(f: Frame): void {
    this.closeCurrent();
    this.linkType = f.linkType;
    const file = path.join(this.spoolDir, `spool-${String(++this.serial).padStart(6, '0')}.pcapng`);
    this.fd = openSync(file, 'w');
    this.writer = new PcapngWriter(this.fd, f.linkType);
    this.current = { path: file, firstFrame: f.index, lastFrame: f.index, firstTs: f.ts, lastTs: f.ts, bytes: 0 };
    this.files.push(this.current);
    // Old spool files: nothing a client still in flight needs (kept longer than a client can be idle).
    while (this.files.length > 1 && f.ts - (this.files[0] as SpoolFile).lastTs > this.retention) {
      const old = this.files.shift() as SpoolFile;
      rmSync(old.path, { force: true });
    }
  }

  private closeCurrent(): void {
    if (this.writer === undefined) return;
    this.writer.flush();
    void this.writer.close();
    if (this.fd !== undefined) closeSync(this.fd);
    this.writer = undefined;
    this.fd = undefined;
  }

  /** A judged client (LiveSessionOptions.onClientDone): saved when it did not boot. */
  clientDone(c: ClientJson): void {
    if (c.ok) return;
    this.writer?.flush();
    const files = this.files.filter((s) => s.lastFrame >= c.firstFrame && s.firstFrame <= c.lastFrame);
    if (files.length === 0) return;
    const start = new Date(((files[0] as SpoolFile).firstTs) * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const stem = path.join(this.dir, `${c.mac.replace(/:/g, '-')}-${start}`);
    let out = `${stem}.pcapng`;
    for (let n = 2; existsSync(out) || this.pending.has(out); n++) out = `${stem}-${n}.pcapng`;
    this.pending.add(out);
    const verdict = `FAILED at ${c.stage}${c.findings.length ? `: ${[...new Set(c.findings)].join(', ')}` : ''}`;
    // One at a time, in the order clients finish; the spool files are only appended to meanwhile.
    this.queue = this.queue.then(async () => {
      try {
        const fd = openSync(out, 'w');
        try {
          const r = await writeClientFrames(files.map((s) => s.path), c.mac, [c], fd, (files[0] as SpoolFile).firstFrame - 1);
          const saved = { client: c.mac, file: out, frames: r.kept, verdict };
          this.saved.push(saved);
          this.onSaved(saved);
        } finally {
          closeSync(fd);
          this.pending.delete(out);
        }
      } catch (err) {
        this.onError(`--save-failures: could not save ${c.mac} to ${out}: ${(err as Error).message}`);
      }
    });
  }

  /** After the run: wait for the saves, then delete the spool. */
  async close(): Promise<void> {
    this.writer?.flush();
    await this.queue;
    this.closeCurrent();
    rmSync(this.spoolDir, { recursive: true, force: true });
  }
}
