/**
 * Network-namespace lab for the live tests: a server namespace and a client namespace joined by a
 * veth pair, addresses from 192.0.2.0/24 only, names with the pxv- prefix. Everything it starts is
 * tracked by PID and stopped by PID; every namespace it makes is deleted in `destroy()` (call it from
 * afterAll, it is safe after a half-finished setup).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const CLI = join(REPO, 'bin', 'pxe-doctor.js');

export function haveTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).status === 0;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Why the namespace tests cannot run here, or undefined when they can. In CI (process.env.CI set) the
 * tests never skip: a missing tool must fail them.
 */
export function labUnavailable(tools: string[]): string | undefined {
  if (process.env.CI) return undefined;
  if (!isRoot()) return 'needs root (network namespaces)';
  for (const t of tools) if (!haveTool(t)) return `needs ${t}`;
  return undefined;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message || r.status}`);
  return r.stdout;
}

/** Run and wait, with a time bound; resolves with exit status and output. */
export function runAsync(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export class Lab {
  readonly id: string;
  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverIf: string;
  readonly clientIf: string;
  readonly serverIp = '192.0.2.1';
  readonly dir: string;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();

  constructor(tag: string) {
    // Interface names are limited to 15 characters (IFNAMSIZ - 1).
    this.id = `${tag}${process.pid % 100000}`;
    this.serverNs = `pxv-${this.id}-s`;
    this.clientNs = `pxv-${this.id}-c`;
    this.serverIf = `pxvs${this.id}`.slice(0, 15);
    this.clientIf = `pxvc${this.id}`.slice(0, 15);
    this.dir = mkdtempSync(join(tmpdir(), `pxv-${this.id}-`));
  }

  /** Two namespaces, a veth between them; server 192.0.2.1/24; client up with no address. */
  create(): void {
    for (const ns of [this.serverNs, this.clientNs]) {
      // A namespace left over by a killed earlier run of this same test id: remove it first.
      if (existsSync(`/run/netns/${ns}`)) spawnSync('ip', ['netns', 'del', ns]);
      run('ip', ['netns', 'add', ns]);
      this.namespaces.push(ns);
      run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      // No IPv6 chatter (router solicitations) on the test link: it is not what is being tested.
      spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    }
    run('ip', ['link', 'add', this.serverIf, 'netns', this.serverNs, 'type', 'veth', 'peer', 'name', this.clientIf, 'netns', this.clientNs]);
    run('ip', ['-n', this.serverNs, 'addr', 'add', `${this.serverIp}/24`, 'dev', this.serverIf]);
    run('ip', ['-n', this.serverNs, 'link', 'set', this.serverIf, 'up']);
    run('ip', ['-n', this.clientNs, 'link', 'set', this.clientIf, 'up']);
    // The client has no address before DHCP; broadcasts need a route out of the veth.
    run('ip', ['-n', this.clientNs, 'route', 'add', 'default', 'dev', this.clientIf]);
  }

  /** Start a long-running process inside a namespace; it is tracked and stopped by PID in destroy(). */
  spawnIn(ns: string, cmd: string, args: string[], opts: { cwd?: string } = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('close', () => this.children.delete(child));
    return child;
  }

  execIn(ns: string, cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}) {
    return runAsync('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  /** Stop one tracked process by PID: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(child: ChildProcess, graceMs = 3000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    if (child.pid) process.kill(child.pid, 'SIGTERM');
    const t = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), graceMs);
    await closed;
    clearTimeout(t);
  }

  /**
   * Stop everything still running (by PID), delete the namespaces and the temp dir. `toolPids` are
   * capture tools started by a `live` under test (normally gone already: live waits for them); one
   * is killed only if its command line still names one of this lab's interfaces, so a PID the
   * system has since reused for another process is never touched.
   */
  async destroy(toolPids: number[] = []): Promise<void> {
    for (const pid of toolPids) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        continue; // already gone
      }
      if (cmdline.includes(this.serverIf) || cmdline.includes(this.clientIf)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
    }
    await Promise.all([...this.children].map((c) => this.stop(c, 2000)));
    for (const ns of this.namespaces.splice(0)) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Wait until `pred()` is true, polling every 20 ms; throws after `timeoutMs` with `what`. */
export async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
