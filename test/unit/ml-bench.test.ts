/** The pieces of `npm run bench:ml` (test/bench/ml): history, split, pick timing, figures, report. */
import { describe, expect, it } from 'vitest';
import '../../index.js';
import { fakeContext, fakeTargets } from '../../strategies/index.js';
import { compare, type ScenarioRuns } from '../bench/ml/compute.js';
import { evaluateFamilies, type PredictSummary } from '../bench/ml/predict.js';
import { recordHistory } from '../bench/ml/record.js';
import { END, replaceSection, START, toJson, toMarkdown } from '../bench/ml/report.js';
import type { RouteSummary } from '../bench/ml/route.js';
import { timedStrategy } from '../bench/ml/route.js';
import { BASELINES, FAMILIES, familyOf, intelligentName, selectFamilies } from '../bench/ml/setup.js';
import type { Scenario } from '../bench/scenarios/index.js';
import { balanced, budget, workload } from '../bench/scenarios/scenario.js';

const tiny: Scenario = {
  name: 'tiny',
  title: 'two providers, 40 s',
  description: 'test',
  providers: [balanced, budget],
  workload: workload(40_000, 6),
};

describe('bench:ml pieces', () => {
  it('records one history row per attempt at simulated times, and splits it by time, not file order', async () => {
    const rows = await recordHistory(tiny, 3);
    expect(rows.length).toBeGreaterThan(200);
    for (const r of rows) {
      expect(r.t).toBeGreaterThanOrEqual(0);
      expect(r.t).toBeLessThan(40_000 + 60_000);
      expect(['balanced', 'budget']).toContain(r.target);
    }
    const forward = evaluateFamilies(rows);
    expect(forward.trainRows).toBe(Math.floor(rows.length * 0.7));
    expect(forward.trainRows + forward.testRows).toBe(rows.length);
    expect(Object.keys(forward.families)).toEqual(FAMILIES);
    // The file is in finishing order; the split sorts by start time, so any order gives the same.
    expect(evaluateFamilies([...rows].reverse())).toEqual(forward);
  }, 60_000);

  it('times every pick of the wrapped strategy and passes the rest through', () => {
    const sink = { picks: 0, ms: 0 };
    const seen: string[] = [];
    const factory = timedStrategy(
      () => ({
        name: 'inner',
        pick: (candidates) => candidates[1]!,
        observe: (o) => seen.push(o.target.id),
      }),
      sink,
    );
    const targets = fakeTargets(2);
    const s = factory({ targets } as never);
    expect(s.name).toBe('inner');
    expect(s.pick(targets, fakeContext())).toBe(targets[1]);
    s.pick(targets, fakeContext());
    s.observe?.({ target: targets[0]! } as never);
    expect(sink.picks).toBe(2);
    expect(sink.ms).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual([targets[0]!.id]);
    expect(s.describe).toBeUndefined();
  });

  it('names strategies by family', () => {
    expect(familyOf(intelligentName('boosting'))).toBe('boosting');
    expect(familyOf('intelligent')).toBeUndefined();
    expect(familyOf('intelligent:tree')).toBeUndefined();
  });

  it('--families narrows the families compared: linear always first, library order, unknown names refused', () => {
    const all = [...FAMILIES];
    try {
      selectFamilies(['hybrid', 'boosting']);
      expect(FAMILIES).toEqual(['linear', 'boosting', 'hybrid']);
      expect(familyOf(intelligentName('forest'))).toBeUndefined();
      expect(() => selectFamilies(['xgboost'])).toThrow(/--families: unknown family "xgboost"/);
      expect(FAMILIES).toEqual(['linear', 'boosting', 'hybrid']);
    } finally {
      selectFamilies(all);
    }
    expect(FAMILIES).toEqual(all);
  });

  it('computes regret, the best baseline, paired differences and goals, and writes the JSON and section', () => {
    // Three seeds; utility per strategy: oracle −1, random −3, adaptive −1.5, baselines −2 − i/10,
    // intelligent linear −1.6 + noise, the others −1.5 on set G and −1.7 on the main scenario.
    const route = (utility: (seed: number) => number): RouteSummary[] =>
      [1, 2, 3].map((seed) => ({
        id: seed,
        p50Ms: 1000,
        p95Ms: 3000,
        p99Ms: 5000,
        errorRate: 0.01,
        firstAttemptErrorRate: 0.02,
        costPer1k: 1,
        utility: utility(seed),
        utilityAfterWarmUp: utility(seed),
        leaveRequests: undefined,
        returnSeconds: undefined,
        attemptsWhileEjected: 0,
        starved: 0,
        shares: [0.5, 0.5],
        picks: 10,
        pickMs: 1,
      }));
    const predict = (linearMae: number, otherMae: number): PredictSummary[] =>
      [1, 2, 3].map((id) => ({
        id,
        rows: 100,
        trainRows: 70,
        testRows: 30,
        latencyCount: 29,
        failureCount: 30,
        families: Object.fromEntries(
          FAMILIES.map((f) => [
            f,
            {
              latencyMae: f === 'linear' ? linearMae : otherMae,
              latencyP90: 2 * (f === 'linear' ? linearMae : otherMae),
              outputMae: 10,
              failureLogLoss: 0.1,
              failureBrier: 0.01,
            },
          ]),
        ),
      }));
    const runsOf = (nonLinear: boolean): ScenarioRuns => {
      const r = new Map<string, RouteSummary[]>();
      r.set(
        'oracle',
        route(() => -1),
      );
      r.set(
        'random',
        route(() => -3),
      );
      r.set(
        'adaptive',
        route(() => -1.5),
      );
      BASELINES.forEach((b, i) => {
        r.set(
          b,
          route(() => -2 - i / 10),
        );
      });
      r.set(
        intelligentName('linear'),
        route((s) => -1.6 + s / 100),
      );
      for (const f of FAMILIES.slice(1))
        r.set(
          intelligentName(f),
          route((s) => (nonLinear ? -1.5 : -1.7) + s / 100),
        );
      return { predict: nonLinear ? predict(300, 100) : predict(100, 120), route: r };
    };
    const refs = [
      { name: 'flat', set: 'main' },
      { name: 'cliff', set: 'G' },
    ];
    const c = compare(
      refs,
      new Map([
        ['flat', runsOf(false)],
        ['cliff', runsOf(true)],
      ]),
    );
    const cliff = c.scenarios.cliff!;
    expect(cliff.routing.bestBaseline).toMatchObject({ name: BASELINES[0], regret: 0.5 });
    expect(cliff.routing.intelligent.linear!.regret).toBeCloseTo(0.29, 6);
    expect(cliff.routing.intelligent.forest!.vsLinear).toBeCloseTo(-0.05, 6);
    expect(cliff.prediction.families.forest!.maeVsLinear).toBeCloseTo(1 / 3, 3);
    expect(c.groups.G!.vsLinear.forest).toEqual({ mean: -0.05, stdErr: 0 });
    expect(c.groups.main!.maeBelowLinear.forest).toBe(0);
    expect(c.goals.map((g) => g.met)).toEqual([true, false, false]);

    const setup = { predictSeeds: [1, 2, 3], routeSeeds: [1, 2, 3], scenarios: refs };
    const timing = { totalSeconds: 1, pickMicros: { linear: 10 }, loadAverage: [1, 1, 1], machine: 'test' };
    const json = toJson(setup, c, timing) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'generatedBy',
      'families',
      'setup',
      'sets',
      'bestFamily',
      'goals',
      'groups',
      'scenarios',
      'timing',
    ]);
    expect(json.sets).toEqual({ main: ['flat'], G: ['cliff'] });
    expect(Object.keys(json.groups as object)).toEqual(['main', 'G', 'held-out', 'all']);
    const section = toMarkdown(setup, c, timing);
    expect(section.startsWith(START)).toBe(true);
    expect(section.endsWith(END)).toBe(true);
    expect(section).toContain('| G: cliff |');

    const stale = /## Old\n[\s\S]*?not written yet\.\n/;
    const doc = '# Doc\n\n## Old\nstale text, not written yet.\n\n## Next\n';
    const once = replaceSection(doc, section, stale);
    expect(once).toContain(section);
    expect(once).not.toContain('stale text');
    expect(once).toContain('## Next');
    const twice = replaceSection(once, `${START}\nnew\n${END}`, stale);
    expect(twice).toContain('new');
    expect(twice).not.toContain('## Per scenario');
    expect(twice).toContain('## Next');
  });
});
