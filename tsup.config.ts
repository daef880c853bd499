import { defineConfig, type Options } from 'tsup';
import { tsupBinEntry, tsupEntry } from './scripts/entries.js';

// One entry per public subpath: the core ones and every modules/<name>/index.ts (scripts/entries.ts,
// which also derives package.json "exports").
const entry = tsupEntry();
// The executables (package.json "bin"), ESM only: they share the ESM build's chunks. Their source
// starts with `#!/usr/bin/env node`, which esbuild keeps and tsup makes executable.
const bin = tsupBinEntry();

// Vendor SDKs, prom-client, redis and the OpenTelemetry API are optional peers: never bundled, loaded
// only by their own entry.
const external = [
  'openai',
  '@anthropic-ai/sdk',
  'cohere-ai',
  'prom-client',
  'redis',
  '@opentelemetry/api',
  'eventemitter3',
  'undici',
];

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
  // `import.meta.url` in the CommonJS build (the optional-peer loader's `createRequire`, in
  // modules/adapter-kit/peer.ts): tsup defines it from `__filename` there.
  shims: true,
};

export default defineConfig([
  { ...common, entry: { ...entry, ...bin }, format: 'esm', clean: true },
  { ...common, format: 'cjs' },
]);
