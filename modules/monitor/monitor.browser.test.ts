/**
 * The monitor in a real browser: headless Chromium (playwright-core, a dev dependency) opens the
 * page; it must show every target, turn an ejected target red within 2 s, show a firing alert,
 * say it is disconnected while the server is down and recover when it is back on the same port.
 * Skipped only when /usr/bin/chromium (or CHROMIUM_PATH) is missing outside CI; in CI it fails.
 * With MONITOR_SCREENSHOT=<path> it also writes a screenshot (docs/monitor.png comes from it).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { chromiumPresent, launchChromium } from '../../test/helpers/chromium.js';
import { AlertManager } from '../alerts/index.js';
import { createMonitor, type Monitor } from './index.js';

const present = chromiumPresent('monitor/monitor.browser.test.ts');

const TOKEN = 'browser-test-token-0123456789';

describe.skipIf(!present)('the monitor page in headless Chromium', () => {
  let browser: Browser;
  let monitor: Monitor;
  let router: Router;
  let alerts: AlertManager;
  let failing = false;
  let traffic = true;
  let loop: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    const ok = (text: string, delayMs: number) => () => ({
      text,
      delayMs,
      usage: { inputTokens: 20, outputTokens: 40 },
    });
    router = new Router({
      targets: [
        {
          id: 'openai-mini',
          model: 'm',
          aliases: ['chat'],
          adapter: new MockAdapter(ok('a', 15)),
          price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
        },
        {
          id: 'haiku',
          model: 'm',
          aliases: ['chat'],
          adapter: new MockAdapter(ok('b', 30)),
          price: { inputPerMTok: 1, outputPerMTok: 5 },
        },
        {
          id: 'flaky',
          model: 'm',
          aliases: ['chat'],
          adapter: new MockAdapter(() => (failing ? { error: { status: 503 } } : { text: 'c', delayMs: 20 })),
          price: { inputPerMTok: 0.5, outputPerMTok: 1.5 },
        },
      ],
      strategy: 'round-robin',
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      breaker: { failureThreshold: 3, cooldownMs: 60_000 },
      budgets: [{ id: 'daily', period: 'day', limitUsd: 1 }],
    });
    alerts = new AlertManager({
      rules: [{ name: 'target-ejected', type: 'target_ejected', severity: 'critical' }],
      intervalMs: 200,
      groupWindowMs: 200,
    });
    alerts.attach(router);
    monitor = await createMonitor(router, { port: 0, token: TOKEN, alerts });
    loop = (async () => {
      while (traffic) {
        await router
          .complete({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    traffic = false;
    await loop;
    await browser?.close();
    await monitor?.close();
    await alerts?.close();
    await router?.close();
  });

  it('shows every target, turns an ejected one red within 2 s, shows the alert, and recovers after a restart', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith(monitor.baseUrl.replace('http', 'ws')) && !r.url().startsWith(monitor.baseUrl))
        foreign.push(r.url());
    });
    await page.goto(monitor.url);
    await page.waitForSelector('body[data-connection=connected]', { timeout: 5_000 });
    await page.waitForSelector('tr[data-target="flaky"]', { timeout: 5_000 });
    const ids = await page.$$eval('tr[data-target]', (rows) =>
      rows.map((r) => r.getAttribute('data-target')),
    );
    expect(ids).toEqual(['openai-mini', 'haiku', 'flaky']);
    expect(await page.getAttribute('tr[data-target="flaky"]', 'data-state')).toBe('closed');

    // Eject flaky: the row turns red within 2 s of the router's event.
    let ejectedAt = 0;
    router.once('target:ejected', () => {
      ejectedAt = Date.now();
    });
    failing = true;
    await page.waitForSelector('tr[data-target="flaky"][data-state="open"]', { timeout: 10_000 });
    const redAfterMs = Date.now() - ejectedAt;
    expect(ejectedAt).toBeGreaterThan(0);
    expect(redAfterMs).toBeLessThan(2_000);
    const colour = await page.$eval(
      'tr[data-target="flaky"] .dot',
      (d) => getComputedStyle(d).backgroundColor,
    );
    expect(colour).toBe('rgb(220, 38, 38)');
    const healthy = await page.$eval(
      'tr[data-target="haiku"] .dot',
      (d) => getComputedStyle(d).backgroundColor,
    );
    expect(healthy).toBe('rgb(22, 163, 74)');

    // The alert manager fires the critical; the page lists it.
    await page.waitForSelector('#alerts li.alert.critical[data-state="firing"][data-rule="target-ejected"]', {
      timeout: 5_000,
    });
    await page.waitForSelector('#events li[data-type="target:ejected"]', { timeout: 2_000 });
    // Sparklines have points once a couple of snapshots came.
    await page.waitForFunction(
      () => document.querySelectorAll('tr[data-target="haiku"] svg.spark polyline').length === 3,
    );
    if (process.env.MONITOR_SCREENSHOT)
      await page.screenshot({ path: process.env.MONITOR_SCREENSHOT, fullPage: true });

    // Restart: the page says it is disconnected, then reconnects to the new server on the same port.
    const port = Number(new URL(monitor.baseUrl).port);
    await monitor.close();
    await page.waitForSelector('body[data-connection=disconnected]', { timeout: 3_000 });
    expect(await page.textContent('#status')).toContain('disconnected');
    monitor = await createMonitor(router, { port, token: TOKEN, alerts });
    await page.waitForSelector('body[data-connection=connected]', { timeout: 5_000 });
    await page.waitForSelector('tr[data-target="flaky"][data-state="open"]', { timeout: 3_000 });
    expect(await page.$$eval('tr[data-target]', (rows) => rows.length)).toBe(3);

    expect(foreign).toEqual([]);
    // The refused connections while the server was down are the only console errors allowed.
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
    await page.close();
  }, 40_000);
});
