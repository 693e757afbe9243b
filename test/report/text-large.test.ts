/**
 * The text report at scale: 10 000 clients, built from real analyses of lab captures
 * (each capture's client copied under new MACs), rendered and checked for content: every client
 * present once, the verdict counts and totals right, problem clients first, findings grouped by
 * cause without losing any client. Timing is measured by hand (docs/analyze.md), not asserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import type { AnalysisJson, ClientJson } from '../../src/report/schema.js';
import type { Finding } from '../../src/diagnose/finding.js';
import { LARGE_REPORT_CLIENTS, MAX_TABLE_ROWS, TextClients, renderText, textClient } from '../../src/report/text.js';
import { readdirSync } from 'node:fs';

const captures = join(resolve(import.meta.dirname, '../..'), 'fixtures/captures');
const TEMPLATE_CAPTURES = [
  'ok-uefi-proxydhcp.pcap',
  'ok-bios-proxydhcp.pcap',
  'fail-tftp-file-not-found.pcap',
  'fail-no-dhcp-server.pcap',
  'fail-option60-on-dhcp.pcap',
  'fail-tftp-server-down.pcap',
  'fail-uefi-gets-bios-file.pcap',
];

interface Template {
  client: ClientJson;
  findings: Finding[];
  verdict: string;
}

const ESC = /\x1b\[[0-9;]*m/g;

function macOf(i: number): string {
  return ['0a', '00', (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255]
    .map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0')))
    .join(':');
}

/** `n` clients cycling through the templates, each under its own MAC, with its findings re-addressed. */
function multiply(templates: Template[], n: number): AnalysisJson {
  const clients: ClientJson[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length]!;
    const mac = macOf(i);
    clients.push({ ...t.client, mac });
    for (const f of t.findings) findings.push({ ...f, client: mac });
  }
  return {
    schemaVersion: 1,
    capture: { file: 'many-clients.pcap', format: 'pcap', frames: n * 40, firstTime: '2026-11-23T02:00:00.000Z', duration: 900, warnings: [] },
    clients,
    findings,
  };
}

/**
 * The clients listed, in order: the data rows of the summary table (lines whose first cell holds a
 * MAC), then the one-line entries of the clients after the table's LARGE_REPORT_CLIENTS.
 */
function tableMacs(report: string): string[] {
  const macs: string[] = [];
  for (const line of report.split('\n')) {
    const m = /^│ ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) /.exec(line) ?? /^ {2}([0-9a-f]{2}(?::[0-9a-f]{2}){5}) {2}(?:OK|FAILED|INCOMPLETE|NOT A PXE)/.exec(line);
    if (m) macs.push(m[1]!);
  }
  return macs;
}

