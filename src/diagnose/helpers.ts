/** Questions several rules ask about a client record. */
import type { AttemptRecord, ClientRecord, ReplyRecord, TransferRecord } from '../exchange/types.js';
import { ZERO_IP, expectedNbp, isProxyKind, nbpKindFromName } from '../exchange/classify.js';
import { offeredBootFile } from '../exchange/tracker.js';
import { clientTransfers } from '../exchange/records.js';
import { delivered } from '../exchange/vantage.js';

/** Attempts run by PXE firmware or an iPXE stage (not syslinux.efi's or an OS's own DHCP). */
export function pxeAttempts(c: ClientRecord): AttemptRecord[] {
  return c.attempts.filter((a) => a.pxe && a.role !== 'nbp-dhcp' && a.role !== 'plain');
}

export function isPxeClient(c: ClientRecord): boolean {
  return pxeAttempts(c).length > 0;
}

/**
 * EDK2's PxeBcDxe (OVMF and most vendor UEFI firmware) prints its own codes, not the PXE 2.1 ROM's:
 * PXE-E18 "Server response timeout." for a TFTP server that does not answer or a download that
 * stalls, PXE-E23 "Client received TFTP error from server." for any TFTP ERROR (lab captures
 * fail-tftp-blksize-mtu, fail-tftp-replies-blocked, fail-tftp-access-violation,
 * fail-two-boot-servers), PXE-E99 on ICMP port unreachable (docs/analyze.md, "Firmware messages").
 * A UEFI PXE client that is not iPXE is taken to be EDK2-based.
 */
export function isEdk2PxeClient(c: ClientRecord): boolean {
  const a = pxeAttempts(c).find((x) => x.role === 'firmware');
  return a !== undefined && !a.ipxe && (a.arch?.[0] ?? 0) !== 0 && (a.vendorClass ?? '').startsWith('PXEClient');
}

/**
 * What the firmware prints when its DHCP phase ends without a boot offer it can use. EDK2 has one
 * message for all such endings, "PXE-E16: No valid offer received" (lab captures
 * fail-no-bootfile-uefi, fail-option60-on-dhcp, fail-option43-hex-text-uefi,
 * fail-proxy-option60-not-pxeclient-uefi); PXE 2.1 ROMs name the step that failed (PXE-E53 no
 * boot file, PXE-E55 no answer on port 4011).
 */
export function dhcpPhaseMessage(c: ClientRecord, pxeRomMessage: string | undefined): string | undefined {
  return isEdk2PxeClient(c) ? 'PXE-E16' : pxeRomMessage;
}

/** The client's reads (PXE never writes: WRQ transfers are reported but not diagnosed), in time order. */
export function allTransfers(c: ClientRecord): TransferRecord[] {
  return clientTransfers(c)
    .filter((t) => !t.write)
    .sort((x, y) => x.rrqTs - y.rrqTs);
}

/**
 * `list.flatMap(f)`, for code that runs for every client (the rules): V8's Array.prototype.flatMap
 * is a generic builtin, much slower than this loop even on one-element lists, and the rules make
 * many such calls per client (measured in docs/performance.md, session 4).
 */
export function flatMap<T, U>(list: readonly T[], f: (item: T) => readonly U[]): U[] {
  const out: U[] = [];
  for (const item of list) for (const u of f(item)) out.push(u);
  return out;
}

/** The replies of an attempt that can name a boot file: its offers, ACKs and port-4011 answers. */
export function bootReplies(a: AttemptRecord): ReplyRecord[] {
  const out = [...a.offers, ...a.acks];
  for (const p of a.proxyRequests) if (p.answer) out.push(p.answer);
  return out;
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

/** Did the client download an NBP completely in this attempt or any later one? */
export function bootedAfter(c: ClientRecord, a: AttemptRecord): boolean {
  return c.attempts.some((x) => x.index >= a.index && x.transfers.some((t) => t.role === 'nbp' && delivered(t)));
}

export function requestFrames(rs: { frame: number; repeatFrames: number[] }[], max = 8): number[] {
  const out: number[] = [];
  for (const r of rs) out.push(r.frame, ...r.repeatFrames);
  return out.sort((x, y) => x - y).slice(0, max);
}

export function hasGarbageBytes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return true;
  }
  return false;
}

