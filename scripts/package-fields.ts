/**
 * The package.json fields derived from the entry list (scripts/entries.ts): `exports`,
 * `typesVersions` and `sideEffects`. `npm run sync:exports` writes them; the package test
 * compares them with package.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { BINS, type Entry, entries, MODULES_DIR, ROOT } from './entries.js';

type Conditions = { readonly types: string; readonly default: string };
export type ExportsField = Record<string, string | { import: Conditions; require: Conditions }>;
export type TypesVersionsField = Record<string, Record<string, string[]>>;

/** The derived fields, in the order sync-exports writes them. */
export interface PackageFields {
  readonly bin: Record<string, string>;
  readonly sideEffects: string[];
  readonly exports: ExportsField;
  readonly typesVersions: TypesVersionsField;
}

const dist = (entry: Entry, extension: string) => `./dist/${entry.name}${extension}`;

/** `exports`: ESM and CJS, each with its own declarations (`.d.ts` / `.d.cts`). */
export function exportsField(list: readonly Entry[]): ExportsField {
  const field: ExportsField = {};
  for (const entry of list) {
    field[entry.subpath] = {
      import: { types: dist(entry, '.d.ts'), default: dist(entry, '.js') },
      require: { types: dist(entry, '.d.cts'), default: dist(entry, '.cjs') },
    };
  }
  field['./package.json'] = './package.json';
  return field;
}

/**
 * `typesVersions`: for TypeScript with `moduleResolution: node10` (`module: commonjs`), which
 * ignores `exports`; maps each subpath to its CJS declarations (the root uses `types`).
 */
export function typesVersionsField(list: readonly Entry[]): TypesVersionsField {
  const map: Record<string, string[]> = {};
  for (const entry of list) {
    if (entry.subpath !== '.') map[entry.subpath.slice(2)] = [dist(entry, '.d.cts')];
  }
  return { '*': map };
}

/**
 * Whether a source file does something when loaded: any top-level statement other than
 * declarations, imports with bindings and exports (a call, an assignment, a bare `import 'x'` of
 * another package or entry, a loop…). Variable initialisers count as pure.
 */
export function hasSideEffects(file: string, inModule = false): boolean {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  return source.statements.some((s) => {
    if (ts.isImportDeclaration(s)) {
      if (s.importClause !== undefined) return false;
      // A bare import of a file of the same module is scanned on its own.
      const from = (s.moduleSpecifier as ts.StringLiteral).text;
      return !(inModule && from.startsWith('./'));
    }
    return !(
      ts.isExportDeclaration(s) ||
      ts.isExportAssignment(s) ||
      ts.isFunctionDeclaration(s) ||
      ts.isClassDeclaration(s) ||
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      ts.isEnumDeclaration(s) ||
      ts.isModuleDeclaration(s) ||
      ts.isImportEqualsDeclaration(s) ||
      ts.isVariableStatement(s) ||
      ts.isEmptyStatement(s)
    );
  });
}

/** `bin`: each executable's built file (ESM). */
export function binField(): Record<string, string> {
  return Object.fromEntries(BINS.map((b) => [b.command, `./dist/${b.name}.js`]));
}

/**
 * The non-test TypeScript files of a folder, recursively; executables left out (they run, but
 * nothing imports them).
 */
function sourcesOf(dir: string, root: string): string[] {
  const bins = new Set(BINS.map((b) => join(root, b.source)));
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.test.ts'))
    .map((d) => join(d.parentPath, d.name))
    .filter((file) => !bins.has(file));
}

/**
 * `sideEffects`: the built files of the entries that do something on import (the root registers
 * the built-in strategies), so that bundlers keep `import 'switchyard-llm'` and drop the rest when
 * unused. A core entry is judged by its entry file; a module by every file of its folder.
 */
export function sideEffectsField(list: readonly Entry[], root = ROOT): string[] {
  return list
    .filter((entry) => {
      if (!entry.module) return hasSideEffects(join(root, entry.source));
      const dir = join(root, MODULES_DIR, entry.subpath.slice(2));
      return sourcesOf(dir, root).some((file) => hasSideEffects(file, true));
    })
    .flatMap((entry) => [dist(entry, '.js'), dist(entry, '.cjs')]);
}

/**
 * tsconfig.json `compilerOptions.paths`: the package's own name to the entries' sources, so that
 * examples import `switchyard-llm/…` as users do, and run with tsx and typecheck without a build.
 * Modules through one pattern, so that a new one needs no new path.
 */
export function tsconfigPaths(name: string, list: readonly Entry[]): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const entry of list.filter((e) => !e.module)) {
    paths[entry.subpath === '.' ? name : `${name}/${entry.subpath.slice(2)}`] = [`./${entry.source}`];
  }
  paths[`${name}/*`] = [`./${MODULES_DIR}/*/index.ts`];
  return paths;
}

/** Every derived field, from the entries found under `root`. */
export function packageFields(root = ROOT): PackageFields {
  const list = entries(root);
  return {
    bin: binField(),
    sideEffects: sideEffectsField(list, root),
    exports: exportsField(list),
    typesVersions: typesVersionsField(list),
  };
}
