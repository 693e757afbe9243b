/**
 * `pxe-doctor probe`: act as a PXE client on one interface, one architecture after another, and
 * say whether that client would boot. The steps are the firmware's (PXE 2.1 §2.2, EDK2 PxeBcDhcp4.c):
 *
 *  1. DHCPDISCOVER (broadcast), collecting every offer for --timeout seconds, retransmitted once
 *     halfway when nothing came (firmware retransmits at 4, 8, 16, 32 s).
 *  2. Choose the offers the way EDK2's PxeBcSelectDhcp4Offer ranks them: an address offer with PXE
 *     options (option 60 + 43), then an address offer + a proxy offer, then an address offer with
 *     option 60 and no 43 ("BINL": ask on 4011), then an address offer with a boot file.
 *  3. Only with --request: DHCPREQUEST for the chosen address offer and, at the end, DHCPRELEASE.
 *  4. The boot-server request on UDP 4011 when the chosen offer calls for it (proxy/BINL offer
 *     without a boot file, or a PXE menu), from port 4011 for UEFI archs (EDK2) and 68 for BIOS
 *     (PXE ROMs, iPXE).
 *  5. TFTP: the tsize query (and a one-block header read), or the full download.
 *  6. The NBP's header against the architecture (PE/COFF machine, or no MZ for a BIOS NBP).
 *
 * Every datagram is also fed to the analyzer (src/probe/record.ts), so findings carry the same ids
 * as `analyze` reports for a real client.
 */
import { decodeDhcp, encodeDhcp } from '../decode/dhcp/codec.js';
import { archName } from '../decode/dhcp/options.js';
import type { DhcpMessage } from '../decode/dhcp/types.js';
import { BootpOp, DHCP_CLIENT_PORT, DhcpMessageType, PXE_BOOT_SERVER_PORT, ZERO_IP } from '../decode/dhcp/constants.js';
import type { Finding } from '../diagnose/finding.js';
import { bootFileOf, classifyReply, expectedNbp, isAddressKind, nbpKindFromHead } from '../exchange/classify.js';
import type { OfferKind } from '../exchange/types.js';
import type { AnalysisJson } from '../report/schema.js';
import type { NetInterface } from '../net/netif.js';
import { Inbox } from './inbox.js';
import { addressRequest, bootServerRequest, discover, guidString, randomGuid, randomMac, randomXid, release, type ClientIdentity, type ProbeArch } from './messages.js';
import { ProbeError, ProbeSockets, type BootServerSocket, type ProbePacket } from './net.js';
import { ProbeRecorder } from './record.js';
import { blksizeForMtu, tftpRead, type TftpReadResult } from './tftp.js';
import { TftpErrorCode } from '../decode/tftp/constants.js';

export interface ProbeConfig {
  iface: NetInterface;
  archs: ProbeArch[];
  /** One MAC for every architecture; default: a random locally administered one per architecture. */
  mac?: string;
  /** Seconds to collect offers, and to wait for each later answer. */
  timeout: number;
  tftp: 'size' | 'full';
  request: boolean;
  write?: string;
  /** Progress, one line per step as it finishes. */
  onStep?(arch: ProbeArch, step: ProbeStep): void;
}

export type StepName = 'discover' | 'select' | 'request' | 'boot-server' | 'tftp-size' | 'tftp-header' | 'tftp-download' | 'nbp-header' | 'release';

export interface ProbeStep {
  step: StepName;
  ok: boolean;
  detail: string;
  /** Seconds the step took. */
  seconds: number;
}

export interface ProbeOffer {
  server: string;
  src: string;
  /** How firmware classifies it: dhcp | dhcp-boot | dhcp-pxe | dhcp-binl | proxy | proxy-binl | proxy-no-option60 | bootp. */
  kind: OfferKind;
  yiaddr?: string;
  bootServer?: string;
  bootFile?: string;
  vendorClass?: string;
  /** Seconds after the first DISCOVER. */
  time: number;
}

export interface ProbeTftpResult {
  file: string;
  server: string;
  mode: 'size' | 'full';
  size?: number;
  bytes: number;
  seconds: number;
  /** Bytes per second (full downloads). */
  rate?: number;
  /** What the first block is: "PE x64", "PE arm64", "BIOS (no MZ)". */
  header?: string;
}

