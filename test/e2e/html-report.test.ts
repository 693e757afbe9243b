import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { launchChromium, SKIP_BROWSER, type Browser } from '../report/chromium.js';
import type { AnalysisJson } from '../../src/report/schema.js';

const CAPTURES = path.join(ROOT, 'fixtures/captures');
const HAVE_MERGECAP = spawnSync('mergecap', ['-v']).status === 0;

/**
 * `analyze --html` opened in a real browser: each client's ladder is drawn with an arrow per
 * message, and the page makes no request but for the file itself (it must work air-gapped).
 */
describe.skipIf(SKIP_BROWSER)('analyze --html in headless Chromium', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pxg-html-'));
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function openReport(capture: string, screenshot?: string) {
    const html = path.join(tmp, `${path.basename(capture)}.html`);
    const r = runCli(['analyze', capture, '--html', html, '--fail-on', 'never']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = runCli(['analyze', capture, '--json', '--fail-on', 'never']);
    const analysis = JSON.parse(json.stdout) as AnalysisJson;
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const url = pathToFileURL(html).href;
    await page.goto(url, { waitUntil: 'load' });
    const drawn = await page.evaluate(() =>
      [...document.querySelectorAll('svg.ladder')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const arrows = [...svg.querySelectorAll('g.arrow')];
        return {
          client: svg.getAttribute('data-client'),
          width: box.width,
          height: box.height,
          arrows: arrows.length,
          frames: arrows.flatMap((g) => (g.getAttribute('data-frames') ?? '').split(' ').map(Number)),
          // An arrow is drawn when its line has a real length on screen.
          drawnArrows: arrows.filter((g) => (g.querySelector('line')?.getBoundingClientRect().width ?? 0) > 20).length,
          marks: [...svg.querySelectorAll('g.mark')].map((m) => m.getAttribute('data-finding')),
        };
      }),
    );
    const summaryRows = await page.locator('ul.cards li.card').count();
    if (screenshot) {
      mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    await page.close();
    return { url, requests, drawn, summaryRows, analysis };
  }

  // mergecap comes with tshark (wireshark-common), which .ci/run installs.
  it.skipIf(!HAVE_MERGECAP && !process.env.CI)('draws a ladder for every client of a two-client capture and fetches nothing', async () => {
    // Two lab boots in one file: a BIOS client whose boot file is missing and a UEFI client given a BIOS file.
    const merged = path.join(tmp, 'two clients <&>.pcap');
    const m = spawnSync('mergecap', ['-F', 'pcap', '-w', merged, path.join(CAPTURES, 'fail-tftp-file-not-found.pcap'), path.join(CAPTURES, 'fail-uefi-gets-bios-file.pcap')]);
    expect(m.status).toBe(0);
    const { url, requests, drawn, summaryRows, analysis } = await openReport(merged, path.join(ROOT, 'test-results/report.png'));
    expect(requests).toEqual([url]);
    expect(analysis.clients.map((c) => c.mac).sort()).toEqual(['52:54:00:be:00:01', '52:54:00:ef:00:01']);
    expect(summaryRows).toBe(2);
    expect(drawn.map((d) => d.client)).toEqual(analysis.clients.map((c) => c.mac));
    for (const [i, c] of analysis.clients.entries()) {
      const d = drawn[i]!;
      expect(d.width).toBeGreaterThan(300);
      expect(d.height).toBeGreaterThan(100);
      // Every message of the client is on an arrow (identical repeats share one), and every arrow is drawn.
      expect([...d.frames].sort((x, y) => x - y)).toEqual(c.timeline.map((e) => e.frame).sort((x, y) => x - y));
      expect(d.arrows).toBeGreaterThan(3);
      expect(d.drawnArrows).toBe(d.arrows);
      expect(d.marks.sort()).toEqual(analysis.findings.filter((f) => f.client === c.mac).map((f) => f.id).sort());
    }
    expect(drawn.flatMap((d) => d.marks)).toEqual(expect.arrayContaining(['tftp-file-not-found', 'arch-bootfile-mismatch']));
    expect(existsSync(path.join(ROOT, 'test-results/report.png'))).toBe(true);
  }, 120_000);

  it('draws the public netboot capture (real PXE client, proxyDHCP) without any request', async () => {
    const capture = path.join(tmp, 'usec.pcap');
    copyFileSync(path.join(ROOT, 'fixtures/public/netboot/usec.pcap'), capture);
    const { url, requests, drawn, analysis } = await openReport(capture);
    expect(requests).toEqual([url]);
    expect(analysis.clients.length).toBeGreaterThan(0);
    expect(drawn).toHaveLength(analysis.clients.length);
    for (const [i, c] of analysis.clients.entries()) {
      expect(drawn[i]!.frames.length).toBe(c.timeline.length);
      expect(drawn[i]!.drawnArrows).toBe(drawn[i]!.arrows);
    }
  }, 120_000);

  it('writes a file that holds everything inline', () => {
    const html = readFileSync(path.join(tmp, 'usec.pcap.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it('reads at 400 px (no sideways page, tables as cards) and at 1400 px (timeline MACs on one line); multicast drawn to its group', async () => {
    const html = path.join(tmp, 'option60.html');
    expect(runCli(['analyze', path.join(CAPTURES, 'fail-option60-on-dhcp.pcap'), '--html', html, '--fail-on', 'never']).code).toBe(0);
    const page = await browser.context.newPage();
    try {
      for (const width of [400, 1400]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(pathToFileURL(html).href);
        mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
        await page.screenshot({ path: path.join(ROOT, `test-results/report-${width}.png`), fullPage: true });
        const facts = await page.evaluate(() => ({
          pageWidth: document.documentElement.scrollWidth,
          // Table cells whose text wraps inside a word (one letter per line): none.
          narrowCells: [...document.querySelectorAll('td, th')].filter((c) => (c as HTMLElement).offsetWidth > 0 && (c as HTMLElement).offsetWidth < 40 && (c.textContent ?? '').length > 4).length,
          macCells: [...document.querySelectorAll('table.timeline td.mac a')].map((a) => a.getClientRects().length),
          legend: document.querySelector('#legend')?.textContent ?? '',
          counts: document.querySelector('ul.counts')?.textContent ?? '',
          solicit: [...document.querySelectorAll('svg.ladder g.arrow.kind-dhcpv6-solicit')].map((g) => g.getAttribute('class')),
          columns: [...document.querySelectorAll('svg.ladder g.participant .addr')].map((t) => t.textContent),
        }));
        expect(facts.pageWidth, `page at ${width} px`).toBeLessThanOrEqual(width);
        expect(facts.narrowCells).toBe(0);
        expect(facts.macCells.every((n) => n === 1)).toBe(true);
        expect(facts.legend).toContain('broadcast');
        expect(facts.legend).toContain('multicast');
        expect(facts.counts).toContain('FAILED at bound: option60-on-dhcp-server');
        expect(facts.columns).toEqual(['52:54:00:ef:00:01', '192.0.2.1', 'ff02::1:2']);
        expect(facts.solicit).toEqual([expect.stringContaining('multicast')]);
      }
    } finally {
      await page.close();
    }
  }, 60_000);
});
