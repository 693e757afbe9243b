/**
 * The live NDJSON records (src/live/output.ts) against their documented schema (docs/live.md,
 * "NDJSON schema (version 1)"): every record starts with type, v = 1 and an ISO @timestamp, and
 * carries the fields the table lists for its type, with the documented types.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as out from '../../src/live/output.js';
import { LiveAnalysis } from '../../src/live/session.js';
import type { ClientJson } from '../../src/report/schema.js';
import { REPO } from './lab.js';

describe('live NDJSON schema version 1', () => {
  it('every record type, fed by a real lab capture, has the envelope and its documented fields', async () => {
    const lines: string[] = [];
    const clients: ClientJson[] = [];
    const live = new LiveAnalysis({
      iface: 'test0',
      onEvent: (e) => lines.push(out.ndjsonEvent(e)),
      onFinding: (f, ts) => lines.push(out.ndjsonFinding(f, ts)),
      onClientDone: (c) => {
        clients.push(c);
        lines.push(out.ndjsonClient(c));
      },
    });
    live.push(readFileSync(join(REPO, 'fixtures/captures/fail-tftp-file-not-found.pcap')));
    const { analysis, capture } = await live.finish();
    lines.push(out.ndjsonStart({ iface: 'eth1', tool: { kind: 'tcpdump', path: '/usr/bin/tcpdump' } as never, filter: 'udp', pid: 42 }));
    lines.push(out.ndjsonWarning('a warning'));
    lines.push(out.ndjsonSaved({ client: clients[0]!.mac, file: '/x/y.pcapng', frames: 3, verdict: 'FAILED at tftp: tftp-file-not-found' }));
    lines.push(out.ndjsonSummary({ analysis, stopReason: 'signal', frames: 19, seconds: 1.5, capture, tool: { code: 0, signal: null, messages: [] } }));
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const doc = readFileSync(join(REPO, 'docs/live.md'), 'utf8');
    const table = doc.slice(doc.indexOf('## NDJSON schema (version 1)'), doc.indexOf('## Shipping the records'));
    const byType = new Map<string, Record<string, unknown>>();
    for (const r of recs) {
      expect(Object.keys(r).slice(0, 3)).toEqual(['type', 'v', '@timestamp']);
      expect(r.v).toBe(out.LIVE_SCHEMA_VERSION);
      expect(r['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      byType.set(r.type as string, r);
    }
    expect([...byType.keys()].sort()).toEqual(['client', 'event', 'finding', 'saved', 'start', 'summary', 'warning']);
    for (const [type, r] of byType) {
      // The documented row for this type names every field the record has.
      const row = table.split('\n').find((l) => l.startsWith(`| \`${type}\` |`));
      expect(row, type).toBeDefined();
      for (const k of Object.keys(r).slice(3)) expect(row!.includes(`\`${k}\``) || (type === 'finding' && k === 'firmwareMessage'), `${type}.${k}`).toBe(true);
    }
    // Types that matter to an index: time is a number in events and findings, a string in start.
    expect(typeof byType.get('event')!.time).toBe('number');
    expect(typeof byType.get('finding')!.time).toBe('number');
    expect(typeof byType.get('start')!.time).toBe('string');
    // An event's @timestamp is its packet's capture time.
    const ev = byType.get('event')!;
    expect(Date.parse(ev['@timestamp'] as string) / 1000).toBeCloseTo(ev.ts as number, 2);
    expect(byType.get('client')).toMatchObject({ client: '52:54:00:be:00:01', ok: false, stage: 'tftp', findings: ['tftp-file-not-found'] });
  });
});
