/**
 * The figures of the ML comparison from the runs' summaries, deterministically: prediction
 * errors per family (means over seeds), regret per strategy (the routing lab's definition), the
 * paired difference of each family's regret from linear's with its standard error, and the goals
 * of issue #19 §3.
 */
import type { ModelFamily } from '../../../modules/ml/index.js';
import { aggregateRuns, round, type UnscoredFigures, withRegret } from '../routing/aggregate.js';
import { ORACLE, RANDOM } from '../routing/lab-strategies.js';
import type { FamilyErrors, PredictSummary } from './predict.js';
import type { RouteSummary } from './route.js';
import { BASELINES, FAMILIES, intelligentName } from './setup.js';

/** A scenario of the comparison and the set it belongs to (`main`, or a held-out label). */
export interface ScenarioRef {
  readonly name: string;
  readonly set: string;
}

/** Label of the held-out set whose truths are not linear in the features (set G). */
export const NON_LINEAR_SET = 'G';

/** Runs of one scenario: predictions per seed, routing runs per strategy and seed (same seed order). */
export interface ScenarioRuns {
  readonly predict: readonly PredictSummary[];
  readonly route: ReadonlyMap<string, readonly RouteSummary[]>;
}

export interface PredictionFigures {
  /** Mean rows per history and test rows per history. */
  readonly rows: number;
  readonly testRows: number;
  /** Per family: means over seeds; `maeVsLinear` = latency MAE ÷ linear's. */
  readonly families: Readonly<Record<string, FamilyErrors & { readonly maeVsLinear: number }>>;
}

export interface StrategyFigures {
  readonly regret: number | null;
  readonly regretAfterWarmUp: number | null;
  readonly utility: number;
  readonly p95Ms: number;
  readonly errorRate: number;
  readonly costPer1k: number;
}

export interface RoutingFigures {
  readonly oracleUtility: number;
  readonly randomUtility: number;
  readonly adaptive: StrategyFigures;
  readonly bestBaseline: StrategyFigures & { readonly name: string };
  /** `intelligent` per family; `vsLinear` = regret − linear's regret (negative: better). */
  readonly intelligent: Readonly<Record<string, StrategyFigures & { readonly vsLinear: number | null }>>;
}

export interface ScenarioFigures {
  readonly set: string;
  readonly prediction: PredictionFigures;
  readonly routing: RoutingFigures;
}

