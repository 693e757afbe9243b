/**
 * Expectations against an analysis: one result per expectation, each with what was expected and
 * what the capture shows, so a failing CI job says why without rerunning anything.
 */
import type { AnalysisJson, ClientJson } from '../report/schema.js';
import type { Finding } from '../diagnose/finding.js';
import { severityRank } from '../diagnose/finding.js';
import { clientVerdict } from '../report/verdict.js';
import { limitRank, STAGES, type CaptureExpectations, type ClientExpectations, type Expectations, type SeverityLimit } from './expectations.js';

export interface ExpectationResult {
  /** "client 52:54:00:be:00:01" or "capture". */
  scope: string;
  /** What is checked, e.g. "ok is false", "has finding no-boot-file". */
  name: string;
  passed: boolean;
  /** Why, for a failure: expected vs actual; for a pass: what was seen. */
  reason: string;
}

export function evaluate(exp: Expectations, analysis: AnalysisJson): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  for (const [mac, ce] of exp.clients) {
    const client = analysis.clients.find((c) => c.mac.toLowerCase() === mac);
    const scope = `client ${mac}`;
    if (!client) {
      const seen = analysis.clients.map((c) => c.mac).join(', ') || 'none';
      results.push({ scope, name: 'is in the capture', passed: false, reason: `no such client in the capture (clients seen: ${seen})` });
      continue;
    }
    const own = analysis.findings.filter((f) => f.client.toLowerCase() === mac);
    results.push(...clientResults(scope, ce, client, own));
  }
  if (exp.captureWide) results.push(...captureResults(exp.captureWide, analysis));
  return results;
}

function clientResults(scope: string, e: ClientExpectations, c: ClientJson, findings: Finding[]): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const push = (name: string, passed: boolean, reason: string): void => void out.push({ scope, name, passed, reason });
  const verdict = clientVerdict(c, findings);
  if (e.ok !== undefined) push(`ok is ${e.ok}`, c.ok === e.ok, `expected ok ${e.ok}, got ${c.ok} (${verdict})`);
  if (e.verdict !== undefined) {
    const want = e.verdict;
    const passed = verdict === want || (verdict.startsWith(want) && /^[\s:(]/.test(verdict.slice(want.length)));
    push(`verdict is ${want}`, passed, `expected verdict ${want}, got ${verdict}`);
  }
  if (e.stage !== undefined) push(`stage is ${e.stage}`, c.stage === e.stage, `expected stage ${e.stage}, got ${c.stage} (${verdict})`);
  if (e.minStage !== undefined) {
    const passed = STAGES.indexOf(c.stage) >= STAGES.indexOf(e.minStage);
    push(`stage is at least ${e.minStage}`, passed, `expected stage ${e.minStage} or later, got ${c.stage} (${verdict})`);
  }
  if (e.bootFile !== undefined) {
    const want = e.bootFile ?? '(none)';
    push(`boot file is ${want}`, (c.bootFile ?? null) === e.bootFile, `expected boot file ${want}, got ${c.bootFile ?? '(none)'}`);
  }
  if (e.bootServer !== undefined) {
    const want = e.bootServer ?? '(none)';
    push(`boot server is ${want}`, (c.bootServer ?? null) === e.bootServer, `expected boot server ${want}, got ${c.bootServer ?? '(none)'}`);
  }
  // The client's finding list and the findings addressed to it should agree; accept either.
  const ids = new Set([...c.findings, ...findings.map((f) => f.id)]);
  out.push(...findingResults(scope, e, ids, findings));
  return out;
}

function captureResults(e: CaptureExpectations, a: AnalysisJson): ExpectationResult[] {
  const scope = 'capture';
  const out: ExpectationResult[] = [];
  const push = (name: string, passed: boolean, reason: string): void => void out.push({ scope, name, passed, reason });
  if (e.clientCount !== undefined) {
    const macs = a.clients.map((c) => c.mac).join(', ');
    push(
      `has ${e.clientCount} client${e.clientCount === 1 ? '' : 's'}`,
      a.clients.length === e.clientCount,
      `expected ${e.clientCount} client${e.clientCount === 1 ? '' : 's'}, got ${a.clients.length}${macs ? ` (${macs})` : ''}`,
    );
  }
  if (e.ok !== undefined) {
    const actual = captureOk(a);
    push(`ok is ${e.ok}`, actual.ok === e.ok, `expected ok ${e.ok}, got ${actual.ok}: ${actual.why}`);
  }
  const ids = new Set([...a.findings.map((f) => f.id), ...a.clients.flatMap((c) => c.findings)]);
  out.push(...findingResults(scope, e, ids, a.findings));
  return out;
}

/** A capture is ok when it has at least one client, every client booted, and nothing is an error. */
export function captureOk(a: AnalysisJson): { ok: boolean; why: string } {
  if (a.clients.length === 0) return { ok: false, why: 'no client in the capture' };
  const failed = a.clients.filter((c) => !c.ok).map((c) => `${c.mac} ${clientVerdict(c, a.findings)}`);
  if (failed.length > 0) return { ok: false, why: `client${failed.length > 1 ? 's' : ''} ${failed.join(', ')}` };
  const errors = a.findings.filter((f) => f.severity === 'error').map((f) => f.id);
  if (errors.length > 0) return { ok: false, why: `error finding${errors.length > 1 ? 's' : ''} ${[...new Set(errors)].join(', ')}` };
  return { ok: true, why: `all ${a.clients.length} client${a.clients.length === 1 ? '' : 's'} ok, no error` };
}

function findingResults(
  scope: string,
  e: { findings?: string[]; notFindings?: string[]; maxSeverity?: SeverityLimit },
  ids: Set<string>,
  findings: Finding[],
): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const present = [...ids].sort().join(', ') || 'none';
  for (const id of e.findings ?? []) {
    out.push({ scope, name: `has finding ${id}`, passed: ids.has(id), reason: `expected finding ${id}, got: ${present}` });
  }
  for (const id of e.notFindings ?? []) {
    const frames = findings.filter((f) => f.id === id).flatMap((f) => f.frames);
    const where = frames.length ? ` (frames ${[...new Set(frames)].join(', ')})` : '';
    out.push({ scope, name: `has no finding ${id}`, passed: !ids.has(id), reason: `finding ${id} is reported${where}` });
  }
  if (e.maxSeverity !== undefined) {
    const limit = limitRank(e.maxSeverity);
    const over = findings.filter((f) => severityRank[f.severity] > limit);
    const name = e.maxSeverity === 'none' ? 'has no findings' : `has no finding above ${e.maxSeverity}`;
    const list = over.map((f) => `${f.id} (${f.severity})`);
    out.push({
      scope,
      name,
      passed: over.length === 0,
      reason: `expected nothing ${e.maxSeverity === 'none' ? 'at all' : `above ${e.maxSeverity}`}, got ${[...new Set(list)].join(', ')}`,
    });
  }
  return out;
}
