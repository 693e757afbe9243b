/**
 * A client's boot as a chain of stages (docs/analyze.md, "The boot chain"): the firmware's DHCP,
 * the NBP, then what the NBP does (iPXE's own DHCP and its HTTP/TFTP fetches, shim loading its
 * second stage, GRUB's config search, PXELINUX's config search, WDS files), then the OS files
 * (kernel, initrd, boot.wim). Every stage is judged: ended well, failed (and why), or still running
 * when the capture ended. The client's boot is only as good as the last stage the capture shows.
 *
 * Built on demand from the ClientRecord (attempts, transfers, HTTP fetches): nothing is kept per
 * packet, so the tracker's memory is unchanged.
 */
import { ZERO_IP, isConfigProbeName, isIpxeBinaryName, printableName, formatBytes } from '../classify.js';
import { offeredBootFile } from '../tracker.js';
import { clientTransfers } from '../records.js';
import type { AttemptRecord, ClientRecord, DnsLookupRecord, HttpFetchRecord, NbpHeadKind, TransferRecord } from '../types.js';
import { fileStageKind, isBenignProbeName, isGrubName, isWdsAbortName, loaderOf, type LoaderKind } from './loaders.js';

export type ChainStageKind =
  | 'firmware-dhcp'
  | 'nbp'
  | 'nbp-dhcp'
  | 'ipxe-dhcp'
  | 'ipxe-http'
  | 'ipxe-script'
  | 'shim'
  | 'grub-config'
  | 'pxelinux-config'
  | 'wds'
  | 'kernel'
  | 'initrd'
  | 'os'
  | 'http'
  | 'dns'
  | 'file';

/** ok: the stage ended well; failed: it ended badly; capture-ended: it was still under way when the capture (or its client) ended. */
export type ChainStatus = 'ok' | 'failed' | 'capture-ended';

/** Why a stage failed; each has a rule in src/diagnose/rules (or, for the firmware's own steps, the existing DHCP/TFTP rules). */
export type ChainFailure =
  | 'dhcp-unanswered'
  | 'dhcp-no-ack'
  | 'no-boot-file'
  | 'not-found'
  | 'download-failed'
  | 'http-failed'
  | 'second-stage-missing'
  | 'no-config'
  | 'not-started'
  | 'unsigned-under-secure-boot'
  | 'wds-abort'
  | 'name-not-resolved';

export interface ChainStage {
  kind: ChainStageKind;
  /** File name, URL, or "DHCP" for a DHCP round. */
  name: string;
  /** For nbp stages: what the file is (iPXE, shim, GRUB, PXELINUX, WDS, another EFI or BIOS program). */
  loader?: LoaderKind;
  status: ChainStatus;
  failure?: ChainFailure;
  /** One line on how the stage ended. */
  detail: string;
  firstFrame: number;
  lastFrame: number;
  firstTs: number;
  lastTs: number;
  /** Evidence frames (a handful). */
  frames: number[];
  transfers: TransferRecord[];
  fetches: HttpFetchRecord[];
  /** DNS lookups of a `dns` stage (one name, its A/AAAA queries and retries). */
  lookups: DnsLookupRecord[];
  attempt?: AttemptRecord;
  /** Misses that are part of the loader's normal search (config candidates, shim's revocations.efi, ...). */
  probes: number;
  /** For the last stage when it ended well: seconds of silence from the client until the capture ended. */
  silence?: number;
}

export interface Chain {
  stages: ChainStage[];
  last?: ChainStage;
  /** The last stage the capture shows ended well (true for a client with no stage at all). */
  ok: boolean;
}

export interface ChainContext {
  captureEnd: number;
  /** False while a live capture still runs. */
  final: boolean;
}

/** Seconds without a packet after which an unanswered request counts as given up, not as cut off by the capture's end. */
const GIVE_UP = 4;
/** DISCOVERs (with retransmissions) after which an unanswered DHCP round counts as failed whatever the capture's end. */
const DISCOVERS_FAILED = 4;
/** Seconds of silence after a finished NBP/loader that are worth a warning (the capture went on, the client said nothing). */
export const SILENCE_WORTH_TELLING = 10;

