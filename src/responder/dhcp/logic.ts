/**
 * What to answer to one DHCP/PXE request: pure decisions, no sockets (so they are unit-testable).
 *
 * proxyDHCP (default): never an address (yiaddr 0.0.0.0), only PXE clients. Offer shapes follow how
 * firmware classifies offers (docs/serve.md, "What goes on the wire"; src/exchange/classify.ts models the same):
 *  - UEFI (93 = 6, 7, 9, 10, 11 ...): "BINL" offer = option 60 PXEClient, siaddr, no option 43 and
 *    no boot file, so EDK2 sends its DHCPREQUEST to siaddr:4011 (PxeBcRetryBinlOffer), which is
 *    answered with the boot file (as dnsmasq >= 2.76 and pixiecore do).
 *  - BIOS PXE 2.1 ROMs and iPXE: option 43 with discovery control 8 ("boot file present: download it,
 *    no discovery") + siaddr + file/option 67. iPXE uses a proxy offer directly when siaddr and 67
 *    are present, and fetches from siaddr only (it ignores option 66).
 * full DHCP (--dhcp-range): RFC 2131 DISCOVER/OFFER/REQUEST/ACK/NAK with the boot file in
 * siaddr/file and 66/67; no option 60, so EDK2 classifies the offer "DhcpOnly with bootfile".
 */
import type { DhcpMessageInit } from '../../decode/dhcp/codec.js';
import { dhcpOpt } from '../../decode/dhcp/options.js';
import type { DhcpMessage, DhcpOption } from '../../decode/dhcp/types.js';
import { DhcpMessageType, DhcpOptionCode } from '../../decode/dhcp/constants.js';
import { ipToInt, sameSubnet } from '../../net/netif.js';
import { bootFor, isAllowed, isEfiArch, isHttpClient, isPxeClient, validate, type BootChoice, type BootPolicyConfig, type Machine } from '../policy.js';
import type { LeasePool } from './leases.js';
import { BootpOp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, PXE_BOOT_SERVER_PORT, ZERO_IP } from '../../decode/dhcp/constants.js';

export { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, PXE_BOOT_SERVER_PORT };
const BROADCAST_FLAG = 0x8000;

export interface Endpoint {
  address: string;
  port: number;
}

export interface FullDhcpConfig {
  pool: LeasePool;
  netmask: string;
  routers: string[];
  dns: string[];
  leaseSeconds: number;
}

export interface DhcpLogicConfig {
  /** Our address: server identifier (54), siaddr, source of every reply. */
  serverIp: string;
  netmask: string;
  broadcast: string;
  /** Only answer requests whose source is in our subnet (set with --interface). */
  restrictToSubnet: boolean;
  policy: BootPolicyConfig;
  /** --delay: hold back offers until the client's secs (or our own observation) reaches this. */
  delaySeconds: number;
  full?: FullDhcpConfig;
  /**
   * --http: answer UEFI HTTP boot clients (vendor class HTTPClient) with this base URL + the boot
   * file ("http://192.0.2.2" or "http://192.0.2.2:8080"); undefined: HTTP clients are not answered.
   */
  httpBase?: string;
}

/** The boot URI for an HTTP client: the file as is when it is already a URL, else base + path. */
export function bootUri(base: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  const clean = file.replace(/\\/g, '/').replace(/^\/+/, '');
  return `${base}/${clean.split('/').map(encodeURIComponent).join('/')}`;
}

export type DhcpServeEvent =
  | { type: 'offer'; shape: 'proxy' | 'proxy-binl' | 'proxy-http' | 'dhcp'; machine: Machine; file?: string; yiaddr?: string }
  | { type: 'boot-ack'; machine: Machine; file: string; to: string }
  | { type: 'ack'; machine: Machine; address: string; file?: string }
  | { type: 'inform'; machine: Machine }
  | { type: 'nak'; machine: Machine; requested: string; reason: string }
  | { type: 'decline'; machine: Machine; address: string }
  | { type: 'release'; machine: Machine; address: string }
  | { type: 'ignored'; machine: Machine; reason: string };

export interface Decision {
  reply?: { msg: DhcpMessageInit; to: Endpoint };
  event?: DhcpServeEvent;
}

/** Option 97 echoed as the client sent it (PXE 2.1: the server returns the client's UUID). */
function echoGuid(req: DhcpMessage): DhcpOption[] {
  const o = req.options.find((x) => x.code === DhcpOptionCode.ClientGuid);
  return o ? [{ code: 97, data: o.data }] : [];
}

