/**
 * The probe's UDP sockets and its record of every datagram it sent and received.
 *
 * Node's dgram has no SO_BINDTODEVICE and no IP_PKTINFO, so "send on interface X" is done with X's
 * IPv4 address, as `serve` does (src/net/netif.ts): a socket bound to ADDR:68 sends the
 * DISCOVER to 255.255.255.255:67, and Linux routes a limited broadcast from a bound source address
 * out of the interface owning it (net/ipv4/route.c, ip_route_output_key_hash_rcu). Replies come as
 * broadcasts (we set the broadcast flag, RFC 2131 §4.1), which only a socket bound to 0.0.0.0:68
 * receives, or as unicasts to ADDR:68 / ADDR:4011 / the TFTP socket. Both :68 sockets use
 * SO_REUSEADDR so a DHCP client of the host holding 0.0.0.0:68 the same way does not block us;
 * replies are matched by xid + chaddr, never by port alone.
 */
import type dgram from 'node:dgram';
import { bindUdp } from '../net/udp.js';
import { ZERO_IP } from '../decode/dhcp/constants.js';

export interface Endpoint {
  address: string;
  port: number;
}

/** One datagram as the probe saw it: `payload` is an owned copy. */
export interface ProbePacket {
  dir: 'out' | 'in';
  /** Seconds since the epoch (wall clock, µs resolution). */
  ts: number;
  src: Endpoint;
  dst: Endpoint;
  payload: Uint8Array;
}

export type SocketRole = 'dhcp' | 'boot' | 'tftp';

export class ProbeError extends Error {}

function now(): number {
  return Date.now() / 1000;
}

function bind(port: number, address: string): Promise<dgram.Socket> {
  return bindUdp(port, address, (code) => new ProbeError(bindMessage(port, address, code)));
}

function bindMessage(port: number, address: string, code: string): string {
  if (code === 'EACCES' || code === 'EPERM') return `cannot bind UDP port ${port}: permission denied — run probe as root (it sends from the DHCP client port 68 like firmware)`;
  if (code === 'EADDRINUSE') return `UDP ${address}:${port} is in use by a program that did not set SO_REUSEADDR — stop it for the probe (a DHCP client or PXE server on this host)`;
  if (code === 'EADDRNOTAVAIL') return `cannot bind ${address}:${port}: the address is not on this host`;
  return `cannot bind ${address}:${port}: ${code}`;
}

type Listener = (p: ProbePacket, role: SocketRole) => void;

export interface BootServerSocket {
  send(payload: Uint8Array): ProbePacket;
  /** ICMP port unreachable answers seen so far (ECONNREFUSED on the connected socket). */
  refused(): number;
  close(): Promise<void>;
}