type Item =
  | { ts: number; frame: number; type: 'dhcp'; a: AttemptRecord }
  | { ts: number; frame: number; type: 'tftp'; t: TransferRecord }
  | { ts: number; frame: number; type: 'http'; f: HttpFetchRecord }
  | { ts: number; frame: number; type: 'dns'; l: DnsLookupRecord }
  | { ts: number; frame: number; type: 'moved-on' };

const cache = new WeakMap<ClientRecord, { key: string; chain: Chain }>();

/** The client's boot chain as of ctx (cached per client state and capture end). */
export function bootChain(c: ClientRecord, ctx: ChainContext): Chain {
  const key = `${c.lastFrame}|${c.attempts.length}|${ctx.captureEnd}|${ctx.final}`;
  const hit = cache.get(c);
  if (hit && hit.key === key) return hit.chain;
  const chain = buildChain(c, ctx);
  cache.set(c, { key, chain });
  return chain;
}

function isUefiClient(c: ClientRecord): boolean {
  for (const a of c.attempts) {
    if (a.arch?.some((x) => x !== 0)) return true;
    const m = /Arch:(\d{5})/.exec(a.vendorClass ?? '');
    if (m && Number(m[1]) !== 0) return true;
  }
  return false;
}

function newStage(kind: ChainStageKind, name: string, ts: number, frame: number): ChainStage {
  return { kind, name, status: 'ok', detail: '', firstFrame: frame, lastFrame: frame, firstTs: ts, lastTs: ts, frames: [], transfers: [], fetches: [], lookups: [], probes: 0 };
}

/** Kinds whose consecutive requests are one stage (a search, retries of one file). */
const MERGING: ReadonlySet<ChainStageKind> = new Set(['grub-config', 'pxelinux-config', 'shim', 'wds', 'kernel', 'initrd', 'os', 'ipxe-script', 'file']);

