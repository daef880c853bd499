import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'src/**/*.test.ts',
      'strategies/**/*.test.ts',
      'adapters/**/*.test.ts',
      'modules/**/*.test.ts',
    ],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 20_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'modules/**/*.ts', 'adapters/**/*.ts', 'strategies/**/*.ts'],
      exclude: ['**/*.test.ts', '**/index.ts', 'src/types/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90, branches: 85 },
    },
  },
});
