import type { ParseArgsConfig } from 'node:util';
import { keysCommand } from '../gateway/index.js';
import { TRAIN_USAGE, trainCommand } from '../ml/index.js';
import { check } from './check.js';
import type { CliIo } from './io.js';
import { serve } from './serve.js';

/** The flags of a command, as `node:util` `parseArgs` gives them. */
export type CliValues = Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;

/** One command of the CLI. Add a command by adding an entry to {@link COMMANDS}. */
export interface CliCommand {
  /** One line for `help`. */
  readonly summary: string;
  /** Its synopsis, without the program name, e.g. `serve --config <path> [--port N]`. */
  readonly usage: string;
  /** Its flags (`node:util` `parseArgs` options); any other flag is a usage error. */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether it takes positional arguments (sub-commands). @default false */
  readonly positionals?: boolean;
  /**
   * The command reads its arguments itself: `run` gets them unparsed as `positionals` (and no
   * values). For commands that come with their own parser. @default false
   */
  readonly raw?: boolean;
  /** Runs it; resolves with the exit code. A usage problem may return 2. */
  run(values: CliValues, positionals: readonly string[], io: CliIo): Promise<number>;
}

/** Reads `--port`: an integer 0–65535, else `undefined` and a usage error. */
function portOf(value: CliValues[string]): number | undefined | 'bad' {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,5}$/.test(value) || Number(value) > 65_535) return 'bad';
  return Number(value);
}

const configFlag = { config: { type: 'string', short: 'c' } } as const;

/** The commands, by name. `help` and `--version` are handled by `runCli`. */
export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  serve: {
    summary:
      'Serve the router of a config file as an OpenAI-compatible gateway (SIGHUP reloads, SIGTERM stops).',
    usage: 'serve --config <path> [--port <n>] [--host <address>]',
    options: { ...configFlag, port: { type: 'string', short: 'p' }, host: { type: 'string' } },
    async run(values, _positionals, io) {
      const port = portOf(values.port);
      const problem =
        typeof values.config !== 'string'
          ? '--config <path> is required'
          : port === 'bad'
            ? '--port: expected an integer from 0 to 65535'
            : values.host === ''
              ? '--host: expected an address'
              : undefined;
      if (problem !== undefined || typeof values.config !== 'string' || port === 'bad') {
        io.stderr(`${problem}\n`);
        return 2;
      }
      return serve(
        {
          config: values.config,
          ...(port !== undefined && { port }),
          ...(typeof values.host === 'string' && { host: values.host }),
        },
        io,
      );
    },
  },
  keys: {
    summary: "Create, list, rotate and revoke the gateway's virtual keys in a key file (hashes only).",
    usage: 'keys create|list|rotate|revoke … [--file <keys.json>] (keys --help for the flags)',
    options: {},
    raw: true,
    run: (_values, argv, io) =>
      keysCommand(argv, { stdout: (t) => io.stdout(t), stderr: (t) => io.stderr(t), env: process.env }),
  },
  train: {
    summary: "Train the intelligent strategy's models from a recorded history file (switchyard-llm/ml).",
    usage: TRAIN_USAGE.split('\n')[0]!.replace(/^usage: switchyard-llm /, ''),
    options: {},
    raw: true,
    async run(_values, argv, io) {
      return trainCommand(argv, {
        out: (line) => io.stdout(`${line}\n`),
        err: (line) => io.stderr(`${line}\n`),
      });
    },
  },
  check: {
    summary: 'Validate a config file and print what it would serve (exit code 1 with its problems).',
    usage: 'check --config <path>',
    options: configFlag,
    async run(values, _positionals, io) {
      if (typeof values.config !== 'string') {
        io.stderr('--config <path> is required\n');
        return 2;
      }
      return check({ config: values.config }, io);
    },
  },
};