describe('text report with 10 000 clients', () => {
  let templates: Template[] = [];
  beforeAll(async () => {
    for (const name of TEMPLATE_CAPTURES) {
      const a = await analyzeCapture(join(captures, name));
      const client = a.clients.find((c) => c.vendorClass !== undefined) ?? a.clients[0]!;
      const own = a.findings.filter((f) => f.client === client.mac);
      templates.push({ client, findings: own, verdict: client.verdict });
    }
    // Both outcomes must be represented, or the ordering checks below would hold vacuously.
    expect(templates.some((t) => t.client.ok)).toBe(true);
    expect(templates.some((t) => t.verdict.startsWith('FAILED'))).toBe(true);
  });

  it('lists every client once, counts each verdict, and puts the clients that did not boot first', () => {
    const n = 10_000;
    const a = multiply(templates, n);
    const report = renderText(a, { color: false, width: 100 });

    const macs = tableMacs(report);
    expect(macs.length).toBe(n);
    expect(new Set(macs).size).toBe(n);
    for (let i = 0; i < n; i += 997) expect(macs).toContain(macOf(i));

    // The count per verdict at the top, computed here from the templates.
    const expected = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = templates[i % templates.length]!.verdict;
      expected.set(v, (expected.get(v) ?? 0) + 1);
    }
    const head = report.slice(0, report.indexOf('┌'));
    expect(head).toContain(`${n} clients by verdict`);
    for (const [v, count] of expected) expect(head).toMatch(new RegExp(`^ +${count}  ${v.replace(/[()[\].*+?^$|\\]/g, '\\$&')}$`, 'm'));

    // Booted clients come after every client that did not boot; capture order within each group.
    const booted = new Set(a.clients.filter((c) => c.ok).map((c) => c.mac));
    const firstBooted = macs.findIndex((m) => booted.has(m));
    const lastProblem = macs.findLastIndex((m) => !booted.has(m));
    expect(firstBooted).toBeGreaterThan(lastProblem);
    const bootedOrder = macs.filter((m) => booted.has(m));
    expect(bootedOrder).toEqual(a.clients.filter((c) => c.ok).map((c) => c.mac));

    // The closing totals.
    const sevCount = (s: string): number => a.findings.filter((f) => f.severity === s).length;
    const errors = sevCount('error');
    const warnings = sevCount('warning');
    expect(report.trimEnd().split('\n').at(-1)).toBe(
      `${n} clients (${booted.size} booted), ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${sevCount('info')} info`,
    );

    // The table is one box: every line of it as wide as its top rule.
    const tableLines = report.split('\n').filter((l) => /^[┌│├└]/.test(l));
    const boxWidth = tableLines[0]!.length;
    for (const l of tableLines) expect(l.length).toBe(boxWidth);
  });

  it('prints each cause and fix once and still names every finding of every client', () => {
    const n = 10_000;
    const a = multiply(templates, n);
    const report = renderText(a, { color: false, width: 100 });
    const findingsPart = report.slice(report.indexOf('\nFindings by cause'));
    // Each distinct explanation once, with its exact finding and client counts.
    const groups = new Map<string, Finding[]>();
    for (const f of a.findings) {
      const key = `${f.severity} ${f.id} ${f.cause} ${f.fix}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const folded = findingsPart.replace(/\s+/g, ' ');
    for (const list of groups.values()) {
      const f = list[0]!;
      const clients = new Set(list.map((g) => g.client)).size;
      expect(findingsPart).toContain(`${f.severity.toUpperCase()} ${f.id}${f.firmwareMessage ? ` (${f.firmwareMessage})` : ''}: ${list.length} finding${list.length === 1 ? '' : 's'}, ${clients} client${clients === 1 ? '' : 's'}`);
      expect(folded.split(`cause: ${f.cause.replace(/\s+/g, ' ')}`).length - 1).toBe(1);
    }
    // One line per finding, under its explanation, naming the client and the evidence frames.
    for (let i = 0; i < n; i += 1009) {
      const mac = macOf(i);
      for (const f of a.findings.filter((g) => g.client === mac)) {
        expect(folded).toContain(`${mac}${f.time !== undefined ? ` at ${f.time.toFixed(2)} s` : ''}: ${f.title.replace(/\s+/g, ' ')} [frames ${f.frames.join(', ')}]`);
      }
    }
    const findingLines = findingsPart.split('\n').filter((l) => /^ {2}0a:00:/.test(l));
    expect(findingLines.length).toBe(a.findings.length);
  });

  it('colors without changing the layout: stripped of escape codes, the colored report is the plain one', () => {
    for (const n of [3, 600]) {
      const a = multiply(templates, n);
      const plain = renderText(a, { color: false, width: 100 });
      const colored = renderText(a, { color: true, width: 100 });
      expect(colored).toMatch(ESC);
      expect(colored.replace(ESC, '')).toBe(plain);
    }
  });

  it(`keeps the small layout up to ${LARGE_REPORT_CLIENTS} clients and switches above`, () => {
    const small = renderText(multiply(templates, LARGE_REPORT_CLIENTS), { color: false });
    expect(small).not.toContain('clients by verdict');
    expect(tableMacs(small)).toEqual(Array.from({ length: LARGE_REPORT_CLIENTS }, (_, i) => macOf(i)));
    // A rule between rows, findings under "Client <mac>" headings.
    expect(small.split('\n').filter((l) => l.startsWith('├')).length).toBe(LARGE_REPORT_CLIENTS);
    expect(small).toContain(`Client ${macOf(2)}`);

    const large = renderText(multiply(templates, LARGE_REPORT_CLIENTS + 1), { color: false });
    expect(large).toContain(`${LARGE_REPORT_CLIENTS + 1} clients by verdict`);
    // The table holds the first LARGE_REPORT_CLIENTS clients (problems first), one line each for the rest.
    expect(large.split('\n').filter((l) => l.startsWith('├')).length).toBe(LARGE_REPORT_CLIENTS);
    expect(large).toContain('The other 1 clients (MAC, verdict):');
    expect(tableMacs(large)).toHaveLength(LARGE_REPORT_CLIENTS + 1);
    expect(large).not.toContain(`Client ${macOf(2)}`);
  });

  it(`lists at most ${MAX_TABLE_ROWS} rows and still counts every client (a flood of MACs); TextClients keeps no more`, () => {
    const n = MAX_TABLE_ROWS * 2 + 300;
    const a = multiply(templates, n);
    const whole = renderText(a, { color: false, width: 100 });
    const macs = tableMacs(whole);
    expect(macs.length).toBe(MAX_TABLE_ROWS);
    // The rows listed are the first of the full order: the clients that did not boot, first.
    const booted = new Set(a.clients.filter((c) => c.ok).map((c) => c.mac));
    const problems = a.clients.filter((c) => !booted.has(c.mac)).length;
    expect(macs.slice(0, Math.min(problems, MAX_TABLE_ROWS)).every((m) => !booted.has(m))).toBe(true);
    expect(whole).toContain(`${n} clients by verdict`);
    expect(whole).toContain(`${n - MAX_TABLE_ROWS} more clients not listed (counted by verdict above)`);
    expect(whole.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^${n} clients \\(${booted.size} booted\\)`));

    // What analyze keeps while clients stream in: at most MAX_TABLE_ROWS per group, the same report.
    const kept = new TextClients();
    for (const c of a.clients) kept.push(c, a.findings.filter((f) => f.client === c.mac));
    expect(kept.count).toBe(n);
    expect(kept.kept.length).toBeLessThan(n);
    expect(renderText({ ...a, clients: kept.kept, unlisted: kept.unlisted }, { color: false, width: 100 })).toBe(whole);
  });

  it('wraps finding texts at the width asked for', () => {
    const a = multiply(templates, 200);
    for (const width of [60, 100, 140]) {
      const report = renderText(a, { color: false, width });
      const findingsPart = report.slice(report.indexOf('\nFindings by cause'), report.lastIndexOf('\n\n'));
      for (const line of findingsPart.split('\n')) {
        // Indented lines are the wrapped texts (cause, fix, one line per client); headings are not wrapped.
        if (line.startsWith('  ')) expect(line.length, line).toBeLessThanOrEqual(width);
      }
    }
  });

  it('renders the same from the slim client the plain report keeps (textClient) as from the whole client', async () => {
    // Every fixture capture (small layout, the boot-method section included) and the large layout.
    const reports: AnalysisJson[] = [multiply(templates, LARGE_REPORT_CLIENTS + 20)];
    for (const name of readdirSync(captures).filter((n) => /\.pcap(ng)?$/.test(n))) reports.push(await analyzeCapture(join(captures, name)));
    expect(reports.length).toBeGreaterThan(30);
    expect(reports.some((a) => a.clients.some((c) => c.methods !== undefined))).toBe(true);
    for (const a of reports) {
      const slim = { ...a, clients: a.clients.map(textClient) };
      for (const color of [false, true]) expect(renderText(slim, { color, width: 100 })).toBe(renderText(a, { color, width: 100 }));
      // The slim client holds no timeline, offer or transfer detail.
      for (const c of slim.clients) {
        expect(c.timeline).toBeUndefined();
        for (const o of c.offers) expect(Object.keys(o)).toEqual(['kind']);
        for (const t of c.transfers) expect(Object.keys(t)).toEqual(['outcome']);
      }
    }
  });
});
