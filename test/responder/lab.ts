/**
 * Network-namespace lab for the responder tests. Everything is created under the pxs- prefix,
 * only with addresses from 192.0.2.0/24, and removed again by `cleanup()` (call it in afterAll):
 * processes are stopped by PID, namespaces deleted by name. Nothing touches the root namespace.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NetnsLab, run, type Started } from '../helpers/netns-lab.js';

export { CLI, REPO, labUnavailable } from '../helpers/netns-lab.js';
export type { Started };

export class Lab extends NetnsLab {
  /** Names are pxs-<tag><pid>-<role>: unique per test file and per run, so two runs never meet. */
  constructor(tag: string) {
    super(`pxs-${tag}${process.pid}`);
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
    return this.startIn(ns, cmd, args, { env: { NO_COLOR: '1', ...env } });
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
    this.track(proc);
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      proc.on('exit', (code) => reject(new Error(`could not lock ${file} within ${waitSeconds} s (flock exit ${code})`)));
    });
  }
}

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), `pxs-${tag}-`));
}
