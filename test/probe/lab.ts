/**
 * Network-namespace lab for the probe tests: a switch namespace with a bridge, and a client, a DHCP
 * and a PXE namespace, each plugged into it by a veth pair created inside the switch namespace and
 * moved straight into its own namespace (never via the root namespace). Names start with pxp-,
 * addresses are from 192.0.2.0/24, every process is stopped by its PID and every namespace is
 * deleted by `cleanup()` (call it in afterAll). The common parts are in test/helpers/netns-lab.ts.
 */
import { NetnsLab, labUnavailable as netnsLabUnavailable, run, type Started } from '../helpers/netns-lab.js';

export { CLI, REPO, run } from '../helpers/netns-lab.js';
export type { Started };

/** Why the lab cannot run here, or undefined when it can. In CI a missing tool or root is a failure, not a skip. */
export function labUnavailable(tools: string[]): string | undefined {
  return netnsLabUnavailable(tools, 'probe lab');
}

export const ADDR = { dhcp: '192.0.2.1', pxe: '192.0.2.2', client: '192.0.2.50' } as const;
export const PREFIX = 24;

type Role = 'sw' | 'cli' | 'dhcp' | 'pxe';

export class ProbeLab extends NetnsLab {
  readonly tag: string;

  constructor(tag: string) {
    super(`pxp-${tag}`);
    this.tag = tag;
  }

  override ns(role: Role): string {
    return super.ns(role);
  }

  /** Switch + client/dhcp/pxe namespaces; interface in each host namespace is "eth0". */
  build(): void {
    for (const role of ['sw', 'cli', 'dhcp', 'pxe'] as const) this.addNamespace(role);
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

  /** Start a long-running process in the DHCP or PXE namespace, stopped by PID in stop()/cleanup(). */
  start(role: 'dhcp' | 'pxe', cmd: string, args: string[]): Started {
    return this.startIn(this.ns(role), cmd, args, { env: { NO_COLOR: '1' } });
  }
}
