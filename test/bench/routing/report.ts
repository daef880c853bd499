/** Renders the lab's figures: the console table, `docs/routing-quality.md` and `.json`. */
import { DEFAULT_UTILITY_WEIGHTS } from '../../../src/index.js';
import type { HeldOutSet, Scenario } from '../scenarios/index.js';
import { type Figures, WARM_UP_MS } from './aggregate.js';
import type { WeightProfile } from './profiles.js';
import { profilesSection } from './report-profiles.js';
import { num, pct, regretTable, scenarioTable } from './report-tables.js';

/** Goals of the issue. */
export const GOALS = { leaveRequests: 20, returnSeconds: 30 } as const;

/** The LiteLLM baselines and the learners that issue #21's goals compare. */
export const LITELLM = ['litellm-latency-based', 'litellm-least-busy'] as const;
export const LEARNERS = ['adaptive', 'intelligent'] as const;
/** Issue #21: a learner must beat every baseline on at least this many of the 8 main scenarios. */
export const WINS_NEEDED = 7;

/** The figures of one weight profile (main scenarios; the balanced one has held-out ones too). */
export interface ProfileResults {
  readonly profile: WeightProfile;
  readonly seeds: readonly number[];
  /** scenario name → strategy → figures. */
  readonly figures: ReadonlyMap<string, ReadonlyMap<string, Figures>>;
}

/** Everything the report shows. */
export interface LabResults {
  readonly seeds: readonly number[];
  /** The main scenarios (the issue's eight), on which defaults were tuned. */
  readonly scenarios: readonly Scenario[];
  /** Held-out sets (only the scenarios that ran): reported apart, as a check on over-fitting. */
  readonly heldOut: readonly HeldOutSet[];
  readonly strategies: readonly string[];
  /** scenario name → strategy → figures (balanced weights). */
  readonly figures: ReadonlyMap<string, ReadonlyMap<string, Figures>>;
  /** Every weight profile that ran, in report order (the balanced one shares `figures`). */
  readonly profiles?: readonly ProfileResults[];
}

/** Where the report was produced (only in the .md, never in the .json). */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
}

/** The JSON report: figures only, no machine or timing data, so that it is byte-identical run to run. */
export function toJson(results: LabResults): string {
  const scenarios = jsonFigures(results, results.scenarios);
  const heldOutScenarios = jsonFigures(
    results,
    results.heldOut.flatMap((set) => set.scenarios),
  );
  const heldOutSets = Object.fromEntries(
    results.heldOut.map((set) => [set.label, set.scenarios.map((s) => s.name)]),
  );
  const profiles = Object.fromEntries(
    (results.profiles ?? []).map((p) => [
      p.profile.name,
      {
        utilityWeights: p.profile.weights,
        seeds: p.seeds,
        scenarios: jsonFigures(results, results.scenarios, p.figures),
      },
    ]),
  );
  return `${JSON.stringify({ seeds: results.seeds, utilityWeights: DEFAULT_UTILITY_WEIGHTS, scenarios, heldOutScenarios, heldOutSets, ...(results.profiles === undefined ? {} : { profiles }) }, null, 2)}\n`;
}

/** `{ <scenario>: { <strategy>: figures } }` for the JSON report. */
function jsonFigures(
  results: LabResults,
  list: readonly Scenario[],
  figures: LabResults['figures'] = results.figures,
): Record<string, Record<string, object>> {
  const scenarios: Record<string, Record<string, object>> = {};
  for (const s of list) {
    const byStrategy: Record<string, object> = {};
    for (const name of results.strategies) {
      const f = figures.get(s.name)?.get(name);
      if (f === undefined) continue;
      byStrategy[name] = {
        p50Ms: f.p50Ms,
        p95Ms: f.p95Ms,
        p99Ms: f.p99Ms,
        errorRate: f.errorRate,
        costPer1k: f.costPer1k,
        utility: f.utility,
        regret: f.regret,
        regretAfterWarmUp: f.regretAfterWarmUp,
        firstAttemptErrorRate: f.firstAttemptErrorRate,
        utilityStdErr: f.utilityStdErr,
        leaveRequests: f.leaveRequests,
        returnSeconds: f.returnSeconds,
      };
    }
    scenarios[s.name] = byStrategy;
  }
  return scenarios;
}

