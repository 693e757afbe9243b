/** Lists gathered from a client record, for the rules and reports that run for every client. */
import type { ClientRecord, TransferRecord } from './types.js';

/**
 * Every TFTP transfer of a client in record order: each attempt's, then those outside any attempt.
 * A loop rather than `[...c.attempts.flatMap((a) => a.transfers), ...c.orphanTransfers]`: V8's
 * flatMap is a generic builtin, slow even on one-element lists (docs/performance.md, session 4).
 */
export function clientTransfers(c: ClientRecord): TransferRecord[] {
  const out: TransferRecord[] = [];
  for (const a of c.attempts) for (const t of a.transfers) out.push(t);
  for (const t of c.orphanTransfers) out.push(t);
  return out;
}
