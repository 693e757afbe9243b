import { describe, it, expect } from 'vitest';
import { baselineYaml } from '../../src/check/baseline.js';
import { parseExpectations } from '../../src/check/expectations.js';
import { evaluate } from '../../src/check/evaluate.js';
import { sampleAnalysis } from '../report/sample-analysis.js';

describe('baselineYaml', () => {
  it('writes a valid expectations file that the same analysis passes', () => {
    const a = sampleAnalysis();
    const text = baselineYaml(a, 'lab.pcap');
    const exp = parseExpectations(text, 'lab.expect.yaml');
    expect(exp.capture).toBe('lab.pcap');
    expect(exp.clients.get('52:54:00:be:00:01')).toEqual({
      line: 6, ok: false, stage: 'tftp', bootFile: 'pxelinux.0', findings: ['tftp-file-not-found'],
    });
    // The UEFI client has only an info finding: the ceiling is info, so a new warning would fail the baseline.
    expect(exp.clients.get('52:54:00:ef:00:02')).toMatchObject({ ok: true, stage: 'nbp', findings: ['slow-server-response'], maxSeverity: 'info' });
    expect(exp.captureWide).toMatchObject({ clientCount: 2, findings: ['multiple-dhcp-servers'] });
    const results = evaluate(exp, a);
    expect(results.length).toBeGreaterThan(8);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it('quotes whatever a capture holds so the YAML stays valid', () => {
    const a = sampleAnalysis();
    a.clients[0]!.bootFile = 'boot\\"x: [y] # z\n';
    const exp = parseExpectations(baselineYaml(a, 'odd: name #1.pcap'), 'odd.expect.yaml');
    expect(exp.capture).toBe('odd: name #1.pcap');
    expect(exp.clients.get('52:54:00:be:00:01')?.bootFile).toBe('boot\\"x: [y] # z\n');
  });

  it('records a missing boot file as null and no clients as clientCount 0', () => {
    const a = sampleAnalysis();
    delete a.clients[0]!.bootFile;
    expect(parseExpectations(baselineYaml(a, 'x.pcap'), 'x.yaml').clients.get('52:54:00:be:00:01')?.bootFile).toBeNull();
    const empty = parseExpectations(baselineYaml({ ...a, clients: [], findings: [] }, 'x.pcap'), 'x.yaml');
    expect(empty.clients.size).toBe(0);
    expect(empty.captureWide).toMatchObject({ clientCount: 0, maxSeverity: 'info' });
  });
});