/** RFC 2131 4.1: where a server reply goes. */
export function replyDestination(req: DhcpMessage, nak: boolean): Endpoint {
  if (req.giaddr !== ZERO_IP) return { address: req.giaddr, port: DHCP_SERVER_PORT };
  if (!nak && req.ciaddr !== ZERO_IP) return { address: req.ciaddr, port: DHCP_CLIENT_PORT };
  // Unicast to yiaddr before the client has an address needs an ARP entry we cannot set from
  // a UDP socket; RFC 2131 allows the broadcast instead.
  return { address: '255.255.255.255', port: DHCP_CLIENT_PORT };
}

export class DhcpLogic {
  /** First time each client was seen (for --delay when the firmware's secs stays 0, as EDK2's does). */
  private readonly firstSeen = new Map<string, number>();

  readonly cfg: DhcpLogicConfig;
  private readonly now: () => number;

  constructor(cfg: DhcpLogicConfig, now: () => number = Date.now) {
    this.cfg = cfg;
    this.now = now;
  }

  private header(req: DhcpMessage, over: Partial<DhcpMessageInit>): DhcpMessageInit {
    return {
      op: 2,
      xid: req.xid,
      chaddr: req.chaddr,
      htype: req.htype,
      hlen: req.hlen,
      flags: req.flags & BROADCAST_FLAG,
      ciaddr: req.ciaddr,
      giaddr: req.giaddr,
      options: [],
      ...over,
    };
  }

  private heldBack(req: DhcpMessage, m: Machine): boolean {
    const delay = this.cfg.delaySeconds;
    if (delay <= 0) return false;
    const now = this.now();
    if (this.firstSeen.size > 10_000) this.firstSeen.clear();
    const first = this.firstSeen.get(m.mac) ?? now;
    if (!this.firstSeen.has(m.mac)) this.firstSeen.set(m.mac, now);
    return req.secs < delay && now - first < delay * 1000;
  }

  /** Handle one request received on port 67 (`port` 67) or 4011. */
  handle(req: DhcpMessage, from: Endpoint, port: number): Decision {
    if (req.op !== BootpOp.Request || req.messageType === undefined) return {};
    const m = validate(req, this.cfg.policy.bannedGuids);
    if (this.cfg.restrictToSubnet && from.address !== ZERO_IP && req.giaddr === ZERO_IP && !sameSubnet(from.address, this.cfg.serverIp, this.cfg.netmask)) {
      return {};
    }
    // Step 1 (is this for us?): proxyDHCP and the boot server answer PXE clients only, and other
    // machines' DHCP traffic passes silently; full DHCP serves every allowed client.
    if (port === PXE_BOOT_SERVER_PORT || !this.cfg.full) {
      if (!isPxeClient(req) && (port === PXE_BOOT_SERVER_PORT || !isHttpClient(req))) return {};
      if (port !== PXE_BOOT_SERVER_PORT && req.messageType !== DhcpMessageType.Discover) return {};
    }
    if (!isAllowed(m, this.cfg.policy)) {
      const reason = this.cfg.policy.answer === 'none' ? 'logged only (--answer none)' : 'not in the allow-list (--answer known)';
      return { event: { type: 'ignored', machine: m, reason } };
    }
    // Full DHCP mode still leases an address to an HTTP client without --http (with no boot URI).
    if (m.http && this.cfg.httpBase === undefined && !this.cfg.full) {
      return { event: { type: 'ignored', machine: m, reason: 'UEFI HTTP boot client (vendor class HTTPClient): start serve with --http to answer it' } };
    }
    if (port === PXE_BOOT_SERVER_PORT) return this.bootServer(req, from, m);
    if (this.cfg.full) return this.fullDhcp(req, m, this.cfg.full);
    return this.proxyOffer(req, m);
  }

  /** The boot choice with the URI an HTTP client gets (its file or script as a URL on our HTTP server). */
  private bootChoice(m: Machine): BootChoice | undefined {
    const boot = bootFor(m, this.cfg.policy);
    if (!boot || !m.http || this.cfg.httpBase === undefined) return boot;
    return { ...boot, file: bootUri(this.cfg.httpBase, boot.file) };
  }

