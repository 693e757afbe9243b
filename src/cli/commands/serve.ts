/**
 * `pxe-doctor serve`: a reference proxyDHCP/DHCP + PXE boot server + TFTP responder.
 * See docs/serve.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { helpFooter, INTERNAL_EXIT } from '../help.js';
import { UserError } from '../errors.js';
import { setExitCode } from '../exit.js';
import { LeasePool } from '../../responder/dhcp/leases.js';
import { BindError } from '../../responder/dhcp/server.js';
import type { FullDhcpConfig } from '../../responder/dhcp/logic.js';
import { ipToInt, isIpv4, pickInterface, sameSubnet, type NetInterface } from '../../net/netif.js';
import { bootUri } from '../../responder/dhcp/logic.js';
import { HttpBindError } from '../../responder/http/server.js';
import {
  BUILTIN_BANNED_GUIDS,
  CLIENT_BUDGET_SECONDS,
  looksLikeIpxeBinary,
  normalizeGuid,
  parseBootSpec,
  parseFallbackSpec,
  readAllowList,
  readGuidList,
  type BootPolicyConfig,
} from '../../responder/policy.js';
import { OUTCOMES, outcomeOf } from '../../responder/clients.js';
import { DEFAULT_MAX_CLIENTS, Responder, type TableSummary } from '../../responder/serve.js';
import { TftpRoot } from '../../responder/tftp/safe-path.js';

interface ServeOptions {
  interface?: string;
  tftpRoot?: string;
  tftp: boolean;
  dhcp: boolean;
  boot: string[];
  ipxeScript?: string;
  answer: 'all' | 'known' | 'none';
  allow?: string;
  banGuid: string[];
  banGuidFile?: string;
  fallback: string[];
  http?: boolean;
  httpPort?: string;
  httpUrl?: string;
  delay: string;
  dhcpRange?: string;
  netmask?: string;
  router: string[];
  dns: string[];
  leaseTime: string;
  exitAfter?: string;
  tftpDeadline: string;
  maxClients: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function bindMessage(port: number, code: string, address: string): string {
  if (code === 'EACCES' || code === 'EPERM') {
    return `cannot bind UDP port ${port}: permission denied — run as root or grant CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep "$(command -v node)")`;
  }
  if (code === 'EADDRINUSE') {
    if (port === 67) return 'port 67 is in use — usually a DHCP server or dnsmasq; stop it or use proxy mode on another host';
    if (port === 69) return 'port 69 is in use — usually tftpd-hpa, atftpd or dnsmasq --enable-tftp; stop it, or run with --no-tftp and let that server serve the files';
    if (port === 4011) return 'port 4011 is in use — usually another proxyDHCP / PXE boot server (dnsmasq, WDS, pixiecore); stop it';
    return `port ${port} is in use`;
  }
  if (code === 'EADDRNOTAVAIL') return `cannot bind ${address}:${port}: the address is not on this host`;
  return `cannot bind ${address}:${port}: ${code}`;
}

function httpBindMessage(port: number, code: string, address: string): string {
  if (code === 'EACCES' || code === 'EPERM') {
    return `cannot bind TCP port ${port}: permission denied — run as root or grant CAP_NET_BIND_SERVICE, or use --http-port 8080 (above 1023)`;
  }
  if (code === 'EADDRINUSE') return `port ${port} is in use — usually a web server (nginx, apache2, lighttpd); stop it, pick another with --http-port, or let that server serve the root with --http-url URL`;
  if (code === 'EADDRNOTAVAIL') return `cannot bind ${address}:${port}: the address is not on this host`;
  return `cannot bind TCP ${address}:${port}: ${code}`;
}

function parsePositive(v: string, what: string, min = 0): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UserError(`${what} must be a number >= ${min}, got "${v}"`);
  return n;
}

/** Turn the options into a config, checking everything a user can get wrong before binding. */
function buildConfig(o: ServeOptions): { iface: NetInterface; policy: BootPolicyConfig; full?: FullDhcpConfig; http?: { port: number; base: string; external: boolean; root?: string }; warnings: string[] } {
  const warnings: string[] = [];
  const picked = pickInterface(o.interface);
  if (typeof picked === 'string') throw new UserError(picked);
  const iface = picked;

  const embeddedHttp = o.httpUrl === undefined && (o.http === true || o.httpPort !== undefined);
  if (!o.dhcp && !o.tftp && !embeddedHttp) throw new UserError('--no-dhcp and --no-tftp together leave nothing to serve');
  if (o.tftp) {
    if (o.tftpRoot === undefined) throw new UserError('--tftp-root DIR is required (or --no-tftp when another TFTP server on this host serves the files)');
    let st: fs.Stats;
    try {
      st = fs.statSync(o.tftpRoot);
    } catch {
      throw new UserError(`tftp-root ${o.tftpRoot} does not exist`);
    }
    if (!st.isDirectory()) throw new UserError(`tftp-root ${o.tftpRoot} is not a directory`);
  }

  const policy: BootPolicyConfig = { byArch: new Map(), answer: o.answer, allow: new Set(), bannedGuids: new Set(BUILTIN_BANNED_GUIDS) };
  for (const spec of o.boot) {
    const err = parseBootSpec(spec, policy);
    if (err) throw new UserError(err);
  }
  for (const spec of o.fallback) {
    const err = parseFallbackSpec(spec, policy);
    if (err) throw new UserError(err);
  }
  for (const g of o.banGuid) {
    const guid = normalizeGuid(g);
    if (!guid) throw new UserError(`--ban-guid: "${g}" is not a GUID (e.g. 00000000-0000-0000-0000-000000000000)`);
    policy.bannedGuids?.add(guid);
  }
  if (o.banGuidFile !== undefined) {
    const list = readGuidList(o.banGuidFile);
    if (typeof list === 'string') throw new UserError(list);
    for (const g of list) policy.bannedGuids?.add(g);
  }
  if (o.ipxeScript !== undefined) policy.ipxeScript = o.ipxeScript;
  if (o.answer === 'known') {
    if (o.allow === undefined) throw new UserError('--answer known needs --allow FILE (one MAC or GUID per line)');
    const allow = readAllowList(o.allow);
    if (typeof allow === 'string') throw new UserError(allow);
    policy.allow = allow;
  } else if (o.allow !== undefined) {
    throw new UserError('--allow only applies with --answer known');
  }
  if (o.dhcp && o.answer !== 'none' && policy.byArch.size === 0 && policy.defaultFile === undefined) {
    throw new UserError('no boot file: give at least one --boot ARCH=FILE (e.g. --boot bios=pxelinux.0 --boot efi64=syslinux.efi) or --boot default=FILE');
  }

  // Every boot file must be servable, or the client fails with "file not found" after a perfect DHCP.
  if (o.tftp && o.tftpRoot !== undefined) {
    const root = new TftpRoot(o.tftpRoot);
    const files = new Set<string>([...policy.byArch.values(), ...(policy.fallbackByArch?.values() ?? []), ...(policy.defaultFile ? [policy.defaultFile] : [])]);
    if (policy.ipxeScript && !policy.ipxeScript.includes('://')) files.add(policy.ipxeScript);
    for (const f of files) {
      const r = root.resolve(f);
      if (!r.ok) throw new UserError(`boot file ${f} is not servable from tftp-root ${path.resolve(o.tftpRoot)}: ${r.message}`);
    }
  }
  if (!policy.ipxeScript) {
    for (const f of policy.byArch.values()) {
      if (looksLikeIpxeBinary(f)) {
        warnings.push(`${f} looks like iPXE: iPXE clients would get it again (chainload loop); give --ipxe-script URL|FILE`);
        break;
      }
    }
  }

  // HTTP boot: the embedded server (--http / --http-port) or another one (--http-url).
  let http: { port: number; base: string; external: boolean; root?: string } | undefined;
  if (o.httpUrl !== undefined) {
    if (o.httpPort !== undefined) throw new UserError('--http-url names another web server: --http-port does not apply');
    if (!/^https?:\/\/[^/\s]+/i.test(o.httpUrl)) throw new UserError(`--http-url expects http://HOST[:PORT][/PATH], got "${o.httpUrl}"`);
    http = { port: 0, base: o.httpUrl.replace(/\/+$/, ''), external: true };
  } else if (o.http || o.httpPort !== undefined) {
    const port = o.httpPort === undefined ? 80 : Number(o.httpPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`--http-port must be 1..65535, got "${o.httpPort}"`);
    if (o.tftpRoot === undefined) throw new UserError('--http serves the files of --tftp-root: give --tftp-root DIR');
    if (!o.tftp && !fs.existsSync(o.tftpRoot)) throw new UserError(`tftp-root ${o.tftpRoot} does not exist`);
    http = { port, base: `http://${iface.address}${port === 80 ? '' : `:${port}`}`, external: false, root: o.tftpRoot };
  }
  // An iPXE script that is a file of the root goes out as a URL on the HTTP server when there is one.
  if (http && policy.ipxeScript !== undefined && !policy.ipxeScript.includes('://')) policy.ipxeScript = bootUri(http.base, policy.ipxeScript);

  let full: FullDhcpConfig | undefined;
  if (o.dhcpRange !== undefined) {
    const m = /^\s*([\d.]+)\s*-\s*([\d.]+)\s*$/.exec(o.dhcpRange);
    if (!m || !isIpv4(m[1] as string) || !isIpv4(m[2] as string)) throw new UserError(`--dhcp-range expects START-END (e.g. 192.0.2.100-192.0.2.149), got "${o.dhcpRange}"`);
    const [start, end] = [m[1] as string, m[2] as string];
    if (ipToInt(start) > ipToInt(end)) throw new UserError(`--dhcp-range: ${start} is after ${end}`);
    const netmask = o.netmask ?? iface.netmask;
    if (!isIpv4(netmask)) throw new UserError(`--netmask: not an IPv4 netmask: ${netmask}`);
    if (!sameSubnet(start, iface.address, netmask) || !sameSubnet(end, iface.address, netmask)) {
      throw new UserError(`--dhcp-range ${start}-${end} is not in the subnet of ${iface.name} (${iface.address}/${iface.prefixLength})`);
    }
    for (const a of [...o.router, ...o.dns]) if (!isIpv4(a)) throw new UserError(`not an IPv4 address: ${a}`);
    const leaseSeconds = parsePositive(o.leaseTime, '--lease-time', 60);
    const pool = new LeasePool(start, end, new Set([iface.address, ...o.router]));
    full = { pool, netmask, routers: o.router, dns: o.dns, leaseSeconds };
  } else if (o.netmask !== undefined || o.router.length > 0 || o.dns.length > 0) {
    throw new UserError('--netmask/--router/--dns only apply in full DHCP mode (--dhcp-range START-END)');
  }
  return { iface, policy, ...(full ? { full } : {}), ...(http ? { http } : {}), warnings };
}