/** Goals and safety checks per strategy over `list`'s scenarios (markdown). */
function goalsTable(results: LabResults, list: readonly Scenario[]): string[] {
  const rows = [
    `| strategy | leaves within ${GOALS.leaveRequests} requests | returns within ${GOALS.returnSeconds} s | attempts on ejected targets | runs with a starved healthy target |`,
    '|---|---|---|--:|--:|',
  ];
  for (const name of results.strategies) {
    const leave: string[] = [];
    const back: string[] = [];
    let ejected = 0;
    let starved = 0;
    for (const s of list) {
      const f = results.figures.get(s.name)?.get(name);
      if (f === undefined) continue;
      ejected += f.attemptsWhileEjected;
      starved += f.starvedRuns;
      if (s.goals !== true) continue;
      if (f.leaveRequests !== null)
        leave.push(
          `${s.name} ${typeof f.leaveRequests === 'number' && f.leaveRequests <= GOALS.leaveRequests ? '✓' : '✗'}`,
        );
      if (f.returnSeconds !== null)
        back.push(
          `${s.name} ${typeof f.returnSeconds === 'number' && f.returnSeconds <= GOALS.returnSeconds ? '✓' : '✗'}`,
        );
    }
    rows.push(
      `| ${name} | ${leave.join(', ') || 'n/a'} | ${back.join(', ') || 'n/a'} | ${ejected} | ${starved} |`,
    );
  }
  return rows;
}

