/** The text report renderer on a real analysis (lab capture through the real pipeline). */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeCapture } from '../../src/pipeline.js';
import { renderText } from '../../src/report/text.js';
import { renderJson } from '../../src/report/index.js';

const root = resolve(import.meta.dirname, '../..');
const usec = join(root, 'fixtures/public/netboot/usec.pcap');
const fail = join(root, 'fixtures/captures/fail-tftp-file-not-found.pcap');

describe('text report', () => {
  it('has the summary table, the findings by client, and colors only when asked', async () => {
    const a = await analyzeCapture(existsSync(fail) ? fail : usec);
    const plain = renderText(a, { color: false });
    expect(plain).not.toMatch(/\x1b\[/);
    // Every column on a wide terminal; at 100 columns GUID, vendor class and stage give way.
    const wide = renderText(a, { color: false, width: 220 });
    for (const h of ['MAC', 'GUID', 'arch', 'vendor class', 'offers', 'boot server', 'boot file', 'stage', 'verdict']) expect(wide).toContain(h);
    for (const h of ['MAC', 'arch', 'boot file', 'verdict']) expect(plain).toContain(h);
    expect(plain).toContain(a.clients[0]!.mac);
    for (const f of a.findings) {
      expect(plain).toContain(f.id);
      expect(plain).toContain(`frames: ${f.frames.join(', ')}`);
      // Texts are word-wrapped at 100 columns: compare with whitespace folded.
      expect(plain.replace(/\s+/g, ' ')).toContain(f.fix);
    }
    // Finding texts (indented under their client) are wrapped at 100 columns.
    for (const line of plain.split('\n')) if (line.startsWith('    ')) expect(line.length, line).toBeLessThanOrEqual(100);
    const colored = renderText(a, { color: true });
    expect(colored).toMatch(/\x1b\[/);
  });

  it('prints the timeline on request, retransmissions folded', async () => {
    const a = await analyzeCapture(usec);
    const t = renderText(a, { color: false, timeline: true, width: 200 }).replace(/\n {22}/g, ' ');
    expect(t).toContain('Timeline d0:50:99:4e:05:57');
    expect(t).toMatch(/#7\s+192\.168\.16\.10 -> 192\.168\.16\.12\s+4011-ACK from 192\.168\.16\.10 \(.*boot file boot/);
    expect(JSON.parse(renderJson(a))).toEqual(a);
  });
});
