/**
 * A client's outcome in one vocabulary, defined here once and used by every report (the text table,
 * `--diagram`, `--html`, `check` and the `verdict` field of `analyze --json`; docs/analyze.md,
 * "Verdicts"):
 *
 *   OK                                     the client booted (its boot file arrived, no error finding)
 *   FAILED at <stage>: <finding id>        an error finding says why, at the stage the client reached
 *   INCOMPLETE at <stage> (the capture ended)
 *                                          no error, but the capture stops before the boot's outcome
 *   NOT A PXE CLIENT                       DHCP or TFTP traffic with no sign of a network boot
 *
 * The verdict is a function of the client's own fields (ok, stage, its first error finding, whether
 * the capture ended during its boot), so a new stage or a new rule flows through without a change
 * here.
 */
import type { Finding } from '../diagnose/finding.js';
import type { ClientJson, TransferJson } from './schema.js';

export type VerdictKind = 'ok' | 'failed' | 'incomplete' | 'not-pxe';

/** What the verdict is decided from. */
export interface VerdictInput {
  ok: boolean;
  stage: string;
  /** Id of the client's first error finding, if any. */
  firstError?: string;
  /** The client showed a network boot: PXE options, an architecture, a boot method, a boot-file download. */
  pxe: boolean;
  /** The capture ended while the client was still at it (e.g. a transfer still running). */
  captureEnded: boolean;
}

export interface Verdict {
  kind: VerdictKind;
  text: string;
}

export function verdictOf(v: VerdictInput): Verdict {
  if (v.ok) return { kind: 'ok', text: 'OK' };
  if (v.firstError !== undefined) return { kind: 'failed', text: `FAILED at ${v.stage}: ${v.firstError}` };
  if (v.captureEnded || v.pxe) return { kind: 'incomplete', text: `INCOMPLETE at ${v.stage} (the capture ended)` };
  return { kind: 'not-pxe', text: 'NOT A PXE CLIENT' };
}

/** The kind of a verdict text (for colours and ordering), without deciding it again. */
export function verdictKind(text: string): VerdictKind {
  if (text === 'OK') return 'ok';
  if (text.startsWith('FAILED')) return 'failed';
  if (text.startsWith('INCOMPLETE')) return 'incomplete';
  return 'not-pxe';
}

/** Problem clients first: failed, then incomplete, then not a PXE client, then OK. */
export const VERDICT_RANK: Record<VerdictKind, number> = { failed: 0, incomplete: 1, 'not-pxe': 2, ok: 3 };

/** What verdictInput() reads of a client. */
export type VerdictSource = Pick<ClientJson, 'mac' | 'ok' | 'stage' | 'vendorClass' | 'arch' | 'methods' | 'blindSpots' | 'lastStage'> & {
  transfers: Pick<TransferJson, 'outcome'>[] | Pick<TransferJson, 'outcome' | 'role'>[];
};

/** The inputs of the verdict, from a client and the findings (any client's: only its own are read). */
export function verdictInput(c: VerdictSource, findings: readonly Finding[]): VerdictInput {
  const firstError = findings.find((f) => f.client === c.mac && f.severity === 'error');
  const transfers = c.transfers as Array<{ outcome: string; role?: string }>;
  return {
    ok: c.ok,
    // Past the firmware's DHCP, the boot chain's last stage names where the boot stopped (nbp,
    // ipxe-dhcp, grub-config, kernel...); before it, the DHCP stage says more (offer, bound, proxy).
    stage: c.lastStage !== undefined && c.lastStage.kind !== 'firmware-dhcp' ? c.lastStage.kind : c.stage,
    ...(firstError ? { firstError: firstError.id } : {}),
    pxe: Boolean(c.vendorClass || c.arch || (c.methods && c.methods.length > 0) || transfers.some((t) => t.role === 'nbp')),
    captureEnded:
      c.lastStage?.status === 'capture-ended' ||
      transfers.some((t) => t.outcome === 'capture-ended') ||
      (c.blindSpots?.some((b) => b.kind === 'capture-ended-mid-exchange') ?? false),
  };
}

/** The client's verdict text: the one in its JSON when present, else decided from its fields. */
export function clientVerdict(c: VerdictSource & { verdict?: string }, findings: readonly Finding[]): string {
  return c.verdict ?? verdictOf(verdictInput(c, findings)).text;
}
