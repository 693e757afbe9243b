/**
 * JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one <testsuite> per capture,
 * one <testcase> per expectation, <failure> with expected vs actual. Layout as the de-facto
 * Ant/Surefire schema that those tools read.
 */
import type { CaptureCheck } from './run.js';

/** XML 1.0 text and attribute escaping; characters XML 1.0 cannot carry at all become U+FFFD. */
export function escapeXml(value: string): string {
  return value
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const attr = (name: string, value: string | number): string => ` ${name}="${escapeXml(String(value))}"`;

export function junitXml(checks: CaptureCheck[], suiteName = 'pxe-doctor check'): string {
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const suites: string[] = [];
  for (const c of checks) {
    const cls = c.name;
    const cases: string[] = [];
    let failures = 0;
    let errors = 0;
    let skipped = 0;
    if (c.error !== undefined) {
      errors = 1;
      cases.push(`    <testcase${attr('classname', cls)}${attr('name', 'analyze and load expectations')}${attr('time', 0)}>\n      <error${attr('message', c.error)}${attr('type', 'error')}/>\n    </testcase>`);
    } else if (c.results === undefined) {
      skipped = 1;
      cases.push(`    <testcase${attr('classname', cls)}${attr('name', 'expectations')}${attr('time', 0)}>\n      <skipped${attr('message', 'no expectations file')}/>\n    </testcase>`);
    } else {
      for (const r of c.results) {
        const name = `${r.scope}: ${r.name}`;
        if (r.passed) cases.push(`    <testcase${attr('classname', cls)}${attr('name', name)}${attr('time', 0)}/>`);
        else {
          failures++;
          cases.push(
            `    <testcase${attr('classname', cls)}${attr('name', name)}${attr('time', 0)}>\n      <failure${attr('message', r.reason)}${attr('type', 'expectation')}>${escapeXml(`${name}\n${r.reason}`)}</failure>\n    </testcase>`,
          );
        }
      }
    }
    const tests = cases.length;
    const time = (c.seconds ?? 0).toFixed(3);
    total.tests += tests;
    total.failures += failures;
    total.errors += errors;
    total.skipped += skipped;
    total.time += c.seconds ?? 0;
    const props = c.expectationsFile ? `    <properties>\n      <property${attr('name', 'expectations')}${attr('value', c.expectationsFile)}/>\n    </properties>\n` : '';
    suites.push(
      `  <testsuite${attr('name', c.name)}${attr('tests', tests)}${attr('failures', failures)}${attr('errors', errors)}${attr('skipped', skipped)}${attr('time', time)}>\n${props}${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', suiteName)}${attr('tests', total.tests)}${attr('failures', total.failures)}${attr('errors', total.errors)}${attr('skipped', total.skipped)}${attr('time', total.time.toFixed(3))}>\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
