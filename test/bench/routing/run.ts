/**
 * The routing-quality lab: every scenario × every strategy × every seed through `simulate()`,
 * on two worker threads; writes `docs/routing-quality.md` and `docs/routing-quality.json`. The
 * held-out sets run too (`--no-held-out` skips them).
 *
 * Every scenario runs under the balanced weights (the default); the main scenarios also run
 * under the latency-first and cost-first profiles (profiles.ts), with fewer seeds.
 *
 *   npm run bench:routing                 # 20 seeds (balanced), 10 seeds (other profiles)
 *   npm run bench:routing -- --seeds 5 --no-held-out   # for tuning: never tune on the held-out set
 *                                         # (writes no docs unless --write)
 *   npm run bench:routing -- --scenario drift --strategy response-time,oracle
 *   npm run bench:routing -- --seeds 3 --out /tmp/lab   # write the report elsewhere
 *   npm run bench:routing -- --profiles latency-first --profile-seeds 5   # only that extra profile
 *   npm run bench:routing -- --dump /tmp/runs.json      # and later, same arguments:
 *   npm run bench:routing -- --runs-from /tmp/runs.json # re-render without running
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenarios/index.js';
import { heldOutSets, labScenarios, scenarios as mainScenarios } from '../scenarios/index.js';
import { aggregateRuns, type Figures, type UnscoredFigures, withRegret } from './aggregate.js';
import type { Job, RunSummary } from './job.js';
import { labStrategyNames, ORACLE, RANDOM } from './lab-strategies.js';
import { BALANCED, PROFILES } from './profiles.js';
import { type LabResults, type ProfileResults, toConsole, toJson, toMarkdown } from './report.js';

const DEFAULT_SEEDS = 20;
/** Seeds of the extra profiles (latency-first, cost-first), on the main scenarios only. */
const DEFAULT_PROFILE_SEEDS = 10;
/** The worker module; on Node 20 a worker does not get the tsx loader from `--import`, so a boot script registers it first. */
const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((tsx) => { tsx.register(); return import(workerData.entry); });
`;
const WORKERS = 2;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const seedCount = Number(arg('seeds') ?? DEFAULT_SEEDS);
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
const profileSeedCount = Number(arg('profile-seeds') ?? DEFAULT_PROFILE_SEEDS);
const profileSeeds = Array.from({ length: profileSeedCount }, (_, i) => i + 1);
const onlyProfiles = arg('profiles')?.split(',');
const extraProfiles = PROFILES.filter(
  (p) => p !== BALANCED && (onlyProfiles === undefined || onlyProfiles.includes(p.name)),
);
const onlyScenarios = arg('scenario')?.split(',');
const onlyStrategies = arg('strategy')?.split(',');
const withHeldOut = !process.argv.includes('--no-held-out');
const full =
  onlyScenarios === undefined &&
  onlyStrategies === undefined &&
  onlyProfiles === undefined &&
  seedCount === DEFAULT_SEEDS &&
  profileSeedCount === DEFAULT_PROFILE_SEEDS &&
  withHeldOut;
const outDir = arg('out');
const write = full || process.argv.includes('--write') || outDir !== undefined;

const selected = (list: readonly Scenario[]) =>
  list.filter((s) => onlyScenarios === undefined || onlyScenarios.includes(s.name));
const main = selected(mainScenarios);
const heldOut = withHeldOut
  ? heldOutSets
      .map((set) => ({ ...set, scenarios: selected(set.scenarios) }))
      .filter((set) => set.scenarios.length > 0)
  : [];
const scenarios = [...main, ...heldOut.flatMap((set) => set.scenarios)];
let strategies = labStrategyNames().filter((n) => onlyStrategies === undefined || onlyStrategies.includes(n));
// Regret needs both references.
for (const needed of [RANDOM, ORACLE]) if (!strategies.includes(needed)) strategies = [...strategies, needed];

const jobs: Job[] = [];
for (const scenario of scenarios) {
  const scenarioIndex = labScenarios.indexOf(scenario);
  for (const strategy of strategies) {
    for (const seed of seeds) jobs.push({ id: jobs.length, scenario: scenarioIndex, strategy, seed });
  }
}
const balancedJobs = jobs.length;
for (const profile of extraProfiles) {
  for (const scenario of main) {
    const scenarioIndex = labScenarios.indexOf(scenario);
    for (const strategy of strategies) {
      for (const seed of profileSeeds) {
        jobs.push({ id: jobs.length, scenario: scenarioIndex, strategy, seed, profile: profile.name });
      }
    }
  }
}

const started = performance.now();
console.log(
  `routing lab: ${scenarios.length} scenarios × ${strategies.length} strategies × ${seeds.length} seeds (balanced weights)` +
    extraProfiles
      .map((p) => ` + ${main.length} × ${strategies.length} × ${profileSeeds.length} (${p.name})`)
      .join('') +
    ` = ${jobs.length} runs on ${WORKERS} workers`,
);
console.log(`strategies: ${strategies.join(', ')}`);

/** Runs every job on the workers (each pulls the next job when done); results indexed by job id. */
function runAll(): Promise<RunSummary[]> {
  const results: RunSummary[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const workers = Array.from({ length: Math.min(WORKERS, jobs.length) }, () => {
      const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { entry: WORKER_ENTRY } });
      const feed = () => worker.postMessage(next < jobs.length ? jobs[next++] : null);
      worker.on('message', (msg: { summary?: RunSummary; error?: string }) => {
        if (msg.error !== undefined || msg.summary === undefined) {
          for (const w of workers) void w.terminate();
          reject(new Error(`lab worker failed: ${msg.error}`));
          return;
        }
        results[msg.summary.id] = msg.summary;
        done++;
        if (done % 100 === 0 || done === jobs.length) {
          process.stdout.write(
            `  ${done}/${jobs.length} runs, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
          );
        }
        if (done === jobs.length) {
          for (const w of workers) void w.terminate();
          resolve(results);
        } else feed();
      });
      worker.on('error', reject);
      return { worker, feed, terminate: () => worker.terminate() };
    });
    for (const w of workers) w.feed();
  }).then((results) => results as RunSummary[]);
}