export function buildChain(c: ClientRecord, ctx: ChainContext): Chain {
  const items: Item[] = [];
  for (const a of c.attempts) items.push({ ts: a.firstTs, frame: a.firstFrame, type: 'dhcp', a });
  for (const t of clientTransfers(c)) if (t.outcome !== 'tsize-probe' && t.outcome !== 'not-captured') items.push({ ts: t.rrqTs, frame: t.rrqFrame, type: 'tftp', t });
  for (const f of c.boot?.http ?? []) if (f.method !== 'HEAD') items.push({ ts: f.firstTs, frame: f.firstFrame, type: 'http', f });
  for (const l of c.dns ?? []) items.push({ ts: l.queryTs, frame: l.queryFrame, type: 'dns', l });
  // The firmware going on to its next boot method (PXE over IPv6, HTTP boot over IPv6) ends what came before.
  for (const r of c.boot?.dhcp6 ?? []) if (r.method !== 'DHCPv6') items.push({ ts: r.firstTs, frame: r.firstFrame, type: 'moved-on' });
  items.sort((x, y) => x.ts - y.ts || x.frame - y.frame);

  const stages: ChainStage[] = [];
  let loader: LoaderKind | undefined;
  let ipxe = false;
  let movedOnAfter: ChainStage | undefined;
  const last = (): ChainStage | undefined => stages[stages.length - 1];

  for (const it of items) {
    if (it.type === 'moved-on') {
      const l = last();
      if (l && !movedOnAfter) movedOnAfter = l;
      continue;
    }
    if (it.type === 'dhcp') {
      const a = it.a;
      let kind: ChainStageKind;
      if (a.role === 'firmware') kind = 'firmware-dhcp';
      else if (a.role === 'ipxe-stage' || a.ipxe || (a.role === 'nbp-dhcp' && ipxe)) kind = 'ipxe-dhcp';
      else if (a.role === 'nbp-dhcp') kind = 'nbp-dhcp';
      else if (stages.length > 0) kind = 'nbp-dhcp';
      else continue; // a plain DHCP client: no boot chain
      const prev = last();
      if (kind === 'firmware-dhcp' && prev && prev.kind === 'nbp' && prev.status === 'ok' && !a.ipxe) movedOnAfter ??= prev;
      const s = newStage(kind, 'DHCP', a.firstTs, a.firstFrame);
      s.attempt = a;
      s.lastTs = a.lastTs;
      judgeDhcp(s, a, ctx);
      stages.push(s);
      if (kind === 'firmware-dhcp') {
        loader = a.ipxe ? 'ipxe' : undefined;
        ipxe = a.ipxe;
        movedOnAfter = undefined;
      } else if (kind === 'ipxe-dhcp') ipxe = true;
      continue;
    }
    if (it.type === 'dns') {
      // A loader resolving a URL's host (iPXE, GRUB, UEFI HTTP boot); not an OS's lookups after its
      // kernel came, nor reverse lookups.
      const pre = last();
      if (it.l.type === 12 || (!ipxe && loader !== 'grub' && pre?.kind !== 'firmware-dhcp')) continue;
      if (stages.some((x) => x.kind === 'kernel' || x.kind === 'initrd' || x.kind === 'os' || x.kind === 'nbp-dhcp')) continue;
      let s = last();
      if (!s || s.kind !== 'dns' || s.name !== it.l.name) {
        s = newStage('dns', it.l.name, it.l.queryTs, it.l.queryFrame);
        stages.push(s);
      }
      s.lookups.push(it.l);
      s.lastFrame = Math.max(s.lastFrame, it.l.lastFrame);
      s.lastTs = Math.max(s.lastTs, it.l.lastTs);
      continue;
    }
    if (it.type === 'tftp') {
      const t = it.t;
      const probe = t.outcome === 'not-found-probe' || ((t.outcome === 'error' || t.outcome === 'no-response') && (isBenignProbeName(t.file) || isConfigProbeName(t.file)));
      const fk = fileStageKind(t.file);
      let kind: ChainStageKind;
      let stageLoader: LoaderKind | undefined;
      if (t.role === 'nbp' && fk !== 'kernel' && fk !== 'initrd' && fk !== 'os') {
        if (ipxe && fk === 'ipxe-script') kind = 'ipxe-script';
        else {
          kind = 'nbp';
          stageLoader = loaderOf(t.file, t.headKind);
        }
      } else if (probe) {
        const l = last();
        if (fk === 'grub-config' || fk === 'pxelinux-config') kind = fk;
        else {
          if (l) l.probes++;
          continue;
        }
      } else if (fk === 'loader') {
        if (loader === 'shim' && (isGrubName(t.file) || !isIpxeBinaryName(t.file))) kind = 'shim';
        else {
          kind = 'nbp';
          stageLoader = loaderOf(t.file, t.headKind);
        }
      } else if (loader === 'shim' && fk === 'file' && last()?.kind === 'nbp') kind = 'shim'; // shim asking for its second stage under another name
      else kind = fk;
      let s = last();
      if (!s || s.kind !== kind || !MERGING.has(kind) || (kind === 'file' && s.transfers.length > 0 && s.transfers[s.transfers.length - 1]!.file !== t.file)) {
        s = newStage(kind, t.file, t.rrqTs, t.rrqFrame);
        if (stageLoader) s.loader = stageLoader;
        stages.push(s);
      }
      if (probe) s.probes++;
      s.transfers.push(t);
      s.lastFrame = Math.max(s.lastFrame, t.lastFrame);
      s.lastTs = Math.max(s.lastTs, t.lastTs);
      if (kind === 'nbp' && stageLoader) {
        loader = stageLoader;
        if (stageLoader === 'ipxe') ipxe = true;
      }
      continue;
    }
    const f = it.f;
    const target = f.target ?? '';
    const file = target.replace(/[?#].*$/, '');
    const fk = fileStageKind(file);
    let kind: ChainStageKind;
    let stageLoader: LoaderKind | undefined;
    const firmwareFetch = last()?.kind === 'firmware-dhcp' && !ipxe;
    if (fk === 'kernel' || fk === 'initrd' || fk === 'os') kind = fk;
    else if (firmwareFetch || fk === 'loader') {
      kind = 'nbp';
      stageLoader = loaderOf(file);
    } else if (ipxe) kind = 'ipxe-http';
    else if (fk === 'grub-config') kind = 'grub-config';
    else kind = 'http';
    // No request seen (refused, no SYN-ACK): the URL the DHCP server handed out, when it names this server.
    const offered = target === '' ? offeredUrl(c, f) : undefined;
    const s = newStage(kind, offered ?? `http://${f.host ?? f.server}${f.serverPort !== 80 ? `:${f.serverPort}` : ''}${target || '/'}`, f.firstTs, f.firstFrame);
    if (f.tls) s.name = offered ?? `https://${f.sni ?? f.host ?? f.server}${f.serverPort !== 443 ? `:${f.serverPort}` : ''}/`;
    if (stageLoader) s.loader = stageLoader;
    s.fetches.push(f);
    s.lastFrame = f.lastFrame;
    s.lastTs = f.lastTs;
    stages.push(s);
    if (stageLoader) {
      loader = stageLoader;
      if (stageLoader === 'ipxe') ipxe = true;
    }
  }

  const uefi = isUefiClient(c);
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i]!;
    if (s.kind === 'firmware-dhcp' || s.kind === 'ipxe-dhcp' || s.kind === 'nbp-dhcp') continue;
    if (s.kind === 'dns') {
      judgeLookups(s, ctx);
      continue;
    }
    if (s.fetches.length > 0) judgeFetch(s, s.fetches[s.fetches.length - 1]!, ctx);
    else judgeTransfers(s, ctx);
    s.frames = evidence(s);
    const next = stages[i + 1];
    if (s.status !== 'ok') continue;
    // A complete NBP / chained loader: did it run?
    if (s.kind === 'nbp' || s.kind === 'shim') {
      const abort = s.transfers.some((t) => isWdsAbortName(t.file)) || s.fetches.some((f) => isWdsAbortName(f.target ?? ''));
      if (abort) {
        s.status = 'failed';
        s.failure = 'wds-abort';
        s.detail = `${printableName(s.name)} downloaded: the WDS/ConfigMgr server chose not to boot this machine`;
        continue;
      }
      const done = s.transfers.find((t) => t.outcome === 'complete' && t.headKind);
      const head = done?.headKind;
      const truncated = head?.kind === 'pe' && head.rawEnd !== undefined && done!.bytes < head.rawEnd;
      const stoppedHere = movedOnAfter === s || (next?.kind === 'firmware-dhcp' && next.attempt && !next.attempt.ipxe) || (!next && silenceAfter(c, s, ctx) >= SILENCE_WORTH_TELLING);
      if (stoppedHere && truncated) {
        s.status = 'failed';
        s.failure = 'not-started';
        s.detail = `${printableName(s.name)} downloaded, ${formatBytes(done!.bytes)}: shorter than its own PE section table says (at least ${formatBytes((head as { rawEnd: number }).rawEnd)}), a truncated file`;
      } else if (stoppedHere && uefi && isUnsignedEfi(head)) {
        s.status = 'failed';
        s.failure = 'unsigned-under-secure-boot';
        s.detail = `${printableName(s.name)} downloaded; it carries no Authenticode signature and the client went no further`;
      } else if (movedOnAfter === s || (next?.kind === 'firmware-dhcp' && next.attempt && !next.attempt.ipxe)) {
        s.status = 'failed';
        s.failure = 'not-started';
        s.detail = `${printableName(s.name)} downloaded; the firmware then went on to its next boot step instead of running it`;
      }
    }
  }
  const end = stages[stages.length - 1];
  if (end && end.status === 'ok') {
    const quiet = silenceAfter(c, end, ctx);
    if (quiet > 0) end.silence = Math.round(quiet * 1000) / 1000;
  }
  return { stages, ...(end ? { last: end } : {}), ok: !end || end.status === 'ok' };
}

