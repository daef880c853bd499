/** The HTML usage report, from a ledger fed by a real Router on a virtual clock. */
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../src/index.js';
import { UsageLedger } from '../ledger.js';
import { escapeHtml, formatCount, formatPercent, formatSlot, formatUsd, niceStep } from './format.js';
import { renderUsageReport } from './render-report.js';
import { autoStep } from './report-data.js';
import { EVIL, MIN, recorded, recordedReport, SERIES_PER_CHART, START } from './report-fixture.js';

describe('renderUsageReport', () => {
  it('renders every chart with its series, and the figures of the ledger', async () => {
    const { ledger, html } = await recordedReport();
    const charts = Object.fromEntries(
      [...html.matchAll(/<svg class="chart" data-chart="([^"]+)" data-series="(\d+)"/g)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
    expect(charts).toEqual(SERIES_PER_CHART);
    // Each chart draws as many series groups as it says.
    for (const svg of html.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? []) {
      const declared = Number(/data-series="(\d+)"/.exec(svg)?.[1]);
      expect((svg.match(/<g class="series"/g) ?? []).length).toBe(declared);
    }
    const total = ledger.query({})[0]!;
    expect(total.calls).toBe(20);
    expect(html).toContain(`<div class="value">${formatCount(total.calls)}</div>`);
    expect(html).toContain(`<div class="value">${formatUsd(total.costUsd)}</div>`);
    expect(html).toContain(`<div class="value">${formatPercent(total.availability)}</div>`);
    // 15 one-minute slots; each minute's two calls are in the bars (one tooltip per segment).
    expect(html.match(/· successful: /g)?.length).toBe(10);
    expect(html).toContain('server: 1 of 2 calls');
    // The p95 objective is drawn, and the SLA tables have a row per target and per alias.
    expect(html).toContain('p95 objective 500 ms');
    expect(html.match(/<table class="sla">/g)?.length).toBe(2);
    expect(html).toMatch(/<th scope="row">fast<\/th>/);
  });

  it('escapes every recorded name: a target, model, alias and tag called <script> stay text', async () => {
    const { ledger, clock } = await recorded();
    const html = renderUsageReport(ledger, {
      until: clock.now(),
      windowMs: 15 * MIN,
      title: `Usage ${EVIL}`,
    });
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<[^>]*alert\(/);
    const escaped = escapeHtml(EVIL);
    expect(escaped).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    for (const name of [EVIL, `${EVIL}-model`, `${EVIL}-alias`, `${EVIL}-tag`]) {
      expect(html, name).toContain(escapeHtml(name));
    }
    expect(html).toContain(`<title>Usage ${escaped}</title>`);
  });

  it('is self-contained: no script, no external resource, a CSP that forbids fetching', async () => {
    const { ledger, clock } = await recorded();
    const html = renderUsageReport(ledger, { until: clock.now() });
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|@import|url\(/i);
    // The only URL is the SVG namespace, which is never fetched.
    expect([...new Set(html.match(/https?:\/\/[^\s"']+/g))]).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('shows placeholders for an empty window, and leaves out dimensions the ledger does not record', async () => {
    const empty = renderUsageReport(new UsageLedger(), { until: START });
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('No calls in this window');
    const { ledger, clock } = await recorded({ dimensions: ['target'] });
    const html = renderUsageReport(ledger, { until: clock.now() });
    expect(html).toContain('data-chart="latency-by-target"');
    expect(html).not.toMatch(/data-chart="(cost-by-model|cost-by-alias|cost-by-tag|tokens-by-model)"/);
    expect(html.match(/<table class="sla">/g)?.length).toBe(1);
  });

  it('rejects bad options with a config error naming the field', () => {
    const ledger = new UsageLedger();
    const bad: Array<[Parameters<typeof renderUsageReport>[1], RegExp]> = [
      [{ windowMs: -1 }, /windowMs: expected a positive number/],
      [{ stepMs: 1.5 }, /stepMs: expected a whole number/],
      [{ windowMs: 86_400_000, stepMs: 1_000 }, /stepMs: gives 86400 slots/],
      [{ until: Number.NaN }, /until: expected a finite number/],
      [{ timeZone: 'Mars/Olympus' }, /timeZone: unknown time zone "Mars\/Olympus"/],
      [{ objective: { availability: 2 } }, /sla\.objective\.availability/],
    ];
    for (const [options, message] of bad) {
      let error: unknown;
      try {
        renderUsageReport(ledger, options);
      } catch (e) {
        error = e;
      }
      expect(error, message.source).toBeInstanceOf(SwitchyardError);
      expect((error as SwitchyardError).kind).toBe('config');
      expect((error as SwitchyardError).message).toMatch(message);
    }
  });

  it('picks round time slots, nice axis steps and readable units', () => {
    expect(autoStep(3_600_000)).toBe(MIN);
    expect(autoStep(6 * 3_600_000)).toBe(5 * MIN);
    expect(autoStep(7 * 86_400_000)).toBe(3 * 3_600_000);
    expect(autoStep(90 * 86_400_000)).toBe(2 * 86_400_000);
    expect(formatSlot(MIN)).toBe('1-minute');
    expect(formatSlot(3_600_000)).toBe('1-hour');
    expect([niceStep(60), niceStep(7), niceStep(1_000_000), niceStep(0)]).toEqual([20, 2, 250_000, 1]);
    expect([formatUsd(0), formatUsd(0.004213), formatUsd(12.345), formatUsd(1234)]).toEqual([
      '$0',
      '$0.0042',
      '$12.35',
      '$1,234',
    ]);
    expect([formatCount(950), formatCount(12_345), formatCount(4_500_000)]).toEqual(['950', '12.3k', '4.5M']);
  });
});
