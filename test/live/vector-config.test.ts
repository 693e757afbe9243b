/**
 * docs/vector-pxe-doctor.yaml (docs/live.md, "Shipping the records"): valid YAML, a source, the
 * transform and Elasticsearch and Loki sinks wired by `inputs` to components that exist, and the
 * record fields its VRL and labels use are fields of the NDJSON schema the live output writes.
 * Vector is not a Debian package: the configuration is checked here, not run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './lab.js';

const config = parse(readFileSync(join(REPO, 'docs/vector-pxe-doctor.yaml'), 'utf8'));
const schemaDoc = readFileSync(join(REPO, 'docs/live.md'), 'utf8');

describe('docs/vector-pxe-doctor.yaml', () => {
  it('wires a source through the transform to Elasticsearch and Loki', () => {
    const ids = new Set([...Object.keys(config.sources), ...Object.keys(config.transforms)]);
    expect(Object.values(config.sources).map((s: any) => s.type)).toEqual(['file']);
    expect(Object.values(config.sinks).map((s: any) => s.type).sort()).toEqual(['elasticsearch', 'loki']);
    for (const c of [...Object.values(config.transforms), ...Object.values(config.sinks)] as { inputs: string[] }[]) {
      expect(c.inputs.length).toBeGreaterThan(0);
      for (const i of c.inputs) expect(ids.has(i), i).toBe(true);
    }
    expect(config.transforms.pxe_doctor.type).toBe('remap');
    expect(config.sinks.loki.encoding.codec).toBe('json');
  });

  it('uses the schema: version 1, the fields it reads exist in docs/live.md, Loki labels are bounded', () => {
    const vrl: string = config.transforms.pxe_doctor.source;
    expect(vrl).toMatch(/if \.v != 1 \{ abort \}/);
    // Record fields the program reads (".name" after the record replaced the event), but not the ones it creates.
    const created = new Set(['sensor', 'started_at', 'frames_text', 'findings_text', 'message', 'host']);
    const read = [...vrl.matchAll(/\.([a-z@][a-zA-Z_]*)/g)].map((m) => m[1]!).filter((f) => !created.has(f));
    expect(read.length).toBeGreaterThan(3);
    const schema = schemaDoc.slice(schemaDoc.indexOf('## NDJSON schema (version 1)'), schemaDoc.indexOf('## Shipping the records'));
    for (const f of new Set(read)) expect(schema.includes(`\`${f}\``), `field ${f} in the documented schema`).toBe(true);
    // Record types named in the program are the documented ones.
    for (const [, t] of vrl.matchAll(/\.type == "([a-z]+)"/g)) expect(schema).toContain(`\`${t}\``);
    const labels = Object.keys(config.sinks.loki.labels);
    expect(labels.sort()).toEqual(['sensor', 'source', 'type']);
    expect(JSON.stringify(config.sinks.loki.labels)).not.toMatch(/client|mac/);
  });
});