  private proxyOffer(req: DhcpMessage, m: Machine): Decision {
    const boot = this.bootChoice(m);
    if (!boot) return { event: { type: 'ignored', machine: m, reason: `no boot file for architecture ${m.arch ?? 0} (add --boot)` } };
    if (this.heldBack(req, m)) return {};
    const ip = this.cfg.serverIp;
    if (m.http) {
      // UEFI HTTP boot (EDK2 HttpBootDhcp4.c): a proxy offer is used when it echoes option 60
      // "HTTPClient" and carries the URI in option 67 / file; no option 43, no TFTP server.
      const options: DhcpOption[] = [dhcpOpt.messageType(DhcpMessageType.Offer), dhcpOpt.serverId(ip), dhcpOpt.vendorClass('HTTPClient'), ...echoGuid(req), dhcpOpt.bootFile(boot.file)];
      const msg = this.header(req, { yiaddr: '0.0.0.0', siaddr: ip, file: boot.file, options });
      return { reply: { msg, to: replyDestination(req, false) }, event: { type: 'offer', shape: 'proxy-http', machine: m, file: boot.file } };
    }
    const binl = isEfiArch(m.arch) && !m.ipxe;
    const options: DhcpOption[] = [dhcpOpt.messageType(DhcpMessageType.Offer), dhcpOpt.serverId(ip), dhcpOpt.vendorClass('PXEClient'), ...echoGuid(req)];
    if (!binl) options.push(dhcpOpt.pxeVendor({ discoveryControl: 8 }), dhcpOpt.tftpServer(ip), dhcpOpt.bootFile(boot.file));
    const msg = this.header(req, { yiaddr: ZERO_IP, siaddr: ip, sname: ip, ...(binl ? {} : { file: boot.file }), options });
    return {
      reply: { msg, to: replyDestination(req, false) },
      event: { type: 'offer', shape: binl ? 'proxy-binl' : 'proxy', machine: m, ...(binl ? {} : { file: boot.file }) },
    };
  }

  /** Port 4011: the BINL request of EDK2, or PXE boot-server discovery (PXEBS) of iPXE/PXE ROMs. */
  private bootServer(req: DhcpMessage, from: Endpoint, m: Machine): Decision {
    if (req.messageType !== DhcpMessageType.Request && req.messageType !== DhcpMessageType.Inform) return {};
    const boot = this.bootChoice(m);
    if (!boot) return { event: { type: 'ignored', machine: m, reason: `no boot file for architecture ${m.arch ?? 0} (add --boot)` } };
    const ip = this.cfg.serverIp;
    const options: DhcpOption[] = [dhcpOpt.messageType(DhcpMessageType.Ack), dhcpOpt.serverId(ip), dhcpOpt.vendorClass('PXEClient'), ...echoGuid(req)];
    // PXE 2.1 boot-server ACK echoes the requested boot item (43.71).
    if (req.pxe?.bootItem) options.push(dhcpOpt.pxeVendor({ bootItem: req.pxe.bootItem }));
    options.push(dhcpOpt.tftpServer(ip), dhcpOpt.bootFile(boot.file));
    const msg = this.header(req, { yiaddr: ZERO_IP, siaddr: ip, sname: ip, file: boot.file, options });
    // The client already has its address and listens on the port it sent from (4011 for EDK2, 68 for iPXE).
    const to = from.address === ZERO_IP ? { address: '255.255.255.255', port: from.port } : from;
    return { reply: { msg, to }, event: { type: 'boot-ack', machine: m, file: boot.file, to: `${to.address}:${to.port}` } };
  }

  private leaseOptions(full: FullDhcpConfig, type: number, withLease: boolean): DhcpOption[] {
    const o: DhcpOption[] = [dhcpOpt.messageType(type), dhcpOpt.serverId(this.cfg.serverIp)];
    if (withLease) {
      o.push(dhcpOpt.leaseTime(full.leaseSeconds), dhcpOpt.renewalTime(Math.floor(full.leaseSeconds / 2)), dhcpOpt.rebindingTime(Math.floor((full.leaseSeconds * 7) / 8)));
    }
    o.push(dhcpOpt.subnetMask(full.netmask), dhcpOpt.broadcastAddress(this.cfg.broadcast));
    if (full.routers.length > 0) o.push(dhcpOpt.routers(full.routers));
    if (full.dns.length > 0) o.push(dhcpOpt.dnsServers(full.dns));
    return o;
  }

  /** Boot information for a full-mode reply: PXE and iPXE clients only. */
  private bootFields(req: DhcpMessage, m: Machine, options: DhcpOption[]): { file?: string } {
    if (!isPxeClient(req) && !m.ipxe && !(m.http && this.cfg.httpBase !== undefined)) return {};
    const boot = this.bootChoice(m);
    if (!boot) return {};
    // HTTP boot: option 60 "HTTPClient" marks the offer as an HTTP boot offer, the URI is the boot file.
    if (m.http) options.push(dhcpOpt.vendorClass('HTTPClient'), dhcpOpt.bootFile(boot.file));
    else options.push(dhcpOpt.tftpServer(this.cfg.serverIp), dhcpOpt.bootFile(boot.file));
    return { file: boot.file };
  }

  private nak(req: DhcpMessage, m: Machine, requested: string, reason: string): Decision {
    const msg = this.header(req, {
      ciaddr: ZERO_IP,
      flags: req.giaddr !== ZERO_IP ? BROADCAST_FLAG : req.flags & BROADCAST_FLAG,
      options: [dhcpOpt.messageType(DhcpMessageType.Nak), dhcpOpt.serverId(this.cfg.serverIp), dhcpOpt.message(reason)],
    });
    return { reply: { msg, to: replyDestination(req, true) }, event: { type: 'nak', machine: m, requested, reason } };
  }

