/**
 * Test support (not exported by the module): reads the PromQL of a Grafana dashboard
 * (docs/grafana/switchyard.json) so that tests can check each expression: every panel target's
 * `expr` (rows' nested panels included) and every `label_values(...)` variable query, with
 * Grafana's variables replaced by values Prometheus accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of Grafana's dashboard JSON model the tests read. */
export interface DashboardPanel {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: ReadonlyArray<{ readonly refId?: string; readonly expr?: string }>;
  readonly panels?: readonly DashboardPanel[];
  readonly gridPos?: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

/** A dashboard: panels and template variables. */
export interface Dashboard {
  readonly title: string;
  readonly uid: string;
  readonly panels: readonly DashboardPanel[];
  readonly templating: {
    readonly list: ReadonlyArray<{
      readonly name: string;
      readonly type: string;
      readonly query?: string | { readonly query?: string };
      readonly allValue?: string;
    }>;
  };
}

/** One PromQL expression of a dashboard, before and after substitution. */
export interface DashboardQuery {
  /** Where it is: `panel title [refId]` or `variable name`. */
  readonly where: string;
  /** As written in the dashboard. */
  readonly expr: string;
  /** With variables replaced: what is sent to Prometheus. */
  readonly promql: string;
}

/** Path of the committed dashboard. */
export const DASHBOARD_PATH = join(import.meta.dirname, '..', '..', 'docs', 'grafana', 'switchyard.json');

/** Reads and parses the committed dashboard. */
export function loadDashboard(path: string = DASHBOARD_PATH): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested (collapsed) panels included, in order. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/**
 * Grafana's built-in range variables, replaced by fixed ranges that cover a short test run
 * scraped every second (`$__rate_interval` must hold several scrapes).
 */
export const BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '10m',
  __range_s: '600',
  __range_ms: '600000',
  __interval_ms: '15000',
};

/** `$name`, `${name}` and `${name:format}`. */
const VARIABLE = /\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g;

/**
 * `expr` with every variable replaced: template variables of `dashboard` by a regex that
 * matches every value (`.*`, so `label=~"$target"` selects all), built-ins by
 * {@link BUILTIN_VALUES}.
 * @throws {Error} naming a variable the dashboard does not define.
 */
export function substitute(dashboard: Dashboard, expr: string): string {
  const defined = new Map(dashboard.templating.list.map((v) => [v.name, v.allValue ?? '.*']));
  return expr.replace(VARIABLE, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = BUILTIN_VALUES[name] ?? (defined.has(name) ? '.*' : undefined);
    if (value === undefined) throw new Error(`unknown variable $${name} in ${expr}`);
    return value;
  });
}

/** `label_values(metric, label)` of a variable query, as an instant query with that label. */
const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$/;

/**
 * Every PromQL expression of `dashboard`: each panel target's `expr` and each
 * `label_values(metric, label)` variable (as `count by (label) (metric)`, which returns data
 * when the metric has that label).
 * @throws {Error} when a panel target has no `expr` or a query variable is not `label_values`.
 */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const found: DashboardQuery[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      const where = `${panel.title ?? `panel ${panel.id}`} [${target.refId ?? '?'}]`;
      if (typeof target.expr !== 'string' || target.expr.trim() === '') {
        throw new Error(`${where}: a target without a PromQL expr`);
      }
      found.push({ where, expr: target.expr, promql: substitute(dashboard, target.expr) });
    }
  }
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    const text = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    const m = LABEL_VALUES.exec(text);
    if (m === null)
      throw new Error(`variable ${variable.name}: expected label_values(metric, label), got ${text}`);
    const [, metric, label] = m;
    found.push({
      where: `variable ${variable.name}`,
      expr: text,
      promql: `count by (${label}) (${substitute(dashboard, metric as string)}{${label}!=""})`,
    });
  }
  return found;
}

/** The metric names (`switchyard_…`) an expression reads. */
export function metricNames(promql: string): string[] {
  return [...new Set(promql.match(/\bswitchyard_[a-zA-Z0-9_]+/g) ?? [])];
}
