/**
 * The entry list (scripts/entries.ts) is the one source of the package's subpaths: package.json
 * `exports`, `typesVersions` and `sideEffects` and tsup's entries must all follow from it, and
 * every folder of `modules/` must be an entry. When this fails after adding a module, run
 * `npm run sync:exports`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BINS, entries, moduleFolders, ROOT, tsupBinEntry, tsupEntry } from '../../scripts/entries.js';
import { hasSideEffects, packageFields, tsconfigPaths } from '../../scripts/package-fields.js';
import tsupConfig from '../../tsup.config.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('package entries', () => {
  const derived = packageFields();

  it('package.json bin, exports, typesVersions and sideEffects are the derived ones (npm run sync:exports)', () => {
    expect(pkg.bin).toEqual(derived.bin);
    expect(pkg.exports).toEqual(derived.exports);
    expect(pkg.typesVersions).toEqual(derived.typesVersions);
    expect(pkg.sideEffects).toEqual(derived.sideEffects);
  });

  it('tsconfig.json maps the package name to every entry source (npm run sync:exports)', () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { paths?: unknown };
    };
    expect(tsconfig.compilerOptions.paths).toEqual(tsconfigPaths(pkg.name as string, entries()));
  });

  it('every folder of modules/ has an index.ts', () => {
    expect(moduleFolders().filter((m) => !m.withIndex)).toEqual([]);
  });

  it('tsup builds exactly the entries, in both formats, and the executables in ESM', () => {
    const configs = Array.isArray(tsupConfig) ? tsupConfig : [tsupConfig];
    expect(configs.map((c) => ('entry' in c ? c.format : undefined))).toEqual(['esm', 'cjs']);
    const [esm, cjs] = configs;
    expect(esm && 'entry' in esm && esm.entry).toEqual({ ...tsupEntry(), ...tsupBinEntry() });
    expect(cjs && 'entry' in cjs && cjs.entry).toEqual(tsupEntry());
  });

  it('every executable starts with a node shebang and is a bin of the package', () => {
    expect(BINS.length).toBeGreaterThan(0);
    for (const bin of BINS) {
      expect(readFileSync(join(ROOT, bin.source), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
      expect((pkg.bin as Record<string, string>)[bin.command]).toBe(`./dist/${bin.name}.js`);
    }
  });

  it('the core entries keep their subpaths; the root alone has side effects', () => {
    expect(entries().filter((e) => !e.module)).toEqual([
      { subpath: '.', name: 'index', source: 'index.ts', module: false },
      { subpath: './testing', name: 'testing/index', source: 'src/testing/index.ts', module: false },
      { subpath: './strategies', name: 'strategies/index', source: 'strategies/index.ts', module: false },
      ...['openai', 'anthropic', 'cohere'].map((p) => ({
        subpath: `./adapters/${p}`,
        name: `adapters/${p}/index`,
        source: `adapters/${p}/index.ts`,
        module: false,
      })),
    ]);
    expect(derived.sideEffects.slice(0, 2)).toEqual(['./dist/index.js', './dist/index.cjs']);
    expect(hasSideEffects(join(ROOT, 'src/testing/index.ts'))).toBe(false);
  });

  describe('a new modules/ folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'entries-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    for (const core of entries().filter((e) => !e.module)) write(core.source, 'export const x = 1;\n');
    write('modules/pure/index.ts', "export { f } from './f.js';\nexport const table = new Map();\n");
    write('modules/pure/f.ts', 'export function f() {}\n');
    write('modules/pure/f.test.ts', 'f();\n');
    write('modules/installs/index.ts', "export * from './install.js';\n");
    write('modules/installs/install.ts', "import { Router } from '../../src/index.js';\nRouter.x = 1;\n");
    write('modules/draft/notes.md', '');

    it('becomes a subpath with ESM, CJS and node10 types; a folder without index.ts does not', () => {
      const fields = packageFields(root);
      expect(Object.keys(fields.exports)).toEqual(expect.arrayContaining(['./installs', './pure']));
      expect(Object.keys(fields.exports)).not.toContain('./draft');
      expect(fields.exports['./pure']).toEqual({
        import: { types: './dist/pure/index.d.ts', default: './dist/pure/index.js' },
        require: { types: './dist/pure/index.d.cts', default: './dist/pure/index.cjs' },
      });
      expect(fields.typesVersions['*']?.pure).toEqual(['./dist/pure/index.d.cts']);
      expect(tsupEntry(root)['pure/index']).toBe('modules/pure/index.ts');
      expect(moduleFolders(root)).toContainEqual({ name: 'draft', withIndex: false });
    });

    it('is listed in sideEffects when any of its files does something on load', () => {
      expect(packageFields(root).sideEffects).toEqual([
        './dist/installs/index.js',
        './dist/installs/index.cjs',
      ]);
    });
  });

  const sources = (dirs: string[]) =>
    dirs
      .flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)),
      )
      .filter((file) => file.endsWith('.ts'));
  const importing = (files: string[], from: RegExp) =>
    files.filter((file) =>
      new RegExp(`^(?:import\\s+'|(?:import|export)\\b[^;]*?from\\s+')${from.source}`, 'm').test(
        readFileSync(join(ROOT, file), 'utf8'),
      ),
    );

  it('the core never imports an optional module; adapters only the adapter kit', () => {
    const core = sources(['src', 'strategies']).concat('index.ts');
    expect(importing(core, /[^']*(\/modules\/|switchyard-llm)/)).toEqual([]);
    expect(importing(sources(['adapters']), /[^']*(\/modules\/(?!adapter-kit\/)|switchyard-llm)/)).toEqual(
      [],
    );
  });

  it('modules import the core by path, never by the package name (tsup would bundle a second core)', () => {
    const modules = moduleFolders().length ? sources(['modules']) : [];
    expect(importing(modules, /switchyard-llm/)).toEqual([]);
  });

  it('modules/lab imports only its own files, the core entry and switchyard-llm/testing', () => {
    const outside = sources(['modules/lab']).flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)]
        .map((m) => m[1]!)
        .filter((from) => !from.startsWith('./'))
        .filter((from) => from !== '../../src/index.js' && from !== '../../src/testing/index.js')
        .map((from) => `${file}: ${from}`),
    );
    expect(outside).toEqual([]);
  });
});
