import { describe, it, expect } from 'vitest';
import { renderDiagram, terminalIsUtf8, terminalWantsColor, arrowLabel } from '../../src/report/diagram.js';
import { buildLadder, foldedText } from '../../src/report/diagram-layout.js';
import { sampleAnalysis } from './sample-analysis.js';
import type { ClientJson } from '../../src/report/schema.js';

const ANSI = /\x1b\[/;

describe('buildLadder', () => {
  it('makes a column per server with its roles, the client first', () => {
    const a = sampleAnalysis();
    const l = buildLadder(a.clients[0]!, a.findings);
    expect(l.participants).toEqual([
      { address: '52:54:00:be:00:01', roles: ['client'] },
      { address: '192.0.2.1', roles: ['dhcp'] },
      { address: '192.0.2.10', roles: ['proxy', 'tftp'] },
    ]);
    const arrows = l.rows.filter((r) => r.type === 'arrow');
    expect(arrows).toHaveLength(a.clients[0]!.timeline.length);
    // The broadcast DISCOVER reaches across to the last server; replies come back to the client.
    expect(arrows.map((r) => r.type === 'arrow' && [r.from, r.to])).toEqual([[0, 2], [1, 0], [2, 0], [0, 2], [1, 0], [0, 2], [2, 0]]);
    expect(arrows[0]!.type === 'arrow' && arrows[0]!.repeatOffsets).toEqual([0, 4, 12, 28]);
  });

  it('puts a finding after the message where it showed (by time, else by frame)', () => {
    const a = sampleAnalysis();
    const rows = buildLadder(a.clients[0]!, a.findings).rows;
    const at = rows.findIndex((r) => r.type === 'finding');
    expect(rows[at - 1]).toMatchObject({ type: 'arrow', entry: { kind: 'ERROR' } });
    const byFrame = buildLadder(a.clients[1]!, a.findings).rows;
    const mark = byFrame.findIndex((r) => r.type === 'finding');
    expect(byFrame[mark - 1]).toMatchObject({ type: 'arrow', entry: { frame: 14 } });
  });

  it('gives a relay agent its own column', () => {
    const client: ClientJson = {
      mac: '52:54:00:be:00:01', ok: false, stage: 'bound', offers: [{ server: '198.51.100.1', kind: 'dhcp', frame: 3, yiaddr: '192.0.2.100' }],
      transfers: [], findings: [], firstFrame: 1, lastFrame: 4,
      timeline: [
        { frame: 1, time: 0, from: '52:54:00:be:00:01', to: '255.255.255.255', kind: 'DISCOVER', label: 'DISCOVER' },
        { frame: 2, time: 0.001, from: '192.0.2.254', to: '198.51.100.1', kind: 'DISCOVER', label: 'DISCOVER relayed' },
        { frame: 3, time: 0.002, from: '198.51.100.1', to: '192.0.2.254', kind: 'OFFER', label: 'OFFER' },
        { frame: 4, time: 0.003, from: '192.0.2.254', to: '192.0.2.100', kind: 'OFFER', label: 'OFFER' },
      ],
    };
    const l = buildLadder(client, []);
    expect(l.participants.map((p) => [p.address, p.roles])).toEqual([
      ['52:54:00:be:00:01', ['client']],
      ['192.0.2.254', ['relay']],
      ['198.51.100.1', ['dhcp']],
    ]);
    expect(l.rows.map((r) => r.type === 'arrow' && [r.from, r.to])).toEqual([[0, 2], [1, 2], [2, 1], [1, 0]]);
  });
});

describe('renderDiagram', () => {
  const a = sampleAnalysis();

  it('draws plain ASCII without colors when asked, one line per message with its frame', () => {
    const out = renderDiagram(a, { unicode: false, color: false });
    expect(out).not.toMatch(ANSI);
    expect(out).toMatch(/^[\x20-\x7e\n]*$/);
    for (const c of a.clients) for (const e of c.timeline) expect(out).toContain(`#${e.frame}`);
    const lines = out.split('\n');
    const discover = lines.find((l) => l.includes('#1'))!;
    expect(discover).toMatch(/^\s+\+0\.000\s+\|-+DISCOVER-+>\|\s+arch BIOS\s+\(broadcast\)\s+x4 at 0\/4\/12\/28 s\s+#1$/);
    expect(lines.find((l) => l.includes('#12'))).toMatch(/\|<-+ERROR-+\|\s+1 File not found\s+#12$/);
    expect(lines.find((l) => l.includes('#32'))).toMatch(/\|<-+TFTP-TRANSFER-+>\|/);
    const mark = lines.findIndex((l) => l.includes('tftp-file-not-found:'));
    expect(lines[mark]).toMatch(/^\s+X\s+\|\s+\|\s+X error tftp-file-not-found: The TFTP server does not have pxelinux\.0 \(PXE-T01\)\s+\[frames 11, 12\]$/);
    expect(lines[mark - 1]).toContain('#12');
    expect(out).toContain('Client 52:54:00:be:00:01  BIOS (x86)  FAILED at tftp: tftp-file-not-found');
    expect(out).toContain('Capture-wide findings\n  ! warning multiple-dhcp-servers');
  });

  it('uses box drawing in UTF-8 and ANSI colors only when asked', () => {
    const out = renderDiagram(a, { unicode: true, color: true });
    expect(out).toContain('│');
    expect(out).toContain('▶');
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toContain('✖ error tftp-file-not-found');
    expect(out).toMatch(ANSI);
    expect(renderDiagram(a, { unicode: true, color: false })).not.toMatch(ANSI);
  });

  it('cuts lines to the terminal width', () => {
    const out = renderDiagram(a, { unicode: false, color: false, width: 72 });
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(72);
    expect(out).toContain('...');
  });

  it('says so when there is no client', () => {
    expect(renderDiagram({ ...a, clients: [], findings: [] }, { unicode: false, color: false })).toBe('No PXE or DHCP client in this capture: nothing to draw.\n');
  });
});

describe('helpers', () => {
  it('folds retransmissions and strips the kind from labels drawn on the arrow', () => {
    expect(foldedText([0, 4, 12, 28])).toBe('x4 at 0/4/12/28 s');
    expect(foldedText([0, 0.25, 0.75])).toBe('x3 at 0/0.25/0.75 s');
    expect(arrowLabel('OFFER', 'OFFER from 192.0.2.1 (address 192.0.2.100)', true)).toBe('from 192.0.2.1 (address 192.0.2.100)');
    expect(arrowLabel('OFFER', 'OFFER from 192.0.2.1', false)).toBe('OFFER from 192.0.2.1');
    expect(arrowLabel('TFTP-TRANSFER', 'pxelinux.0 done', false)).toBe('TFTP-TRANSFER pxelinux.0 done');
  });

  it('uses Unicode only on a UTF-8 terminal and colors only on a terminal without NO_COLOR', () => {
    expect(terminalIsUtf8({ LANG: 'en_US.UTF-8' }, true)).toBe(true);
    expect(terminalIsUtf8({ LANG: 'en_US.UTF-8' }, false)).toBe(false);
    expect(terminalIsUtf8({ LANG: 'C' }, true)).toBe(false);
    expect(terminalIsUtf8({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }, true)).toBe(false);
    expect(terminalIsUtf8({ LC_CTYPE: 'de_DE.utf8' }, true)).toBe(true);
    expect(terminalWantsColor({}, true)).toBe(true);
    expect(terminalWantsColor({}, false)).toBe(false);
    expect(terminalWantsColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(terminalWantsColor({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('long exchanges', () => {
  it('folds identical consecutive messages and stops drawing after MAX_ARROWS', async () => {
    const { MAX_ARROWS } = await import('../../src/report/diagram-layout.js');
    const client: ClientJson = {
      mac: '52:54:00:00:00:0f', ok: false, stage: 'discover', offers: [], transfers: [], findings: [], firstFrame: 1, lastFrame: 2000,
      timeline: [
        ...[0, 1, 2].map((i) => ({ frame: i + 1, time: i * 2, from: '52:54:00:00:00:0f', to: '255.255.255.255', kind: 'DISCOVER', label: 'DISCOVER' })),
        // A flood of distinct messages (different labels): only MAX_ARROWS of them are drawn.
        ...Array.from({ length: MAX_ARROWS + 50 }, (_, i) => ({ frame: 10 + i, time: 10 + i, from: '52:54:00:00:00:0f', to: '192.0.2.1', kind: 'REQUEST', label: `REQUEST ${i}` })),
      ],
    };
    const l = buildLadder(client, []);
    const first = l.rows[0]!;
    expect(first).toMatchObject({ type: 'arrow', frames: [1, 2, 3], repeatOffsets: [0, 2, 4] });
    expect(l.rows.filter((r) => r.type === 'arrow')).toHaveLength(MAX_ARROWS);
    expect(l.rows[l.rows.length - 1]).toEqual({ type: 'more', messages: 51 });
    const out = renderDiagram({ schemaVersion: 1, capture: { file: 'f.pcap', frames: 2000, duration: 1, warnings: [] }, clients: [client], findings: [] }, { unicode: false, color: false });
    expect(out).toContain('|-----DISCOVER----->|    (broadcast)  x3 at 0/2/4 s  #1 +2');
    expect(out).toContain('(51 more messages not drawn: see analyze --json)');
    expect(foldedText(Array.from({ length: 2000 }, (_, i) => i / 1000))).toBe('x2000 at 0/0.001/0.002/0.003/.../2 s');
  });
});
