/**
 * docs/grafana-dashboard.json: valid JSON with the structure Grafana imports (a datasource input,
 * panels with unique ids, grid positions and queries), and every metric its queries use is one the
 * exporter defines (src/live/metrics.ts), with _bucket/_sum/_count only on histograms, and every
 * label it groups or filters by is one the metric has. The queries are valid PromQL: promtool
 * (from the Debian prometheus package) checks them as recording rules, Grafana's variables
 * replaced by what Grafana would put there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LiveMetrics, METRIC_NAMES } from '../../src/live/metrics.js';
import { REPO } from './lab.js';

const dashboard = JSON.parse(readFileSync(join(REPO, 'docs/grafana-dashboard.json'), 'utf8'));
const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
const havePromtool = spawnSync('promtool', ['--version']).status === 0 || Boolean(process.env.CI);

/** Label names of each metric, from the exporter's own registry. */
async function exporterLabels(): Promise<Map<string, { type: string; labels: Set<string> }>> {
  const m = new LiveMetrics();
  const out = new Map<string, { type: string; labels: Set<string> }>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    const labels = new Set<string>(['instance', 'job', 'le']);
    for (const v of metric.values) for (const k of Object.keys(v.labels)) labels.add(k);
    // Label names declared on the metric (values may be empty before anything happened).
    const declared = (m.registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? [];
    for (const k of declared) labels.add(k);
    out.set(metric.name, { type: String(metric.type), labels });
  }
  return out;
}

describe('docs/grafana-dashboard.json', () => {
  it('is a dashboard Grafana imports: a Prometheus input, unique panel ids, positions and queries', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(typeof dashboard.title).toBe('string');
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(['stat', 'timeseries']).toContain(p.type);
      expect(p.gridPos).toEqual({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.datasource.uid).toBe('${DS_PROMETHEUS}');
    }
    expect(exprs.length).toBeGreaterThan(10);
  });

  it('uses only metrics and labels the exporter has', async () => {
    const have = await exporterLabels();
    const used = new Set<string>();
    for (const e of exprs) {
      for (const [name] of e.matchAll(/pxe_doctor_[a-z_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        const m = have.get(name) ?? have.get(base);
        expect(m, `${name} in ${e}`).toBeDefined();
        if (name !== base && !have.has(name)) expect(m!.type, `${name}: suffix on a non-histogram`).toBe('histogram');
        used.add(have.has(name) ? name : base);
        // Labels named in by (...) and in {label=...} selectors.
        const labels = [...e.matchAll(/by \(([^)]*)\)/g)].flatMap((x) => x[1]!.split(',').map((s) => s.trim()));
        for (const [, l] of e.matchAll(/[{,]\s*([a-z_]+)\s*(?:=~|!=|=)/g)) labels.push(l!);
        for (const l of labels) expect(m!.labels.has(l) || [...have.values()].some((x) => x.labels.has(l)), `label ${l} in ${e}`).toBe(true);
      }
    }
    // Every boot metric of the exporter is on the dashboard (the info gauge aside).
    expect([...METRIC_NAMES].filter((n) => n !== 'pxe_doctor_live_info' && !used.has(n))).toEqual([]);
  });

  it.skipIf(!havePromtool)('its queries are valid PromQL (promtool check rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxd-dash-'));
    try {
      const rules = exprs.map((e, i) => ({
        record: `dashboard:query_${i}`,
        expr: e.replace(/\$__rate_interval|\$__range/g, '5m').replace(/\$instance/g, '.*'),
      }));
      const file = join(dir, 'rules.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'pxe-doctor-dashboard', rules }] }));
      const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
