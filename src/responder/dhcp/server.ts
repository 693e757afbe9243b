/**
 * Sockets for the DHCP side of `serve`: UDP 67 (proxyDHCP / DHCP) and UDP 4011 (PXE boot server).
 *
 * Port 67 needs two sockets, both with SO_REUSEADDR:
 *  - 0.0.0.0:67 receives the broadcasts of clients that have no address yet (a socket bound to a
 *    unicast address never sees 255.255.255.255);
 *  - SERVER_IP:67 receives unicasts (relays, renewing clients) and sends every reply, so replies carry
 *    our address as source and a limited broadcast leaves the interface owning SERVER_IP (Linux routes
 *    255.255.255.255 from a bound source address out of that address's interface).
 * Port 4011 is always unicast to siaddr, so SERVER_IP:4011 is enough.
 */
import dgram from 'node:dgram';
import { ByteWriter } from '../../decode/bytes.js';
import { decodeDhcp, encodeDhcp } from '../../decode/dhcp/codec.js';
import type { DhcpMessage } from '../../decode/dhcp/types.js';
import { bindUdp } from '../../net/udp.js';
import { DHCP_SERVER_PORT, PXE_BOOT_SERVER_PORT, type DhcpLogic, type DhcpServeEvent, type Endpoint } from './logic.js';
import { ZERO_IP } from '../../decode/dhcp/constants.js';

export interface DhcpServerOptions {
  logic: DhcpLogic;
  serverIp: string;
  /** Ports (tests may move them; real clients need 67 and 4011). */
  dhcpPort?: number;
  bootServerPort?: number;
  onEvent?(e: DhcpServeEvent): void;
  /** Every request as decoded (once) for the logic, before it is answered. */
  onRequest?(req: DhcpMessage): void;
  onPacket?(dir: 'in' | 'out', local: Endpoint, remote: Endpoint, payload: Uint8Array): void;
}

export class BindError extends Error {
  readonly port: number;
  readonly address: string;
  readonly code: string;

  constructor(port: number, address: string, code: string) {
    super(`cannot bind ${address}:${port}: ${code}`);
    this.port = port;
    this.address = address;
    this.code = code;
  }
}

async function bindSocket(port: number, address: string): Promise<dgram.Socket> {
  const s = await bindUdp(port, address, (code) => new BindError(port, address, code), { exclusive: true });
  // A late socket error (e.g. ICMP-induced) must not take `serve` down; replies are best effort.
  // The receive buffer stays at the kernel's default on purpose: under a flood a deep queue only
  // delays every answer (a 4 MB one held seconds of DISCOVERs, and a real client's proxy offer
  // came after the client had stopped waiting); a short one drops excess while answering fast.
  s.on('error', () => undefined);
  return s;
}

export class DhcpServer {
  private readonly sockets: dgram.Socket[] = [];
  private sender: dgram.Socket | undefined;
  private bootSocket: dgram.Socket | undefined;
  private readonly writer = new ByteWriter(1024);

  readonly opts: DhcpServerOptions;

  constructor(opts: DhcpServerOptions) {
    this.opts = opts;
  }

  async listen(): Promise<void> {
    const port = this.opts.dhcpPort ?? DHCP_SERVER_PORT;
    const bootPort = this.opts.bootServerPort ?? PXE_BOOT_SERVER_PORT;
    try {
      // Another DHCP server holding 0.0.0.0:67 without SO_REUSEADDR makes this fail with EADDRINUSE.
      const any = await bindSocket(port, ZERO_IP);
      this.sockets.push(any);
      const own = await bindSocket(port, this.opts.serverIp);
      this.sockets.push(own);
      this.sender = own;
      const boot = await bindSocket(bootPort, this.opts.serverIp);
      this.sockets.push(boot);
      this.bootSocket = boot;
      const local67 = { address: this.opts.serverIp, port };
      any.on('message', (msg, r) => this.onMessage(msg, r, port, { address: ZERO_IP, port }));
      own.on('message', (msg, r) => this.onMessage(msg, r, port, local67));
      boot.on('message', (msg, r) => this.onMessage(msg, r, bootPort, { address: this.opts.serverIp, port: bootPort }));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private onMessage(msg: Buffer, r: dgram.RemoteInfo, port: number, local: Endpoint): void {
    // One odd packet must never take the server down: drop it and keep serving.
    try {
      this.answer(msg, r, port, local);
    } catch {
      /* undecodable or unencodable request (e.g. hlen > 16): not answered */
    }
  }

  private answer(msg: Buffer, r: dgram.RemoteInfo, port: number, local: Endpoint): void {
    const from = { address: r.address, port: r.port };
    this.opts.onPacket?.('in', local, from, msg);
    const req = decodeDhcp(msg);
    this.opts.onRequest?.(req);
    const d = this.opts.logic.handle(req, from, port === (this.opts.bootServerPort ?? PXE_BOOT_SERVER_PORT) ? PXE_BOOT_SERVER_PORT : DHCP_SERVER_PORT);
    if (d.reply) {
      const sock = port === (this.opts.bootServerPort ?? PXE_BOOT_SERVER_PORT) ? this.bootSocket : this.sender;
      if (sock) {
        this.writer.pos = 0;
        // Copy: the writer is reused for the next reply while this one may still be queued.
        const bytes = Buffer.from(encodeDhcp(d.reply.msg, this.writer));
        if (this.opts.onPacket) {
          const a = sock.address();
          this.opts.onPacket('out', { address: a.address, port: a.port }, d.reply.to, bytes);
        }
        sock.send(bytes, d.reply.to.port, d.reply.to.address);
      }
    }
    if (d.event) this.opts.onEvent?.(d.event);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.sockets.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
    );
  }
}