function offeredUrl(c: ClientRecord, f: HttpFetchRecord): string | undefined {
  for (let i = c.attempts.length - 1; i >= 0; i--) {
    const a = c.attempts[i]!;
    if (a.firstTs > f.firstTs) continue;
    const url = offeredBootFile(a)?.bootFile;
    const m = url ? /^https?:\/\/([^/:]+)(?::(\d+))?/i.exec(url) : null;
    if (m && m[1] === f.server && Number(m[2] ?? (/^https/i.test(url!) ? 443 : 80)) === f.serverPort) return url;
  }
  return undefined;
}

function isUnsignedEfi(head: NbpHeadKind | undefined): boolean {
  return head?.kind === 'pe' && head.signed === false;
}

/** Seconds from the stage's end to the capture's end with nothing more from the client. */
function silenceAfter(c: ClientRecord, s: ChainStage, ctx: ChainContext): number {
  if (!ctx.final) return 0;
  return Math.max(0, ctx.captureEnd - Math.max(s.lastTs, c.lastTs));
}

function judgeDhcp(s: ChainStage, a: AttemptRecord, ctx: ChainContext): void {
  const bound = a.acks.some((r) => r.yiaddr !== ZERO_IP) || a.offers.some((o) => o.kind === 'bootp' && o.yiaddr !== ZERO_IP);
  const requests = a.discovers.reduce((n, d) => n + 1 + d.repeatFrames.length, 0) + a.requests.reduce((n, r) => n + 1 + r.repeatFrames.length, 0);
  const ended = ctx.captureEnd - a.lastTs < GIVE_UP && requests < DISCOVERS_FAILED;
  s.frames = [a.firstFrame];
  const ack = a.acks.find((r) => r.yiaddr !== ZERO_IP);
  if (ack) s.frames.push(ack.frame);
  if (bound || (s.kind !== 'firmware-dhcp' && a.acks.length > 0 && a.naks.length === 0)) {
    if (s.kind === 'firmware-dhcp' && !offeredBootFile(a) && !a.proxyRequests.some((p) => p.answer)) {
      s.status = ended || !ctx.final ? 'capture-ended' : 'failed';
      if (s.status === 'failed') s.failure = 'no-boot-file';
      s.detail = `address ${a.address ?? ack?.yiaddr ?? '?'}, no boot file`;
      return;
    }
    s.detail = `address ${a.address ?? ack?.yiaddr ?? '?'}${s.kind === 'firmware-dhcp' ? `, boot file ${printableName(offeredBootFile(a)?.bootFile ?? '?')}` : ''}`;
    return;
  }
  if (!ctx.final || ended) {
    s.status = 'capture-ended';
    s.detail = a.offers.length > 0 ? 'offers received, no ACK yet' : 'no answer yet';
    return;
  }
  s.status = 'failed';
  if (a.offers.length === 0) {
    s.failure = 'dhcp-unanswered';
    s.detail = `${requests} DHCP request${requests === 1 ? '' : 's'}, no answer`;
  } else {
    s.failure = a.offers.some((o) => o.yiaddr !== ZERO_IP) ? 'dhcp-no-ack' : 'dhcp-unanswered';
    s.detail = `${a.offers.length} offer${a.offers.length === 1 ? '' : 's'}${a.offers.some((o) => o.yiaddr !== ZERO_IP) ? '' : ' without an address'}, no address acknowledged`;
    s.frames.push(a.offers[0]!.frame);
  }
}

