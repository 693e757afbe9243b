/** Run every rule over a client record. */
import type { ClientRecord } from '../exchange/types.js';
import type { Finding } from './finding.js';
import { severityRank } from './finding.js';
import type { RuleContext } from './rule.js';
import { rules } from './rules/index.js';

export type { RuleContext, Rule } from './rule.js';
export { rules } from './rules/index.js';

/** Findings for one client, most severe first, then by time. A rule that fails is skipped, never fatal. */
export function diagnoseClient(client: ClientRecord, ctx: RuleContext, onRuleError?: (id: string, err: unknown) => void): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    try {
      out.push(...rule.check(client, ctx));
    } catch (err) {
      onRuleError?.(rule.id, err);
    }
  }
  return out.sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || (a.time ?? 0) - (b.time ?? 0));
}
