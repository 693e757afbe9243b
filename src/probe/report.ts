/** Text and JSON output of `pxe-doctor probe`. */
import { verdictInput, verdictOf } from '../report/verdict.js';
import { Chalk } from 'chalk';
import type { Finding } from '../diagnose/finding.js';
import { renderDiagram } from '../report/diagram.js';
import type { ArchResult, ProbeResult, ProbeStep } from './run.js';
import type { ProbeArch } from './messages.js';

export const PROBE_SCHEMA_VERSION = 1;

/** `probe --json`: the whole result, each architecture with the analyzer's report of its traffic. */
export function probeJson(r: ProbeResult): string {
  return `${JSON.stringify({ schemaVersion: PROBE_SCHEMA_VERSION, ...r }, null, 2)}\n`;
}

export interface ProbeTextOptions {
  color: boolean;
  unicode: boolean;
  width?: number;
  diagram: boolean;
}

/** One progress line per finished step (stderr while the probe runs). */
export function stepLine(arch: ProbeArch, s: ProbeStep): string {
  return `${arch.name}: ${s.ok ? 'ok  ' : 'FAIL'} ${s.step}: ${s.detail}`;
}

export function renderProbeText(r: ProbeResult, o: ProbeTextOptions): string {
  const ch = new Chalk({ level: o.color ? 1 : 0 });
  const out: string[] = [];
  out.push(ch.bold(`PXE probe on ${r.interface} (${r.address})`));
  for (const a of r.archs) out.push('', ...archText(a, r.address, ch, o));
  out.push('');
  out.push(ch.bold('Summary'));
  for (const a of r.archs) out.push(`  ${a.arch.padEnd(8)} ${a.ok ? ch.green('would boot') : ch.red(a.verdict)}`);
  if (r.written) out.push('', `capture of the probe's own traffic written to ${r.written} (pxe-doctor analyze ${r.written})`);
  return `${out.join('\n')}\n`;
}

function archText(a: ArchResult, address: string, ch: InstanceType<typeof Chalk>, o: ProbeTextOptions): string[] {
  const out: string[] = [];
  out.push(ch.bold(`== ${a.arch} (option 93 = ${a.archCode}, ${a.archName}) ==`) + `  MAC ${a.mac}  GUID ${a.guid}`);
  if (a.offers.length === 0) out.push('  offers: none');
  else {
    out.push('  offers:');
    for (const f of a.offers) {
      const parts = [`${f.server.padEnd(15)} ${f.kind.padEnd(17)}`];
      if (f.yiaddr) parts.push(`address ${f.yiaddr}`);
      if (f.bootServer) parts.push(`boot server ${f.bootServer}`);
      parts.push(f.bootFile ? `file ${f.bootFile}` : 'no boot file');
      out.push(`    ${parts.join('  ')}  (+${f.time.toFixed(2)} s)`);
    }
  }
  out.push('  steps:');
  for (const s of a.steps) out.push(`    ${s.ok ? ch.green('ok  ') : ch.red('FAIL')} ${s.step.padEnd(13)} ${s.detail}`);
  out.push(...findingLines(a.findings, ch));
  if (o.diagram && a.analysis.clients.length > 0) {
    out.push('');
    // The analyzer calls a client OK only after a complete NBP download; the probe stops after the size query
    // unless --tftp full, so the diagram's header shows the probe's verdict instead.
    // The probe sends from the interface's address, not 0.0.0.0 (src/probe/net.ts); in the diagram that
    // address is the client's own column, not a relay agent's.
    const self = (addr: string, mac: string): string => (addr === address ? mac : addr);
    const shown = {
      ...a.analysis,
      clients: a.analysis.clients.map((c) => ({
        ...c,
        ok: a.ok,
        // The verdict in the heading follows the probe's ok and findings, in the words of every report.
        verdict: verdictOf(verdictInput({ ...c, ok: a.ok }, a.findings)).text,
        timeline: c.timeline.map((e) => ({ ...e, from: self(e.from, c.mac), to: self(e.to, c.mac) })),
      })),
      findings: a.findings,
    };
    out.push(...renderDiagram(shown, { unicode: o.unicode, color: o.color, ...(o.width !== undefined ? { width: o.width } : {}) }).trimEnd().split('\n').map((l) => `  ${l}`));
  }
  out.push(`  verdict: ${a.ok ? ch.green('would boot') : ch.red(a.verdict)}`);
  return out;
}

function findingLines(findings: Finding[], ch: InstanceType<typeof Chalk>): string[] {
  if (findings.length === 0) return ['  findings: none'];
  const out = ['  findings:'];
  for (const f of findings) {
    const sev = f.severity === 'error' ? ch.red.bold('error  ') : f.severity === 'warning' ? ch.yellow('warning') : ch.cyan('info   ');
    out.push(`    ${sev} ${f.id}: ${f.title}`);
    out.push(`            fix: ${f.fix}`);
  }
  return out;
}
