/** Markdown tables and number formats shared by the lab report's sections. */
import type { Scenario } from '../scenarios/index.js';
import type { Detection } from './aggregate.js';
import type { LabResults } from './report.js';

export const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
export const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
export const num = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits));
export const det = (d: Detection, never: number, seeds: number) =>
  d === null ? 'n/a' : `${d === 'never' ? 'never' : d}${never > 0 ? ` (${never}/${seeds} never)` : ''}`;

/** One scenario's table rows (markdown). */
export function scenarioTable(
  results: LabResults,
  scenario: Scenario,
  figures: LabResults['figures'] = results.figures,
  seeds = results.seeds.length,
): string[] {
  const rows = [
    '| strategy | p50 | p95 | p99 | errors | 1st-attempt errors | $ / 1k calls | utility ± s.e. | regret | leave (requests) | return (s) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const name of results.strategies) {
    const f = figures.get(scenario.name)?.get(name);
    if (f === undefined) continue;
    rows.push(
      `| ${name} | ${ms(f.p50Ms)} | ${ms(f.p95Ms)} | ${ms(f.p99Ms)} | ${pct(f.errorRate)} | ${pct(f.firstAttemptErrorRate)} | ${f.costPer1k.toFixed(2)} | ${f.utility.toFixed(3)} ± ${f.utilityStdErr.toFixed(3)} | ${num(f.regret)} | ${det(f.leaveRequests, f.neverLeft, seeds)} | ${det(f.returnSeconds, f.neverReturned, seeds)} |`,
    );
  }
  return rows;
}

/** Which regret a table shows. */
export type RegretKind = 'regret' | 'regretAfterWarmUp';

/** Regret of every strategy in each of `list`'s scenarios (markdown). */
export function regretTable(
  results: LabResults,
  list: readonly Scenario[],
  kind: RegretKind = 'regret',
  figures: LabResults['figures'] = results.figures,
): string[] {
  const header = `| strategy | ${list.map((s) => s.name).join(' | ')} | mean |`;
  const rows = [header, `|---|${list.map(() => '--:').join('|')}|--:|`];
  for (const name of results.strategies) {
    const values = list.map((s) => figures.get(s.name)?.get(name)?.[kind] ?? null);
    const known = values.filter((v): v is number => v !== null);
    const avg = known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
    rows.push(`| ${name} | ${values.map((v) => num(v)).join(' | ')} | ${num(avg)} |`);
  }
  return rows;
}
