/**
 * Network-namespace lab for the responder tests. Everything is created under the pxs- prefix,
 * only with addresses from 192.0.2.0/24, and removed again by `cleanup()` (call it in afterAll):
 * processes are stopped by PID, namespaces deleted by name. Nothing touches the root namespace.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(REPO, 'bin/pxe-doctor.js');

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the lab cannot run here, or undefined when it can. In CI a missing tool is a failure, not a skip. */
export function labUnavailable(tools: string[]): string | undefined {
  const missing = ['ip', ...tools].filter((t) => !have(t));
  const root = process.getuid?.() === 0;
  const why = !root ? 'needs root (network namespaces)' : missing.length ? `missing ${missing.join(', ')}` : undefined;
  if (why && process.env.CI) throw new Error(`lab test cannot run in CI: ${why}`);
  return why;
}

export function run(cmd: string, args: string[], opts: { timeout?: number; input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 20_000, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface Started {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves when stdout+stderr matches, rejects after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  exited: Promise<number | null>;
}

export class Lab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly procs: ChildProcess[] = [];

  /** Names are pxs-<tag><pid>-<role>: unique per test file and per run, so two runs never meet. */
  constructor(tag: string) {
    this.prefix = `pxs-${tag}${process.pid}`;
  }

  ns(role: string): string {
    return `${this.prefix}-${role}`;
  }

  addNamespace(role: string): string {
    const name = this.ns(role);
    if (run('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name)) run('ip', ['netns', 'del', name]);
    run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    run('ip', ['netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
    return name;
  }

  /** A veth pair created inside `a` with its peer moved straight into `b` (never via the root namespace). */
  veth(a: string, ifA: string, b: string, ifB: string, mtu = 1500): void {
    run('ip', ['-n', a, 'link', 'add', ifA, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', ifB, 'mtu', String(mtu), 'netns', b]);
    run('ip', ['-n', a, 'link', 'set', ifA, 'up']);
    run('ip', ['-n', b, 'link', 'set', ifB, 'up']);
  }

  bridge(ns: string, br: string): void {
    run('ip', ['-n', ns, 'link', 'add', br, 'type', 'bridge']);
    run('ip', ['-n', ns, 'link', 'set', br, 'up']);
  }

  /** Attach a port of namespace `ns` (usually the switch) to bridge `br`. */
  enslave(ns: string, ifName: string, br: string): void {
    run('ip', ['-n', ns, 'link', 'set', ifName, 'master', br]);
  }

  addr(ns: string, ifName: string, cidr: string): void {
    run('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', ifName]);
  }

  exec(ns: string, cmd: string, args: string[], opts: { timeout?: number } = {}): string {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  /** Start a long-running process in `ns` (ip netns exec execs it, so the PID is the command's). */
  start(ns: string, cmd: string, args: string[], env: Record<string, string> = {}): Started {
    const proc = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(proc);
    let out = '';
    let err = '';
    const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
    const check = (): void => {
      for (const w of [...waiters]) {
        const m = w.re.exec(out + err);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m[0]);
        }
      }
    };
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      check();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    return {
      proc,
      out: () => out,
      err: () => err,
      exited,
      waitFor: (re, ms) =>
        new Promise<string>((resolve, reject) => {
          const m = re.exec(out + err);
          if (m) return resolve(m[0]);
          const w = { re, resolve: (s: string) => (clearTimeout(t), resolve(s)) };
          const t = setTimeout(() => {
            waiters.splice(waiters.indexOf(w), 1);
            reject(new Error(`timed out after ${ms} ms waiting for ${re}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
          }, ms);
          waiters.push(w);
          void exited.then(() => {
            setTimeout(() => {
              if (waiters.includes(w)) {
                clearTimeout(t);
                waiters.splice(waiters.indexOf(w), 1);
                reject(new Error(`process exited while waiting for ${re}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
              }
            }, 50);
          });
        }),
    };
  }

  /** Stop one started process by PID: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(p: Started | ChildProcess, graceMs = 3000): Promise<void> {
    const proc = 'proc' in p ? p.proc : p;
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    process.kill(proc.pid, 'SIGTERM');
    const t = setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
    }, graceMs);
    await gone;
    clearTimeout(t);
  }

  /**
   * Hold an flock on `file` until cleanup (the qemu lab tests of the project share /tmp/pxl-lab.lock,
   * so only one set of VMs runs at a time on a 2-core machine). One process holds it: the shell opens
   * the file, flock(1) locks that descriptor and exits, and the shell execs `sleep` keeping it — so
   * stopping that PID (cleanup) releases the lock; no child is left behind holding it.
   */
  async lock(file: string, waitSeconds = 900): Promise<void> {
    const script = 'exec 9>>"$1" && flock -w "$2" 9 && echo locked && exec sleep 3600';
    const proc = spawn('sh', ['-c', script, 'lock', file, String(waitSeconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(proc);
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      proc.on('exit', (code) => reject(new Error(`could not lock ${file} within ${waitSeconds} s (flock exit ${code})`)));
    });
  }

  async cleanup(): Promise<void> {
    for (const p of this.procs.splice(0)) {
      try {
        await this.stop(p);
      } catch {
        /* already gone */
      }
    }
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        /* already deleted */
      }
    }
  }
}

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), `pxs-${tag}-`));
}
