#!/usr/bin/env node
/**
 * The `switchyard-llm` executable (package.json `bin`): `npx switchyard-llm serve --config switchyard.config.json`.
 */
import { processIo } from './io.js';
import { runCli } from './run.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
