import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import { renderDiagram } from '../../src/report/diagram.js';
import { buildLadder } from '../../src/report/diagram-layout.js';
import { renderHtml } from '../../src/report/html.js';

/** The pictures drawn from real lab captures (fixtures/captures, qemu + iPXE / OVMF firmware). */
const CAPTURES = path.resolve(import.meta.dirname, '../../fixtures/captures');
const cap = (name: string) => path.join(CAPTURES, name);

describe('ladders of the lab captures', () => {
  it('relayed boot: client, relay, proxy+TFTP columns; every message and the finding-free verdict', async () => {
    const a = await analyzeCapture(cap('ok-bios-relay.pcap'));
    const l = buildLadder(a.clients[0]!, a.findings);
    expect(l.participants.map((p) => [p.address, p.roles.join('+')])).toEqual([
      ['52:54:00:be:00:01', 'client'],
      ['192.0.2.254', 'relay'],
      ['198.51.100.2', 'proxy+tftp'],
    ]);
    // Every message is on an arrow (identical repeats share one: "#7 +1").
    const frames = l.rows.flatMap((r) => (r.type === 'arrow' ? r.frames : []));
    expect(frames.sort((x, y) => x - y)).toEqual(a.clients[0]!.timeline.map((e) => e.frame).sort((x, y) => x - y));
    const out = renderDiagram(a, { unicode: false, color: false });
    expect(out).toContain('  OK  (stage second-stage)');
    expect(out).not.toMatch(/^\s+X /m);
  });

  it('TFTP server down: the folded RRQ retransmissions and the error marked after the transfer', async () => {
    const a = await analyzeCapture(cap('fail-tftp-server-down.pcap'));
    const lines = renderDiagram(a, { unicode: false, color: false }).split('\n');
    const transfer = lines.findIndex((l) => /\|<-+TFTP-TRANSFER-+>\|/.test(l));
    expect(lines[transfer]).toMatch(/pxelinux\.0 .*x[2-9]\d* at 0\/[\d.\/]+ s\s+#\d+$/);
    const mark = lines.findIndex((l) => /^\s+X\s.*X error tftp-no-response: /.test(l));
    expect(mark).toBeGreaterThan(transfer);
    expect(lines.some((l) => /\|<-+ICMP-+\|\s+port unreachable/.test(l))).toBe(true);
  });

  it('option 60 on the DHCP server: 4011 requests to the DHCP server answered by ICMP', async () => {
    const a = await analyzeCapture(cap('fail-option60-on-dhcp.pcap'));
    const out = renderDiagram(a, { unicode: true, color: false });
    expect(out).toMatch(/│─+4011-REQUEST─+▶│[\s│]+to 192\.0\.2\.1 .*x[2-9]\d* at 0\//);
    expect(out).toContain('✖ error option60-on-dhcp-server:');
    expect(out).toContain('▲ warning boot-server-address-missing:');
  });

  it('every lab capture renders as a diagram and as HTML with one ladder per client', async () => {
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(CAPTURES).filter((n) => /\.(pcap|pcapng)$/.test(n));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const a = await analyzeCapture(cap(name));
      const text = renderDiagram(a, { unicode: false, color: false });
      expect(text.split('\n').filter((l) => l.startsWith('Client ')).length).toBe(a.clients.length);
      const html = renderHtml(a);
      expect(html.match(/<svg class="ladder"/g)?.length ?? 0).toBe(a.clients.length);
      for (const f of a.findings.filter((x) => x.client !== '')) expect(html).toContain(`data-finding="${f.id}"`);
    }
  }, 60_000);
});
