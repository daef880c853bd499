/**
 * `switchyard-llm/cli`: the `switchyard-llm` command line as a function, for tests and for
 * programs that embed it. The executable is `npx switchyard-llm serve --config <file>`
 * (docs/config.md).
 *
 * @example
 * ```ts
 * import { processIo, runCli } from 'switchyard-llm/cli';
 * process.exitCode = await runCli(['check', '--config', 'switchyard.config.json'], processIo());
 * ```
 */

export { check } from './check.js';
export { type CliCommand, type CliValues, COMMANDS } from './commands.js';
export { type CliIo, type CliSignal, processIo } from './io.js';
export type { Log, LogLevel } from './log.js';
export { runCli, usage } from './run.js';
export { type ServeOptions, serve } from './serve.js';
