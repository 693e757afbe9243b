/** How far a client got, and what it booted: derived from its record, used by reports and rules. */
import type { Stage } from './types.js';
import { ZERO_IP, isProxyKind } from './classify.js';
import { offeredBootFile } from './tracker.js';
import { clientTransfers } from './records.js';
import { delivered } from './vantage.js';
import type { AttemptRecord, ClientRecord, TransferRecord } from './types.js';

const ORDER: Stage[] = ['none', 'discover', 'offer', 'bound', 'proxy', 'tftp', 'nbp', 'second-stage'];

export function stageRank(s: Stage): number {
  return ORDER.indexOf(s);
}

/** The NBP the client downloaded (the first complete one), else the first NBP it asked for. */
export function nbpTransfer(c: ClientRecord): TransferRecord | undefined {
  const all = clientTransfers(c);
  return all.find((t) => t.role === 'nbp' && delivered(t)) ?? all.find((t) => t.role === 'nbp' && t.outcome !== 'tsize-probe') ?? all.find((t) => t.role === 'nbp');
}

function attemptStage(a: AttemptRecord): Stage {
  if (a.transfers.some((t) => t.role === 'nbp' && delivered(t))) return 'nbp';
  if (a.transfers.length > 0) return 'tftp';
  // Boot information counts as obtained when a boot-server (4011) request was answered, or when the
  // client had no need to ask one; a client whose 4011 requests all went unanswered is still 'bound'.
  if (a.proxyRequests.some((p) => p.answer) || (a.proxyRequests.length === 0 && offeredBootFile(a))) return 'proxy';
  if (a.acks.some((r) => r.yiaddr !== ZERO_IP) || a.offers.some((o) => o.kind === 'bootp' && o.yiaddr !== ZERO_IP)) return 'bound';
  if (a.offers.length > 0) return 'offer';
  if (a.discovers.length > 0 || a.requests.length > 0) return 'discover';
  return 'none';
}

export function clientStage(c: ClientRecord): Stage {
  let best: Stage = 'none';
  let nbpDoneAt: number | undefined;
  for (const a of c.attempts) {
    const s = attemptStage(a);
    if (stageRank(s) > stageRank(best)) best = s;
    const done = a.transfers.find((t) => t.role === 'nbp' && delivered(t));
    if (done && nbpDoneAt === undefined) nbpDoneAt = done.lastTs;
  }
  if (c.orphanTransfers.length > 0 && stageRank(best) < stageRank('tftp')) best = 'tftp';
  if (c.orphanTransfers.some((t) => t.role === 'nbp' && delivered(t)) && stageRank(best) < stageRank('nbp')) {
    best = 'nbp';
    nbpDoneAt ??= c.orphanTransfers.find((t) => t.role === 'nbp' && delivered(t))!.lastTs;
  }
  // iPXE given a script URL fetches its first stage over HTTP: a complete GET is its NBP (issue 18).
  const httpDone = c.boot?.http.find((f) => f.outcome === 'complete' && f.method !== 'HEAD');
  if (httpDone && stageRank(best) < stageRank('nbp')) best = 'nbp';
  if (httpDone && (nbpDoneAt === undefined || httpDone.lastTs < nbpDoneAt)) nbpDoneAt = httpDone.lastTs;
  if (nbpDoneAt !== undefined) {
    // The NBP ran: its own DHCP (syslinux.efi), an iPXE stage, or further files (config, kernel, modules).
    const after = c.attempts.some((a) => a.firstTs > nbpDoneAt! && (a.role === 'ipxe-stage' || a.role === 'nbp-dhcp')) ||
      clientTransfers(c).some((t) => t.rrqTs > nbpDoneAt! && t.role !== 'nbp');
    if (after) best = 'second-stage';
  }
  return best;
}

/** Boot file and boot server the client used (or was told to use). */
export function bootTarget(c: ClientRecord): { bootFile?: string; bootServer?: string } {
  const t = nbpTransfer(c);
  if (t) return { bootFile: t.file, bootServer: t.server };
  for (const a of c.attempts) {
    const r = offeredBootFile(a);
    if (r) return { bootFile: r.bootFile, bootServer: r.siaddr !== ZERO_IP ? r.siaddr : (r.tftpServerName ?? (isProxyKind(r.kind) || r.from4011 ? r.server : undefined)) };
  }
  return {};
}

/** The attempt that describes the client best: its first firmware round, else its first round. */
export function primaryAttempt(c: ClientRecord): AttemptRecord | undefined {
  return c.attempts.find((a) => a.role === 'firmware') ?? c.attempts.find((a) => a.pxe) ?? c.attempts[0];
}

/**
 * What is doing PXE on the client, from its own requests: iPXE (user class / option 175, with its
 * version), UEFI or BIOS PXE firmware (option 60 "PXEClient" with the UNDI version, option 93), UEFI
 * HTTP boot, or a plain DHCP client; plus the retry pattern when it matches the PXE 2.1 timeouts
 * (4, 8, 16, 32 s between DISCOVERs, EDK2 mPxeDhcpTimeout).
 */
export function firmwareGuess(c: ClientRecord): string | undefined {
  const a = primaryAttempt(c);
  if (!a) return c.orphanTransfers.length > 0 ? 'TFTP client (no DHCP in the capture)' : undefined;
  let name: string;
  const vc = a.vendorClass ?? '';
  const undi = /UNDI:(\d{3})(\d{3})/.exec(vc);
  const undiText = undi ? ` (UNDI ${Number(undi[1])}.${Number(undi[2])})` : '';
  const arch = a.arch?.[0];
  if (a.ipxe) name = `iPXE${a.ipxeVersion ? ` ${a.ipxeVersion}` : ''}`;
  else if (vc.startsWith('HTTPClient')) name = 'UEFI HTTP boot';
  else if (vc.startsWith('PXEClient') || a.arch) name = `${arch !== undefined && arch !== 0 ? 'UEFI' : 'BIOS'} PXE firmware${undiText}`;
  else if (c.attempts.every((x) => !x.pxe)) name = c.attempts.some((x) => x.discovers.length || x.requests.length) ? 'DHCP client (no PXE options)' : 'TFTP client';
  else name = 'PXE client';
  const d = a.discovers[0];
  if (d && d.repeatTimes.length >= 2) {
    const times = [d.ts, ...d.repeatTimes];
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const spec = [4, 8, 16, 32];
    if (gaps.every((g, i) => Math.abs(g - spec[i]!) <= 1)) name += ', DISCOVER retries at the PXE 2.1 timeouts (4/8/16/32 s)';
  }
  return name;
}
