/** Run every rule over a client record. */
import type { ClientRecord } from '../exchange/types.js';
import type { Finding } from './finding.js';
import { severityRank } from './finding.js';
import type { RuleContext } from './rule.js';
import { fallbackRules, rules } from './rules/index.js';
import { methodsOf } from './boot-method-helpers.js';
import { outcomeRank } from '../exchange/boot-methods.js';

export type { RuleContext, Rule } from './rule.js';
export { rules } from './rules/index.js';

/** Findings for one client, most severe first, then by time. A rule that fails is skipped, never fatal. */
export function diagnoseClient(client: ClientRecord, ctx: RuleContext, onRuleError?: (id: string, err: unknown) => void): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    try {
      // A loop, not push(...): a spread call per rule costs more than the push itself, and most rules return nothing.
      for (const f of rule.check(client, ctx)) out.push(f);
    } catch (err) {
      onRuleError?.(rule.id, err);
    }
  }
  // Issue 18: a boot chain whose last stage failed with no rule to say why gets the fallback's finding.
  if (!out.some((f) => f.severity === 'error')) {
    for (const rule of fallbackRules) {
      try {
        for (const f of rule.check(client, ctx)) out.push(f);
      } catch (err) {
        onRuleError?.(rule.id, err);
      }
    }
  }
  // Firmware tries PXEv6 and HTTP boot only after PXEv4 failed; when one of them got its boot file the
  // client booted (report/json.ts makes it ok), so what went wrong before is no longer a standing
  // error. Downgrading it keeps the invariant "ok is false exactly when an error finding stands".
  const later = methodsOf(client).find((m) => m.method !== 'PXEv4' && outcomeRank(m.outcome) >= 6);
  if (later) {
    for (const f of out) {
      if (f.severity !== 'error') continue;
      f.severity = 'warning';
      f.title += ` (the client then booted by ${later.method})`;
    }
  }
  // "The capture ended while the client was at work" is the verdict only when nothing else explains
  // why the client did not boot (src/diagnose/blind-spots.ts).
  if (out.some((f) => f.severity === 'error')) {
    const i = out.findIndex((f) => f.id === 'capture-ended-mid-exchange');
    if (i >= 0) out.splice(i, 1);
  }
  return out.sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || (a.time ?? 0) - (b.time ?? 0));
}
