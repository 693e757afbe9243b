import { describe, it, expect } from 'vitest';
import { junitXml, escapeXml } from '../../src/check/junit.js';
import type { CaptureCheck } from '../../src/check/run.js';

const checks: CaptureCheck[] = [
  {
    name: 'ok-bios.pcap',
    expectationsFile: 'ok-bios.expect.yaml',
    seconds: 0.25,
    results: [
      { scope: 'client 52:54:00:be:00:01', name: 'ok is true', passed: true, reason: 'expected ok true, got true' },
      { scope: 'capture', name: 'has no finding above warning', passed: false, reason: 'expected nothing above warning, got <no-boot-file> & "x" (error)' },
    ],
  },
  { name: 'other.pcap' },
  { name: 'broken\u0001.pcap', expectationsFile: 'broken.expect.yaml', error: 'broken.expect.yaml:3: unknown key "okk"' },
];

describe('junitXml', () => {
  const xml = junitXml(checks);

  it('has one testsuite per capture and one testcase per expectation, with totals', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pxe-doctor check" tests="4" failures="1" errors="1" skipped="1"')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('<testsuite name="ok-bios.pcap" tests="2" failures="1" errors="0" skipped="0" time="0.250">');
    expect(xml).toContain('<testcase classname="ok-bios.pcap" name="client 52:54:00:be:00:01: ok is true" time="0"/>');
    expect(xml).toContain('<skipped message="no expectations file"/>');
    expect(xml).toContain('<error message="broken.expect.yaml:3: unknown key &quot;okk&quot;" type="error"/>');
  });

  it('escapes markup and drops characters XML 1.0 cannot hold', () => {
    expect(xml).toContain('<failure message="expected nothing above warning, got &lt;no-boot-file&gt; &amp; &quot;x&quot; (error)" type="expectation">');
    expect(xml).toContain('name="broken\ufffd.pcap"');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(escapeXml("a'b\ud800c")).toBe('a&apos;b\ufffdc');
  });
});
