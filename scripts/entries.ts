/**
 * The one list of the package's entries: tsup builds one bundle per entry, and
 * `npm run sync:exports` (scripts/sync-exports.ts) writes package.json `exports`, `typesVersions`
 * and `sideEffects` from it (test/package/entries.test.ts fails when they drift apart).
 *
 * Core entries are listed here. Optional modules are found: every folder `modules/<name>/` with an
 * `index.ts` is the subpath `switchyard-llm/<name>`, built as `dist/<name>/index.*`. Adding a
 * module needs no edit here, only `npm run sync:exports`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One public subpath of the package. */
export interface Entry {
  /** The `exports` key: `.` or `./<subpath>`. */
  readonly subpath: string;
  /** The tsup entry name, also the path of the built files under `dist/` without extension. */
  readonly name: string;
  /** The source file, relative to the repository root. */
  readonly source: string;
  /** `true` for an optional module (a folder of `modules/`). */
  readonly module: boolean;
}

/** The repository root (from `import.meta.url`: tsup bundles its config, and rewrites only that). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The folder of the optional modules, relative to the root. */
export const MODULES_DIR = 'modules';

const CORE: readonly Entry[] = [
  { subpath: '.', name: 'index', source: 'index.ts', module: false },
  { subpath: './testing', name: 'testing/index', source: 'src/testing/index.ts', module: false },
  { subpath: './strategies', name: 'strategies/index', source: 'strategies/index.ts', module: false },
  ...['openai', 'anthropic', 'cohere'].map((provider) => ({
    subpath: `./adapters/${provider}`,
    name: `adapters/${provider}/index`,
    source: `adapters/${provider}/index.ts`,
    module: false,
  })),
];

/** Folders of `modules/`, sorted; `withIndex` tells whether each has an `index.ts`. */
export function moduleFolders(root = ROOT): Array<{ name: string; withIndex: boolean }> {
  const dir = join(root, MODULES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => ({ name, withIndex: existsSync(join(dir, name, 'index.ts')) }));
}

/** Every entry: the core ones, then one per module folder that has an `index.ts`. */
export function entries(root = ROOT): Entry[] {
  const modules = moduleFolders(root)
    .filter((m) => m.withIndex)
    .map((m) => ({
      subpath: `./${m.name}`,
      name: `${m.name}/index`,
      source: `${MODULES_DIR}/${m.name}/index.ts`,
      module: true,
    }));
  const taken = new Set(CORE.map((e) => e.subpath));
  const clash = modules.find((m) => taken.has(m.subpath));
  if (clash) throw new Error(`${clash.source}: subpath ${clash.subpath} is already a core entry`);
  return [...CORE, ...modules];
}

/** An executable of the package (package.json `bin`), built in ESM only. */
export interface BinEntry {
  /** The command name, the `bin` key. */
  readonly command: string;
  /** The tsup entry name, also the path of the built file under `dist/` without extension. */
  readonly name: string;
  /** The source file (starts with `#!/usr/bin/env node`, which esbuild keeps). */
  readonly source: string;
}

/** The executables: `switchyard-llm` (modules/cli). */
export const BINS: readonly BinEntry[] = [
  { command: 'switchyard-llm', name: 'cli/bin', source: `${MODULES_DIR}/cli/bin.ts` },
];

/** The tsup `entry` of the executables (ESM build only): entry name → source file. */
export function tsupBinEntry(): Record<string, string> {
  return Object.fromEntries(BINS.map((b) => [b.name, b.source]));
}

/** The tsup `entry` option: entry name → source file. */
export function tsupEntry(root = ROOT): Record<string, string> {
  return Object.fromEntries(entries(root).map((e) => [e.name, e.source]));
}
