import { describe, it, expect } from 'vitest';
import { parseExpectations, normalizeMac, ExpectationsError } from '../../src/check/expectations.js';

const FULL = `# a full example
capture: fail-no-bootfile.pcap
description: BIOS client, DHCP without boot options, no proxy
clients:
  "52:54:00:BE:00:01":
    ok: false
    stage: bound
    minStage: offer
    bootFile: null
    bootServer: 192.0.2.2
    findings: [no-boot-file]
    mustInclude: relay-missing-pxe-helper
    notFindings: [tftp-error]
    mustNotInclude: [tftp-no-response]
    maxSeverity: error
capture-wide:
  ok: false
  clientCount: 1
  findings: []
  maxSeverity: error
`;

function errorOf(text: string, file = 'x.expect.yaml'): string {
  try {
    parseExpectations(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpectationsError);
    return (err as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseExpectations', () => {
  it('reads every key of a full YAML example, normalising the MAC and merging aliases', () => {
    const e = parseExpectations(FULL, 'x.expect.yaml');
    expect(e.capture).toBe('fail-no-bootfile.pcap');
    expect(e.description).toMatch(/BIOS client/);
    expect([...e.clients.keys()]).toEqual(['52:54:00:be:00:01']);
    const c = e.clients.get('52:54:00:be:00:01')!;
    expect(c).toEqual({
      line: 5,
      ok: false,
      stage: 'bound',
      minStage: 'offer',
      bootFile: null,
      bootServer: '192.0.2.2',
      findings: ['no-boot-file', 'relay-missing-pxe-helper'],
      notFindings: ['tftp-error', 'tftp-no-response'],
      maxSeverity: 'error',
    });
    expect(e.captureWide).toEqual({ line: 16, ok: false, clientCount: 1, findings: [], maxSeverity: 'error' });
  });

  it('reads the same expectations written as JSON', () => {
    const json = JSON.stringify({
      clients: { '52-54-00-be-00-01': { ok: true, stage: 'nbp', findings: [], maxSeverity: 'warning' } },
      captureWide: { clientCount: 1 },
    });
    const e = parseExpectations(json, 'x.expect.json');
    expect(e.clients.get('52:54:00:be:00:01')).toMatchObject({ ok: true, stage: 'nbp', findings: [], maxSeverity: 'warning' });
    expect(e.captureWide?.clientCount).toBe(1);
  });

  it('rejects a finding id that no rule reports, with its line and the closest known id', () => {
    const text = 'clients:\n  52:54:00:be:00:01:\n    ok: false\n    notFindings: [tftp-no-respons]\n';
    expect(errorOf(text)).toBe('x.expect.yaml:4: "tftp-no-respons" is not a finding id (did you mean "tftp-no-response"?); the ids are listed in docs/analyze.md#rules');
    expect(errorOf('capture-wide:\n  findings:\n    - no-boot-file\n    - arch-bootfile-missmatch\n')).toMatch(/^x\.expect\.yaml:4: "arch-bootfile-missmatch" is not a finding id \(did you mean "arch-bootfile-mismatch"\?\)/);
    // Nothing close: no guess.
    expect(errorOf('capture-wide:\n  findings: [printer-on-fire]\n')).toBe('x.expect.yaml:2: "printer-on-fire" is not a finding id; the ids are listed in docs/analyze.md#rules');
  });

  it('names the line of a YAML syntax error', () => {
    expect(errorOf('clients:\n  "52:54:00:be:00:01":\n    findings: [a, b\n    ok: true\n')).toMatch(/^x\.expect\.yaml:\d+: syntax error: /);
    expect(errorOf('a: 1\na: 2\n')).toBe('x.expect.yaml:2: syntax error: Map keys must be unique');
  });

  it('names the line of a JSON syntax error', () => {
    expect(errorOf('{\n  "clients": {},,\n}', 'x.expect.json')).toMatch(/^x\.expect\.json:2: syntax error: /);
  });

  it('rejects unknown keys, saying which key, where, and what is known', () => {
    const msg = errorOf('clients:\n  "52:54:00:be:00:01":\n    ok: true\n    bootfile: pxelinux.0\n');
    expect(msg).toMatch(/^x\.expect\.yaml:4: unknown key "bootfile" for client 52:54:00:be:00:01 \(did you mean "bootFile"\?\) \(known: ok, verdict, stage,/);
    expect(errorOf('client:\n  x: 1\n')).toMatch(/^x\.expect\.yaml:1: unknown key "client" at the top level/);
    expect(errorOf('capture-wide:\n  clients: 2\n')).toMatch(/^x\.expect\.yaml:2: unknown key "clients" in "capture-wide"/);
  });

  it('rejects values of the wrong type with the line of the value', () => {
    expect(errorOf('clients:\n  "52:54:00:be:00:01":\n    ok: "yes"\n')).toBe('x.expect.yaml:3: "ok" must be true or false');
    expect(errorOf('clients:\n  "52:54:00:be:00:01":\n    stage: booted\n')).toMatch(/^x\.expect\.yaml:3: "stage" must be one of: none, discover, offer, bound, proxy, tftp, nbp, second-stage$/);
    expect(errorOf('clients:\n  "52:54:00:be:00:01":\n    maxSeverity: fatal\n')).toMatch(/"maxSeverity" must be one of: none, info, warning, error/);
    expect(errorOf('clients:\n  "52:54:00:be:00:01":\n    findings: [No Boot File]\n')).toMatch(/^x\.expect\.yaml:3: "findings" entries must be finding ids/);
    expect(errorOf('capture-wide:\n  clientCount: 1.5\n')).toBe('x.expect.yaml:2: "clientCount" must be a whole number');
    expect(errorOf('- a\n- b\n')).toMatch(/^x\.expect\.yaml:1: the top level must be a mapping/);
  });

  it('rejects a key that is not a MAC, and the same client twice', () => {
    expect(errorOf('clients:\n  pc-17:\n    ok: true\n')).toBe('x.expect.yaml:2: "pc-17" is not a client MAC address (like 52:54:00:12:34:56)');
    expect(errorOf('clients:\n  "52:54:00:be:00:01": {ok: true}\n  52-54-00-BE-00-01: {ok: false}\n')).toBe('x.expect.yaml:3: client 52:54:00:be:00:01 is listed twice');
  });

  it('rejects files that check nothing', () => {
    expect(errorOf('')).toMatch(/the file is empty/);
    expect(errorOf('# only a comment\n')).toMatch(/the file is empty/);
    expect(errorOf('capture: x.pcap\n')).toMatch(/nothing to check/);
  });
});

describe('normalizeMac', () => {
  it('accepts colon and dash forms in any case and rejects anything else', () => {
    expect(normalizeMac('52-54-00-BE-00-01')).toBe('52:54:00:be:00:01');
    expect(normalizeMac('52:54:00:be:00:01')).toBe('52:54:00:be:00:01');
    expect(normalizeMac('52:54:00:be:00:1')).toBeUndefined();
    expect(normalizeMac('*')).toBeUndefined();
  });
});