/** Means over a group of scenarios. */
export interface GroupFigures {
  readonly scenarios: number;
  /** Mean over the group of each family's latency MAE ÷ linear's. */
  readonly maeVsLinear: Readonly<Record<string, number>>;
  /** Scenarios where the family's latency MAE is below linear's. */
  readonly maeBelowLinear: Readonly<Record<string, number>>;
  /** Mean failure log loss per family. */
  readonly failureLogLoss: Readonly<Record<string, number>>;
  /** Mean regret: adaptive, the best baseline of each scenario, intelligent per family. */
  readonly regret: Readonly<Record<string, number | null>>;
  /** The same over the calls after the warm-up (the first 60 s). */
  readonly regretAfterWarmUp: Readonly<Record<string, number | null>>;
  /**
   * Per family: mean over the group of (regret − linear's regret), from paired per-seed
   * utilities (same seeds, same workloads), and its standard error.
   */
  readonly vsLinear: Readonly<Record<string, { readonly mean: number; readonly stdErr: number }>>;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const meanOrNull = (xs: readonly (number | null)[]) =>
  xs.some((x) => x === null) ? null : round(mean(xs as number[]));

function strategyFigures(
  f: ReturnType<typeof withRegret> extends Map<string, infer V> ? V : never,
): StrategyFigures {
  return {
    regret: f.regret,
    regretAfterWarmUp: f.regretAfterWarmUp,
    utility: f.utility,
    p95Ms: f.p95Ms,
    errorRate: f.errorRate,
    costPer1k: f.costPer1k,
  };
}

/** Prediction figures of one scenario: means over seeds. */
export function predictionFigures(runs: readonly PredictSummary[]): PredictionFigures {
  const families: Record<string, FamilyErrors & { maeVsLinear: number }> = {};
  const of = (family: string, key: keyof FamilyErrors) => mean(runs.map((r) => r.families[family]![key]));
  const linear = of('linear', 'latencyMae');
  for (const family of FAMILIES) {
    const mae = of(family, 'latencyMae');
    families[family] = {
      latencyMae: round(mae),
      latencyP90: round(of(family, 'latencyP90')),
      outputMae: round(of(family, 'outputMae')),
      failureLogLoss: round(of(family, 'failureLogLoss')),
      failureBrier: round(of(family, 'failureBrier')),
      maeVsLinear: round(mae / linear),
    };
  }
  return {
    rows: round(mean(runs.map((r) => r.rows))),
    testRows: round(mean(runs.map((r) => r.testRows))),
    families,
  };
}

/** Routing figures of one scenario, with regret against its oracle and random. */
export function routingFigures(route: ReadonlyMap<string, readonly RouteSummary[]>): RoutingFigures {
  const unscored = new Map<string, UnscoredFigures>();
  for (const [name, runs] of route) unscored.set(name, aggregateRuns(runs));
  const scored = withRegret(unscored);
  const get = (name: string) => {
    const f = scored.get(name);
    if (f === undefined) throw new Error(`ml bench: no runs of ${name}`);
    return f;
  };
  let best: { name: string; figures: StrategyFigures } | undefined;
  for (const name of BASELINES) {
    const f = strategyFigures(get(name));
    if (best === undefined || (f.regret ?? Infinity) < (best.figures.regret ?? Infinity))
      best = { name, figures: f };
  }
  const linear = get(intelligentName('linear')).regret;
  const intelligent: Record<string, StrategyFigures & { vsLinear: number | null }> = {};
  for (const family of FAMILIES) {
    const f = strategyFigures(get(intelligentName(family)));
    intelligent[family] = {
      ...f,
      vsLinear: f.regret === null || linear === null ? null : round(f.regret - linear),
    };
  }
  return {
    oracleUtility: get(ORACLE).utility,
    randomUtility: get(RANDOM).utility,
    adaptive: strategyFigures(get('adaptive')),
    bestBaseline: { name: best!.name, ...best!.figures },
    intelligent,
  };
}

/** Per seed, (linear's utility − family's) ÷ (oracle − random): the family's regret minus linear's. */
function pairedDifferences(
  route: ReadonlyMap<string, readonly RouteSummary[]>,
  family: ModelFamily,
): number[] {
  const m = (name: string) => mean(route.get(name)!.map((r) => r.utility));
  const gap = m(ORACLE) - m(RANDOM);
  if (!(gap > 0)) return [];
  const lin = route.get(intelligentName('linear'))!;
  const fam = route.get(intelligentName(family))!;
  return fam.map((r, k) => (lin[k]!.utility - r.utility) / gap);
}

/** Group means over `names`. */
export function groupFigures(
  names: readonly string[],
  figures: ReadonlyMap<string, ScenarioFigures>,
  runs: ReadonlyMap<string, ScenarioRuns>,
): GroupFigures {
  const list = names.map((n) => figures.get(n)!);
  const maeVsLinear: Record<string, number> = {};
  const maeBelowLinear: Record<string, number> = {};
  const failureLogLoss: Record<string, number> = {};
  const regret: Record<string, number | null> = {
    adaptive: meanOrNull(list.map((f) => f.routing.adaptive.regret)),
    'best baseline': meanOrNull(list.map((f) => f.routing.bestBaseline.regret)),
  };
  const regretAfterWarmUp: Record<string, number | null> = {
    adaptive: meanOrNull(list.map((f) => f.routing.adaptive.regretAfterWarmUp)),
    'best baseline': meanOrNull(list.map((f) => f.routing.bestBaseline.regretAfterWarmUp)),
  };
  const vsLinear: Record<string, { mean: number; stdErr: number }> = {};
  for (const family of FAMILIES) {
    const p = list.map((f) => f.prediction.families[family]!);
    maeVsLinear[family] = round(mean(p.map((x) => x.maeVsLinear)));
    failureLogLoss[family] = round(mean(p.map((x) => x.failureLogLoss)));
    regret[intelligentName(family)] = meanOrNull(list.map((f) => f.routing.intelligent[family]!.regret));
    regretAfterWarmUp[intelligentName(family)] = meanOrNull(
      list.map((f) => f.routing.intelligent[family]!.regretAfterWarmUp),
    );
    // Mean over scenarios of the per-scenario mean difference; its variance is the sum of the
    // per-scenario variances of the mean (seeds are independent), over the count squared.
    let sum = 0;
    let variance = 0;
    for (const name of names) {
      const d = pairedDifferences(runs.get(name)!.route, family);
      const dm = mean(d);
      sum += dm;
      if (d.length > 1) variance += d.reduce((a, x) => a + (x - dm) ** 2, 0) / (d.length - 1) / d.length;
    }
    vsLinear[family] = {
      mean: round(sum / names.length),
      stdErr: round(Math.sqrt(variance) / names.length),
    };
  }
  // Counted per scenario against that scenario's own linear MAE.
  for (const family of FAMILIES) {
    maeBelowLinear[family] = list.filter(
      (f) => f.prediction.families[family]!.latencyMae < f.prediction.families.linear!.latencyMae,
    ).length;
  }
  return {
    scenarios: names.length,
    maeVsLinear,
    maeBelowLinear,
    failureLogLoss,
    regret,
    regretAfterWarmUp,
    vsLinear,
  };
}

/** A yes/no goal with the figures behind it. */
export interface Goal {
  readonly goal: string;
  readonly met: boolean;
  readonly figures: string;
}

export interface Comparison {
  readonly scenarios: Readonly<Record<string, ScenarioFigures>>;
  readonly groups: Readonly<Record<string, GroupFigures>>;
  /** The non-linear family with the lowest mean regret over every scenario. */
  readonly bestFamily: ModelFamily;
  readonly goals: readonly Goal[];
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x))}`;

/** Everything the report needs, from the runs. */
export function compare(refs: readonly ScenarioRef[], runs: ReadonlyMap<string, ScenarioRuns>): Comparison {
  const figures = new Map<string, ScenarioFigures>();
  for (const ref of refs) {
    const r = runs.get(ref.name)!;
    figures.set(ref.name, {
      set: ref.set,
      prediction: predictionFigures(r.predict),
      routing: routingFigures(r.route),
    });
  }
  const sets = [...new Set(refs.map((r) => r.set))];
  const names = (set: string) => refs.filter((r) => r.set === set).map((r) => r.name);
  const groups: Record<string, GroupFigures> = {};
  for (const set of sets) groups[set] = groupFigures(names(set), figures, runs);
  const heldOut = refs.filter((r) => r.set !== 'main').map((r) => r.name);
  if (heldOut.length > 0) groups['held-out'] = groupFigures(heldOut, figures, runs);
  groups.all = groupFigures(
    refs.map((r) => r.name),
    figures,
    runs,
  );

  const nonLinearFamilies = FAMILIES.filter((f) => f !== 'linear');
  const all = groups.all!;
  const bestFamily = nonLinearFamilies.reduce((best, f) =>
    (all.regret[intelligentName(f)] ?? Infinity) < (all.regret[intelligentName(best)] ?? Infinity) ? f : best,
  );
  const goals: Goal[] = [];
  const g = groups[NON_LINEAR_SET];
  const main = groups.main;
  if (g !== undefined) {
    const gNames = names(NON_LINEAR_SET);
    const beats = nonLinearFamilies.filter((f) => g.maeBelowLinear[f] === gNames.length);
    goals.push({
      goal: `at least one non-linear family has a lower latency MAE than linear on every scenario of set ${NON_LINEAR_SET} (non-linear truth)`,
      met: beats.length > 0,
      figures:
        gNames
          .map((n) => {
            const p = figures.get(n)!.prediction.families;
            const best = nonLinearFamilies.reduce((b, f) => (p[f]!.latencyMae < p[b]!.latencyMae ? f : b));
            return `${n}: linear ${fmt(p.linear!.latencyMae, 0)} ms, best ${best} ${fmt(p[best]!.latencyMae, 0)} ms (×${fmt(p[best]!.maeVsLinear, 2)})`;
          })
          .join('; ') +
        `; families below linear on all ${gNames.length}: ${beats.length === 0 ? 'none' : beats.join(', ')}`,
    });
  }
  if (main !== undefined && g !== undefined) {
    // Not worse: the mean paired difference is under 2 standard errors; better: it is negative and
    // more than 2 standard errors from 0.
    const notWorse = (d: { mean: number; stdErr: number }) => d.mean < 2 * d.stdErr;
    const better = (d: { mean: number; stdErr: number }) => d.mean < 0 && -d.mean > 2 * d.stdErr;
    const meets = nonLinearFamilies.filter((x) => notWorse(main.vsLinear[x]!) && better(g.vsLinear[x]!));
    goals.push({
      goal: `\`intelligent\` with some family is not worse than with linear on the main eight (regret difference under 2 standard errors) and better on set ${NON_LINEAR_SET} (lower by more than 2 standard errors)`,
      met: meets.length > 0,
      figures:
        nonLinearFamilies
          .map((x) => {
            const m = main.vsLinear[x]!;
            const n = g.vsLinear[x]!;
            return `${x}: main ${signed(m.mean)} ± ${fmt(m.stdErr)} ${notWorse(m) ? '(not worse)' : '(worse)'}, ${NON_LINEAR_SET} ${signed(n.mean)} ± ${fmt(n.stdErr)} ${better(n) ? '(better)' : '(not better)'}`;
          })
          .join('; ') + `; met by: ${meets.length === 0 ? 'none' : meets.join(', ')}`,
    });
    const d = main.vsLinear[bestFamily]!;
    const e = g.vsLinear[bestFamily]!;
    goals.push({
      goal: `the same for the best family overall (${bestFamily}: lowest mean regret over all ${refs.length} scenarios among the non-linear ones)`,
      met: notWorse(d) && better(e),
      figures: `main eight: regret ${fmt(main.regret[intelligentName(bestFamily)] ?? NaN)} vs linear ${fmt(main.regret[intelligentName('linear')] ?? NaN)} (${signed(d.mean)} ± ${fmt(d.stdErr)}); set ${NON_LINEAR_SET}: ${fmt(g.regret[intelligentName(bestFamily)] ?? NaN)} vs ${fmt(g.regret[intelligentName('linear')] ?? NaN)} (${signed(e.mean)} ± ${fmt(e.stdErr)})`,
    });
  }
  const scenarios: Record<string, ScenarioFigures> = {};
  for (const ref of refs) scenarios[ref.name] = figures.get(ref.name)!;
  return { scenarios, groups, bestFamily, goals };
}
