/**
 * The capture process: tcpdump (or Wireshark's dumpcap when tcpdump is absent) writing the capture
 * to its standard output, which the live session parses as a stream.
 *
 * Why a child process and not libpcap bindings: the npm bindings need libpcap-dev and a matching
 * Node ABI, one drops timestamps and one keeps the process alive after close (tried when `live` was built);
 * tcpdump with --immediate-mode -U delivers each packet within milliseconds and exits cleanly on
 * SIGTERM after flushing what it buffered.
 *
 * Stop protocol (nothing captured is lost): SIGTERM (tcpdump/dumpcap flush and write their final
 * statistics), then the caller reads stdout to its end; `exited` resolves after both the process
 * exited and stdout closed.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, isAbsolute, join, basename } from 'node:path';
import type { Readable } from 'node:stream';
import { LiveError } from './errors.js';

export type CaptureToolKind = 'tcpdump' | 'dumpcap';

export interface CaptureTool {
  kind: CaptureToolKind;
  /** Absolute path of the executable. */
  path: string;
}

/** Where tcpdump/dumpcap live when a non-root PATH leaves out the sbin directories. */
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function which(name: string, pathEnv: string | undefined, extraDirs: readonly string[]): string | undefined {
  const dirs = [...(pathEnv ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const d of dirs) {
    const p = join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function kindOf(pathOrName: string): CaptureToolKind {
  return basename(pathOrName).startsWith('dumpcap') ? 'dumpcap' : 'tcpdump';
}

/**
 * The capture tool to run. `preferred` is "tcpdump", "dumpcap" or a path to either (the tool is told
 * apart by its file name). Without it: tcpdump, else dumpcap.
 */
export function findCaptureTool(
  preferred?: string,
  pathEnv: string | undefined = process.env.PATH,
  extraDirs: readonly string[] = EXTRA_DIRS,
): CaptureTool {
  if (preferred) {
    if (preferred.includes('/')) {
      const p = isAbsolute(preferred) ? preferred : join(process.cwd(), preferred);
      if (!isExecutable(p)) throw new LiveError('no-capture-tool', `capture tool ${preferred} is not an executable file`);
      return { kind: kindOf(p), path: p };
    }
    if (preferred !== 'tcpdump' && preferred !== 'dumpcap') {
      throw new LiveError('no-capture-tool', `--capture-tool must be tcpdump, dumpcap or a path to one of them, not "${preferred}"`);
    }
    const p = which(preferred, pathEnv, extraDirs);
    if (!p) {
      const pkg = preferred === 'tcpdump' ? 'tcpdump' : 'wireshark-common (dumpcap)';
      throw new LiveError('no-capture-tool', `${preferred} not found: install it (apt-get install ${pkg.split(' ')[0]})`);
    }
    return { kind: preferred, path: p };
  }
  const tcpdump = which('tcpdump', pathEnv, extraDirs);
  if (tcpdump) return { kind: 'tcpdump', path: tcpdump };
  const dumpcap = which('dumpcap', pathEnv, extraDirs);
  if (dumpcap) return { kind: 'dumpcap', path: dumpcap };
  throw new LiveError(
    'no-capture-tool',
    'neither tcpdump nor dumpcap is installed: install tcpdump (apt-get install tcpdump, dnf install tcpdump)',
  );
}

export interface CaptureArgsOptions {
  iface: string;
  filter: string;
  /** Stop after this many packets (the tool's own -c, so the count is exact). */
  count?: number;
  /** Bytes kept per packet; 0 = whole packets (the tool's maximum, 262144). */
  snaplen: number;
}

/**
 * Kernel capture buffer in KiB. In immediate mode libpcap uses a TPACKET_V2 ring whose slots are
 * sized for the snap length, so buffer / snaplen is how many packets it holds while we are busy.
 * Measured on a veth with a 20 MB TFTP transfer (about 80 000 packets at 40 000 packets/s) with -s 0
 * (256 KiB slots): 2 MiB dropped 16 712 packets, 8 MiB 32 153, 64 MiB none when idle but up to
 * 35 866 on this loaded 2-core machine. Hence 64 MiB *and* an MTU-sized snap length (see
 * snaplenFor): some 30 000 slots, most of a second of a boot storm.
 */
const BUFFER_KIB = 65536;

/** Link header room on top of the MTU: Ethernet (14) plus two 802.1Q tags (QinQ, 8). */
const LINK_HEADER_ROOM = 22;
/** When the MTU is unknown ("any", no /sys): the largest IPv4 datagram plus a Linux cooked header. */
const UNKNOWN_MTU_SNAPLEN = 65535 + 20;

/**
 * Snap length for an interface: every frame on the wire fits in MTU + link header, including each
 * IP fragment of a large-blksize TFTP DATA. (Only GRO/GSO-merged frames are larger, which boot
 * traffic does not produce: tftpd and DHCP servers send plain datagrams; a merged one would be
 * reported as truncated, and --snaplen 0 keeps whole packets.)
 */
export function snaplenFor(mtu: number | undefined): number {
  return mtu === undefined ? UNKNOWN_MTU_SNAPLEN : Math.min(262_144, Math.max(mtu, 576) + LINK_HEADER_ROOM);
}

export function captureArgs(tool: CaptureToolKind, o: CaptureArgsOptions): string[] {
  if (tool === 'tcpdump') {
    // --immediate-mode: hand each packet over at once (no buffer timeout); -U: flush the output
    // after each packet; -w -: pcap on stdout.
    const a = ['-i', o.iface, '--immediate-mode', '-U', '-s', String(o.snaplen), '-B', String(BUFFER_KIB), '-w', '-'];
    if (o.count !== undefined) a.push('-c', String(o.count));
    a.push(o.filter);
    return a;
  }
  // dumpcap writes pcapng to stdout and flushes per packet when the output is a pipe; -q: no counter.
  const a = ['-i', o.iface, '-q', '-s', String(o.snaplen), '-B', String(Math.round(BUFFER_KIB / 1024)), '-w', '-', '-f', o.filter];
  if (o.count !== undefined) a.push('-c', String(o.count));
  return a;
}

/** What the tool said about the run when it exited. */
export interface CaptureExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Packets the tool wrote; packets the kernel dropped because the buffer was full (when reported). */
  captured?: number;
  droppedByKernel?: number;
  /** stderr lines that were neither the banner nor statistics (kept for error reports). */
  messages: string[];
}

/** Turn the tool's stderr after a failed start into the error that says the fix. */
export function classifyCaptureFailure(tool: CaptureTool, iface: string, stderr: string, userFilter?: string): LiveError {
  const text = stderr.trim();
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^Capturing on /.test(l)) ?? `exited without a message`;
  if (/permission|Operation not permitted|not permitted/i.test(text)) {
    return new LiveError(
      'permission',
      `no permission to capture on ${iface}: run as root, or setcap cap_net_raw,cap_net_admin=eip ${tool.path}`,
    );
  }
  if (/No such device|There is no device named/i.test(text)) {
    return new LiveError('unknown-interface', `unknown interface "${iface}" (${tool.kind}: ${first}); see: pxe-doctor live --list-interfaces`);
  }
  if (/not up/i.test(text)) {
    return new LiveError('interface-down', `interface ${iface} is down: bring it up with "ip link set ${iface} up"`);
  }
  if (/filter|parse|syntax|unknown (port|host|proto|network)|illegal/i.test(text)) {
    const where = userFilter ? `your --filter "${userFilter}"` : 'the capture filter';
    return new LiveError('bad-filter', `${tool.kind} rejected ${where}: ${first.replace(/^(tcpdump|dumpcap): /, '')}`);
  }
  return new LiveError('capture-failed', `${tool.kind} failed on ${iface}: ${first.replace(/^(tcpdump|dumpcap): /, '')}`);
}

function parseStatLine(line: string, exit: CaptureExit): boolean {
  let m = /^(\d+) packets? captured$/.exec(line); // tcpdump
  if (m) return (exit.captured = Number(m[1])), true;
  m = /^(\d+) packets? dropped by kernel$/.exec(line); // tcpdump
  if (m) return (exit.droppedByKernel = Number(m[1])), true;
  if (/^\d+ packets? received by filter$/.test(line)) return true;
  m = /^Packets captured: (\d+)$/.exec(line); // dumpcap
  if (m) return (exit.captured = Number(m[1])), true;
  m = /^Packets received\/dropped on interface .*: (\d+)\/(\d+)/.exec(line); // dumpcap
  if (m) return (exit.droppedByKernel = Number(m[2])), true;
  return /^(tcpdump: )?listening on |^Capturing on |^File: /.test(line);
}

/**
 * A running capture tool. `stdout` is the capture byte stream. `ready` resolves when the tool wrote
 * its file header (that happens after the interface is open and the filter is installed, so packets
 * from then on are seen), and rejects with a LiveError when the tool exits before that.
 */
export class CaptureProcess {
  readonly tool: CaptureTool;
  readonly args: string[];
  readonly stdout: Readable;
  readonly ready: Promise<void>;
  readonly exited: Promise<CaptureExit>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private stderrText = '';
  private stopping = false;
  /** Statistics lines seen so far (tcpdump prints them on SIGUSR1 and at exit): the latest values. */
  private readonly stats: CaptureExit = { code: null, signal: null, messages: [] };
  private stderrLine = '';
  /** Called when the tool prints statistics while it runs (after requestStats()). */
  onStats: ((s: { captured?: number; droppedByKernel?: number }) => void) | undefined;

  constructor(tool: CaptureTool, o: CaptureArgsOptions & { userFilter?: string }) {
    this.tool = tool;
    this.args = captureArgs(tool.kind, o);
    // Not detached: a Ctrl-C in the terminal reaches tcpdump too, which then flushes and exits,
    // exactly what stop() asks for; and tcpdump never outlives the terminal session.
    this.child = spawn(tool.path, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.stdout = this.child.stdout;
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s: string) => {
      // Statistics lines are kept as their latest values, not as text: tcpdump prints them every
      // time requestStats() asks, for as long as the sensor runs.
      const lines = (this.stderrLine + s).split('\n');
      this.stderrLine = lines.pop() as string;
      let statsSeen = false;
      for (const raw of lines) {
        const line = raw.trim();
        if (/^\d+ packets? (captured|received by filter|dropped by kernel)$/.test(line)) {
          parseStatLine(line, this.stats);
          statsSeen = true;
          continue;
        }
        // On SIGUSR1 tcpdump prints the same three counts on one line.
        const m = /^tcpdump: (\d+) packets? captured, \d+ packets? received by filter, (\d+) packets? dropped by kernel/.exec(line);
        if (m) {
          this.stats.captured = Number(m[1]);
          this.stats.droppedByKernel = Number(m[2]);
          statsSeen = true;
          continue;
        }
        // Bounded: a tool that keeps complaining must not grow memory.
        if (this.stderrText.length < 64 * 1024) this.stderrText += `${raw}\n`;
      }
      if (statsSeen && !this.stopping) this.onStats?.({ captured: this.stats.captured, droppedByKernel: this.stats.droppedByKernel });
    });

    let started = false;
    const spawnFailed = new Promise<never>((_, reject) => {
      this.child.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'ENOENT'
            ? new LiveError('no-capture-tool', `${tool.path} not found: install tcpdump (apt-get install tcpdump)`)
            : err.code === 'EACCES'
              ? new LiveError('permission', `cannot run ${tool.path}: ${err.message}`)
              : new LiveError('capture-failed', `cannot run ${tool.path}: ${err.message}`),
        );
      });
    });
    spawnFailed.catch(() => undefined);

    const stdoutClosed = new Promise<void>((resolve) => {
      this.child.stdout.once('close', () => resolve());
      this.child.stdout.once('error', () => resolve());
    });
    const processExited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      this.child.once('close', (code, signal) => resolve({ code, signal }));
      this.child.once('error', () => resolve({ code: null, signal: null }));
    });

    this.ready = Promise.race([
      spawnFailed,
      new Promise<void>((resolve, reject) => {
        this.child.stdout.once('data', () => {
          started = true;
          resolve();
        });
        void processExited.then(() => {
          if (!started) reject(classifyCaptureFailure(tool, o.iface, this.stderrText, o.userFilter));
        });
      }),
    ]);
    this.ready.catch(() => undefined);

    this.exited = Promise.all([processExited, stdoutClosed]).then(([{ code, signal }]) => {
      const exit: CaptureExit = { code, signal, messages: [] };
      if (this.stats.captured !== undefined) exit.captured = this.stats.captured;
      if (this.stats.droppedByKernel !== undefined) exit.droppedByKernel = this.stats.droppedByKernel;
      for (const raw of (this.stderrText + this.stderrLine).split('\n')) {
        const line = raw.trim();
        if (line && !parseStatLine(line, exit)) exit.messages.push(line);
      }
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True when the tool ended by itself or because stop() was called (not a crash). */
  get stopRequested(): boolean {
    return this.stopping;
  }

  /**
   * Ask the tool for its running statistics (packets dropped by the kernel so far): tcpdump prints
   * them on SIGUSR1 (Linux's stand-in for SIGINFO) and goes on capturing. dumpcap has no such
   * signal: its counts come when it stops. False when the tool cannot be asked.
   */
  requestStats(): boolean {
    if (this.tool.kind !== 'tcpdump' || this.stopping || this.child.exitCode !== null || this.child.signalCode !== null) return false;
    this.child.kill('SIGUSR1');
    return true;
  }

  /** Ask the tool to flush and exit (SIGTERM); its remaining output still arrives on stdout. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }

  /** Last resort when the tool ignores SIGTERM (should not happen; bounded by the caller's timer). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
