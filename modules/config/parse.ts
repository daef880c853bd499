import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SwitchyardError } from '../../index.js';
import { type Env, jsonPath, substituteEnv } from './env.js';
import { resolveConfigPaths } from './paths.js';
import { configSchema } from './schema.js';
import type { SwitchyardConfig } from './types.js';

/** Problems listed in one error at most. */
const MAX_PROBLEMS = 10;

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** `path: problem` lines of zod issues. Values are never quoted (they may be secrets). */
function problems(issues: readonly Issue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
      for (const key of issue.keys) out.push(`${jsonPath([...issue.path, key])}: unknown key`);
    } else {
      out.push(`${jsonPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`);
    }
  }
  return [...new Set(out)];
}

/** Line and column of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message may quote the text around the fault (a secret, perhaps): drop the quote, and
    // turn "at position N" into a line and column.
    let message = (error instanceof Error ? error.message : '')
      .replace(/, (?:\.\.\.)?".*$/s, '')
      .replace(/ in JSON at position (\d+).*$/s, (_m, at: string) => ` (${lineColumn(text, Number(at))})`);
    // Whatever form the message takes, no piece of the text goes out.
    if (message.includes('"') || message.length > 120) message = '';
    throw new SwitchyardError('config', `config: not valid JSON${message ? `: ${message}` : ''}`);
  }
}

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /**
   * The directory relative file paths in the config (`certFile`, `keyFile`, `caFile`,
   * `jwksFile`, the key `file`) are resolved against. {@link loadConfig} passes the config
   * file's directory. @default the paths are kept as written (relative to the process's
   * working directory when read)
   */
  readonly baseDir?: string;
}

/**
 * Validates a config file's content: JSON text or an already parsed value. Replaces every
 * `${NAME}` in a string with the environment variable `NAME` first, then checks the result
 * against the schema (strict: unknown keys are errors), then resolves the file paths it names
 * against `options.baseDir` when given.
 *
 * @throws {SwitchyardError} `config`: malformed JSON (with line and column), a variable that is
 *   not set (naming the path and the variable), or the schema's problems, each as
 *   `path: problem` (e.g. `targets[2].apiKey: expected string, received number`); or zod missing.
 *
 * @example
 * ```ts
 * const config = parseConfig(readFileSync('switchyard.config.json', 'utf8'), process.env);
 * ```
 */
export function parseConfig(
  json: unknown,
  env: Env = process.env,
  options: ParseConfigOptions = {},
): SwitchyardConfig {
  const schema = configSchema();
  const value = substituteEnv(typeof json === 'string' ? parseJson(json) : json, env);
  const result = schema.safeParse(value);
  if (result.success) {
    const config: SwitchyardConfig = result.data;
    return options.baseDir === undefined ? config : resolveConfigPaths(config, options.baseDir);
  }
  const list = problems(result.error.issues as readonly Issue[]);
  const shown = list.slice(0, MAX_PROBLEMS);
  const more = list.length > shown.length ? `; and ${list.length - shown.length} more` : '';
  const text = shown.length === 1 ? shown[0]! : `${list.length} problems: ${shown.join('; ')}${more}`;
  throw new SwitchyardError('config', `config: ${text}`);
}

/**
 * Reads and validates a config file (see {@link parseConfig}). Relative file paths in it are
 * resolved against the config file's directory, not the process's working directory.
 * @throws {SwitchyardError} `config`, also when the file cannot be read.
 */
export async function loadConfig(path: string, env: Env = process.env): Promise<SwitchyardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new SwitchyardError(
      'config',
      `config: cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  return parseConfig(text, env, { baseDir: dirname(resolve(path)) });
}
