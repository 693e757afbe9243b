/** The shape every diagnosis rule has: one file per rule under rules/, listed in rules/index.ts. */
import type { ClientRecord } from '../exchange/types.js';
import type { Finding, Severity } from './finding.js';

export interface RuleContext {
  /** Capture start (epoch seconds): finding times are relative to it. */
  origin: number;
  /** Time of the last packet seen so far. */
  captureEnd: number;
  /** GUID (lowercase) -> MACs that sent it, over the whole run so far. */
  guidOwners: ReadonlyMap<string, readonly string[]>;
  /** False while a live capture is still running: rules must not conclude on a silence that may still end. */
  final: boolean;
}

/**
 * What a rule says about itself (like ESLint's `meta`): the README's rule table and the rule lists
 * of docs/analyze.md and docs/ipv6-http-bsdp.md are generated from it (`npm run docs:rules`,
 * src/diagnose/rules-doc.ts), and test/diagnose/rules-doc.test.ts fails when they differ.
 */
export interface RuleMeta {
  /** Every severity the rule can give a finding (a test holds the rule's findings to it). */
  severities: readonly Severity[];
  /** When which severity applies, as the docs' table says it: "error (warning if a retry worked)". */
  severityText: string;
  /** The firmware or loader messages the finding explains, as the docs' table says it ("" for none). */
  firmwareMessages: string;
  /** One line: what the capture shows when the rule fires. */
  summary: string;
  /** Where the rule is described: a file under docs/ and its anchor. */
  docs: `docs/${string}.md#${string}`;
}

export interface Rule {
  id: string;
  meta: RuleMeta;
  check(client: ClientRecord, ctx: RuleContext): Finding[];
}

export interface FindingInit {
  severity: Severity;
  frames: number[];
  title: string;
  cause: string;
  fix: string;
  firmwareMessage?: string;
  /** Epoch seconds where the problem shows. */
  ts?: number;
}

/** Build a Finding with sorted, de-duplicated evidence frames and a time relative to the capture start. */
export function finding(id: string, client: ClientRecord, ctx: RuleContext, f: FindingInit): Finding {
  const frames = [...new Set(f.frames.filter((n) => n > 0))].sort((a, b) => a - b);
  const out: Finding = {
    id,
    severity: f.severity,
    client: client.mac,
    frames,
    title: f.title,
    cause: f.cause,
    fix: f.fix,
  };
  if (f.firmwareMessage) out.firmwareMessage = f.firmwareMessage;
  if (f.ts !== undefined) out.time = Math.round((f.ts - ctx.origin) * 1e6) / 1e6;
  return out;
}
