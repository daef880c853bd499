import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { SwitchyardError } from '../../index.js';
import { type Evaluation, evaluatePredictors } from './evaluate.js';
import { readHistory } from './history-row.js';
import type { ModelFamily } from './json.js';
import { MODEL_FAMILIES } from './load.js';
import { trainPredictors } from './train.js';

/** Where a command writes: one line at a time, to standard output and standard error. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Family names the command line also accepts, for the common abbreviations. */
const FAMILY_ALIASES: Readonly<Record<string, ModelFamily>> = {
  gbm: 'boosting',
  gbdt: 'boosting',
  rf: 'forest',
  nn: 'mlp',
  svm: 'svr',
};

/** The usage text of `switchyard-llm train`. */
export const TRAIN_USAGE = `usage: switchyard-llm train --data <history.jsonl> --family <family> --out <model.json> [--tags a,b] [--min-rows N]
       switchyard-llm train --data <history.jsonl> --evaluate [--family <family>|all] [--train-fraction 0.7] [--tags a,b]
families: ${MODEL_FAMILIES.join(', ')} (also gbm, rf, nn, svm)`;

/**
 * `switchyard-llm train`: trains one model per (target, quantity) from a {@link HistoryRecorder}
 * file and writes the model file `intelligent({ predictors: fromFile(path) })` starts from; with
 * `--evaluate`, prints each family's prediction quality on a time-ordered split instead.
 * Resolves to the exit code: 0 done, 1 bad data or options, 2 a usage error.
 */
export function trainCommand(argv: readonly string[], io: CommandIo): number {
  let flags: Map<string, string>;
  try {
    flags = parseFlags(argv, ['data', 'family', 'out', 'tags', 'min-rows', 'train-fraction'], ['evaluate']);
  } catch (error) {
    io.err((error as Error).message);
    io.err(TRAIN_USAGE);
    return 2;
  }
  try {
    const data = required(flags, 'data');
    const rows = readHistory(readText(data, '--data'));
    const tags = flags.has('tags')
      ? flags
          .get('tags')!
          .split(',')
          .filter((t) => t !== '')
      : [];
    const minRows = flags.has('min-rows') ? positiveInt(flags.get('min-rows')!, '--min-rows') : undefined;
    if (flags.has('evaluate')) {
      const which = flags.get('family') ?? 'all';
      const families = which === 'all' ? MODEL_FAMILIES : [familyOf(which)];
      const fraction = flags.has('train-fraction') ? Number(flags.get('train-fraction')) : undefined;
      io.out(EVALUATION_HEADER);
      for (const family of families) {
        const e = evaluatePredictors(rows, {
          family,
          tags,
          ...(fraction === undefined ? {} : { trainFraction: fraction }),
          ...(minRows === undefined ? {} : { minRows }),
        });
        io.out(evaluationLine(e));
      }
      return 0;
    }
    const family = familyOf(required(flags, 'family'));
    const out = required(flags, 'out');
    const trained = trainPredictors(rows, { family, tags, ...(minRows === undefined ? {} : { minRows }) });
    // Written whole or not at all: a reader never sees half a model.
    const temp = `${out}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(trained.toJSON())}\n`);
    renameSync(temp, out);
    const models = [...trained.models.values()].reduce((n, m) => n + m.size, 0);
    io.out(
      `trained ${family} on ${rows.length} rows: ${models} models for ${trained.models.size} targets → ${out}`,
    );
    return 0;
  } catch (error) {
    io.err(error instanceof SwitchyardError ? error.message : `train: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

const EVALUATION_HEADER =
  'family    | train/test rows | latency MAE ms | latency p90 |AE| ms | output MAE | failure log loss | Brier';

function evaluationLine(e: Evaluation): string {
  const n = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
  return [
    e.family.padEnd(9),
    `${e.trainRows}/${e.testRows}`.padStart(15),
    n(e.latency.mae).padStart(14),
    n(e.latency.p90AbsoluteError).padStart(19),
    n(e.outputTokens.mae).padStart(10),
    n(e.failure.logLoss, 3).padStart(16),
    n(e.failure.brier, 3).padStart(5),
  ].join(' | ');
}

/** A command-line mistake: exit code 2 and the usage. */
class UsageError extends SwitchyardError {
  constructor(message: string) {
    super('config', message);
  }
}

function familyOf(name: string): ModelFamily {
  const family = FAMILY_ALIASES[name] ?? name;
  if (!(MODEL_FAMILIES as readonly string[]).includes(family)) {
    throw new UsageError(
      `--family: expected one of ${MODEL_FAMILIES.join(', ')} (or gbm, rf, nn, svm), got "${name}"`,
    );
  }
  return family as ModelFamily;
}

function required(flags: Map<string, string>, name: string): string {
  const value = flags.get(name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  return n;
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new SwitchyardError('config', `${flag}: cannot read "${path}" (${code})`);
  }
}

/** `--name value` pairs and bare `--switch`es; anything else is a usage error. */
function parseFlags(
  argv: readonly string[],
  valued: readonly string[],
  switches: readonly string[],
): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && switches.includes(name)) {
      flags.set(name, '');
    } else if (name !== undefined && valued.includes(name)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new Error(`unknown argument "${arg}"`);
    }
  }
  return flags;
}