/** The markdown report. Deterministic for the same seeds on the same machine (no timings). */
export function toMarkdown(results: LabResults, machine: Machine): string {
  const w = DEFAULT_UTILITY_WEIGHTS;
  const seeds = results.seeds;
  const lines: string[] = [
    '# Routing quality',
    '',
    '<!-- Generated by `npm run bench:routing` (test/bench/routing/run.ts). Do not edit by hand. -->',
    '',
    'Every strategy below runs through the real `Router` (retries: 3 attempts, default circuit',
    "breaker, 60 s deadline; the LiteLLM baselines behind LiteLLM's cooldown instead, see below)",
    'against simulated providers on a virtual clock (`simulate()` from `switchyard-llm/lab`, see',
    `[simulation.md](simulation.md)). The figures are means over ${seeds.length} seeds (${seeds[0]}–${seeds.at(-1)}) under`,
    'the balanced (default) weights; the latency-first and cost-first profiles run the main',
    'scenarios with the seeds stated in their section. The same seeds give the same files.',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform}).`,
    '',
    '## Definitions',
    '',
    '- **Latency** is end to end: arrival to settlement, retries and backoff included; failed calls count at their time to failure. p50/p95/p99 are per-run percentiles (linear interpolation), averaged over seeds.',
    '- **errors**: calls that failed after all attempts. **1st-attempt errors**: calls whose first attempt failed.',
    '- **$ / 1k calls**: USD per 1,000 calls (failed attempts are not billed).',
    `- **utility** (higher is better) = −(latency s × ${w.latencyPerSecond} + failed × ${w.error} + cost USD × ${w.costPerUsd}) per call (\`utilityOf\` with \`DEFAULT_UTILITY_WEIGHTS\`, the same weights in every scenario), mean per call; ± is the standard error over seeds.`,
    '- **regret** = (oracle utility − strategy utility) ÷ (oracle utility − random utility): the share of the gap between uniform random picks and the oracle that the strategy leaves on the table. 0 = as good as the oracle, 1 = as bad as random, below 0 = better than the oracle (the oracle knows expectations, not the noise, and decides greedily one call at a time).',
    `- **regret after warm-up** (\`regretAfterWarmUp\` in the JSON): the same ratio over the calls that arrive after the first ${WARM_UP_MS / 1000} s (see below).`,
    "- **oracle**: a strategy that reads each simulated provider's true current state (phase, load, RPM window, price), sees each call as a router does (its prompt and `maxOutputTokens`, with the workload's true mean output for that cap, not the call's own output length) and picks the best expected utility, looking one failure ahead.",
    '- **leave (requests)**: attempts routed to the degraded provider from the start of the degradation until its share of the last 50 attempts (all providers) falls under 10%; median over seeds. "never" when that did not happen while it was degraded in most seeds.',
    "- **return (s)**: seconds from recovery until the provider's share of the last 50 attempts is back to half its share in the 60 s before the degradation; median over seeds. n/a when the scenario has no such event.",
    `- **Goals** (checked in ${results.scenarios
      .filter((s) => s.goals === true)
      .map((s) => s.name)
      .join(
        ' and ',
      )}, where leaving is right whatever the weights): traffic leaves within ${GOALS.leaveRequests} requests (median run); returns within ${GOALS.returnSeconds} simulated seconds of recovery (median run). In every scenario: no attempt on an ejected target; no healthy target starved (no attempt in the last quarter of the run although the router let strategies pick it for at least half of that quarter, i.e. not ejected nor blocked by a Retry-After; a greedy strategy that never explores shows up here).`,
    '',
    '## Strategies',
    '',
    `- Registered in \`Router.strategies\` (picked up automatically): ${results.strategies
      .filter((n) => !n.startsWith('litellm-') && n !== 'oracle')
      .map((n) => `\`${n}\``)
      .join(', ')}, with default options.`,
    "- `litellm-latency-based`: LiteLLM's `latency-based-routing` (`litellm/router_strategy/lowest_latency.py`) as LiteLLM ships it in 2026 (spec: BerriAI/litellm `tests/test_litellm/router_strategy/test_lowest_latency.py`, the version with `ttft_percentile`): a sliding window of the last 10 samples per deployment of response seconds ÷ completion tokens (raw seconds when there are none); streams rank on the raw time to first token (its own window, mean); a deployment without samples scores 0 (tried first); a 1000 s sample on a provider timeout only (an attempt that itself ran the 60 s timeout, not one cut short by the call deadline); random pick within `lowest_latency_buffer` (default 0) of the best.",
    "- `litellm-least-busy`: LiteLLM's `least-busy` (`litellm/router_strategy/least_busy.py`) as of 2026 (spec: `test_least_busy.py` at 2f2e0cf8 and `test_least_busy_clamp.py` at 20b638c7): its own in-flight counters (+1 before the call, −1 clamped at 0 after it), the fewest over the healthy deployments only, ties at random.",
    "- Both baselines run behind `litellm-router`, a re-implementation of LiteLLM's cooldown (`litellm/router_utils/cooldown_handlers.py`, 2026 defaults): a deployment cools down for 5 s on a 429, a 401 or 404, or when more than 50% of at least 5 requests to it in the current minute failed; cooled deployments are removed before the strategy runs; no probe. For them the Switchyard circuit breaker is off and retries do not back off (LiteLLM re-runs routing without a sleep). What stays Switchyard's: a retry never goes back to a target the call already tried, and a 429's Retry-After blocks its target. The older re-implementations (LiteLLM v1.51 to early 2026) remain as `litellm-latency-based-v1` and `litellm-least-busy-v1` in `test/bench/baselines/` with their unit tests; the report no longer runs them.",
    '- `oracle`: reads the true state of the simulated providers (see below). It needs no exploration, so it may leave a provider it knows to be worse without traffic ("starved" below).',
    '',
    ...profilesSection(results),
    '## Regret by scenario',
    '',
    'From here on: balanced (default) weights.',
    '',
    ...regretTable(results, results.scenarios),
    '',
    '## Goals and safety checks',
    '',
    ...goalsTable(results, results.scenarios),
    '',
    '## Regret after warm-up',
    '',
    `The same regret on the calls that arrive after the first ${WARM_UP_MS / 1000} s only (the oracle's and random's`,
    'over the same calls). Every learning strategy starts knowing nothing and the first outcomes',
    'arrive only after seconds, so in a run of three or four minutes its first minute weighs far',
    'more than in a router that runs for days; this is closer to what a long-running router',
    'leaves on the table. The degradations of slow-spike and outage start at 60 s, so they count',
    'here in full; a held-out scenario whose event comes earlier has it partly in the warm-up.',
    '',
    ...regretTable(results, results.scenarios, 'regretAfterWarmUp'),
    '',
    ...results.heldOut.flatMap((set) => [
      `Set ${set.label} (held out, see below):`,
      '',
      ...regretTable(results, set.scenarios, 'regretAfterWarmUp'),
      '',
    ]),
  ];
  if (results.heldOut.length > 0) {
    lines.push(
      '## Held-out scenarios',
      '',
      'Scenarios kept out of tuning, with other provider profiles, rates, request mixes and failure',
      'patterns than the main eight. A strategy whose lead here is much smaller than above has been',
      'fitted to the main scenarios. Leave and return are measured on the first degradation.',
      '',
    );
    for (const set of results.heldOut) {
      lines.push(
        `### Set ${set.label}`,
        '',
        set.history,
        '',
        ...regretTable(results, set.scenarios),
        '',
        ...goalsTable(results, set.scenarios),
        '',
      );
    }
  }
  const sections = [
    ...results.scenarios.map((s, i) => ({ s, label: `${i + 1}` })),
    ...results.heldOut.flatMap((set) => set.scenarios.map((s, i) => ({ s, label: `${set.label}${i + 1}` }))),
  ];
  sections.forEach(({ s, label }) => {
    const f = results.figures.get(s.name);
    const shares = results.strategies
      .map((name) => {
        const fig = f?.get(name);
        return fig === undefined
          ? ''
          : `${name}: ${fig.shares.map((x, j) => `${s.providers[j]!.id} ${pct(x)}`).join(', ')}`;
      })
      .filter((x) => x !== '');
    lines.push(
      `## ${label}. ${s.name}`,
      '',
      `${s.title}. ${s.description}`,
      '',
      `Workload: ${s.workload.ratePerSec} calls/s (Poisson) for ${s.workload.durationMs / 1000} s, ${Math.round((s.workload.streamShare ?? 0.25) * 100)}% streamed. Providers: ${s.providers
        .map(
          (p) =>
            `\`${p.id}\` (TTFT ${p.latency.ttftMs} ms, prefill ${p.latency.prefillTokensPerSec} tok/s, decode ${p.latency.decodeTokensPerSec} tok/s, noise σ ${p.latency.sigma ?? 0.25}, +${(p.latency.loadFactor ?? 0) * 100}% latency per call in flight, ${((p.failure?.errorRate ?? 0) * 100).toFixed(1)}% 503s, $${p.price.inputPerMTok}/$${p.price.outputPerMTok} per MTok${p.failure?.rpmLimit === undefined ? '' : `, ${p.failure.rpmLimit} RPM`})`,
        )
        .join(', ')}.`,
      '',
      ...scenarioTable(results, s),
      '',
      '<details><summary>Attempt share per provider</summary>',
      '',
      ...shares.map((x) => `- ${x}`),
      '',
      '</details>',
      '',
    );
  });
  return `${lines.join('\n')}`;
}

/** A compact console table: utility and regret per scenario and strategy. */
export function toConsole(results: LabResults): string {
  const main = consoleTable(results, results.scenarios);
  const sets = results.heldOut.map(
    (set) => `\n\nheld-out set ${set.label}\n${consoleTable(results, set.scenarios)}`,
  );
  return `${main}${sets.join('')}`;
}

function consoleTable(results: LabResults, list: readonly Scenario[]): string {
  const names = results.strategies;
  const width = Math.max(...names.map((n) => n.length), 8);
  const cols = list.map((s) => s.name);
  const colWidth = Math.max(...cols.map((c) => c.length), 14);
  const head = `${'strategy'.padEnd(width)}  ${cols.map((c) => c.padStart(colWidth)).join('  ')}`;
  const out = [
    'utility (regret) per scenario; higher utility is better, regret 0 = oracle, 1 = random',
    head,
  ];
  for (const name of names) {
    const cells = list.map((s) => {
      const f = results.figures.get(s.name)?.get(name);
      return (f === undefined ? '' : `${f.utility.toFixed(2)} (${num(f.regret)})`).padStart(colWidth);
    });
    out.push(`${name.padEnd(width)}  ${cells.join('  ')}`);
  }
  return out.join('\n');
}