export interface ArchResult {
  arch: string;
  archCode: number;
  archName: string;
  mac: string;
  guid: string;
  /** True when this client would get an address, its boot file, and a file that fits its architecture, and no error finding stands. */
  ok: boolean;
  /** Why not, or "would boot". */
  verdict: string;
  offers: ProbeOffer[];
  steps: ProbeStep[];
  bootServer?: string;
  bootFile?: string;
  tftp?: ProbeTftpResult;
  /** The analyzer's findings for this client (same ids as `analyze`). */
  findings: Finding[];
  /** The analyzer's report of this architecture's traffic (clients[], findings[]), for the diagram. */
  analysis: AnalysisJson;
}

export interface ProbeResult {
  interface: string;
  address: string;
  ok: boolean;
  archs: ArchResult[];
  /** The capture written with --write. */
  written?: string;
}

export interface Reply {
  msg: DhcpMessage;
  kind: OfferKind;
  server: string;
  src: string;
  ts: number;
}

/** What the firmware does after the offers: boot straight from a reply, or ask a boot server on 4011 first. */
export type BootPlan =
  | { via: 'reply'; reply: Reply; why: string }
  | { via: '4011'; target: string; bootItemType?: number; reply: Reply; why: string }
  | { via: 'none'; why: string };


export async function runProbe(cfg: ProbeConfig): Promise<ProbeResult> {
  const recorder = new ProbeRecorder(`probe on ${cfg.iface.name}`, cfg.write);
  const inbox = new Inbox();
  const sockets = new ProbeSockets(cfg.iface.address, (p) => recorder.record(p));
  sockets.onPacket((p, role) => {
    if (!inbox.claims(p, role)) return;
    sockets.keep(p);
    inbox.push(p);
  });
  const archs: ArchResult[] = [];
  try {
    await sockets.open();
    for (const arch of cfg.archs) {
      const id: ClientIdentity = { mac: cfg.mac ?? randomMac(), guid: randomGuid(), arch: arch.code };
      recorder.startArch(id.mac);
      archs.push(await probeArch(cfg, arch, id, sockets, inbox, recorder));
    }
  } finally {
    await sockets.close();
    await recorder.close();
  }
  return { interface: cfg.iface.name, address: cfg.iface.address, ok: archs.every((a) => a.ok), archs, ...(cfg.write !== undefined ? { written: cfg.write } : {}) };
}

export function toReply(p: ProbePacket): Reply {
  const msg = decodeDhcp(p.payload);
  return { msg, kind: classifyReply(msg), server: msg.serverId ?? p.src.address, src: p.src.address, ts: p.ts };
}

/** Where a reply says the boot file lives: siaddr, else option 66 when it is an address, else the server. */
function bootServerOf(r: Reply): string {
  if (r.msg.siaddr !== ZERO_IP) return r.msg.siaddr;
  const opt66 = r.msg.tftpServer?.trim();
  if (opt66 && /^\d{1,3}(\.\d{1,3}){3}$/.test(opt66)) return opt66;
  return r.server;
}

/** EDK2's ranking of offers (PxeBcSelectDhcp4Offer), reduced to what decides the next step. */
export function plan(offers: Reply[]): BootPlan {
  const address = offers.filter((o) => isAddressKind(o.kind));
  if (address.length === 0) return { via: 'none', why: 'no address offer: the firmware has no IP address to boot with (PXE-E51)' };
  const pxeAddr = address.find((o) => o.kind === 'dhcp-pxe');
  if (pxeAddr) return fromPxeOptions(pxeAddr, 'address offer with PXE options (60 + 43)');
  const proxy = offers.find((o) => o.kind === 'proxy');
  if (proxy) return fromPxeOptions(proxy, `proxy offer from ${proxy.server}`);
  const proxyBinl = offers.find((o) => o.kind === 'proxy-binl');
  if (proxyBinl) return { via: '4011', target: bootServerOf(proxyBinl), reply: proxyBinl, why: `proxy offer from ${proxyBinl.server} without option 43: ask it on port 4011` };
  const binl = address.find((o) => o.kind === 'dhcp-binl');
  if (binl) return { via: '4011', target: binl.msg.siaddr !== ZERO_IP ? binl.msg.siaddr : binl.server, reply: binl, why: `address offer from ${binl.server} carries option 60 "PXEClient" without 43: the firmware asks ${binl.msg.siaddr !== ZERO_IP ? binl.msg.siaddr : binl.server} on port 4011` };
  const boot = address.find((o) => o.kind === 'dhcp-boot' || (o.kind === 'bootp' && bootFileOf(o.msg).name !== ''));
  if (boot) return { via: 'reply', reply: boot, why: `address offer from ${boot.server} with boot file` };
  const ignored = offers.filter((o) => o.kind === 'proxy-no-option60');
  return {
    via: 'none',
    why: `no boot file: ${address.length} address offer${address.length > 1 ? 's' : ''} without boot file${ignored.length ? `; ${ignored.length} proxy offer${ignored.length > 1 ? 's' : ''} without option 60 "PXEClient", which firmware ignores` : ', and no proxy offer'} (PXE-E53)`,
  };
}

