/**
 * Network interfaces of the namespace pxe-doctor runs in, for `live --list-interfaces` and for
 * checking `-i IFACE` before tcpdump is spawned (so the error can list what exists and say how to
 * fix it, instead of tcpdump's terse "No such device exists").
 *
 * Linux: /sys/class/net/<name>/{flags,operstate,carrier,mtu,address}; addresses from
 * os.networkInterfaces(). Elsewhere only os.networkInterfaces() is available (it lists only
 * interfaces that have an address, and no state), which is still enough to name them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/** IFF_UP from <linux/if.h>: the administrative state `ip link set X up` changes. */
const IFF_UP = 0x1;

export interface InterfaceInfo {
  name: string;
  /**
   * up: administratively up with link; no-carrier: up but nothing plugged in (or the veth/mirror peer
   * is down; tcpdump can still open it and waits); down: administratively down (tcpdump refuses it);
   * unknown: no /sys information (non-Linux).
   */
  state: 'up' | 'no-carrier' | 'down' | 'unknown';
  /** Kernel operstate (up, down, lowerlayerdown, unknown, dormant, ...) when known. */
  operstate?: string;
  mtu?: number;
  mac?: string;
  /** ARPHRD_* hardware type from /sys (1 = Ethernet, 772 = loopback, 65534 = none/tun). */
  hwType?: number;
  /** "192.0.2.1/24", "fe80::1/64". */
  addresses: string[];
}

function readSys(name: string, attr: string, sysRoot: string): string | undefined {
  try {
    return readFileSync(`${sysRoot}/${name}/${attr}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function cidr(address: string, netmask: string, family: string): string {
  // os.networkInterfaces() gives `cidr` on Node >= 10, but be tolerant of it being null.
  if (family === 'IPv4') {
    const bits = netmask.split('.').reduce((n, p) => n + (Number(p) >>> 0).toString(2).replace(/0/g, '').length, 0);
    return `${address}/${bits}`;
  }
  const bits = netmask
    .split(':')
    .reduce((n, p) => n + (p ? parseInt(p, 16).toString(2).replace(/0/g, '').length : 0), 0);
  return `${address}/${bits}`;
}

/** All interfaces, sorted by name. `sysRoot` is a parameter only so tests can point it elsewhere. */
export function listInterfaces(sysRoot = '/sys/class/net'): InterfaceInfo[] {
  const addrs = networkInterfaces();
  const names = new Set<string>(Object.keys(addrs));
  let haveSys = false;
  try {
    for (const n of readdirSync(sysRoot)) names.add(n);
    haveSys = true;
  } catch {
    // Not Linux, or /sys not mounted: fall back to what os.networkInterfaces() knows.
  }
  const out: InterfaceInfo[] = [];
  for (const name of [...names].sort()) {
    const info: InterfaceInfo = { name, state: 'unknown', addresses: [] };
    for (const a of addrs[name] ?? []) info.addresses.push(a.cidr ?? cidr(a.address, a.netmask, String(a.family)));
    const mac = (addrs[name] ?? []).find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac;
    if (mac) info.mac = mac;
    if (haveSys) {
      const flags = readSys(name, 'flags', sysRoot);
      const operstate = readSys(name, 'operstate', sysRoot);
      const carrier = readSys(name, 'carrier', sysRoot); // unreadable (EINVAL) while admin-down
      const mtu = readSys(name, 'mtu', sysRoot);
      const address = readSys(name, 'address', sysRoot);
      const type = readSys(name, 'type', sysRoot);
      if (type && /^\d+$/.test(type)) info.hwType = Number(type);
      if (operstate) info.operstate = operstate;
      if (mtu && /^\d+$/.test(mtu)) info.mtu = Number(mtu);
      if (!info.mac && address && address !== '00:00:00:00:00:00' && /^[0-9a-f:]{17}$/.test(address)) info.mac = address;
      if (flags !== undefined) {
        const up = (parseInt(flags, 16) & IFF_UP) !== 0;
        if (!up) info.state = 'down';
        // operstate "unknown" is normal for lo, tun and dummy devices: they have no carrier notion.
        else if (carrier === '0' || operstate === 'lowerlayerdown' || operstate === 'down') info.state = 'no-carrier';
        else info.state = 'up';
      }
    }
    out.push(info);
  }
  return out;
}

/** One line per interface: name, state, MTU, MAC, addresses (for `live --list-interfaces`). */
export function formatInterfaceTable(list: InterfaceInfo[]): string {
  const rows = list.map((i) => [i.name, i.state, i.mtu !== undefined ? String(i.mtu) : '-', i.mac ?? '-', i.addresses.join(' ') || '-']);
  const head = ['INTERFACE', 'STATE', 'MTU', 'MAC', 'ADDRESSES'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** ARPHRD_ETHER: the only hardware type whose frames can carry 802.1Q tags (and tcpdump's EN10MB). */
export const ARPHRD_ETHER = 1;

export type InterfaceProblem =
  | { kind: 'unknown'; message: string }
  | { kind: 'down'; message: string }
  | { kind: 'no-carrier'; message: string };

/**
 * Why capturing on `name` cannot work (unknown, administratively down), or a warning that it may
 * see nothing yet (no carrier). `any` is tcpdump's Linux pseudo-interface and always accepted.
 */
export function checkInterface(name: string, list: InterfaceInfo[] = listInterfaces()): InterfaceProblem | undefined {
  if (name === 'any') return undefined;
  const info = list.find((i) => i.name === name);
  if (!info) {
    const avail = list.map((i) => `${i.name} (${i.state})`).join(', ') || 'none found';
    return { kind: 'unknown', message: `unknown interface "${name}"; available: ${avail} (see: pxe-doctor live --list-interfaces)` };
  }
  if (info.state === 'down') {
    return { kind: 'down', message: `interface ${name} is down: bring it up with "ip link set ${name} up"` };
  }
  if (info.state === 'no-carrier') {
    return {
      kind: 'no-carrier',
      message: `interface ${name} has no carrier (cable unplugged, or the mirror/veth peer is down); capturing anyway`,
    };
  }
  return undefined;
}