function judgeTransfers(s: ChainStage, ctx: ChainContext): void {
  const real = s.transfers.filter((t) => t.outcome !== 'not-found-probe' && !(t.outcome === 'error' && (isBenignProbeName(t.file) || isConfigProbeName(t.file))));
  const done = real.filter((t) => t.outcome === 'complete');
  const lastReal = real[real.length - 1];
  if (s.kind === 'grub-config' || s.kind === 'pxelinux-config') {
    const configs = done.filter((t) => !/\.(lst|mod|c32|e64|e32)$/i.test(t.file));
    const found = configs.length > 0;
    if (found && (!lastReal || lastReal.outcome === 'complete' || done.some((t) => t.file === lastReal.file))) {
      s.detail = `${printableName(configs[configs.length - 1]!.file)} loaded${s.probes > 0 ? ` after ${s.probes} normal search miss${s.probes === 1 ? '' : 'es'}` : ''}`;
      return;
    }
    if (lastReal && lastReal.outcome === 'capture-ended') {
      s.status = 'capture-ended';
      s.detail = `${printableName(lastReal.file)} still being fetched`;
      return;
    }
    if (lastReal && lastReal.outcome !== 'complete') {
      s.status = 'failed';
      s.failure = lastReal.outcome === 'error' && lastReal.error?.code === 1 ? 'not-found' : 'download-failed';
      s.detail = `${printableName(lastReal.file)}: ${lastReal.outcome}${lastReal.error ? ` (${lastReal.error.code} ${lastReal.error.message})` : ''}`;
      return;
    }
    const quiet = ctx.captureEnd - s.lastTs;
    if (ctx.final && quiet >= GIVE_UP) {
      s.status = 'failed';
      s.failure = 'no-config';
      s.detail = `${s.probes} configuration file${s.probes === 1 ? '' : 's'} asked for, none found${done.length > 0 ? ` (${done.map((t) => printableName(t.file)).join(', ')} loaded)` : ''}`;
    } else {
      s.status = 'capture-ended';
      s.detail = `configuration search under way (${s.probes} candidate${s.probes === 1 ? '' : 's'} missing so far)`;
    }
    return;
  }
  const t = lastReal ?? s.transfers[s.transfers.length - 1];
  if (!t) return;
  const gotLater = (x: TransferRecord): boolean => done.some((d) => d.file === x.file && d.rrqTs >= x.rrqTs);
  const failedOne = real.find((x) => x.outcome !== 'complete' && x.outcome !== 'capture-ended' && !gotLater(x));
  if (t.outcome === 'complete' && !failedOne) {
    s.detail = `${printableName(t.file)}: complete (${formatBytes(t.bytes)})`;
    return;
  }
  if (t.outcome === 'capture-ended') {
    s.status = 'capture-ended';
    s.detail = `${printableName(t.file)}: ${formatBytes(t.bytes)} so far`;
    return;
  }
  const bad = failedOne ?? t;
  s.status = 'failed';
  s.failure = s.kind === 'shim' ? 'second-stage-missing' : bad.outcome === 'error' && bad.error?.code === 1 ? 'not-found' : 'download-failed';
  s.detail = `${printableName(bad.file)}: ${bad.outcome}${bad.error ? ` (error ${bad.error.code} ${bad.error.message})` : ''}`;
}