/** A reply with PXE option 43: boot from its file, or discover the boot server its menu / list names (PXE 2.1 §2.2.5). */
function fromPxeOptions(r: Reply, what: string): BootPlan {
  const file = bootFileOf(r.msg).name;
  const pxe = r.msg.pxe;
  if (file !== '') return { via: 'reply', reply: r, why: `${what} with boot file` };
  const type = pxe?.bootMenu?.[0]?.type ?? pxe?.bootServers?.[0]?.type;
  const listed = pxe?.bootServers?.find((b) => b.type === type)?.addresses[0];
  const target = listed ?? (r.msg.siaddr !== ZERO_IP ? r.msg.siaddr : r.server);
  return { via: '4011', target, ...(type !== undefined ? { bootItemType: type } : {}), reply: r, why: `${what}, no boot file: ask boot server ${target} on port 4011${type !== undefined ? ` for boot item ${type}` : ''}` };
}

function sameOffer(a: Reply, b: Reply): boolean {
  return a.server === b.server && a.kind === b.kind && a.msg.yiaddr === b.msg.yiaddr && a.msg.siaddr === b.msg.siaddr && bootFileOf(a.msg).name === bootFileOf(b.msg).name;
}

function offerJson(r: Reply, t0: number): ProbeOffer {
  const file = bootFileOf(r.msg).name;
  return {
    server: r.server,
    src: r.src,
    kind: r.kind,
    ...(r.msg.yiaddr !== ZERO_IP ? { yiaddr: r.msg.yiaddr } : {}),
    // siaddr alone is no boot server: dnsmasq and ISC put their own address there in every offer.
    ...(file !== '' || r.kind !== 'dhcp' ? { bootServer: bootServerOf(r) } : {}),
    ...(file !== '' ? { bootFile: file } : {}),
    ...(r.msg.vendorClass !== undefined ? { vendorClass: r.msg.vendorClass } : {}),
    time: Math.round((r.ts - t0) * 1000) / 1000,
  };
}

/** What the first bytes of the NBP are, and whether that is what this architecture runs. */
export function checkHeader(head: Uint8Array, arch: number): { ok: boolean; what: string; detail: string } {
  const got = nbpKindFromHead(head);
  const what = got.kind === 'pe' ? `PE/COFF ${got.machine}${got.machineCode ? ` (machine 0x${got.machineCode.toString(16)})` : ''}` : 'BIOS NBP (no MZ header)';
  const want = expectedNbp(arch);
  if (!want) return { ok: true, what, detail: `${what}; no rule for what ${archName(arch)} runs` };
  if (want.kind === 'bios') {
    return got.kind === 'bios' ? { ok: true, what, detail: `${what}, as ${archName(arch)} needs` } : { ok: false, what, detail: `${what}, but ${archName(arch)} runs only BIOS NBPs (pxelinux.0, undionly.kpxe)` };
  }
  if (got.kind === 'bios') return { ok: false, what, detail: `${what}, but ${archName(arch)} needs a PE/COFF ${want.machines.join(' or ')} EFI image` };
  if (got.machine === 'unknown') return { ok: true, what, detail: `${what}: an EFI image, machine not in the first block` };
  return want.machines.includes(got.machine) ? { ok: true, what, detail: `${what}, as ${archName(arch)} needs` } : { ok: false, what, detail: `${what}, but ${archName(arch)} needs ${want.machines.join(' or ')}` };
}

