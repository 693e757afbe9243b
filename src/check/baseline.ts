/**
 * `check --update`: expectations written from the current analysis, to start a regression
 * baseline. It records what pxe-doctor sees now; a human decides whether that is what it should see.
 */
import type { AnalysisJson } from '../report/schema.js';
import type { Finding } from '../diagnose/finding.js';
import { severityRank } from '../diagnose/finding.js';

/** The highest severity among these findings; at least `info`, so a new informational rule does not break a baseline. */
function ceiling(findings: Finding[]): 'info' | 'warning' | 'error' {
  let rank = 0;
  for (const f of findings) rank = Math.max(rank, severityRank[f.severity]);
  return rank === 2 ? 'error' : rank === 1 ? 'warning' : 'info';
}

/** A YAML string: JSON's double-quoted form is valid YAML and escapes whatever a capture holds. */
const q = (s: string): string => JSON.stringify(s);
const list = (ids: string[]): string => `[${[...new Set(ids)].map(q).join(', ')}]`;

export function baselineYaml(a: AnalysisJson, captureName: string): string {
  const out: string[] = [
    `# Expectations for ${captureName.replace(/[\r\n]/g, ' ')}, written by \`pxe-doctor check --update\`.`,
    '# They record what pxe-doctor sees in this capture today: review them before you commit them.',
    '# Format: docs/check.md.',
    `capture: ${q(captureName)}`,
  ];
  if (a.clients.length > 0) out.push('clients:');
  for (const c of a.clients) {
    const mine = a.findings.filter((f) => f.client === c.mac);
    out.push(`  ${q(c.mac)}:`);
    out.push(`    ok: ${c.ok}`);
    out.push(`    stage: ${c.stage}`);
    out.push(`    bootFile: ${c.bootFile === undefined ? 'null' : q(c.bootFile)}`);
    out.push(`    findings: ${list([...c.findings, ...mine.map((f) => f.id)])}`);
    // "at most error" holds for anything: only a lower ceiling is worth checking.
    if (ceiling(mine) !== 'error') out.push(`    maxSeverity: ${ceiling(mine)}`);
  }
  const wide = a.findings.filter((f) => f.client === '');
  out.push('capture-wide:');
  out.push(`  clientCount: ${a.clients.length}`);
  if (wide.length > 0) out.push(`  findings: ${list(wide.map((f) => f.id))}`);
  if (ceiling(a.findings) !== 'error') out.push(`  maxSeverity: ${ceiling(a.findings)}`);
  return `${out.join('\n')}\n`;
}
