/**
 * `serve`: proxyDHCP / DHCP on 67 + PXE boot server on 4011 + TFTP on 69, wired together, with one
 * line per client event and a per-client summary. Uses the decode layer only.
 */
import { decodeDhcp } from '../decode/dhcp/codec.js';
import { archName } from '../decode/dhcp/options.js';
import { decodeTftp } from '../decode/tftp/codec.js';
import type { DhcpMessage } from '../decode/dhcp/types.js';
import type { PacketEvent, PacketMeta } from '../decode/events.js';
import { TcpFlag, type HttpMessageHead } from '../decode/http.js';
import { DhcpLogic, type DhcpServeEvent, type Endpoint, type FullDhcpConfig } from './dhcp/logic.js';
import { DhcpServer } from './dhcp/server.js';
import type { NetInterface } from '../net/netif.js';
import { HttpBootServer, type HttpServerEvent } from './http/server.js';
import { archContradiction, type BootPolicyConfig, type Machine } from './policy.js';
import { TftpServer, type TftpServerEvent } from './tftp/server.js';
import { ClientTable, LruMap, newClient, type ClientSummary, type TableSummary } from './clients.js';

export type { ClientSummary, TableSummary } from './clients.js';

/**
 * Lines a second for clients that have only asked so far (newcomers); beyond it they are counted,
 * not printed, so a flood does not bury the lines of the clients that are booting. Lines of
 * clients that went further are always printed.
 */
export const NEWCOMER_LINES_PER_SECOND = 100;

/** Default for --max-clients: clients kept in the table (and MAC-by-address entries). */
export const DEFAULT_MAX_CLIENTS = 10_000;
import { BootpOp, ZERO_IP } from '../decode/dhcp/constants.js';

export interface ServeConfig {
  iface: NetInterface;
  /** --interface given: ignore requests from other subnets. */
  restrictToSubnet: boolean;
  policy: BootPolicyConfig;
  delaySeconds: number;
  full?: FullDhcpConfig;
  dhcp: boolean;
  tftpRoot?: string;
  /** Port overrides (tests only; firmware uses 67/4011/69). */
  ports?: { dhcp?: number; bootServer?: number; tftp?: number };
  tftpDeadlineMs?: number;
  /** --max-clients: per-client state kept (least recently active dropped first). */
  maxClients?: number;
  /** --http: answer HTTPClient requests with `base` + file, and serve tftpRoot over HTTP on `port` (unless `external`). */
  http?: { port: number; base: string; external: boolean; root?: string };
}

