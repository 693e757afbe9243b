/**
 * Every rule describes itself (meta), and the rule tables of the README and docs/ are exactly what
 * src/diagnose/rules-doc.ts renders from that: `npm run docs:rules` rewrites them after a change.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { rules } from '../../src/diagnose/rules/index.js';
import { RULE_DOC_FILES, withRuleTable } from '../../src/diagnose/rules-doc.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** GitHub's anchor for a Markdown heading. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

describe('rule meta', () => {
  it('every rule has a unique kebab-case id and complete meta', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.meta.severities.length, r.id).toBeGreaterThan(0);
      expect(new Set(r.meta.severities).size, r.id).toBe(r.meta.severities.length);
      for (const s of r.meta.severities) expect(r.meta.severityText, `${r.id}: severityText names ${s}`).toContain(s);
      expect(r.meta.summary.trim(), r.id).not.toBe('');
      for (const text of [r.meta.summary, r.meta.severityText, r.meta.firmwareMessages]) expect(text, r.id).not.toMatch(/\n|(?<!\\)\|/);
    }
  });

  it("every rule's docs anchor is a heading of that docs/ file", () => {
    for (const r of rules) {
      const [file, anchor] = r.meta.docs.split('#') as [string, string];
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const anchors = [...text.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]!));
      expect(anchors, `${r.id}: ${r.meta.docs}`).toContain(anchor);
    }
  });

  it('each rule is listed in exactly one docs/ table', () => {
    const listed = RULE_DOC_FILES.filter((f) => f.file.startsWith('docs/')).flatMap((f) => [...f.render(rules).matchAll(/^\| `([a-z0-9-]+)`/gm)].map((m) => m[1]));
    expect(listed.sort()).toEqual(rules.map((r) => r.id).sort());
  });
});

describe('generated rule tables', () => {
  for (const { file, render } of RULE_DOC_FILES) {
    it(`${file} holds the table rendered from the rules' meta (npm run docs:rules rewrites it)`, () => {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      expect(withRuleTable(text, render(rules), file)).toBe(text);
    });
  }

  it('notices a table that drifted', () => {
    const { file, render } = RULE_DOC_FILES[0]!;
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const drifted = text.replace('| `no-dhcp-offer` |', '| `no-dhcp-offers` |');
    expect(drifted).not.toBe(text);
    expect(withRuleTable(drifted, render(rules), file)).toBe(text);
    expect(() => withRuleTable('no markers here', render(rules))).toThrow(/no generated rule table/);
  });
});
