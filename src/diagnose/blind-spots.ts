/**
 * Findings that state what the capture could not see (src/exchange/vantage.ts): always `info`, with
 * how to capture it right as the fix. A silence the capture could not have seen is never an error.
 */
import type { ClientRecord } from '../exchange/types.js';
import { blindSpots, type BlindSpot } from '../exchange/vantage.js';
import type { Finding } from './finding.js';
import { finding, type RuleContext } from './rule.js';
import { allTransfers } from './helpers.js';
import { methodsOf } from './boot-method-helpers.js';
import { outcomeRank } from '../exchange/boot-methods.js';

/** The rule id that states each kind of blind spot. */
export const BLIND_SPOT_IDS: Record<BlindSpot['kind'], string> = {
  'tftp-replies-not-captured': 'tftp-replies-not-captured',
  'started-late': 'capture-started-late',
  'ended-mid-exchange': 'capture-ended-mid-exchange',
  'replies-to-client-not-seen': 'replies-to-client-not-seen',
};

/** The client's blind spots of one kind, as info findings of rule `id`. */
export function blindSpotFindings(id: string, kind: BlindSpot['kind'], title: string, c: ClientRecord, ctx: RuleContext): Finding[] {
  // While a live capture runs, its end is not known yet.
  if (!ctx.final && kind === 'ended-mid-exchange') return [];
  // A client that booted by another method (HTTP boot, PXEv6) was not cut short.
  if (kind === 'ended-mid-exchange' && methodsOf(c).some((m) => m.method !== 'PXEv4' && outcomeRank(m.outcome) >= 6)) return [];
  const spots = blindSpots(c, allTransfers(c), ctx.captureEnd).filter((b) => b.kind === kind);
  return spots.map((b) =>
    finding(id, c, ctx, {
      severity: 'info',
      frames: b.frames,
      title,
      cause: `What the capture could not see: ${b.detail}. Nothing is concluded from that silence.`,
      fix: `To see it: ${b.howToCapture}.`,
    }),
  );
}

/** The capture ended while the client was still at work: whether it would have booted is not in the capture. */
export function endedWhileAtWork(c: ClientRecord, ctx: RuleContext): boolean {
  return ctx.final && blindSpots(c, allTransfers(c), ctx.captureEnd).some((b) => b.kind === 'ended-mid-exchange');
}
