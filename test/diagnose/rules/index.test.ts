/** The rule table as a whole (src/diagnose/rules/index.ts). */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Scenario } from '../../exchange/scenario.js';
import { workingBios } from './fixtures.js';
import { fallbackRules, rules } from '../../../src/diagnose/rules/index.js';

describe('rule table', () => {
  it('has the ids users match on, each once', () => {
    const wanted = [
      'no-dhcp-offer', 'no-address-offer', 'no-boot-file', 'relay-missing-pxe-helper', 'option60-on-dhcp-server', 'proxy-request-unanswered',
      'proxy-offer-missing-option60', 'proxy-offer-ignored', 'boot-server-address-missing', 'tftp-no-response', 'tftp-file-not-found', 'tftp-error',
      'tftp-transfer-incomplete', 'bootfile-name-garbage', 'arch-bootfile-mismatch', 'client-arch-missing', 'client-arch-ambiguous', 'ipxe-chainload-loop',
      'multiple-dhcp-servers', 'multiple-boot-servers', 'slow-server-response', 'client-guid-invalid', 'client-guid-duplicate',
    ];
    const have = rules.map((r) => r.id);
    for (const id of wanted) expect(have).toContain(id);
    expect(new Set(have).size).toBe(have.length);
  });
  it('a working BIOS boot has no finding at all', () => {
    const s = new Scenario();
    workingBios(s);
    const a = s.run();
    expect(a.findings).toEqual([]);
    expect(a.clients[0]!.ok).toBe(true);
  });
  it('every rule has its own test file here, and every test file here a rule', () => {
    const files = fs.readdirSync(import.meta.dirname).filter((f) => f.endsWith('.test.ts') && f !== 'index.test.ts');
    expect(files.map((f) => f.slice(0, -'.test.ts'.length)).sort()).toEqual([...rules, ...fallbackRules].map((r) => r.id).sort());
  });
});