// --dump FILE keeps every run's summary; --runs-from FILE renders the report from such a file
// (same arguments) without running again, e.g. after a change to the report's text only.
const runsFrom = arg('runs-from');
const runs: RunSummary[] =
  runsFrom === undefined ? await runAll() : (JSON.parse(readFileSync(runsFrom, 'utf8')) as RunSummary[]);
if (runs.length !== jobs.length) throw new Error(`${runsFrom}: ${runs.length} runs, expected ${jobs.length}`);
const dump = arg('dump');
if (dump !== undefined) writeFileSync(dump, JSON.stringify(runs));
/** Figures per scenario and strategy of the jobs of one profile. */
function figuresOf(
  profileJobs: readonly Job[],
  list: readonly Scenario[],
): Map<string, Map<string, Figures>> {
  const figures = new Map<string, Map<string, Figures>>();
  for (const scenario of list) {
    const byStrategy = new Map<string, UnscoredFigures>();
    for (const strategy of strategies) {
      const mine = profileJobs
        .filter((j) => labScenarios[j.scenario] === scenario && j.strategy === strategy)
        .map((j) => runs[j.id]!);
      byStrategy.set(strategy, aggregateRuns(mine));
    }
    figures.set(scenario.name, withRegret(byStrategy));
  }
  return figures;
}
const figures = figuresOf(jobs.slice(0, balancedJobs), scenarios);
const profiles: ProfileResults[] = PROFILES.filter((p) => p === BALANCED || extraProfiles.includes(p)).map(
  (profile) =>
    profile === BALANCED
      ? { profile, seeds, figures }
      : {
          profile,
          seeds: profileSeeds,
          figures: figuresOf(
            jobs.filter((j) => j.profile === profile.name),
            main,
          ),
        },
);

const results: LabResults = { seeds, scenarios: main, heldOut, strategies, figures, profiles };
const elapsed = (performance.now() - started) / 1000;
console.log('');
console.log(toConsole(results));
console.log('');
console.log(`${jobs.length} runs in ${elapsed.toFixed(1)} s`);
if (write) {
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
  const docs =
    outDir === undefined ? new URL('../../../docs/', import.meta.url) : pathToFileURL(`${resolve(outDir)}/`);
  mkdirSync(docs, { recursive: true });
  writeFileSync(new URL('routing-quality.md', docs), toMarkdown(results, machine));
  writeFileSync(new URL('routing-quality.json', docs), toJson(results));
  console.log(`wrote ${fileURLToPath(new URL('routing-quality.md', docs))} and routing-quality.json`);
}
