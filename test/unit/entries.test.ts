/**
 * What the root entry and the adapter kit export, and which way imports go: the core (`src/`)
 * imports nothing of the kit or the adapters; the kit imports only the core's face
 * (`src/index.ts`), its own files, Node built-ins and undici (lazily).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../index.js';
import * as kit from '../../modules/adapter-kit/index.js';
import * as core from '../../src/index.js';

const repo = join(import.meta.dirname, '..', '..');

const KIT_HELPERS = [
  'errorFromHttpStatus',
  'kindFromHttpStatus',
  'errorFromException',
  'errorFromAbort',
  'parseRetryAfter',
  'parseDuration',
  'readHeader',
  'redactSecrets',
  'sanitizeError',
  'scrubSecrets',
];

function files(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

/** The module specifiers of a file's static and dynamic imports and re-exports. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
  return found;
}

describe('entries', () => {
  it('the root entry is for applications: everything of the core face but the adapter helpers', () => {
    for (const name of KIT_HELPERS) expect(Object.keys(root), name).not.toContain(name);
    // The root's list is explicit: a value the core face gains must be added to it (or to the kit).
    const expected = Object.keys(core).filter((name) => !KIT_HELPERS.includes(name));
    expect(Object.keys(root).sort()).toEqual(expected.sort());
    for (const name of [
      'Router',
      'SwitchyardError',
      'isSwitchyardError',
      'ERROR_KINDS',
      'StrategyRegistry',
      'MemoryQuotaState',
      'DEFAULT_TPM_OUTPUT_ESTIMATE',
      'MemoryStateStore',
      'createSeededRandom',
      'systemClock',
      'messageText',
    ]) {
      expect(Object.keys(root), name).toContain(name);
    }
  });

  it('the adapter kit has the helpers, the SSE parser, the transport and the conformance suite', () => {
    for (const name of [
      ...KIT_HELPERS,
      'SseParser',
      'createFastFetch',
      'runAdapterConformance',
      'ScriptedServer',
      'optionalPeer',
      'lazyClient',
      'serializeRequestBody',
      'mapRequest',
    ]) {
      expect(Object.keys(kit), name).toContain(name);
    }
  });

  it('imports go one way: core → nothing of the kit or adapters; kit → the core face only', () => {
    const wrong: string[] = [];
    for (const file of files('src')) {
      for (const spec of importsOf(file)) {
        if (/modules\/|adapters\/|strategies\//.test(spec) && spec.startsWith('.'))
          wrong.push(`${file}: ${spec}`);
      }
    }
    for (const file of files('modules/adapter-kit')) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('node:') || spec === 'undici') continue;
        const resolved = relative(repo, join(repo, file, '..', spec));
        if (resolved === join('src', 'index.js')) continue;
        if (resolved.startsWith(join('modules', 'adapter-kit'))) continue;
        wrong.push(`${file}: ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
