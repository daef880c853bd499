/**
 * The usage report in a real browser: headless Chromium (playwright-core, a dev dependency)
 * loads the page from a loopback server; every chart must render at a non-zero size with the
 * series it declares, with no console error and no request but the page itself.
 * Skipped only when /usr/bin/chromium (or CHROMIUM_PATH) is missing outside CI; in CI it fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, launchChromium } from '../../../test/helpers/chromium.js';
import { EVIL, recordedReport, SERIES_PER_CHART } from './report-fixture.js';

const present = chromiumPresent('usage/report/render-report.browser.test.ts');

/** What the page reports about each chart. */
interface ChartInfo {
  name: string;
  declared: number;
  series: number;
  width: number;
  height: number;
  /** Series groups with at least one shape of non-zero size. */
  drawn: number;
}

describe.skipIf(!present)('the usage report in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const { html } = await recordedReport();
    server = createServer((req, res) => {
      if (req.url === '/report.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('renders every chart with its series, without console errors or outside requests', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const groups = Array.from(svg.querySelectorAll('g.series'));
        return {
          name: svg.getAttribute('data-chart') ?? '',
          declared: Number(svg.getAttribute('data-series')),
          series: groups.length,
          width: box.width,
          height: box.height,
          drawn: groups.filter((g) =>
            Array.from(g.querySelectorAll('rect, path, circle')).some((shape) => {
              const b = shape.getBoundingClientRect();
              return b.width > 0 && b.height > 0;
            }),
          ).length,
        };
      }),
    );
    expect(Object.fromEntries(charts.map((c: ChartInfo) => [c.name, c.series]))).toEqual(SERIES_PER_CHART);
    for (const c of charts) {
      expect(c.width, c.name).toBeGreaterThan(300);
      expect(c.height, c.name).toBeGreaterThan(60);
      expect(c.drawn, c.name).toBe(c.declared);
      expect(c.series, c.name).toBe(c.declared);
    }
    // The SLA tables and headline figures are laid out too.
    expect(await page.locator('table.sla tbody tr').count()).toBe(4);
    expect(await page.locator('.kpi').count()).toBe(6);

    // The hostile name is text on the page, never a script.
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
    expect(await page.getByText(EVIL, { exact: true }).count()).toBeGreaterThan(0);

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  }, 30_000);
});
