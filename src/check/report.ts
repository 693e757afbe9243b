/** Text output of `check`: one line per expectation (or per capture in directory mode) and a summary. */
import type { CaptureCheck, CheckTotals } from './run.js';

type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold';
const CODES: Record<Style, string> = { green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m' };

export interface CheckReportOptions {
  color: boolean;
  /** Directory mode: also list the expectations that passed. */
  verbose?: boolean;
}

function painter(color: boolean): (s: Style, t: string) => string {
  return color ? (s, t) => `${CODES[s]}${t}\x1b[0m` : (_s, t) => t;
}

/** Single capture: every expectation, passed or failed, with the reason for failures. */
export function formatSingle(c: CaptureCheck, opts: CheckReportOptions): string {
  const p = painter(opts.color);
  const lines = [`${p('bold', c.name)}  (expectations: ${c.expectationsFile ?? 'none'})`];
  if (c.error !== undefined) lines.push(`  ${p('red', 'ERROR')} ${c.error}`);
  for (const r of c.results ?? []) {
    lines.push(r.passed ? `  ${p('green', 'PASS')}  ${r.scope}: ${r.name}` : `  ${p('red', 'FAIL')}  ${r.scope}: ${r.name}: ${r.reason}`);
  }
  const n = c.results?.length ?? 0;
  const failed = c.results?.filter((r) => !r.passed).length ?? 0;
  if (c.error === undefined) {
    lines.push(`${n} expectation${n === 1 ? '' : 's'}: ${n - failed} passed, ${failed} failed`);
  }
  return `${lines.join('\n')}\n`;
}

/** Directory mode: one line per capture, failures expanded, like a test runner. */
export function formatCaptureLine(c: CaptureCheck, opts: CheckReportOptions): string {
  const p = painter(opts.color);
  if (c.error !== undefined) return `${p('red', 'ERROR')} ${c.name}: ${c.error}\n`;
  if (c.results === undefined) return `${p('yellow', 'SKIP ')} ${c.name}: no expectations\n`;
  const failed = c.results.filter((r) => !r.passed);
  const n = c.results.length;
  const time = c.seconds !== undefined ? p('dim', ` (${c.seconds.toFixed(2)} s)`) : '';
  const lines = [
    failed.length === 0
      ? `${p('green', 'PASS ')} ${c.name}: ${n} expectation${n === 1 ? '' : 's'}${time}`
      : `${p('red', 'FAIL ')} ${c.name}: ${failed.length} of ${n} expectation${n === 1 ? '' : 's'} failed${time}`,
  ];
  for (const r of c.results) {
    if (!r.passed) lines.push(`        ${p('red', 'FAIL')}  ${r.scope}: ${r.name}: ${r.reason}`);
    else if (opts.verbose) lines.push(`        ${p('green', 'PASS')}  ${r.scope}: ${r.name}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatSummary(t: CheckTotals, opts: CheckReportOptions): string {
  const p = painter(opts.color);
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.errors) parts.push(`${t.errors} error${t.errors === 1 ? '' : 's'}`);
  if (t.unchecked) parts.push(`${t.unchecked} without expectations`);
  const ok = t.failed === 0 && t.errors === 0;
  const head = `${t.captures} capture${t.captures === 1 ? '' : 's'}: ${parts.join(', ')}; ${t.expectationsPassed} of ${t.expectations} expectations passed`;
  return `${p(ok ? 'green' : 'red', ok ? 'OK' : 'FAILED')}: ${head}\n`;
}