/** The sockets of one probe run, bound to the interface's address; every datagram is recorded. */
export class ProbeSockets {
  readonly address: string;
  /** Every datagram we keep goes here at once (written, dissected, analyzed), never into a list. */
  private readonly record: (p: ProbePacket) => void;
  private dhcpAny: dgram.Socket | undefined;
  private dhcpOwn: dgram.Socket | undefined;
  private readonly bootSockets = new Set<dgram.Socket>();
  private readonly tftpSockets = new Set<dgram.Socket>();
  private listener: Listener | undefined;
  private sendErrors: string[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(address: string, record: (p: ProbePacket) => void) {
    this.address = address;
    this.record = record;
  }

  async open(): Promise<void> {
    this.dhcpAny = await bind(68, ZERO_IP);
    this.dhcpAny.on('message', (m, r) => this.received(m, r, { address: '255.255.255.255', port: 68 }, 'dhcp'));
    this.dhcpOwn = await bind(68, this.address);
    this.dhcpOwn.on('message', (m, r) => this.received(m, r, { address: this.address, port: 68 }, 'dhcp'));
    this.dhcpAny.on('error', () => undefined);
    this.dhcpOwn.on('error', () => undefined);
  }

  onPacket(l: Listener | undefined): void {
    this.listener = l;
  }

  /** Errors the kernel reported for our sends (ENETUNREACH, ECONNREFUSED...), drained by the caller. */
  takeSendErrors(): string[] {
    const e = this.sendErrors;
    this.sendErrors = [];
    return e;
  }

  /**
   * A socket for the boot-server request: bound to ADDR:localPort (4011 as EDK2's PxeBcDhcp4Discover,
   * or 68 as PXE ROMs and iPXE) and connected to the server's 4011, so the kernel reports an ICMP
   * port unreachable as ECONNREFUSED (an unconnected UDP socket never learns of it), and so its
   * unicast answer reaches this socket rather than the shared :68 one (a connected socket scores
   * higher in the kernel's UDP lookup).
   */
  async bootServerSocket(localPort: number, server: Endpoint): Promise<BootServerSocket> {
    const s = await bind(localPort, this.address);
    const state = { refused: 0 };
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') state.refused++;
    });
    // dgram passes a failed connect (ENETUNREACH...) to the callback, not to 'error'.
    const connectError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      s.connect(server.port, server.address, ((err?: NodeJS.ErrnoException) => resolve(err ?? undefined)) as () => void);
    });
    if (connectError) {
      await closeSocket(s);
      // No route to the boot server: a failed step of this probe, not a usage error.
      throw new Error(`cannot send to ${server.address}:${server.port}: ${connectError.code ?? connectError.message}`);
    }
    const local = { address: this.address, port: localPort };
    s.on('message', (m, r) => this.received(m, r, local, 'boot'));
    this.bootSockets.add(s);
    return {
      send: (payload: Uint8Array) => this.send(s, local, payload, server, true),
      refused: () => state.refused,
      close: async () => {
        await this.flush();
        this.bootSockets.delete(s);
        await closeSocket(s);
      },
    };
  }

  /** A fresh TFTP socket on an ephemeral port (our TID, RFC 1350 §4). */
  async tftpSocket(): Promise<{ socket: dgram.Socket; port: number }> {
    const s = await bind(0, this.address);
    s.on('error', () => undefined);
    const port = s.address().port;
    s.on('message', (m, r) => this.received(m, r, { address: this.address, port }, 'tftp'));
    this.tftpSockets.add(s);
    return { socket: s, port };
  }

  async closeTftp(s: dgram.Socket): Promise<void> {
    await this.flush();
    this.tftpSockets.delete(s);
    await closeSocket(s);
  }

  /** Send from the DHCP client port (68) of our address. */
  sendDhcp(payload: Uint8Array, to: Endpoint): ProbePacket {
    return this.send(this.dhcpOwn!, { address: this.address, port: 68 }, payload, to);
  }

  sendFrom(socket: dgram.Socket, fromPort: number, payload: Uint8Array, to: Endpoint): ProbePacket {
    return this.send(socket, { address: this.address, port: fromPort }, payload, to);
  }

  private send(socket: dgram.Socket, from: Endpoint, payload: Uint8Array, to: Endpoint, connected = false): ProbePacket {
    const p: ProbePacket = { dir: 'out', ts: now(), src: from, dst: { ...to }, payload: payload.slice() };
    this.record(p);
    // Sends complete asynchronously: a socket closed before its last send went out drops it (the
    // final TFTP ERROR or DHCPRELEASE), so closing waits for the pending ones.
    const done = new Promise<void>((resolve) => {
      const cb = (err: Error | null): void => {
        if (err) this.sendErrors.push(`${to.address}:${to.port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
        resolve();
      };
      if (connected) socket.send(p.payload, cb);
      else socket.send(p.payload, to.port, to.address, cb);
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
    return p;
  }

  /** Wait until every send so far has left the socket (bounded: a send never takes long on UDP). */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, 1000))]);
  }

  private received(msg: Buffer, r: dgram.RemoteInfo, local: Endpoint, role: SocketRole): void {
    const p: ProbePacket = { dir: 'in', ts: now(), src: { address: r.address, port: r.port }, dst: local, payload: new Uint8Array(msg) };
    // Only what the listener claims (our xids, our TFTP sockets) is recorded: a busy segment's other DHCP traffic is not ours.
    if (this.listener) this.listener(p, role);
  }

  /** Keep a received packet in the record (the run decides which replies are ours). */
  keep(p: ProbePacket): void {
    this.record(p);
  }

  async close(): Promise<void> {
    await this.flush();
    const all = [this.dhcpAny, this.dhcpOwn, ...this.bootSockets, ...this.tftpSockets].filter((s): s is dgram.Socket => s !== undefined);
    this.dhcpAny = this.dhcpOwn = undefined;
    this.tftpSockets.clear();
    this.bootSockets.clear();
    await Promise.all(all.map(closeSocket));
  }
}

function closeSocket(s: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