  private ack(req: DhcpMessage, m: Machine, full: FullDhcpConfig, address: string): Decision {
    full.pool.bind(address, m.mac, full.leaseSeconds);
    const options = this.leaseOptions(full, DhcpMessageType.Ack, true);
    const boot = this.bootFields(req, m, options);
    const msg = this.header(req, { yiaddr: address, siaddr: this.cfg.serverIp, ...(boot.file ? { file: boot.file } : {}), options });
    return { reply: { msg, to: replyDestination(req, false) }, event: { type: 'ack', machine: m, address, ...boot } };
  }

  private fullDhcp(req: DhcpMessage, m: Machine, full: FullDhcpConfig): Decision {
    const { pool } = full;
    const inOurNet = (a: string): boolean => sameSubnet(a, this.cfg.serverIp, full.netmask);
    // The pool belongs to our own segment: a client relayed from another subnet must not get it.
    if (req.giaddr !== ZERO_IP && !inOurNet(req.giaddr)) {
      return { event: { type: 'ignored', machine: m, reason: `relayed from another subnet (giaddr ${req.giaddr}); full DHCP mode leases only on ${this.cfg.serverIp}'s subnet` } };
    }
    switch (req.messageType) {
      case DhcpMessageType.Discover: {
        if (this.heldBack(req, m)) return {};
        const address = pool.choose(m.mac, req.requestedIp);
        if (!address) return { event: { type: 'ignored', machine: m, reason: 'address pool exhausted' } };
        pool.offer(address, m.mac);
        const options = this.leaseOptions(full, DhcpMessageType.Offer, true);
        const boot = this.bootFields(req, m, options);
        const msg = this.header(req, { yiaddr: address, siaddr: this.cfg.serverIp, ...(boot.file ? { file: boot.file } : {}), options });
        return { reply: { msg, to: replyDestination(req, false) }, event: { type: 'offer', shape: 'dhcp', machine: m, yiaddr: address, ...boot } };
      }
      case DhcpMessageType.Request: {
        // SELECTING (RFC 2131 4.3.2): option 54 names the chosen server.
        if (req.serverId !== undefined) {
          if (req.serverId !== this.cfg.serverIp) {
            pool.withdrawOffer(m.mac);
            return { event: { type: 'ignored', machine: m, reason: `client chose server ${req.serverId}` } };
          }
          const requested = req.requestedIp ?? req.ciaddr;
          const lease = pool.leaseOf(m.mac);
          if (lease && lease.address === requested) return this.ack(req, m, full, requested);
          return this.nak(req, m, requested, 'requested address was not offered to this client');
        }
        // INIT-REBOOT: option 50, no ciaddr.
        if (req.requestedIp !== undefined && req.ciaddr === ZERO_IP) {
          const requested = req.requestedIp;
          if (!inOurNet(requested) || !pool.inRange(requested)) return this.nak(req, m, requested, 'requested address is not on this network');
          if (!pool.available(requested, m.mac)) return this.nak(req, m, requested, 'requested address is in use');
          return this.ack(req, m, full, requested);
        }
        // RENEWING / REBINDING: ciaddr filled in, no option 50.
        if (req.ciaddr !== ZERO_IP) {
          const lease = pool.leaseOf(m.mac);
          if ((lease && lease.address === req.ciaddr) || pool.available(req.ciaddr, m.mac)) return this.ack(req, m, full, req.ciaddr);
          return this.nak(req, m, req.ciaddr, 'address is not leased to this client');
        }
        return {};
      }
      case DhcpMessageType.Decline: {
        if (req.serverId !== undefined && req.serverId !== this.cfg.serverIp) return {};
        const address = req.requestedIp;
        if (address === undefined) return {};
        pool.decline(address, m.mac);
        return { event: { type: 'decline', machine: m, address } };
      }
      case DhcpMessageType.Release: {
        if (req.serverId !== undefined && req.serverId !== this.cfg.serverIp) return {};
        if (!pool.release(req.ciaddr, m.mac)) return {};
        return { event: { type: 'release', machine: m, address: req.ciaddr } };
      }
      case DhcpMessageType.Inform: {
        // RFC 2131 3.4: configuration only, no lease, unicast to ciaddr.
        if (ipToInt(req.ciaddr) === 0) return {};
        const options = this.leaseOptions(full, DhcpMessageType.Ack, false);
        const boot = this.bootFields(req, m, options);
        const msg = this.header(req, { yiaddr: ZERO_IP, siaddr: this.cfg.serverIp, ...(boot.file ? { file: boot.file } : {}), options });
        return { reply: { msg, to: replyDestination(req, false) }, event: { type: 'inform', machine: m } };
      }
      default:
        return {};
    }
  }
}
