/**
 * The published package: every subpath loads from the built `dist/` in both ESM and CJS (in a
 * fresh Node process, as a user would load it) and has type declarations. Builds first when
 * `dist/` is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<
    string,
    string | { import: { types: string; default: string }; require: { types: string; default: string } }
  >;
};
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');

function node(code: string, type: 'module' | 'commonjs'): string {
  const args = type === 'module' ? ['--input-type=module', '-e', code] : ['-e', code];
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30_000 }).trim();
}

describe('package exports', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js'))) {
      execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore', timeout: 120_000 });
    }
  }, 130_000);

  it.each(subpaths)('%s has ESM, CJS and type declarations', (subpath) => {
    const entry = pkg.exports[subpath] as {
      import: { types: string; default: string };
      require: { types: string; default: string };
    };
    for (const file of [
      entry.import.types,
      entry.import.default,
      entry.require.types,
      entry.require.default,
    ]) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    const name = subpath === '.' ? 'switchyard-llm' : `switchyard-llm/${subpath.slice(2)}`;
    const esm = node(`const m = await import('${name}'); console.log(Object.keys(m).length)`, 'module');
    const cjs = node(`const m = require('${name}'); console.log(Object.keys(m).length)`, 'commonjs');
    expect(Number(esm)).toBeGreaterThan(0);
    expect(Number(cjs)).toBe(Number(esm));
  });

  it('routes a call from the CJS build, with the built-ins registered', () => {
    const out = node(
      `const { Router, isSwitchyardError } = require('switchyard-llm');
       const { MockAdapter } = require('switchyard-llm/testing');
       const router = new Router({ targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'cjs ok' })), model: 'm', maxConcurrency: 2 }], strategy: 'weighted' });
       router.complete({ messages: [{ role: 'user', content: 'x' }] }).then((r) => console.log(r.text, Router.strategies.has('response-time')));`,
      'commonjs',
    );
    expect(out).toBe('cjs ok true');
  });

  it('errors are recognised across the ESM and CJS copies by their Symbol.for brand', () => {
    const out = node(
      `import { createRequire } from 'node:module';
       import { isSwitchyardError } from 'switchyard-llm';
       const cjs = createRequire(import.meta.url)('switchyard-llm');
       const e = new cjs.SwitchyardError('server', 'from the CJS copy');
       console.log(isSwitchyardError(e), e instanceof (await import('switchyard-llm')).SwitchyardError);`,
      'module',
    );
    expect(out).toBe('true false');
  });

  it('the ESM and the CJS builds loaded in one process share one strategy registry', () => {
    const out = node(
      `import { createRequire } from 'node:module';
       import { Router } from 'switchyard-llm';
       const cjs = createRequire(import.meta.url)('switchyard-llm');
       Router.strategies.register('esm-only', () => ({ name: 'esm-only', pick: (c) => c[0] }));
       console.log(cjs.Router.strategies === Router.strategies, cjs.Router.strategies.has('esm-only'));`,
      'module',
    );
    expect(out).toBe('true true');
  });

  it('switchyard-llm/lab shares one core with the root entry: it finds the strategies the root registers', () => {
    const run = `simulate({ seed: 1, strategy: 'response-time',
      providers: [{ id: 'a', latency: { ttftMs: 300, prefillTokensPerSec: 1e4, decodeTokensPerSec: 100 } },
                  { id: 'b', latency: { ttftMs: 600, prefillTokensPerSec: 1e4, decodeTokensPerSec: 100 } }],
      workload: { durationMs: 5000, ratePerSec: 5, inputTokens: { kind: 'fixed', value: 100 },
                  outputTokens: { kind: 'fixed', value: 50 } } })
      .then((r) => console.log(r.strategy, r.calls.length))`;
    const esm = node(
      `import 'switchyard-llm'; import { simulate } from 'switchyard-llm/lab'; ${run}`,
      'module',
    );
    const cjs = node(
      `require('switchyard-llm'); const { simulate } = require('switchyard-llm/lab'); ${run}`,
      'commonjs',
    );
    expect(esm).toMatch(/^response-time \d+$/);
    expect(cjs).toBe(esm);
  });
});
