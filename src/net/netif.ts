/**
 * The interface `serve` answers on and `probe` asks from: its IPv4 address, subnet, broadcast
 * address and MTU.
 *
 * Node's dgram has no SO_BINDTODEVICE and no IP_PKTINFO, so "answer on interface X" is done with
 * addresses: sockets bound to X's address send from it, and Linux routes a limited broadcast
 * (255.255.255.255) sent from a socket bound to a local address out of the interface that owns
 * that address (net/ipv4/route.c, ip_route_output_key_hash_rcu: "user can direct multicasts and
 * limited broadcast via necessary interface without fiddling with IP_MULTICAST_IF or IP_PKTINFO").
 */
import os from 'node:os';
import fs from 'node:fs';

export interface NetInterface {
  name: string;
  address: string;
  netmask: string;
  prefixLength: number;
  broadcast: string;
  /** Link MTU (from /sys/class/net/IF/mtu), 1500 when unknown. */
  mtu: number;
}

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  if (p.length !== 4) return NaN;
  let v = 0;
  for (const s of p) {
    if (!/^\d{1,3}$/.test(s)) return NaN;
    const n = Number(s);
    if (n > 255) return NaN;
    v = v * 256 + n;
  }
  return v;
}

export function intToIp(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function isIpv4(s: string): boolean {
  return !Number.isNaN(ipToInt(s));
}

export function maskToPrefix(mask: string): number {
  const m = ipToInt(mask);
  let n = 0;
  for (let b = 31; b >= 0; b--) {
    if ((m >>> b) & 1) n++;
    else break;
  }
  return n;
}

export function sameSubnet(a: string, b: string, mask: string): boolean {
  const m = ipToInt(mask);
  return ((ipToInt(a) & m) >>> 0) === ((ipToInt(b) & m) >>> 0);
}

export function broadcastOf(address: string, mask: string): string {
  const m = ipToInt(mask);
  return intToIp(((ipToInt(address) & m) | (~m >>> 0)) >>> 0);
}

function readMtu(name: string): number {
  try {
    const v = Number(fs.readFileSync(`/sys/class/net/${name}/mtu`, 'utf8').trim());
    return Number.isInteger(v) && v >= 576 ? v : 1500;
  } catch {
    return 1500;
  }
}

export function listInterfaces(): NetInterface[] {
  const out: NetInterface[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const prefixLength = maskToPrefix(a.netmask);
      out.push({ name, address: a.address, netmask: a.netmask, prefixLength, broadcast: broadcastOf(a.address, a.netmask), mtu: readMtu(name) });
    }
  }
  return out;
}

/**
 * The interface named `name`, or the only non-loopback IPv4 interface when no name is given.
 * Returns a reason string instead when the choice is impossible or ambiguous.
 */
export function pickInterface(name?: string): NetInterface | string {
  const all = listInterfaces();
  if (name !== undefined) {
    const found = all.find((i) => i.name === name);
    if (found) return found;
    const exists = Object.keys(os.networkInterfaces()).includes(name);
    return exists ? `interface ${name} has no IPv4 address` : `no interface named ${name} (have: ${Object.keys(os.networkInterfaces()).join(', ')})`;
  }
  if (all.length === 1) return all[0] as NetInterface;
  if (all.length === 0) return 'no interface with an IPv4 address; configure one or pass --interface';
  return `several interfaces have IPv4 addresses (${all.map((i) => `${i.name} ${i.address}`).join(', ')}); choose one with --interface`;
}
