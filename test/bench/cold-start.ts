/**
 * Cold start: how long a fresh Node process takes to `import()` the built root entry, the
 * OpenAI adapter entry, and the `openai` SDK on its own (the yardstick: an app that routes
 * OpenAI calls loads it anyway). Each is timed inside its own process, from just before the
 * `import()` to just after, so Node's own boot is not counted; the runs of the three cases are
 * interleaved so that machine noise falls on all of them alike. Measures `dist/`, building it
 * first when it is missing or older than the sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

export interface ColdStartRow {
  readonly case: string;
  /** Median ms of one `import()` in a fresh process. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface ColdStart {
  readonly rows: readonly ColdStartRow[];
  readonly runs: number;
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Builds `dist/` when it is missing or older than a source file. */
export function ensureBuilt(): void {
  const built = join(root, 'dist', 'index.js');
  const sources = ['index.ts', 'src', 'strategies', 'adapters', 'package.json', 'tsup.config.ts'];
  const newest = Math.max(...sources.map((s) => newestMtime(join(root, s))));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  console.log('  (building dist/ first)');
  execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore', timeout: 300_000 });
}

/** ms that one `import(specifier)` takes in a fresh Node process. */
function importMs(specifier: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return Number(out.trim());
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of `runs` fresh processes for each case. */
export function coldStart(runs = 10): ColdStart {
  ensureBuilt();
  const dist = (path: string) => pathToFileURL(join(root, 'dist', path)).href;
  const cases = [
    ['root entry (dist/index.js)', dist('index.js')],
    ['OpenAI adapter entry (dist/adapters/openai/index.js)', dist('adapters/openai/index.js')],
    ["bare import('openai')", 'openai'],
  ] as const;
  const samples: number[][] = cases.map(() => []);
  importMs(cases[0][1]); // one untimed run: the first process after a build pays for a cold disk cache
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < cases.length; i++) samples[i]!.push(importMs(cases[i]![1]));
  }
  return {
    runs,
    rows: cases.map(([label], i) => ({
      case: label,
      medianMs: median(samples[i]!),
      minMs: Math.min(...samples[i]!),
      maxMs: Math.max(...samples[i]!),
    })),
  };
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const { rows } = coldStart(Number(process.argv[2] ?? 10));
  const openai = rows[2]!.medianMs;
  for (const r of rows) {
    console.log(
      `${r.case}: median ${r.medianMs.toFixed(1)} ms (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)}), ${(r.medianMs / openai).toFixed(2)}x openai`,
    );
  }
}
