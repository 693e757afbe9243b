import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { launchChromium, SKIP_BROWSER, type Browser } from '../report/chromium.js';

/** JUnit XML from `check DIR --junit`, parsed back by a real XML parser (Chromium's DOMParser). */
describe.skipIf(SKIP_BROWSER)('check --junit output is well-formed XML', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pxg-junit-'));
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('parses back with one testsuite per capture and one testcase per expectation', async () => {
    const captures = path.join(ROOT, 'fixtures/captures');
    // Names and messages with characters XML must escape, and one with a control character.
    copyFileSync(path.join(captures, 'fail-no-bootfile.pcap'), path.join(tmp, 'a <&> "quoted".pcap'));
    writeFileSync(path.join(tmp, 'a <&> "quoted".expect.yaml'), 'clients:\n  "52:54:00:be:00:01":\n    ok: true\n    findings: [no-boot-file]\n');
    copyFileSync(path.join(captures, 'fail-tftp-file-not-found.pcap'), path.join(tmp, 'b\u0001.pcap'));
    writeFileSync(path.join(tmp, 'b\u0001.expect.yaml'), 'capture-wide:\n  clientCount: 1\n  maxSeverity: warning\n');
    copyFileSync(path.join(captures, 'ok-bios-proxydhcp.pcap'), path.join(tmp, 'c.pcap'));
    const out = path.join(tmp, 'junit.xml');
    const r = runCli(['check', tmp, '--junit', out]);
    expect(r.code).toBe(1);
    const xml = readFileSync(out, 'utf8');

    const page = await browser.context.newPage();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      const root = doc.documentElement;
      return {
        error: error ? error.textContent : null,
        root: root.nodeName,
        totals: ['tests', 'failures', 'errors', 'skipped'].map((a) => root.getAttribute(a)),
        suites: [...doc.getElementsByTagName('testsuite')].map((s) => ({
          name: s.getAttribute('name'),
          tests: s.getAttribute('tests'),
          cases: [...s.getElementsByTagName('testcase')].map((c) => ({
            name: c.getAttribute('name'),
            failure: c.getElementsByTagName('failure')[0]?.getAttribute('message') ?? null,
            skipped: c.getElementsByTagName('skipped').length > 0,
          })),
        })),
      };
    }, xml);
    await page.close();

    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('testsuites');
    expect(parsed.totals).toEqual(['5', '2', '0', '1']);
    expect(parsed.suites.map((s) => s.name)).toEqual(['a <&> "quoted".pcap', 'b\ufffd.pcap', 'c.pcap']);
    expect(parsed.suites[0]!.cases).toEqual([
      { name: 'client 52:54:00:be:00:01: ok is true', failure: 'expected ok true, got false (FAILED at bound: no-boot-file)', skipped: false },
      { name: 'client 52:54:00:be:00:01: has finding no-boot-file', failure: null, skipped: false },
    ]);
    expect(parsed.suites[1]!.cases.map((c) => c.name)).toEqual(['capture: has 1 client', 'capture: has no finding above warning']);
    expect(parsed.suites[1]!.cases[0]!.failure).toBeNull();
    expect(parsed.suites[1]!.cases[1]!.failure).toMatch(/^expected nothing above warning, got .*tftp-file-not-found \(error\)/);
    expect(parsed.suites[2]!.cases).toEqual([{ name: 'expectations', failure: null, skipped: true }]);
  }, 60_000);
});
