/** Questions several rules ask about a client record. */
import type { AttemptRecord, ClientRecord, ReplyRecord, TransferRecord } from '../exchange/types.js';
import { ZERO_IP, isProxyKind } from '../exchange/classify.js';
import { offeredBootFile } from '../exchange/tracker.js';

/** Attempts run by PXE firmware or an iPXE stage (not syslinux.efi's or an OS's own DHCP). */
export function pxeAttempts(c: ClientRecord): AttemptRecord[] {
  return c.attempts.filter((a) => a.pxe && a.role !== 'nbp-dhcp' && a.role !== 'plain');
}

export function isPxeClient(c: ClientRecord): boolean {
  return pxeAttempts(c).length > 0;
}

/** The client's reads (PXE never writes: WRQ transfers are reported but not diagnosed), in time order. */
export function allTransfers(c: ClientRecord): TransferRecord[] {
  const out: TransferRecord[] = [];
  for (const a of c.attempts) for (const t of a.transfers) if (!t.write) out.push(t);
  for (const t of c.orphanTransfers) if (!t.write) out.push(t);
  return out.sort((x, y) => x.rrqTs - y.rrqTs);
}

export function addressReplies(a: AttemptRecord): ReplyRecord[] {
  return [...a.offers, ...a.acks].filter((r) => r.yiaddr !== ZERO_IP);
}

export function proxyOffers(a: AttemptRecord): ReplyRecord[] {
  return a.offers.filter((o) => isProxyKind(o.kind));
}

/** Did the attempt get what a PXE client needs to find its boot file? */
export function hasBootInfo(a: AttemptRecord): boolean {
  if (a.transfers.length > 0 || a.proxyRequests.length > 0) return true;
  if (offeredBootFile(a)) return true;
  return a.offers.some((o) => isProxyKind(o.kind) || o.kind === 'dhcp-pxe' || o.kind === 'dhcp-binl');
}

/** A complete download of an NBP (or of the same file) after time `ts`. */
export function laterComplete(c: ClientRecord, ts: number, file?: string): TransferRecord | undefined {
  return allTransfers(c).find((t) => t.rrqTs > ts && t.outcome === 'complete' && (file === undefined || t.file === file));
}

/** Did the client download an NBP completely in this attempt or any later one? */
export function bootedAfter(c: ClientRecord, a: AttemptRecord): boolean {
  return c.attempts.some((x) => x.index >= a.index && x.transfers.some((t) => t.role === 'nbp' && t.outcome === 'complete'));
}

export function requestFrames(rs: { frame: number; repeatFrames: number[] }[], max = 8): number[] {
  const out: number[] = [];
  for (const r of rs) out.push(r.frame, ...r.repeatFrames);
  return out.sort((x, y) => x - y).slice(0, max);
}

export function nulTerminated(r: ReplyRecord): boolean {
  return r.bootFileNulTerminated !== false;
}

export function hasGarbageBytes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return true;
  }
  return false;
}
