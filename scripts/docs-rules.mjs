#!/usr/bin/env node
/**
 * Writes the rule tables of README.md, docs/analyze.md and docs/ipv6-http-bsdp.md from each rule's
 * `meta` (src/diagnose/rules/*.ts), between the markers of src/diagnose/rules-doc.ts. Reads tsc's
 * output: `npm run docs:rules` compiles first. test/diagnose/rules-doc.test.ts checks the result.
 *
 *   npm run docs:rules
 */
import fs from 'node:fs';
import path from 'node:path';
import { rules } from '../dist/diagnose/rules/index.js';
import { RULE_DOC_FILES, withRuleTable } from '../dist/diagnose/rules-doc.js';

const repo = path.resolve(import.meta.dirname, '..');
for (const { file, render } of RULE_DOC_FILES) {
  const full = path.join(repo, file);
  const before = fs.readFileSync(full, 'utf8');
  const after = withRuleTable(before, render(rules), file);
  if (after !== before) {
    fs.writeFileSync(full, after);
    process.stdout.write(`${file}: rule table rewritten\n`);
  } else process.stdout.write(`${file}: up to date\n`);
}