async function probeArch(cfg: ProbeConfig, arch: ProbeArch, id: ClientIdentity, sockets: ProbeSockets, inbox: Inbox, recorder: ProbeRecorder): Promise<ArchResult> {
  const steps: ProbeStep[] = [];
  const timeoutMs = cfg.timeout * 1000;
  const step = (name: StepName, ok: boolean, detail: string, since: number): boolean => {
    const s: ProbeStep = { step: name, ok, detail, seconds: Math.round((Date.now() - since) / 10) / 100 };
    steps.push(s);
    cfg.onStep?.(arch, s);
    return ok;
  };
  const send = (msg: Parameters<typeof encodeDhcp>[0], to: { address: string; port: number }): void => {
    sockets.sendDhcp(encodeDhcp(msg).slice(), to);
  };
  const isReply = (xid: number, types: number[]) => (p: ProbePacket) => {
    if (p.dst.port !== DHCP_CLIENT_PORT && p.dst.port !== PXE_BOOT_SERVER_PORT) return false;
    const m = decodeDhcp(p.payload);
    return m.op === BootpOp.Reply && m.xid === xid && m.chaddr === id.mac && (m.messageType === undefined ? types.includes(DhcpMessageType.Offer) : types.includes(m.messageType));
  };

  // 1. DISCOVER, collecting offers for the whole window like firmware does.
  const xid = randomXid();
  inbox.reset(id.mac);
  inbox.expect(xid);
  const t0 = Date.now();
  send(discover(id, xid, 0), { address: '255.255.255.255', port: 67 });
  let retransmitted = false;
  const offers: Reply[] = [];
  for (;;) {
    const now = Date.now();
    if (now >= t0 + timeoutMs) break;
    const half = t0 + timeoutMs / 2;
    const p = await inbox.take(isReply(xid, [DhcpMessageType.Offer]), !retransmitted && offers.length === 0 ? Math.min(half, t0 + timeoutMs) : t0 + timeoutMs);
    if (p) {
      const r = toReply(p);
      // The same offer again (an answer to our retransmitted DISCOVER, or a second relay leg) is one offer.
      if (!offers.some((o) => sameOffer(o, r))) offers.push(r);
      continue;
    }
    if (!retransmitted && offers.length === 0 && Date.now() < t0 + timeoutMs) {
      retransmitted = true;
      send(discover(id, xid, Math.floor((Date.now() - t0) / 1000)), { address: '255.255.255.255', port: 67 });
    }
  }
  const sendErrors = sockets.takeSendErrors();
  const offerList = offers.map((o) => offerJson(o, t0 / 1000));
  const nAddr = offers.filter((o) => isAddressKind(o.kind)).length;
  const nProxy = offers.filter((o) => o.kind === 'proxy' || o.kind === 'proxy-binl').length;
  step(
    'discover',
    nAddr > 0,
    offers.length === 0
      ? `no offer in ${cfg.timeout} s${sendErrors.length ? ` (send failed: ${sendErrors[0]})` : ''}`
      : `${offers.length} offer${offers.length > 1 ? 's' : ''} (${nAddr} address, ${nProxy} proxy${offers.length - nAddr - nProxy ? `, ${offers.length - nAddr - nProxy} ignored` : ''})${nAddr === 0 ? ': no address offer, the firmware has no IP address to boot with (PXE-E51)' : ''}`,
    t0,
  );

  const plan0 = plan(offers);
  let bootFile: string | undefined;
  let bootServer: string | undefined;
  let tftp: ProbeTftpResult | undefined;
  let lease: { yiaddr: string; server: string } | undefined;
  let failed = nAddr === 0;
  if (nAddr > 0) {
    const tSel = Date.now();
    failed = !step('select', plan0.via !== 'none', plan0.why, tSel);
  }

  // 3. --request: take the address like firmware would (and give it back at the end).
  const addressOffer = offers.find((o) => isAddressKind(o.kind) && (plan0.via === 'none' || o === plan0.reply)) ?? offers.find((o) => isAddressKind(o.kind));
  let ack: Reply | undefined;
  if (cfg.request && addressOffer && !failed) {
    const tReq = Date.now();
    send(addressRequest(id, xid, Math.floor((tReq - t0) / 1000), addressOffer.msg.yiaddr, addressOffer.server), { address: '255.255.255.255', port: 67 });
    let p = await inbox.take(isReply(xid, [DhcpMessageType.Ack, DhcpMessageType.Nak]), tReq + timeoutMs / 2);
    if (!p) {
      send(addressRequest(id, xid, Math.floor((Date.now() - t0) / 1000), addressOffer.msg.yiaddr, addressOffer.server), { address: '255.255.255.255', port: 67 });
      p = await inbox.take(isReply(xid, [DhcpMessageType.Ack, DhcpMessageType.Nak]), tReq + timeoutMs);
    }
    const r = p ? toReply(p) : undefined;
    if (r?.msg.messageType === DhcpMessageType.Ack) {
      ack = r;
      lease = { yiaddr: r.msg.yiaddr !== ZERO_IP ? r.msg.yiaddr : addressOffer.msg.yiaddr, server: r.server };
      step('request', true, `ACK from ${r.server}: ${lease.yiaddr}`, tReq);
    } else {
      failed = !step('request', false, r ? `NAK from ${r.server}` : `no ACK from ${addressOffer.server} in ${cfg.timeout} s`, tReq);
    }
  }

  // 4. The boot-server request on 4011.
  let source: Reply | undefined = plan0.via === 'reply' ? plan0.reply : undefined;
  // The ACK replaces a plain address offer's boot information (RFC 2131: the ACK is authoritative).
  if (source && ack && source === addressOffer && bootFileOf(ack.msg).name !== '') source = ack;
  if (!failed && plan0.via === '4011') {
    const tBs = Date.now();
    const bxid = randomXid();
    inbox.expect(bxid);
    // EDK2 sends the request from port 4011; PXE ROMs and iPXE (BIOS) from the DHCP client port 68.
    const efi = arch.code !== 0;
    const fromPort = efi ? 4011 : 68;
    const req = encodeDhcp(bootServerRequest(id, bxid, cfg.iface.address, plan0.bootItemType)).slice();
    let sock: BootServerSocket | undefined;
    let unreachable: string | undefined;
    try {
      sock = await sockets.bootServerSocket(fromPort, { address: plan0.target, port: 4011 });
    } catch (e) {
      if (e instanceof ProbeError) throw e; // cannot bind our own port: the probe cannot run here
      unreachable = (e as Error).message;
    }
    // Firmware retries the 4011 request (EDK2: 4 tries); three within --timeout here.
    let p: ProbePacket | undefined;
    try {
      for (let i = 0; sock && i < 3 && !p; i++) {
        sock.send(req);
        p = await inbox.take(isReply(bxid, [DhcpMessageType.Ack]), Date.now() + timeoutMs / 3);
      }
    } finally {
      await sock?.close();
    }
    const refused = sock?.refused() ?? 0;
    const errs = sockets.takeSendErrors().filter((e) => !/ECONNREFUSED/.test(e));
    if (p) {
      const r = toReply(p);
      source = r;
      const f = bootFileOf(r.msg).name;
      failed = !step('boot-server', f !== '', f !== '' ? `ACK from ${r.server}:4011 (port ${fromPort}): boot file ${f}` : `ACK from ${r.server}:4011 without a boot file`, tBs);
    } else {
      const why = refused > 0 ? `ICMP port unreachable: nothing listens on udp/4011 at ${plan0.target}` : `no answer (service not running there, or a firewall drops udp/4011)${errs.length ? `; ${errs[0]}` : ''}`;
      failed = !step(
        'boot-server',
        false,
        unreachable ? `${unreachable} (PXE-E55)` : `${plan0.target}:4011 did not answer 3 requests from port ${fromPort}: ${why} (PXE-E55)`,
        tBs,
      );
    }
  }

  // 5. TFTP.
  if (!failed && source) {
    bootFile = bootFileOf(source.msg).name;
    bootServer = bootServerOf(source);
    const blksize = blksizeForMtu(cfg.iface.mtu);
    const opts = { blksize, timeout: cfg.timeout };
    const tT = Date.now();
    const first: TftpReadResult = await tftpRead(sockets, inbox, bootServer, bootFile, cfg.tftp === 'full' ? 'full' : 'size', opts);
    const name = cfg.tftp === 'full' ? 'tftp-download' : 'tftp-size';
    let head = first.head;
    if (first.outcome !== 'ok') {
      const errs = sockets.takeSendErrors();
      failed = !step(name, false, `${tftpFailure(first, bootServer, bootFile, cfg.timeout)}${errs.length ? ` (send failed: ${errs[0]})` : ''}`, tT);
    } else if (cfg.tftp === 'full') {
      const rate = first.seconds > 0 ? Math.round(first.bytes / first.seconds) : undefined;
      const sizeOk = first.tsize === undefined || first.tsize === first.bytes;
      tftp = { file: bootFile, server: bootServer, mode: 'full', ...(first.tsize !== undefined ? { size: first.tsize } : {}), bytes: first.bytes, seconds: first.seconds, ...(rate !== undefined ? { rate } : {}) };
      failed = !step(
        name,
        sizeOk,
        `${bootFile} from ${bootServer}: ${first.bytes} bytes in ${first.seconds.toFixed(2)} s${rate !== undefined ? ` (${formatRate(rate)})` : ''}, blksize ${first.blksize}${sizeOk ? '' : `, but tsize said ${first.tsize}`}`,
        tT,
      );
    } else {
      tftp = { file: bootFile, server: bootServer, mode: 'size', ...(first.tsize !== undefined ? { size: first.tsize } : {}), bytes: first.bytes, seconds: first.seconds };
      step(name, true, first.oack ? `${bootFile} on ${bootServer}: ${first.tsize !== undefined ? `${first.tsize} bytes (tsize)` : 'OACK without tsize'}` : `${bootFile} on ${bootServer}: the server ignores TFTP options (no OACK), first block received`, tT);
      if (!head) {
        const tH = Date.now();
        const h = await tftpRead(sockets, inbox, bootServer, bootFile, 'header', opts);
        head = h.head;
        if (h.outcome !== 'ok' || !head) failed = !step('tftp-header', false, `reading the first block: ${tftpFailure(h, bootServer, bootFile, cfg.timeout)}`, tH);
        else step('tftp-header', true, `first block: ${h.bytes} bytes`, tH);
      }
    }
    if (head && !failed) {
      const c = checkHeader(head, arch.code);
      if (tftp) tftp.header = c.what;
      failed = !step('nbp-header', c.ok, c.detail, Date.now());
    }
  }

  // 7. Give the lease back.
  if (lease) {
    const tRel = Date.now();
    send(release(id, randomXid(), lease.yiaddr, lease.server), { address: lease.server, port: 67 });
    step('release', true, `DHCPRELEASE of ${lease.yiaddr} sent to ${lease.server}`, tRel);
  }

  const analysis = recorder.finishArch();
  const findings = analysis.findings.filter((f) => f.client === id.mac || f.client === '');
  const errors = findings.filter((f) => f.severity === 'error');
  const failedStep = steps.find((s) => !s.ok);
  const ok = !failedStep && errors.length === 0 && tftp !== undefined;
  const verdict = ok
    ? 'would boot'
    : `would NOT boot: ${failedStep ? `${failedStep.step}: ${failedStep.detail}` : errors.length ? `${errors[0]!.id}: ${errors[0]!.title}` : 'no boot file reached'}`;
  return {
    arch: arch.name,
    archCode: arch.code,
    archName: archName(arch.code),
    mac: id.mac,
    guid: guidString(id.guid),
    ok,
    verdict,
    offers: offerList,
    steps,
    ...(bootServer !== undefined ? { bootServer } : {}),
    ...(bootFile !== undefined ? { bootFile } : {}),
    ...(tftp ? { tftp } : {}),
    findings,
    analysis,
  };
}

function tftpFailure(r: TftpReadResult, server: string, file: string, timeout: number): string {
  if (r.outcome === 'error') return `${file} on ${server}: ERROR ${r.errorCode ?? '?'} "${r.errorMessage ?? ''}"${r.errorCode === TftpErrorCode.FileNotFound ? ' (file not found, PXE-E3B)' : ''}`;
  if (r.outcome === 'no-response') return `${file}: no answer from ${server}:69 in ${timeout} s (${1 + r.retransmissions} requests, PXE-E32)`;
  return `${file} from ${server}: stopped after ${r.bytes} bytes (${r.blocks} blocks), no more data`;
}

export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e6) return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  if (bytesPerSecond >= 1e3) return `${(bytesPerSecond / 1e3).toFixed(1)} kB/s`;
  return `${bytesPerSecond} B/s`;
}