function judgeFetch(s: ChainStage, f: HttpFetchRecord, ctx: ChainContext): void {
  const what = `${f.method ?? 'GET'} ${f.target ?? '/'}`;
  switch (f.outcome) {
    case 'complete':
      s.detail = `${what}: ${f.status ?? ''} ${formatBytes(f.bodyBytes)}`.replace(/  +/g, ' ');
      return;
    case 'encrypted':
      s.detail = `HTTPS to ${f.sni ?? f.server}:${f.serverPort}: handshake ${f.tlsDoneFrame !== undefined ? 'completed' : 'seen'}, ${formatBytes(f.bodyBytes)} received (result inside TLS)`;
      return;
    case 'incomplete':
      if (!ctx.final || ctx.captureEnd - f.lastTs < GIVE_UP) {
        s.status = 'capture-ended';
        s.detail = `${what}: ${formatBytes(f.bodyBytes)} so far`;
        return;
      }
      break;
    case 'no-response':
      if (!ctx.final || (ctx.captureEnd - f.lastTs < GIVE_UP && f.synRetries < 2)) {
        s.status = 'capture-ended';
        s.detail = `connecting to ${f.server}:${f.serverPort}`;
        return;
      }
      break;
    default:
      break;
  }
  s.status = 'failed';
  s.failure = 'http-failed';
  s.detail =
    f.outcome === 'tls-failed'
      ? `TLS handshake with ${f.sni ?? f.server} (${f.server}:${f.serverPort}) ended in an alert, not completed`
      : f.outcome === 'http-error'
      ? `${what}: HTTP ${f.status} ${f.reason ?? ''}`.trimEnd()
      : f.outcome === 'refused'
        ? `connection to ${f.server}:${f.serverPort} refused (TCP reset to the SYN)`
        : f.outcome === 'reset'
          ? `${what}: connection reset by the ${f.resetBy}`
          : f.outcome === 'no-response'
            ? `no answer from ${f.server}:${f.serverPort} (${1 + f.synRetries} SYN${f.synRetries > 0 ? 's' : ''}, no SYN-ACK)`
            : `${what}: stopped after ${formatBytes(f.bodyBytes)}${f.contentLength !== undefined ? ` of ${formatBytes(f.contentLength)}` : ''}`;
}

