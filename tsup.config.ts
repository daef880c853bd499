import { defineConfig, type Options } from 'tsup';

// One entry per public subpath (see package.json "exports").
const entry = {
  index: 'index.ts',
  'testing/index': 'src/testing/index.ts',
  'strategies/index': 'strategies/index.ts',
  'adapters/openai/index': 'adapters/openai/index.ts',
  'adapters/anthropic/index': 'adapters/anthropic/index.ts',
  'adapters/cohere/index': 'adapters/cohere/index.ts',
  // Temporary: folders in modules/ become entries (and subpaths) once the packaging script runs.
  'adapter-kit/index': 'modules/adapter-kit/index.ts',
};

// Vendor SDKs are optional peers: never bundled, loaded only by their own adapter entry.
const external = ['openai', '@anthropic-ai/sdk', 'cohere-ai', 'eventemitter3', 'zod', 'undici'];

const common: Options = {
  entry,
  outDir: 'dist',
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  external,
};

export default defineConfig([
  { ...common, format: 'esm', clean: true },
  // p-queue is ESM-only: bundle it into the CJS build so `require('switchyard')` works on every Node 20.
  { ...common, format: 'cjs', noExternal: ['p-queue'] },
]);
