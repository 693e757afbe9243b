/**
 * Network-namespace lab for the probe tests: a switch namespace with a bridge, and a client, a DHCP
 * and a PXE namespace, each plugged into it by a veth pair created inside the switch namespace and
 * moved straight into its own namespace (never via the root namespace). Names start with pxp-,
 * addresses are from 192.0.2.0/24, every process is stopped by its PID and every namespace is
 * deleted by `cleanup()` (call it in afterAll).
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

/** Why the lab cannot run here, or undefined when it can. In CI a missing tool or root is a failure, not a skip. */
export function labUnavailable(tools: string[]): string | undefined {
  const missing = ['ip', ...tools].filter((t) => !have(t));
  const root = process.getuid?.() === 0;
  const why = !root ? 'needs root (network namespaces)' : missing.length ? `missing ${missing.join(', ')}` : undefined;
  if (why && process.env.CI) throw new Error(`probe lab cannot run in CI: ${why}`);
  return why;
}

export function run(cmd: string, args: string[], timeout = 20_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Started {
  proc: ChildProcess;
  output: () => string;
  waitFor(re: RegExp, ms: number): Promise<void>;
}

export const ADDR = { dhcp: '192.0.2.1', pxe: '192.0.2.2', client: '192.0.2.50' } as const;
export const PREFIX = 24;

export class ProbeLab {
  readonly tag: string;
  private readonly namespaces: string[] = [];
  private readonly procs: ChildProcess[] = [];

  constructor(tag: string) {
    this.tag = tag;
  }

  ns(role: 'sw' | 'cli' | 'dhcp' | 'pxe'): string {
    return `pxp-${this.tag}-${role}`;
  }

  /** Switch + client/dhcp/pxe namespaces; interface in each host namespace is "eth0". */
  build(): void {
    for (const role of ['sw', 'cli', 'dhcp', 'pxe'] as const) {
      const name = this.ns(role);
      if (run('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name)) run('ip', ['netns', 'del', name]);
      run('ip', ['netns', 'add', name]);
      this.namespaces.push(name);
      run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
      run('ip', ['netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
    }
    const sw = this.ns('sw');
    run('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    run('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
    for (const role of ['cli', 'dhcp', 'pxe'] as const) {
      const port = `p-${role}`;
      run('ip', ['-n', sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.ns(role)]);
      run('ip', ['-n', sw, 'link', 'set', port, 'master', 'br0']);
      run('ip', ['-n', sw, 'link', 'set', port, 'up']);
      run('ip', ['-n', this.ns(role), 'link', 'set', 'eth0', 'up']);
      run('ip', ['-n', this.ns(role), 'addr', 'add', `${ADDR[role === 'cli' ? 'client' : role]}/${PREFIX}`, 'dev', 'eth0']);
    }
  }

  /** Start a long-running process in a namespace (ip netns exec execs it, so the PID is the command's). */
  start(role: 'dhcp' | 'pxe', cmd: string, args: string[]): Started {
    const proc = spawn('ip', ['netns', 'exec', this.ns(role), cmd, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(proc);
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    return {
      proc,
      output: () => out,
      waitFor: async (re, ms) => {
        const until = Date.now() + ms;
        while (!re.test(out)) {
          if (proc.exitCode !== null) throw new Error(`${cmd} exited (${proc.exitCode}) before ${re}:\n${out}`);
          if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${re} from ${cmd}:\n${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
  }

  /** Stop one started process by its PID: SIGTERM, then SIGKILL after 3 s. */
  async stop(p: Started | ChildProcess): Promise<void> {
    const proc = 'proc' in p ? p.proc : p;
    const i = this.procs.indexOf(proc);
    if (i >= 0) this.procs.splice(i, 1);
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    process.kill(proc.pid, 'SIGTERM');
    const t = setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
    }, 3000);
    await gone;
    clearTimeout(t);
  }

  async cleanup(): Promise<void> {
    for (const p of [...this.procs]) {
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