function fmtRate(bps: number): string {
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} MB/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kB/s`;
  return `${bps.toFixed(0)} B/s`;
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

export function describeMachine(m: Machine): string {
  const arch = m.arch === undefined ? 'no-arch' : `${archName(m.arch)}(${m.arch})`;
  return `${m.mac} ${arch}${m.ipxe ? ' iPXE' : ''}`;
}

export class Responder {
  readonly cfg: ServeConfig;
  private readonly line: (s: string) => void;
  private readonly packetSink: ((ev: PacketEvent) => void) | undefined;
  private dhcp: DhcpServer | undefined;
  private tftp: TftpServer | undefined;
  private http: HttpBootServer | undefined;
  private frame = 0;
  private readonly clients: ClientTable;
  private readonly macByIp: LruMap<string, string>;
  private readonly newcomerLines = { windowStart: 0, shown: 0, suppressed: 0 };
  /**
   * Set when the client table first had to drop a client: from then on nothing more is fed to the
   * analyzer (full DHCP mode), which keeps every client it is given until the end.
   */
  analysisStoppedAt: number | undefined;

  constructor(cfg: ServeConfig, line: (s: string) => void, packetSink?: (ev: PacketEvent) => void) {
    this.cfg = cfg;
    this.line = line;
    this.packetSink = packetSink;
    const cap = cfg.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.clients = new ClientTable(cap);
    this.macByIp = new LruMap(cap);
  }

  /** Bind every socket; rejects with BindError (dhcp) or a Node errno error (tftp). */
  async start(): Promise<void> {
    const onPacket = (kind: 'dhcp' | 'tftp') => this.feeder(kind);
    try {
      if (this.cfg.dhcp) {
        const logic = new DhcpLogic({
          serverIp: this.cfg.iface.address,
          netmask: this.cfg.iface.netmask,
          broadcast: this.cfg.iface.broadcast,
          restrictToSubnet: this.cfg.restrictToSubnet,
          policy: this.cfg.policy,
          delaySeconds: this.cfg.delaySeconds,
          ...(this.cfg.full ? { full: this.cfg.full } : {}),
          ...(this.cfg.http ? { httpBase: this.cfg.http.base } : {}),
        });
        this.dhcp = new DhcpServer({
          logic,
          serverIp: this.cfg.iface.address,
          ...(this.cfg.ports?.dhcp !== undefined ? { dhcpPort: this.cfg.ports.dhcp } : {}),
          ...(this.cfg.ports?.bootServer !== undefined ? { bootServerPort: this.cfg.ports.bootServer } : {}),
          onEvent: (e) => this.onDhcpEvent(e),
          onRequest: (req) => this.learn(req),
          ...(this.packetSink ? { onPacket: onPacket('dhcp') } : {}),
        });
        await this.dhcp.listen();
      }
      if (this.cfg.tftpRoot !== undefined) {
        this.tftp = new TftpServer({
          root: this.cfg.tftpRoot,
          address: this.cfg.restrictToSubnet ? this.cfg.iface.address : ZERO_IP,
          port: this.cfg.ports?.tftp ?? 69,
          mtu: this.cfg.iface.mtu,
          ...(this.cfg.tftpDeadlineMs !== undefined ? { deadlineMs: this.cfg.tftpDeadlineMs } : {}),
          onEvent: (e) => this.onTftpEvent(e),
          ...(this.packetSink ? { onPacket: onPacket('tftp') } : {}),
        });
        await this.tftp.listen();
      }
      const httpRoot = this.cfg.http?.root ?? this.cfg.tftpRoot;
      if (this.cfg.http && !this.cfg.http.external && httpRoot !== undefined) {
        this.http = new HttpBootServer({
          root: httpRoot,
          address: this.cfg.restrictToSubnet ? this.cfg.iface.address : '0.0.0.0',
          port: this.cfg.http.port,
          onEvent: (e) => this.onHttpEvent(e),
        });
        await this.http.listen();
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** The analyzer's sink while the client table has not overflowed (see analysisStoppedAt). */
  private livePacketSink(): ((ev: PacketEvent) => void) | undefined {
    if (!this.packetSink || this.analysisStoppedAt !== undefined) return undefined;
    if (this.clients.dropped > 0) {
      this.analysisStoppedAt = this.clients.cap;
      return undefined;
    }
    return this.packetSink;
  }

  /** Re-decode what went over our sockets as PacketEvents, so the analyzer sees what a capture would. */
  private feeder(kind: 'dhcp' | 'tftp'): (dir: 'in' | 'out', local: Endpoint, remote: Endpoint, payload: Uint8Array) => void {
    return (dir, local, remote, payload) => {
      const sink = this.livePacketSink();
      if (!sink) return;
      const src = dir === 'in' ? remote : local;
      // A request on a wildcard socket: DHCP ones are the clients' broadcasts; TFTP ones were sent to us.
      const wildcardDst = kind === 'dhcp' ? '255.255.255.255' : this.cfg.iface.address;
      const dst = dir === 'in' ? { address: local.address === ZERO_IP ? wildcardDst : local.address, port: local.port } : remote;
      const meta = {
        frame: ++this.frame,
        ts: Date.now() / 1000,
        src: src.address === ZERO_IP && dir === 'out' ? this.cfg.iface.address : src.address,
        sport: src.port,
        dst: dst.address,
        dport: dst.port,
        interfaceId: 0,
        ipLength: payload.length + 28,
        ttl: 64,
      };
      if (kind === 'dhcp') sink({ kind: 'dhcp', meta, dhcp: decodeDhcp(payload) });
      else {
        const tftp = decodeTftp(payload);
        if (tftp) sink({ kind: 'tftp', meta, tftp });
      }
    };
  }

  /** Print a line about client `c`, within the newcomers' budget when it has only asked so far. */
  private say(c: ClientSummary, text: string): void {
    if (this.clients.isActive(c.id)) {
      this.line(text);
      return;
    }
    const w = this.newcomerLines;
    const now = Date.now();
    if (now - w.windowStart >= 1000) {
      this.reportSuppressed();
      w.windowStart = now;
      w.shown = 0;
    }
    if (w.shown < NEWCOMER_LINES_PER_SECOND) {
      w.shown++;
      this.line(text);
    } else w.suppressed++;
  }

  private reportSuppressed(): void {
    const w = this.newcomerLines;
    if (w.suppressed === 0) return;
    this.line(`${clock()} ${w.suppressed} more events of new clients not shown (over ${NEWCOMER_LINES_PER_SECOND} a second: a flood or a boot storm; the summary counts every client)`);
    w.suppressed = 0;
  }

  /** Which MAC uses which address: from the clients' own REQUESTs (option 50 / ciaddr), also in proxy mode. */
  private learn(msg: DhcpMessage): void {
    if (msg.op !== BootpOp.Request) return;
    const ip = msg.requestedIp ?? (msg.ciaddr !== ZERO_IP ? msg.ciaddr : undefined);
    if (ip === undefined) return;
    const mac = msg.chaddr.toLowerCase();
    this.macByIp.set(ip, mac);
    const byIp = this.clients.peek(ip);
    const c = this.client(mac, ip);
    // A REQUEST with an address: the client is booting, not a one-off DISCOVER.
    this.clients.promote(c.id);
    // TFTP seen before the mapping was known: fold that row into the MAC's.
    if (byIp && byIp !== c) {
      c.transfersComplete += byIp.transfersComplete;
      c.transfersFailed += byIp.transfersFailed;
      c.bytes += byIp.bytes;
      c.refused += byIp.refused;
      for (const f of byIp.files) if (!c.files.includes(f)) c.files.push(f);
      this.clients.delete(ip);
    }
  }

  private client(mac: string | undefined, ip: string | undefined): ClientSummary {
    const knownMac = mac ?? (ip !== undefined ? this.macByIp.get(ip) : undefined);
    const id = knownMac ?? ip ?? '?';
    let c = this.clients.touch(id);
    if (!c) {
      c = newClient(id);
      if (knownMac) c.mac = knownMac;
      // First seen by TFTP/HTTP (no MAC known): already past DHCP.
      this.clients.add(c, mac === undefined);
    }
    if (ip !== undefined && ip !== ZERO_IP && ip !== '255.255.255.255') {
      c.ip = ip;
      if (knownMac) this.macByIp.set(ip, knownMac);
    }
    return c;
  }

  private onDhcpEvent(e: DhcpServeEvent): void {
    const m = e.machine;
    const ip = e.type === 'ack' ? e.address : e.type === 'boot-ack' ? e.to.split(':')[0] : undefined;
    const c = this.client(m.mac, ip);
    this.architectureNotes(c, m);
    if (m.arch !== undefined) c.arch = m.arch;
    c.ipxe ||= m.ipxe;
    let text: string;
    switch (e.type) {
      case 'offer':
        c.offers++;
        text =
          e.shape === 'dhcp'
            ? `DHCP offer sent: ${e.yiaddr}${e.file ? `, boot file ${e.file}` : ''}`
            : e.shape === 'proxy-binl'
              ? 'proxyDHCP offer sent (UEFI: BINL, boot file follows on 4011)'
              : e.shape === 'proxy-http'
                ? `proxyDHCP offer sent (HTTP boot): ${e.file}`
                : `proxyDHCP offer sent: boot file ${e.file}, server ${this.cfg.iface.address}`;
        break;
      case 'boot-ack':
        c.bootAcks++;
        this.clients.promote(c.id);
        text = `4011 answered: boot file ${e.file} -> ${e.to}`;
        break;
      case 'ack':
        c.acks++;
        this.clients.promote(c.id);
        text = `DHCP ACK: ${e.address}${e.file ? `, boot file ${e.file}` : ''}`;
        break;
      case 'inform':
        text = 'DHCP INFORM answered';
        break;
      case 'nak':
        c.naks++;
        text = `DHCP NAK for ${e.requested}: ${e.reason}`;
        break;
      case 'decline':
        text = `DHCP DECLINE of ${e.address} (address set aside)`;
        break;
      case 'release':
        text = `DHCP RELEASE of ${e.address}`;
        break;
      case 'ignored':
        c.ignored++;
        text = `not answered: ${e.reason}`;
        break;
    }
    c.lastEvent = text;
    this.say(c, `${clock()} ${describeMachine(m)}  ${text}`);
  }

  /**
   * WDS-style notes, once per client: a banned GUID (known by MAC only), and an architecture claim
   * contradicted by the vendor class or by a later request claiming another architecture.
   */
  private architectureNotes(c: ClientSummary, m: Machine): void {
    if (m.bannedGuid !== undefined && c.bannedGuid === undefined) {
      c.bannedGuid = m.bannedGuid;
      this.say(c, `${clock()} ${describeMachine(m)}  GUID ${m.bannedGuid} is banned (placeholder or --ban-guid): identified by MAC only`);
    }
    const contradiction = archContradiction(m);
    if (contradiction && c.archMismatch === undefined) {
      c.archMismatch = contradiction;
      this.say(c, `${clock()} ${describeMachine(m)}  architecture: ${contradiction}`);
    } else if (c.arch !== undefined && m.arch !== undefined && c.arch !== m.arch && !m.ipxe && !c.ipxe && c.archMismatch === undefined && !m.http) {
      c.archMismatch = `claimed ${archName(c.arch)} (${c.arch}), later ${archName(m.arch)} (${m.arch})`;
      this.say(c, `${clock()} ${describeMachine(m)}  architecture: ${c.archMismatch}`);
    }
  }

  /** Behaviour that contradicts a BIOS claim: a UEFI application fetched by a client that said x86 BIOS. */
  private behaviourNote(c: ClientSummary, file: string, who: string): void {
    if (c.arch !== 0 || c.archMismatch !== undefined || !/\.efi$/i.test(file)) return;
    c.archMismatch = `claimed x86 BIOS (option 93 = 0) but fetches ${file}, a UEFI application`;
    this.line(`${clock()} ${who}  architecture: ${c.archMismatch}`);
  }

  /**
   * One HTTP request as the TCP segments a capture would hold (SYN, SYN-ACK, request head, response
   * head + body, FIN), so the analysis of full DHCP mode sees HTTP boot downloads too. Node hands
   * us requests, not segments: sequence numbers start at 1 and the body is one segment.
   */
  private feedHttp(e: HttpServerEvent): void {
    const sink = this.livePacketSink();
    if (!sink || !this.cfg.http) return;
    const ts = Date.now() / 1000 - e.seconds;
    const server = this.cfg.iface.address;
    const sport = this.cfg.http.port;
    const seg = (toServer: boolean, flags: number, seq: number, ack: number, payloadLength: number, http?: HttpMessageHead, at = ts): void => {
      const meta: PacketMeta = {
        frame: ++this.frame,
        ts: at,
        src: toServer ? e.client.address : server,
        sport: toServer ? e.client.port : sport,
        dst: toServer ? server : e.client.address,
        dport: toServer ? sport : e.client.port,
        interfaceId: 0,
        ipLength: 40 + payloadLength,
        ttl: 64,
      };
      sink({ kind: 'http', meta, tcp: { seq, ack, flags, payloadLength }, ...(http ? { http } : {}) });
    };
    const reqLen = 100;
    const headLen = 200;
    const body = e.method === 'HEAD' ? 0 : e.bytes;
    seg(true, TcpFlag.Syn, 0, 0, 0);
    seg(false, TcpFlag.Syn | TcpFlag.Ack, 0, 1, 0);
    seg(true, TcpFlag.Ack | TcpFlag.Psh, 1, 1, reqLen, { type: 'request', method: e.method, target: e.path, version: 'HTTP/1.1', host: server });
    const reason = e.status === 200 ? 'OK' : e.status === 206 ? 'Partial Content' : e.status === 404 ? 'Not Found' : e.status === 403 ? 'Forbidden' : 'Error';
    const contentLength = e.status >= 400 ? 0 : e.method === 'HEAD' || e.status === 200 ? e.size : e.bytes;
    seg(false, TcpFlag.Ack | TcpFlag.Psh, 1, 1 + reqLen, headLen + body, {
      type: 'response',
      version: 'HTTP/1.1',
      status: e.status,
      reason,
      ...(contentLength !== undefined ? { contentLength } : {}),
      headLength: headLen,
    }, ts + e.seconds);
    if (e.complete) seg(false, TcpFlag.Fin | TcpFlag.Ack, 1 + headLen + body, 1 + reqLen, 0, undefined, ts + e.seconds);
    else seg(false, TcpFlag.Rst, 1 + headLen + body, 1 + reqLen, 0, undefined, ts + e.seconds);
  }

  private onHttpEvent(e: HttpServerEvent): void {
    this.feedHttp(e);
    const c = this.client(undefined, e.client.address);
    this.clients.promote(c.id);
    const who = c.mac ? `${c.mac} ${e.client.address}` : e.client.address;
    const file = e.path.replace(/[?#].*$/, '');
    let text = `HTTP ${e.method} ${e.path}: ${e.status}`;
    if (e.status >= 400) {
      c.refused++;
      text += ` (${e.reason ?? 'refused'})`;
    } else if (e.method === 'GET') {
      this.behaviourNote(c, file, who);
      if (e.complete) {
        c.transfersComplete++;
        c.bytes += e.bytes;
        if (!c.files.includes(file)) c.files.push(file);
        text += `, ${e.bytes} bytes${e.range ? ` (range ${e.range} of ${e.size})` : ''} in ${e.seconds.toFixed(2)} s`;
      } else {
        c.transfersFailed++;
        text += `, connection ended after ${e.bytes} of ${e.range ? e.range : e.size} bytes`;
      }
    } else {
      text += ` (${e.size} bytes)`;
    }
    c.lastEvent = text;
    this.line(`${clock()} ${who}  ${text}`);
  }

  private onTftpEvent(e: TftpServerEvent): void {
    const c = this.client(undefined, e.client.address);
    this.clients.promote(c.id);
    const who = c.mac ? `${c.mac} ${e.client.address}` : e.client.address;
    let text: string;
    switch (e.type) {
      case 'transfer-start':
        this.behaviourNote(c, e.file, who);
        text = `TFTP ${e.file}: started (${e.size} bytes, blksize ${e.blksize}${e.windowsize > 1 ? `, windowsize ${e.windowsize}` : ''})`;
        break;
      case 'transfer-end':
        if (e.outcome === 'complete') {
          c.transfersComplete++;
          c.bytes += e.bytes;
          if (!c.files.includes(e.file)) c.files.push(e.file);
          text = `TFTP ${e.file}: finished, ${e.bytes} bytes in ${e.seconds.toFixed(2)} s (${fmtRate(e.rate)})${e.retransmissions ? `, ${e.retransmissions} retransmissions` : ''}`;
        } else if (e.outcome === 'aborted') {
          text = `TFTP ${e.file}: ended by the client (${e.detail ?? 'error'})`;
        } else {
          c.transfersFailed++;
          text = `TFTP ${e.file}: failed (${e.outcome}${e.detail ? `: ${e.detail}` : ''})`;
        }
        break;
      case 'request-refused':
        c.refused++;
        text = `TFTP ${e.file}: refused with error ${e.code} (${e.message})`;
        break;
    }
    c.lastEvent = text;
    this.line(`${clock()} ${who}  ${text}`);
  }

  /** The client table for the closing summary: counts per outcome, problem clients first. */
  summary(): TableSummary {
    return this.clients.summary();
  }

  async stop(): Promise<void> {
    this.reportSuppressed();
    await Promise.all([this.dhcp?.close(), this.tftp?.close(), this.http?.close()]);
    this.dhcp = undefined;
    this.tftp = undefined;
    this.http = undefined;
  }
}