/**
 * Why a transfer looks like a path-MTU black hole (tftp-blksize-exceeds-mtu, docs/analyze.md#rules): lost IP fragments of its DATA; or an
 * OACK granting a large blksize, the client acknowledging it (ACK 0), and not one DATA arriving; or
 * (server-side capture) DATA 1 sent again and again without its ACK.
 */
export function mtuEvidence(t: TransferRecord): 'fragments' | 'no-data-after-oack' | 'data-1-unacked' | undefined {
  if (t.outcome === 'complete' || t.outcome === 'tsize-probe' || t.error) return undefined;
  // The capture ended right after (ACK 0, then the end): the transfer has not had the time to fail.
  // Still running at the end: DATA sent again or ACK 0 repeated is also what a lossy path shows
  // until the block gets through; only fragments that never arrived, with a retransmission, count.
  if (t.outcome === 'capture-ended') return t.fragmentFrames.length > 0 && (t.duplicateAcks > 0 || t.duplicateData > 0) ? 'fragments' : undefined;
  if (t.fragmentFrames.length > 0) return 'fragments';
  if (t.blksize <= 1024) return undefined;
  if (t.oack && t.dataPackets === 0 && t.lastAckBlock === 0) return 'no-data-after-oack';
  if (t.highestBlock === 1 && t.duplicateData >= 2 && t.lastAckBlock !== 1) return 'data-1-unacked';
  return undefined;
}

export interface NbpJudgement {
  file: string;
  /** e.g. "a PE/COFF image for x64", "a BIOS NBP (by its name)". */
  actual: string;
  judged: 'header' | 'name';
  /** Does the NBP fit the client's option 93? */
  fits: boolean;
  wantsBios: boolean;
  nbps: TransferRecord[];
  withHead?: TransferRecord;
  offer?: ReplyRecord;
}

/**
 * Does the attempt's NBP fit its option 93? From the first bytes of block 1 when the capture has them
 * (PE/COFF machine vs BIOS NBP), else from the file name. Undefined when it cannot be told.
 */
export function judgeNbp(a: AttemptRecord): NbpJudgement | undefined {
  if (!a.arch || a.arch.length === 0) return undefined;
  const expectations = a.arch.map(expectedNbp).filter((e) => e !== undefined);
  if (expectations.length === 0) return undefined;
  const nbps = a.transfers.filter((t) => t.role === 'nbp');
  const withHead = nbps.find((t) => t.headKind);
  const offer = offeredBootFile(a);
  const file = withHead?.file ?? nbps[0]?.file ?? offer?.bootFile;
  if (!file) return undefined;
  const wantsBios = expectations.every((e) => e.kind === 'bios');
  if (withHead?.headKind) {
    const k = withHead.headKind;
    if (k.kind === 'bios') return { file, actual: 'a BIOS NBP (no PE/COFF header)', judged: 'header', fits: expectations.some((e) => e.kind === 'bios'), wantsBios, nbps, withHead, offer };
    const fits = k.machine === 'unknown' ? expectations.some((e) => e.kind === 'pe') : expectations.some((e) => e.kind === 'pe' && e.machines.includes(k.machine));
    return { file, actual: `a PE/COFF image for ${k.machine}`, judged: 'header', fits, wantsBios, nbps, withHead, offer };
  }
  const k = nbpKindFromName(file);
  if (!k) return undefined;
  return {
    file,
    actual: k === 'efi' ? 'an EFI application (by its name)' : 'a BIOS NBP (by its name)',
    judged: 'name',
    fits: expectations.some((e) => (k === 'bios' ? e.kind === 'bios' : e.kind === 'pe')),
    wantsBios,
    nbps,
    offer,
  };
}
