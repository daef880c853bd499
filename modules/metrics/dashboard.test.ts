/**
 * The Grafana dashboard (docs/grafana/switchyard.json) without a Prometheus: its structure, and
 * every metric it reads is one `collectMetrics` exports. The real-server check of every
 * expression is dashboard.prometheus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import {
  allPanels,
  type Dashboard,
  dashboardQueries,
  loadDashboard,
  metricNames,
  substitute,
} from './dashboard-queries.js';
import { collectMetrics } from './index.js';

const dashboard = loadDashboard();

/** The names a scrape can have: each metric's, plus `_bucket`/`_sum`/`_count` for histograms. */
async function exported(): Promise<{ names: Set<string>; metrics: string[] }> {
  const router = new Router({ targets: [{ id: 't', adapter: new MockAdapter([]), model: 'm' }] });
  const collector = collectMetrics(router);
  try {
    const metrics = await collector.registry.getMetricsAsJSON();
    const names = new Set<string>();
    for (const m of metrics) {
      names.add(m.name);
      if (String(m.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    }
    return { names, metrics: metrics.map((m) => m.name) };
  } finally {
    collector.close();
    await router.close();
  }
}

describe('Grafana dashboard', () => {
  it('is an importable dashboard: a uid, unique panel ids, positions, a Prometheus datasource variable', () => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    const panels = allPanels(dashboard);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.gridPos, p.title).toBeDefined();
      expect((p.gridPos?.x ?? 0) + (p.gridPos?.w ?? 0), p.title).toBeLessThanOrEqual(24);
    }
    const variables = dashboard.templating.list;
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    expect(variables.filter((v) => v.type === 'query').map((v) => v.name)).toEqual(['target', 'alias']);
    for (const p of panels.filter((p) => (p.targets ?? []).length > 0)) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '$' + '{datasource}' });
    }
  });

  it('has the rows of the issue, budgets last', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual([
      'Traffic',
      'Latency',
      'Errors by kind',
      'Retries and fallbacks',
      'Target health',
      'Tokens and cost',
      'Budgets',
    ]);
    const budgets = dashboard.panels.slice(dashboard.panels.findIndex((p) => p.title === 'Budgets') + 1);
    expect(budgets.map((p) => p.title)).toEqual([
      'Budget used (share of limit)',
      'Budget spend and reservations',
      'Calls refused by budgets',
    ]);
  });

  it('reads only metrics that collectMetrics exports, and every one of them', async () => {
    const { names, metrics } = await exported();
    expect(metrics.length).toBeGreaterThanOrEqual(12);
    const used = new Set(dashboardQueries(dashboard).flatMap((q) => metricNames(q.promql)));
    expect([...used].filter((name) => !names.has(name))).toEqual([]);
    // Every exported metric has a panel (a histogram through its buckets).
    expect(metrics.filter((m) => !used.has(m) && !used.has(`${m}_bucket`))).toEqual([]);
  });

  it('every expression parses its variables: the latency panels read the histograms with rate', () => {
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(30);
    for (const q of queries) expect(q.promql, q.where).not.toContain('$');
    const quantiles = queries.filter((q) => q.promql.startsWith('histogram_quantile('));
    expect(new Set(quantiles.map((q) => q.promql.match(/^histogram_quantile\(([\d.]+)/)?.[1]))).toEqual(
      new Set(['0.5', '0.95', '0.99']),
    );
    for (const q of quantiles)
      expect(q.promql, q.where).toMatch(/sum by \(le[,)].*rate\(switchyard_\w+_bucket/);
  });

  it('substitutes template variables by a match-all regex and refuses an unknown one', () => {
    expect(
      substitute(dashboard, 'rate(x{target=~"$target", alias=~"$' + '{alias}"}[$__rate_interval])'),
    ).toBe('rate(x{target=~".*", alias=~".*"}[1m])');
    expect(() => substitute(dashboard, 'x{target=~"$tagret"}')).toThrow(/unknown variable \$tagret/);
    const broken: Dashboard = {
      ...dashboard,
      panels: [...dashboard.panels, { type: 'timeseries', title: 'empty', targets: [{ refId: 'A' }] }],
    };
    expect(() => dashboardQueries(broken)).toThrow(/empty \[A\]: a target without a PromQL expr/);
  });
});