function judgeLookups(s: ChainStage, ctx: ChainContext): void {
  const frames: number[] = [];
  for (const l of s.lookups.slice(0, 6)) {
    frames.push(l.queryFrame, ...l.repeatFrames.slice(0, 2));
    if (l.responseFrame !== undefined) frames.push(l.responseFrame);
  }
  s.frames = [...new Set(frames)].sort((a, b) => a - b);
  const resolved = s.lookups.flatMap((l) => l.addresses);
  if (resolved.length > 0) {
    s.detail = `${s.name} = ${[...new Set(resolved)].slice(0, 4).join(', ')}`;
    return;
  }
  const nx = s.lookups.find((l) => l.rcode !== undefined && l.rcode !== 0);
  const empty = s.lookups.find((l) => l.rcode === 0);
  const unanswered = s.lookups.filter((l) => l.responseFrame === undefined);
  const tries = s.lookups.reduce((n, l) => n + 1 + l.repeatFrames.length, 0);
  if (!nx && !empty && ctx.final === false) {
    s.status = 'capture-ended';
    s.detail = `lookup of ${s.name} under way`;
    return;
  }
  if (!nx && !empty && unanswered.length === s.lookups.length && ctx.captureEnd - s.lastTs < GIVE_UP && tries < 2) {
    s.status = 'capture-ended';
    s.detail = `lookup of ${s.name} not answered yet`;
    return;
  }
  s.status = 'failed';
  s.failure = 'name-not-resolved';
  s.detail = nx
    ? `${s.name}: ${nx.rcode === 3 ? 'NXDOMAIN (no such name)' : nx.rcode === 2 ? 'SERVFAIL' : nx.rcode === 5 ? 'REFUSED' : `rcode ${nx.rcode}`} from ${nx.server}`
    : empty
      ? `${s.name}: answered by ${empty.server} with no address`
      : `${s.name}: ${tries} quer${tries === 1 ? 'y' : 'ies'} to ${s.lookups[0]!.server}, no answer`;
}

function evidence(s: ChainStage): number[] {
  const out: number[] = [];
  for (const t of s.transfers.slice(-4)) {
    out.push(t.rrqFrame);
    if (t.error) out.push(t.error.frame);
    else out.push(t.lastFrame);
  }
  for (const f of s.fetches) {
    out.push(f.synFrame ?? f.firstFrame);
    if (f.requestFrame !== undefined) out.push(f.requestFrame);
    if (f.responseFrame !== undefined) out.push(f.responseFrame);
    if (f.resetFrame !== undefined) out.push(f.resetFrame);
    out.push(f.lastFrame);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** "ipxe-http (http://192.0.2.2/boot.ipxe)": a stage named for people. */
export function stageLabel(s: ChainStage): string {
  return s.name === 'DHCP' ? s.kind : `${s.kind} (${printableName(s.name)})`;
}