/** Rows of the closing table; the outcome counts above it cover every client. */
const SUMMARY_ROWS = 40;

function printSummary(t: TableSummary, out: (s: string) => void): void {
  const total = OUTCOMES.reduce((n, o) => n + t.counts[o], 0);
  if (total === 0) {
    out('summary: no clients seen');
    return;
  }
  const counts = OUTCOMES.filter((o) => t.counts[o] > 0).map((o) => `${t.counts[o]} ${o}`);
  out(`summary: ${total} client${total === 1 ? '' : 's'}: ${counts.join(', ')}`);
  if (t.dropped > 0) {
    out(`  (--max-clients ${t.cap}: ${t.dropped} least recently active clients were dropped from the table; they are counted above by the outcome they had then)`);
  }
  const rows = t.clients.slice(0, SUMMARY_ROWS);
  out('  client                      ip               outcome                offers  4011  acks  naks  files ok/failed  bytes      files');
  for (const c of rows) {
    const id = c.mac ?? c.id;
    out(
      `  ${id.padEnd(27)} ${(c.ip ?? '-').padEnd(16)} ${outcomeOf(c).padEnd(22)} ${String(c.offers).padStart(6)}  ${String(c.bootAcks).padStart(4)}  ${String(c.acks).padStart(4)}  ${String(c.naks).padStart(4)}  ${`${c.transfersComplete}/${c.transfersFailed}`.padStart(15)}  ${String(c.bytes).padEnd(9)}  ${c.files.join(', ')}`,
    );
    if (c.archMismatch) out(`  ${''.padEnd(27)} ${c.archMismatch}`);
  }
  if (t.clients.length > rows.length) out(`  ... and ${t.clients.length - rows.length} more clients (problem clients are listed first; every event is in the log above)`);
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('answer PXE clients: proxyDHCP (default) or full DHCP, PXE boot server on 4011, and TFTP')
    .option('-i, --interface <if>', 'answer on this interface (default: the only one with an IPv4 address)')
    .option('--tftp-root <dir>', 'serve boot files read-only from this directory')
    .option('--no-tftp', 'do not run the TFTP server (another one on this host serves the files)')
    .option('--no-dhcp', 'TFTP only: do not answer DHCP on 67/4011')
    .option('--boot <arch=file>', 'boot file per architecture: bios, efi32, efi64 (= 7 and 9), arm32, arm64, an IANA number, or default (repeatable; the names of probe --arch; efi-arm32, efi-arm64 are accepted too)', collect, [])
    .option('--ipxe-script <url|file>', 'what iPXE clients (user class "iPXE" / option 175) get instead, so iPXE does not chainload itself')
    .addOption(new Option('--answer <policy>', 'answer all PXE clients, only known ones, or none (log only)').choices(['all', 'known', 'none']).default('all'))
    .option('--allow <file>', 'allow-list for --answer known: one MAC or GUID per line')
    .option('--ban-guid <guid>', 'a placeholder GUID: clients sending it are known by MAC only (repeatable; all-zero, all-FF and 03000200-0400-0500-0006-000700080009 are built in)', collect, [])
    .option('--ban-guid-file <file>', 'more banned GUIDs, one per line')
    .option('--fallback <arch=file>', 'boot file for a client that claims ARCH (option 93) while its vendor class names another architecture (repeatable)', collect, [])
    .option('--http', 'answer UEFI HTTP boot clients (vendor class HTTPClient) and serve --tftp-root over HTTP on port 80')
    .option('--http-port <port>', 'like --http, on this TCP port')
    .option('--http-url <url>', 'answer HTTP boot clients with this base URL (another web server serves the files)')
    .option('--delay <seconds>', "hold back offers until the client's secs field (or our own clock) reaches this (like WDS's response delay)", '0')
    .option('--dhcp-range <start-end>', 'full DHCP mode: lease addresses from this range (isolated lab networks only)')
    .option('--netmask <mask>', 'full DHCP mode: subnet mask (default: the interface\'s)')
    .option('--router <ip>', 'full DHCP mode: router option (repeatable)', collect, [])
    .option('--dns <ip>', 'full DHCP mode: DNS server option (repeatable)', collect, [])
    .option('--lease-time <seconds>', 'full DHCP mode: lease time', '3600')
    .option('--tftp-deadline <seconds>', 'abort a TFTP transfer that takes longer than this', '300')
    .option('--max-clients <n>', 'per-client state kept; beyond it the least recently active client is dropped (counted in the summary)', String(DEFAULT_MAX_CLIENTS))
    .option('--exit-after <seconds>', 'stop by itself after this many seconds (scripts, tests)')
    .addHelpText(
      'after',
      helpFooter(
        [
          'sudo pxe-doctor serve -i eth0 --tftp-root /srv/tftp --boot bios=pxelinux.0 --boot efi64=syslinux.efi',
          'sudo pxe-doctor serve -i lab0 --tftp-root /srv/tftp --boot default=ipxe.efi --dhcp-range 192.0.2.100-192.0.2.150',
          'sudo pxe-doctor serve -i eth0 --no-tftp --boot efi64=shimx64.efi --answer known --allow macs.txt',
        ],
        [[0, 'stopped (Ctrl-C, or --exit-after)'], [2, 'bad usage, or a port or interface that cannot be used (e.g. 67 or 4011 taken by another server)'], INTERNAL_EXIT],
      ),
    )
    .action(async (o: ServeOptions, cmd: Command) => {
      const { iface, policy, full, http, warnings } = buildConfig(o);
      const delay = parsePositive(o.delay, '--delay');
      if (delay > CLIENT_BUDGET_SECONDS) {
        throw new UserError(
          `--delay ${o.delay}: PXE firmware sends its last DISCOVER ${CLIENT_BUDGET_SECONDS} s after the first (at 0, 4, 12, 28 s) and then gives up, so no client would ever be answered; use --delay ${CLIENT_BUDGET_SECONDS} or less`,
        );
      }
      const exitAfter = o.exitAfter !== undefined ? parsePositive(o.exitAfter, '--exit-after', 0.1) : undefined;
      const tftpDeadline = parsePositive(o.tftpDeadline, '--tftp-deadline', 1);
      const maxClients = parsePositive(o.maxClients, '--max-clients', 1);
      if (!Number.isInteger(maxClients)) throw new UserError(`--max-clients must be a whole number, got "${o.maxClients}"`);
      // One write per batch of lines, not per line: under a flood serve prints thousands a second.
      let pending: string[] = [];
      let scheduled = false;
      const flush = (): void => {
        scheduled = false;
        if (pending.length === 0) return;
        const text = `${pending.join('\n')}\n`;
        pending = [];
        process.stdout.write(text);
      };
      const out = (s: string): void => {
        pending.push(s);
        if (pending.length >= 256) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      };
      // The same engine as `analyze`, fed with the packets serve received and sent (re-decoded).
      const { Analyzer } = await import('../../pipeline.js');
      const { renderTextReport } = await import('../../report/text.js');
      const analyzer = full ? new Analyzer({ idleExpiry: 24 * 3600, bootDoneAfter: 24 * 3600 }) : undefined;
      const responder = new Responder(
        {
          iface,
          restrictToSubnet: o.interface !== undefined,
          policy,
          delaySeconds: delay,
          ...(full ? { full } : {}),
          dhcp: o.dhcp,
          ...(o.tftp && o.tftpRoot !== undefined ? { tftpRoot: o.tftpRoot } : {}),
          tftpDeadlineMs: tftpDeadline * 1000,
          maxClients,
          ...(http ? { http } : {}),
        },
        out,
        analyzer ? (ev) => analyzer.push(ev) : undefined,
      );
      try {
        await responder.start();
      } catch (e) {
        if (e instanceof BindError) throw new UserError(bindMessage(e.port, e.code, e.address));
        if (e instanceof HttpBindError) throw new UserError(httpBindMessage(e.port, e.code, e.address));
        const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
        if (err.code && /^E[A-Z]+$/.test(err.code)) throw new UserError(bindMessage(err.port ?? 69, err.code, err.address ?? iface.address));
        throw e;
      }
      const mode = full ? `full DHCP ${o.dhcpRange}` : 'proxyDHCP';
      const parts = [
        o.dhcp ? `${mode} on ${iface.address}:67 + 4011${o.answer === 'none' ? ' (--answer none: logging only)' : ''}` : undefined,
        o.tftp ? `TFTP on :69 from ${o.tftpRoot}` : undefined,
        http ? (http.external ? `HTTP boot clients sent to ${http.base}` : `HTTP on :${http.port} from ${o.tftpRoot} (${http.base}/)`) : undefined,
      ].filter(Boolean);
      out(`serving on ${iface.name} (${iface.address}/${iface.prefixLength}, MTU ${iface.mtu}): ${parts.join(', ')}`);
      if (full) out('warning: full DHCP mode hands out addresses — use it only on an isolated lab network, never beside a site DHCP server');
      for (const w of warnings) out(`warning: ${w}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          clearTimeout(timer);
          resolve();
        };
        const timer = exitAfter !== undefined ? setTimeout(done, exitAfter * 1000) : undefined;
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await responder.stop();
      printSummary(responder.summary(), out);
      if (analyzer && responder.analysisStoppedAt !== undefined) {
        out('');
        out(`note: no analysis: more than ${responder.analysisStoppedAt} clients came (a flood or a boot storm?), and the analyzer keeps every client it is given;`);
        out('capture on the client\'s port (tcpdump -w boot.pcap) and run `pxe-doctor analyze boot.pcap`, which reads captures of any size.');
      } else if (analyzer) {
        const analysis = analyzer.finish();
        analysis.capture.file = `serve on ${iface.name}`;
        out('');
        out('analysis of the packets serve received and sent (same engine as `pxe-doctor analyze`):');
        out(renderTextReport(analysis).trimEnd());
      } else if (o.dhcp) {
        // Proxy mode: the site DHCP server's offers and ACKs go to the client, not to us, so an analysis
        // of our own traffic would report a missing address step that is not missing.
        out("note: in proxy mode serve does not see the site DHCP server's replies; capture on the client's port");
        out('(tcpdump -w boot.pcap) and run `pxe-doctor analyze boot.pcap` for the whole exchange.');
      }
      flush();
      setExitCode(cmd, 0);
    });
}
