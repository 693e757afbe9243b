import { describe, it, expect } from 'vitest';
import { parseExpectations } from '../../src/check/expectations.js';
import { evaluate, captureOk } from '../../src/check/evaluate.js';
import { sampleAnalysis } from '../report/sample-analysis.js';

const run = (yaml: string) => evaluate(parseExpectations(yaml, 't.yaml'), sampleAnalysis());

describe('evaluate', () => {
  it('passes expectations that match the analysis, one result per expectation', () => {
    const results = run(`
clients:
  "52:54:00:be:00:01":
    ok: false
    stage: tftp
    minStage: bound
    bootFile: pxelinux.0
    bootServer: 192.0.2.10
    findings: [tftp-file-not-found]
    notFindings: [no-boot-file]
    maxSeverity: error
  "52:54:00:ef:00:02":
    ok: true
    maxSeverity: info
capture-wide:
  clientCount: 2
  ok: false
  findings: [multiple-dhcp-servers, slow-server-response]
`);
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(results.map((r) => `${r.scope}: ${r.name}`)).toEqual([
      'client 52:54:00:be:00:01: ok is false',
      'client 52:54:00:be:00:01: stage is tftp',
      'client 52:54:00:be:00:01: stage is at least bound',
      'client 52:54:00:be:00:01: boot file is pxelinux.0',
      'client 52:54:00:be:00:01: boot server is 192.0.2.10',
      'client 52:54:00:be:00:01: has finding tftp-file-not-found',
      'client 52:54:00:be:00:01: has no finding no-boot-file',
      'client 52:54:00:be:00:01: has no finding above error',
      'client 52:54:00:ef:00:02: ok is true',
      'client 52:54:00:ef:00:02: has no finding above info',
      'capture: has 2 clients',
      'capture: ok is false',
      'capture: has finding multiple-dhcp-servers',
      'capture: has finding slow-server-response',
    ]);
  });

  it('checks the verdict, whole or by its first words', () => {
    const results = run(`
clients:
  "52:54:00:be:00:01":
    verdict: "FAILED at tftp: tftp-file-not-found"
  "52:54:00:ef:00:02":
    verdict: OK
`);
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['verdict is FAILED at tftp: tftp-file-not-found', true],
      ['verdict is OK', true],
    ]);
    const prefix = run('clients:\n  "52:54:00:be:00:01":\n    verdict: FAILED at tftp\n  "52:54:00:ef:00:02":\n    verdict: FAILED\n');
    expect(prefix.map((r) => [r.passed, r.reason])).toEqual([
      [true, 'expected verdict FAILED at tftp, got FAILED at tftp: tftp-file-not-found'],
      [false, 'expected verdict FAILED, got OK'],
    ]);
    // "FAILED at t" is not a prefix of words: it must not match "FAILED at tftp".
    expect(run('clients:\n  "52:54:00:be:00:01":\n    verdict: FAILED at t\n')[0]!.passed).toBe(false);
  });

  it('fails with expected vs actual in the reason', () => {
    const results = run(`
clients:
  "52:54:00:be:00:01":
    ok: true
    stage: nbp
    minStage: nbp
    bootFile: null
    findings: [no-boot-file]
    notFindings: [tftp-file-not-found]
    maxSeverity: warning
  "52:54:00:ef:00:02":
    maxSeverity: none
capture-wide:
  clientCount: 1
  ok: true
  maxSeverity: info
`);
    expect(results.every((r) => !r.passed)).toBe(true);
    expect(results.map((r) => r.reason)).toEqual([
      'expected ok true, got false (FAILED at tftp: tftp-file-not-found)',
      'expected stage nbp, got tftp (FAILED at tftp: tftp-file-not-found)',
      'expected stage nbp or later, got tftp (FAILED at tftp: tftp-file-not-found)',
      'expected boot file (none), got pxelinux.0',
      'expected finding no-boot-file, got: tftp-file-not-found',
      'finding tftp-file-not-found is reported (frames 11, 12)',
      'expected nothing above warning, got tftp-file-not-found (error)',
      'expected nothing at all, got slow-server-response (info)',
      'expected 1 client, got 2 (52:54:00:be:00:01, 52:54:00:ef:00:02)',
      'expected ok true, got false: client 52:54:00:be:00:01 FAILED at tftp: tftp-file-not-found',
      'expected nothing above info, got tftp-file-not-found (error), multiple-dhcp-servers (warning)',
    ]);
  });

  it('fails once for a client that is not in the capture', () => {
    const results = run('clients:\n  "52:54:00:00:00:99":\n    ok: true\n    stage: nbp\n');
    expect(results).toEqual([
      {
        scope: 'client 52:54:00:00:00:99',
        name: 'is in the capture',
        passed: false,
        reason: 'no such client in the capture (clients seen: 52:54:00:be:00:01, 52:54:00:ef:00:02)',
      },
    ]);
  });
});

describe('captureOk', () => {
  it('needs a client, every client ok, and no error finding', () => {
    const a = sampleAnalysis();
    expect(captureOk({ ...a, clients: [] })).toEqual({ ok: false, why: 'no client in the capture' });
    const allOk = { ...a, clients: a.clients.map((c) => ({ ...c, ok: true })) };
    expect(captureOk(allOk)).toEqual({ ok: false, why: 'error finding tftp-file-not-found' });
    expect(captureOk({ ...allOk, findings: a.findings.filter((f) => f.severity !== 'error') })).toEqual({ ok: true, why: 'all 2 clients ok, no error' });
  });
});
