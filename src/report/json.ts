/** ClientRecord + findings -> the `analyze --json` shapes (src/report/schema.ts). */
import type { Finding } from '../diagnose/finding.js';
import type { ClientRecord, TransferRecord } from '../exchange/types.js';
import { archLabel, isProxyKind, printableName } from '../exchange/classify.js';
import { bootTarget, clientStage, firmwareGuess, primaryAttempt } from '../exchange/summary.js';
import type { BlindSpotJson, BootMethodJson, ClientJson, TransferJson } from './schema.js';
import { bootMethods, closestMethod, outcomeRank } from '../exchange/boot-methods.js';
import { timelineEntry } from '../exchange/tracker.js';
import { clientTransfers } from '../exchange/records.js';
import { ZERO_IP } from '../decode/dhcp/constants.js';
import { smbiosGuid } from '../exchange/guid.js';
import { verdictInput, verdictOf, type VerdictSource } from './verdict.js';
import { delivered } from '../exchange/vantage.js';
import { bootChain, type ChainContext, type ChainStage } from '../exchange/chain/stages.js';
import type { ChainStageJson } from './schema.js';

function chainStageJson(s: ChainStage): ChainStageJson {
  const j: ChainStageJson = { kind: s.kind, name: printableName(s.name), status: s.status, detail: s.detail, frames: s.frames, firstFrame: s.firstFrame, lastFrame: s.lastFrame };
  if (s.loader) j.loader = s.loader;
  if (s.failure) j.failure = s.failure;
  if (s.probes > 0) j.probes = s.probes;
  return j;
}

