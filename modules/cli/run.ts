import { parseArgs } from 'node:util';
import { COMMANDS } from './commands.js';
import type { CliIo } from './io.js';
import { createLog, messageOf } from './log.js';
import { packageVersion } from './version.js';

const PROGRAM = 'switchyard-llm';

/** The usage text: every command's synopsis and summary. */
export function usage(): string {
  const lines = [`Usage: ${PROGRAM} <command> [options]`, '', 'Commands:'];
  for (const [, command] of Object.entries(COMMANDS)) {
    lines.push(`  ${PROGRAM} ${command.usage}`, `      ${command.summary}`);
  }
  lines.push(
    `  ${PROGRAM} help [command]`,
    "      Show this help, or one command's.",
    `  ${PROGRAM} --version`,
    '      Print the version.',
    '',
    'The config file is JSON; "${VAR}" in a string is replaced by the environment variable VAR.',
    'See docs/config.md in the package.',
    '',
  );
  return lines.join('\n');
}

/**
 * Runs the `switchyard-llm` command line: `serve`, `check`, `help`, `--version`. Resolves with
 * the exit code: 0 success, 1 failure (an invalid config…), 2 usage error (an unknown command or
 * flag, with the usage on stderr). `serve` resolves when the server has stopped.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const command = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    io.stdout(command ? `Usage: ${PROGRAM} ${command.usage}\n  ${command.summary}\n` : usage());
    return 0;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`${name === undefined ? 'No command given.' : `Unknown command: ${name}`}\n\n${usage()}`);
    return 2;
  }
  if (command.raw === true)
    return runCommand(name!, () => command.run({}, rest, io), io, command.usage, false);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    io.stderr(`${messageOf(error)}\n\nUsage: ${PROGRAM} ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.stdout(`Usage: ${PROGRAM} ${command.usage}\n  ${command.summary}\n`);
    return 0;
  }
  const { values, positionals } = parsed;
  return runCommand(name!, () => command.run(values, positionals, io), io, command.usage, true);
}

/** Runs a command: its exit code, the usage after a usage error, a log line if it threw. */
async function runCommand(
  name: string,
  run: () => Promise<number>,
  io: CliIo,
  synopsis: string,
  printUsage: boolean,
): Promise<number> {
  try {
    const code = await run();
    if (code === 2 && printUsage) io.stderr(`Usage: ${PROGRAM} ${synopsis}\n`);
    return code;
  } catch (error) {
    createLog(io)('error', 'failed', { command: name, message: messageOf(error) });
    return 1;
  }
}
