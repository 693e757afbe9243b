/**
 * Network-namespace lab for the live tests: a server namespace and a client namespace joined by a
 * veth pair, addresses from 192.0.2.0/24 only, names with the pxv- prefix. Everything it starts is
 * tracked by PID and stopped by PID; every namespace it makes is deleted in `destroy()` (call it from
 * afterAll, it is safe after a half-finished setup).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, have, labUnavailable as netnsLabUnavailable, run } from '../helpers/netns-lab.js';

export { CLI, REPO, waitFor } from '../helpers/netns-lab.js';
export const haveTool = have;

/** Why the namespace tests cannot run here, or undefined when they can. In CI a missing tool or root fails them. */
export function labUnavailable(tools: string[]): string | undefined {
  return netnsLabUnavailable(tools, 'live lab');
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

export class Lab extends NetnsLab {
  readonly id: string;
  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverIf: string;
  readonly clientIf: string;
  readonly serverIp = '192.0.2.1';
  readonly dir: string;

  constructor(tag: string) {
    // Interface names are limited to 15 characters (IFNAMSIZ - 1).
    const id = `${tag}${process.pid % 100000}`;
    super(`pxv-${id}`);
    this.id = id;
    this.serverNs = this.ns('s');
    this.clientNs = this.ns('c');
    this.serverIf = `pxvs${this.id}`.slice(0, 15);
    this.clientIf = `pxvc${this.id}`.slice(0, 15);
    this.dir = mkdtempSync(join(tmpdir(), `pxv-${this.id}-`));
  }

  /** Two namespaces, a veth between them; server 192.0.2.1/24; client up with no address. */
  create(): void {
    this.addNamespace('s');
    this.addNamespace('c');
    run('ip', ['link', 'add', this.serverIf, 'netns', this.serverNs, 'type', 'veth', 'peer', 'name', this.clientIf, 'netns', this.clientNs]);
    run('ip', ['-n', this.serverNs, 'addr', 'add', `${this.serverIp}/24`, 'dev', this.serverIf]);
    run('ip', ['-n', this.serverNs, 'link', 'set', this.serverIf, 'up']);
    run('ip', ['-n', this.clientNs, 'link', 'set', this.clientIf, 'up']);
    // The client has no address before DHCP; broadcasts need a route out of the veth.
    run('ip', ['-n', this.clientNs, 'route', 'add', 'default', 'dev', this.clientIf]);
  }

  /** Start a long-running process inside a namespace; it is tracked and stopped by PID in destroy(). */
  spawnIn(ns: string, cmd: string, args: string[], opts: { cwd?: string } = {}): ChildProcess {
    return this.startIn(ns, cmd, args, opts).proc;
  }

  execIn(ns: string, cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}) {
    return runAsync('ip', ['netns', 'exec', ns, cmd, ...args], opts);
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
    await this.cleanup(2000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
