/**
 * The comparison of the model families of `switchyard-llm/ml` in the routing lab (issue #19 §3):
 * prediction quality on recorded histories and routing quality of `intelligent` with each family,
 * on the main eight scenarios and every held-out set, on two worker threads. Writes docs/ml.json
 * and the generated section of docs/ml.md.
 *
 *   npm run bench:ml                                # 2 seeds each: writes the docs
 *   npm run bench:ml -- --seeds 1 --scenario long-prompt-cliff,stationary   # a quick look (no docs)
 *   npm run bench:ml -- --seeds 2 --out /tmp/ml     # the docs elsewhere
 *   npm run bench:ml -- --families hybrid,boosting --scenario main,G   # linear + those, main eight + set G
 *   npm run bench:ml -- --dump /tmp/runs.json       # and later, same arguments:
 *   npm run bench:ml -- --runs-from /tmp/runs.json  # re-render without running (timing: of the render)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ORACLE, RANDOM } from '../routing/lab-strategies.js';
import { heldOutSets, labScenarios, scenarios as mainScenarios } from '../scenarios/index.js';
import { compare, type ScenarioRef, type ScenarioRuns } from './compute.js';
import type { PredictJob, PredictSummary } from './predict.js';
import { type RunSetup, replaceSection, type Timing, toJson, toMarkdown } from './report.js';
import type { RouteJob, RouteSummary } from './route.js';
import { BASELINES, FAMILIES, intelligentName, selectFamilies } from './setup.js';

const DEFAULT_SEEDS = 2;
const WORKERS = 2;
const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const seedCount = Number(arg('seeds') ?? DEFAULT_SEEDS);
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
// --scenario takes names and set labels: `main` (the main eight) or a held-out set's letter (`G`).
const only = arg('scenario')?.split(',');
const familyList = arg('families')?.split(',');
if (familyList !== undefined) selectFamilies(familyList);
const outDir = arg('out');
const full = only === undefined && familyList === undefined && seedCount === DEFAULT_SEEDS;
const write = full || outDir !== undefined || process.argv.includes('--write');

const refs: ScenarioRef[] = [
  ...mainScenarios.map((s) => ({ name: s.name, set: 'main' })),
  ...heldOutSets.flatMap((set) => set.scenarios.map((s) => ({ name: s.name, set: set.label }))),
].filter((r) => only === undefined || only.includes(r.name) || only.includes(r.set));
const strategies = [RANDOM, ORACLE, 'adaptive', ...BASELINES, ...FAMILIES.map(intelligentName)];

type Job = PredictJob | RouteJob;
const jobs: Job[] = [];
for (const ref of refs) {
  const scenario = labScenarios.findIndex((s) => s.name === ref.name);
  for (const seed of seeds) jobs.push({ kind: 'predict', id: jobs.length, scenario, seed });
  for (const strategy of strategies)
    for (const seed of seeds) jobs.push({ kind: 'route', id: jobs.length, scenario, strategy, seed });
}

const started = performance.now();
console.log(
  `ml bench: ${refs.length} scenarios × (${seeds.length} histories × ${FAMILIES.length} families + ${strategies.length} strategies × ${seeds.length} seeds) = ${jobs.length} jobs on ${WORKERS} workers`,
);

function runAll(): Promise<(PredictSummary | RouteSummary)[]> {
  const results: (PredictSummary | RouteSummary)[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  return new Promise((resolvePromise, reject) => {
    const workers = Array.from({ length: Math.min(WORKERS, jobs.length) }, () => {
      const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { entry: WORKER_ENTRY } });
      const feed = () =>
        worker.postMessage(next < jobs.length ? { ...jobs[next++]!, families: FAMILIES } : null);
      worker.on('message', (msg: { summary?: PredictSummary | RouteSummary; error?: string }) => {
        if (msg.error !== undefined || msg.summary === undefined) {
          for (const w of workers) void w.worker.terminate();
          reject(new Error(`ml bench worker failed: ${msg.error}`));
          return;
        }
        results[msg.summary.id] = msg.summary;
        done++;
        if (done % 100 === 0 || done === jobs.length) {
          process.stdout.write(
            `  ${done}/${jobs.length} jobs, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
          );
        }
        if (done === jobs.length) {
          for (const w of workers) void w.worker.terminate();
          resolvePromise(results);
        } else feed();
      });
      worker.on('error', reject);
      return { worker, feed };
    });
    for (const w of workers) w.feed();
  });
}

// --dump FILE keeps every job's summary; --runs-from FILE (same arguments) renders without running.
const runsFrom = arg('runs-from');
const results =
  runsFrom === undefined
    ? await runAll()
    : (JSON.parse(readFileSync(runsFrom, 'utf8')) as (PredictSummary | RouteSummary)[]);
if (results.length !== jobs.length)
  throw new Error(`${runsFrom}: ${results.length} jobs, expected ${jobs.length}`);
const dump = arg('dump');
if (dump !== undefined) writeFileSync(dump, JSON.stringify(results));
const elapsedSeconds = (performance.now() - started) / 1000;
const runs = new Map<string, ScenarioRuns>();
for (const ref of refs) {
  const scenario = labScenarios.findIndex((s) => s.name === ref.name);
  const mine = jobs.filter((j) => j.scenario === scenario);
  const route = new Map<string, RouteSummary[]>();
  for (const strategy of strategies) {
    route.set(
      strategy,
      mine
        .filter((j) => j.kind === 'route' && j.strategy === strategy)
        .map((j) => results[j.id] as RouteSummary),
    );
  }
  runs.set(ref.name, {
    predict: mine.filter((j) => j.kind === 'predict').map((j) => results[j.id] as PredictSummary),
    route,
  });
}
const comparison = compare(refs, runs);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};
const pickMicros: Record<string, number> = {};
for (const family of FAMILIES) {
  const perRun: number[] = [];
  for (const r of runs.values()) {
    for (const run of r.route.get(intelligentName(family))!)
      if (run.picks > 0) perRun.push((run.pickMs * 1000) / run.picks);
  }
  pickMicros[family] = Number(median(perRun).toFixed(2));
}
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const measured: Timing = {
  totalSeconds: Math.round(elapsedSeconds * 10) / 10,
  pickMicros,
  loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
  machine: `${cpu}, ${os.cpus().length} cores, Node ${process.version}`,
};
// The run's own timing is kept beside the dump, so that a re-render reports it, not its own.
const timingFile = (file: string) => `${file}.timing.json`;
if (dump !== undefined) writeFileSync(timingFile(dump), JSON.stringify(measured));
const timing: Timing =
  runsFrom === undefined
    ? measured
    : { ...(JSON.parse(readFileSync(timingFile(runsFrom), 'utf8')) as Timing), pickMicros };
const setup: RunSetup = { predictSeeds: seeds, routeSeeds: seeds, scenarios: refs };

for (const g of comparison.goals) console.log(`${g.met ? 'yes' : 'NO '}  ${g.goal}\n     ${g.figures}`);
console.log(`best family: ${comparison.bestFamily}; pick µs ${JSON.stringify(pickMicros)}`);
console.log(`${jobs.length} jobs in ${timing.totalSeconds} s`);

if (write) {
  const docs =
    outDir === undefined ? new URL('../../../docs/', import.meta.url) : pathToFileURL(`${resolve(outDir)}/`);
  mkdirSync(docs, { recursive: true });
  writeFileSync(new URL('ml.json', docs), `${JSON.stringify(toJson(setup, comparison, timing), null, 2)}\n`);
  const mdUrl = new URL('ml.md', docs);
  let doc = '';
  try {
    doc = readFileSync(mdUrl, 'utf8');
  } catch {
    doc = readFileSync(new URL('../../../docs/ml.md', import.meta.url), 'utf8');
  }
  const stale = /## What the models are good at \(so far\)[\s\S]*?is not written yet\.\n?/;
  writeFileSync(mdUrl, replaceSection(doc, toMarkdown(setup, comparison, timing), stale));
  console.log(`wrote ${new URL('ml.json', docs).pathname} and ${mdUrl.pathname}`);
}