function round(n: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function transferJson(t: TransferRecord): TransferJson {
  const duration = Math.max(0, t.lastTs - t.rrqTs);
  const frames = [t.rrqFrame];
  if (t.firstReplyFrame !== undefined) frames.push(t.firstReplyFrame);
  if (t.lastFrame !== t.rrqFrame && t.lastFrame !== t.firstReplyFrame) frames.push(t.lastFrame);
  const out: TransferJson = {
    file: printableName(t.file),
    server: t.server,
    client: t.client,
    frames,
    options: { ...t.options },
    outcome: t.outcome,
    bytes: t.bytes,
    blocks: t.highestBlock,
    blksize: t.blksize,
    retransmissions: t.rrqRepeats.length + t.duplicateData,
    duration: round(duration),
    rate: duration > 0 ? Math.round(t.bytes / duration) : 0,
    role: t.role,
  };
  if (t.tsize !== undefined) out.tsize = t.tsize;
  if (t.oack) out.negotiated = { ...t.oack };
  if (t.maxGap >= 0.5) out.maxGap = round(t.maxGap, 3);
  if (t.missingBlocks > 0) out.missingBlocks = t.missingBlocks;
  if (t.wrapped) out.wrapped = true;
  if (t.fragmentedData > 0) out.fragmentedData = t.fragmentedData;
  if (t.headKind && t.role === 'nbp') {
    const k = t.headKind;
    out.format = k.kind === 'pe' ? `PE/COFF ${k.machine}` : 'BIOS NBP (no PE/COFF header)';
    if (k.kind === 'pe' && k.signed !== undefined) out.signed = k.signed;
  }
  if (t.error) {
    out.errorCode = t.error.code;
    out.errorMessage = t.error.message;
  }
  return out;
}

/**
 * `chainCtx` is when the capture ended (and whether it has): a stage still under way then is
 * "capture ended during ...". Without it the client's own last packet stands for the end.
 */
export function clientJson(c: ClientRecord, findings: Finding[], chainCtx: ChainContext = { captureEnd: c.lastTs, final: true }): ClientJson {
  const a = primaryAttempt(c);
  const stage = clientStage(c);
  const { bootFile, bootServer } = bootTarget(c);
  const transfers = clientTransfers(c).sort((x, y) => x.rrqFrame - y.rrqFrame);
  const nbpDone = transfers.some((t) => t.role === 'nbp' && delivered(t));
  const offers: ClientJson['offers'] = [];
  for (const at of c.attempts) {
    for (const o of at.offers) {
      const entry: ClientJson['offers'][number] = { server: o.server, kind: o.kind, frame: o.frame };
      if (o.yiaddr !== ZERO_IP) entry.yiaddr = o.yiaddr;
      if (o.bootFile) entry.bootFile = printableName(o.bootFile);
      const bs = o.siaddr !== ZERO_IP ? o.siaddr : (o.tftpServerName ?? (isProxyKind(o.kind) ? undefined : undefined));
      if (bs) entry.bootServer = bs;
      offers.push(entry);
    }
    for (const p of at.proxyRequests) {
      const o = p.answer;
      if (!o) continue;
      const entry: ClientJson['offers'][number] = { server: o.server, kind: 'boot-server-ack', frame: o.frame };
      if (o.bootFile) entry.bootFile = printableName(o.bootFile);
      if (o.siaddr !== ZERO_IP) entry.bootServer = o.siaddr;
      offers.push(entry);
    }
  }
  const mine = findings.filter((f) => f.client === c.mac);
  const out: ClientJson = {
    mac: c.mac,
    ok: nbpDone && !mine.some((f) => f.severity === 'error'),
    stage,
    verdict: '', // decided below, once ok and methods are final (key order: next to ok and stage)
    offers: offers.slice(0, 200),
    transfers: transfers.slice(0, 500).map(transferJson),
    findings: mine.map((f) => f.id),
    timeline: c.timeline.map(timelineEntry),
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
  };
  const spots = blindSpotsOf(mine);
  if (spots.length > 0) out.blindSpots = spots;
  if (c.session > 1) out.session = c.session;
  if (c.timelineDropped > 0) out.timelineDropped = c.timelineDropped;
  if (c.attemptsDropped > 0) out.roundsDropped = c.attemptsDropped;
  const guid = a?.guid ?? c.guids[0];
  if (guid) {
    // People and tools (Wireshark, firmware setup, WDS) read the SMBIOS form; the wire form stays beside it.
    out.guid = smbiosGuid(guid);
    out.guidWire = guid;
  }
  if (a?.arch) {
    out.arch = a.arch;
    const name = archLabel(a.arch);
    if (name) out.archName = name;
  }
  if (a?.vendorClass) out.vendorClass = a.vendorClass;
  const fw = firmwareGuess(c);
  if (fw) out.firmware = fw;
  if (bootFile !== undefined) out.bootFile = printableName(bootFile);
  if (bootServer !== undefined) out.bootServer = bootServer;
  // PXEv6 / HTTP boot / BSDP (docs/ipv6-http-bsdp.md). A client with several methods is ok when one of them got
  // its boot file completely (firmware tries the others only when that one fails), even with
  // findings about the others.
  const methods = bootMethods(c);
  if (methods.length > 0) {
    out.methods = methods.map((m): BootMethodJson => {
      const j: BootMethodJson = { method: m.method, outcome: m.outcome, frames: m.frames, firstFrame: m.firstFrame, lastFrame: m.lastFrame, detail: m.detail };
      if (m.bootFile !== undefined) j.bootFile = printableName(m.bootFile);
      if (m.server !== undefined) j.server = m.server;
      return j;
    });
    const best = closestMethod(methods);
    if (best) out.closestMethod = best.method;
    // PXEv4 keeps its own verdict (above); a later method (PXEv6, HTTP boot, BSDP) that booted makes the client ok.
    if (methods.some((m) => m.method !== 'PXEv4' && outcomeRank(m.outcome) >= 6)) out.ok = true;
  }
  // The boot is only as good as the last stage the capture shows (docs/analyze.md, "The boot chain").
  const chain = bootChain(c, chainCtx);
  if (chain.stages.length > 0) {
    out.chain = chain.stages.slice(0, 200).map(chainStageJson);
    out.lastStage = chainStageJson(chain.last!);
    // A chain that went past the NBP (a loader fetched over HTTP, say) booted even without a TFTP NBP record.
    if (chain.ok && !out.ok && !mine.some((f) => f.severity === 'error') && chain.stages.some((s) => s.kind !== 'firmware-dhcp' && s.kind !== 'nbp-dhcp' && s.status === 'ok') && !chain.last!.fetches.some((f) => f.outcome === 'encrypted')) out.ok = true;
    // A capture filter that dropped every TFTP reply (tftp-replies-not-captured) leaves the last
    // request without an answer in sight: that stage's end is unknown, not a failure. The NBP shown
    // to have run (out.ok), or requests for further files after it, keep the client OK
    // (tftp-replies-not-captured in docs/analyze.md#rules).
    const repliesFiltered = out.blindSpots?.some((b) => b.kind === 'tftp-replies-not-captured') === true;
    const wentOn = out.ok || new Set(transfers.map((t) => t.file)).size >= 2;
    // A failed stage that a later one got past (a DHCP round lost to spanning tree, then answered) stopped nothing.
    let lastFailed = -1;
    chain.stages.forEach((s, i) => {
      if (s.status === 'failed') lastFailed = i;
    });
    const recovered = lastFailed < 0 || chain.stages.slice(lastFailed + 1).some((s) => s.status === 'ok');
    const unseenEnd = repliesFiltered && wentOn && recovered && chain.last!.status === 'capture-ended';
    if (unseenEnd && !mine.some((f) => f.severity === 'error')) out.ok = true;
    else if (!chain.ok) out.ok = false;
  }
  out.verdict = verdictOf(verdictInput({ ...out, transfers: transfers.map((t) => ({ outcome: t.outcome, role: t.role })) }, mine)).text;
  return out;
}

/** The client's blind spots, from the info findings that state them (src/diagnose/blind-spots.ts). */
function blindSpotsOf(findings: Finding[]): BlindSpotJson[] {
  const out: BlindSpotJson[] = [];
  for (const f of findings) {
    if (!BLIND_SPOT_FINDINGS.has(f.id)) continue;
    out.push({ kind: f.id, frames: f.frames, detail: f.cause.replace(/^What the capture could not see: /, '').replace(/\. Nothing is concluded from that silence\.$/, ''), howToCapture: f.fix.replace(/^To see it: /, '').replace(/\.$/, '') });
  }
  return out;
}

/** Finding ids that state a blind spot of the capture. */
const BLIND_SPOT_FINDINGS = new Set(['tftp-replies-not-captured', 'capture-started-late', 'capture-ended-mid-exchange', 'replies-to-client-not-seen']);

/** What the text report reads of a client to show its verdict (kept for the lean text clients). */
export type VerdictClient = VerdictSource & Pick<ClientJson, 'closestMethod'> & { verdict?: string };
