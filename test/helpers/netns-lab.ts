/**
 * What every network-namespace lab of the test suite needs (test/responder, test/probe, test/live
 * build their own topology on it): tool/root detection that skips outside CI and fails in CI, a
 * bounded `run`, processes started in a namespace and stopped by their PID, and namespaces created
 * under the lab's own prefix and always deleted by `cleanup()` (call it from afterAll; it is safe
 * after a half-finished setup). Nothing here touches the root namespace's interfaces.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(REPO, 'bin/pxe-doctor.js');

/** Whether `tool` is on PATH (plus the sbin directories, where ip, dnsmasq and dhcpd live). */
export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Why the lab cannot run here (no root, a missing tool), or undefined when it can. In CI
 * (process.env.CI set) that is a failure, never a skip: it throws with `what` in the message.
 */
export function labUnavailable(tools: string[], what = 'lab test'): string | undefined {
  const missing = [...new Set(['ip', ...tools])].filter((t) => !have(t));
  const why = !isRoot() ? 'needs root (network namespaces)' : missing.length ? `missing ${missing.join(', ')}` : undefined;
  if (why && process.env.CI) throw new Error(`${what} cannot run in CI: ${why}`);
  return why;
}

/** Run to completion with a time bound; throws (with the command's stderr) on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { timeout?: number; input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 20_000, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Wait until `pred()` is true, polling every 20 ms; throws after `timeoutMs` naming `what`. */
export async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Started {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves with the first match in stdout+stderr; rejects after `ms` or when the process exits first. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Spawn `cmd` with its stdout and stderr collected (the caller stops it, by PID, with `stopProcess`). */
export function startProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  proc.stdout?.on('data', (d: Buffer | string) => {
    out += d.toString();
    check();
  });
  proc.stderr?.on('data', (d: Buffer | string) => {
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
          reject(new Error(`timed out after ${ms} ms waiting for ${re} from ${cmd}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
        }, ms);
        waiters.push(w);
        // Output still in the pipe when the process exits arrives a moment later: give it 50 ms.
        void exited.then(() => {
          setTimeout(() => {
            if (waiters.includes(w)) {
              clearTimeout(t);
              waiters.splice(waiters.indexOf(w), 1);
              reject(new Error(`${cmd} exited while waiting for ${re}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
            }
          }, 50);
        });
      }),
  };
}

/**
 * Stop one process by its PID: SIGTERM, then SIGKILL after `graceMs`. Resolves once its output
 * pipes are closed (so everything it wrote has been read), or 1 s after it exited if a child it
 * left behind still holds them.
 */
export async function stopProcess(p: Started | ChildProcess, graceMs = 3000): Promise<void> {
  const proc = 'proc' in p ? p.proc : p;
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  const pid = proc.pid;
  const done = new Promise<void>((resolve) => {
    proc.once('close', () => resolve());
    proc.once('exit', () => setTimeout(resolve, 1000).unref());
  });
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      /* exited meanwhile */
    }
  };
  signal('SIGTERM');
  const t = setTimeout(() => {
    if (proc.exitCode === null && proc.signalCode === null) signal('SIGKILL');
  }, graceMs);
  await done;
  clearTimeout(t);
}

/**
 * Namespaces named `<prefix>-<role>` and the processes started in them. Each lab passes its own
 * prefix (pxs-, pxp-, pxv- ...) plus something unique to the test file, so labs never collide.
 */
export class NetnsLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly procs = new Set<ChildProcess>();

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  ns(role: string): string {
    return `${this.prefix}-${role}`;
  }

  /** Create `<prefix>-<role>` (deleting one left by a killed earlier run), lo up, IPv6 off. */
  addNamespace(role: string): string {
    const name = this.ns(role);
    if (run('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name)) run('ip', ['netns', 'del', name]);
    run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    // No IPv6 chatter (router solicitations, DAD) on test links: it is not what is being tested.
    run('ip', ['netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    return name;
  }

  /** Start a long-running process in namespace `ns` (ip netns exec execs it, so the PID is the command's). */
  startIn(ns: string, cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
    const started = startProcess('ip', ['netns', 'exec', ns, cmd, ...args], opts);
    this.track(started.proc);
    return started;
  }

  /** Have `cleanup()` stop this process (by PID) if it is still running then. */
  track(proc: ChildProcess): void {
    this.procs.add(proc);
    proc.once('close', () => this.procs.delete(proc));
  }

  async stop(p: Started | ChildProcess, graceMs = 3000): Promise<void> {
    const proc = 'proc' in p ? p.proc : p;
    await stopProcess(proc, graceMs);
    this.procs.delete(proc);
  }

  /** Stop every tracked process by PID, then delete every namespace this lab made. */
  async cleanup(graceMs = 3000): Promise<void> {
    await Promise.all([...this.procs].map((p) => this.stop(p, graceMs)));
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        /* already deleted */
      }
    }
  }
}
