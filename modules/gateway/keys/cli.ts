import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isSwitchyardError } from '../../../index.js';
import { FileKeyStore } from './file-store.js';
import type { KeySettings } from './records.js';
import { type KeyView, VirtualKeys } from './virtual-keys.js';

/** What {@link keysCommand} needs of its process (a subset of the CLI's io). */
export interface KeysCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** `SWITCHYARD_KEYS_FILE` is the default `--file`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where a relative `--file` is resolved. @default process.cwd() */
  readonly cwd?: string;
}

/** The usage text of `keys`. */
export const KEYS_USAGE = `Usage:
  keys create --name <name> [--models a,b] [--rpm <n>] [--tpm <n>]
              [--budget-usd <usd> --budget-period day|month|total]
              [--user <user>] [--team <team>] [--tags a,b] [--file <keys.json>] [--json]
  keys list [--file <keys.json>] [--json]
  keys rotate <key id> [--grace-ms <ms>] [--file <keys.json>] [--json]
  keys revoke <key id> [--file <keys.json>] [--json]

--file defaults to $SWITCHYARD_KEYS_FILE. The file holds SHA-256 hashes only; a new secret is
printed once, by create and rotate. A running gateway reads the file at start (or on reload).
`;

const OPTIONS = {
  file: { type: 'string', short: 'f' },
  name: { type: 'string' },
  models: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  'budget-usd': { type: 'string' },
  'budget-period': { type: 'string' },
  user: { type: 'string' },
  team: { type: 'string' },
  tags: { type: 'string' },
  'grace-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class Usage extends Error {}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Usage(`--${flag}: expected a number`);
  return n;
}

function line(key: KeyView): string {
  const limits = [
    key.rpm === undefined ? '' : `rpm=${key.rpm}`,
    key.tpm === undefined ? '' : `tpm=${key.tpm}`,
    key.budget === undefined ? '' : `budget=$${key.budget.limitUsd}/${key.budget.period}`,
    key.models === undefined ? '' : `models=${key.models.join(',')}`,
  ].filter((s) => s !== '');
  return [key.id, key.status, key.hint, JSON.stringify(key.name), ...limits].join('  ');
}

function settingsOf(values: Record<string, string | boolean | undefined>): KeySettings {
  const s: { -readonly [K in keyof KeySettings]: KeySettings[K] } = {};
  if (typeof values.name === 'string') s.name = values.name;
  const models = list(values.models as string | undefined);
  if (models !== undefined) s.models = models;
  const rpm = number(values.rpm as string | undefined, 'rpm');
  if (rpm !== undefined) s.rpm = rpm;
  const tpm = number(values.tpm as string | undefined, 'tpm');
  if (tpm !== undefined) s.tpm = tpm;
  const usd = number(values['budget-usd'] as string | undefined, 'budget-usd');
  const period = values['budget-period'];
  if ((usd === undefined) !== (period === undefined)) {
    throw new Usage('--budget-usd and --budget-period go together');
  }
  if (usd !== undefined) s.budget = { limitUsd: usd, period: period as 'day' };
  const metadata: { user?: string; team?: string; tags?: string[] } = {};
  if (typeof values.user === 'string') metadata.user = values.user;
  if (typeof values.team === 'string') metadata.team = values.team;
  const tags = list(values.tags as string | undefined);
  if (tags !== undefined) metadata.tags = tags;
  if (Object.keys(metadata).length > 0) s.metadata = metadata;
  return s;
}

/**
 * `switchyard-llm keys …`: creates, lists, rotates and revokes virtual keys in a JSON key file
 * ({@link FileKeyStore}). Resolves with the exit code: 0 done, 1 failed (e.g. no such key, a bad
 * value), 2 usage error. Secrets go to stdout once (create, rotate); nothing else prints them.
 *
 * @example
 * ```ts
 * process.exitCode = await keysCommand(process.argv.slice(3), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env });
 * ```
 */
export async function keysCommand(argv: readonly string[], io: KeysCommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, id, ...rest] = positionals;
  if (values.help === true || action === undefined || action === 'help') {
    (values.help === true || action === 'help' ? io.stdout : io.stderr)(KEYS_USAGE);
    return values.help === true || action === 'help' ? 0 : 2;
  }
  const file = values.file ?? io.env?.SWITCHYARD_KEYS_FILE;
  const usage = (problem: string): number => {
    io.stderr(`keys ${action}: ${problem}\n${KEYS_USAGE}`);
    return 2;
  };
  if (file === undefined || file === '')
    return usage('--file <keys.json> is required (or set SWITCHYARD_KEYS_FILE)');
  const needsId = action === 'rotate' || action === 'revoke';
  if (!['create', 'list', 'rotate', 'revoke'].includes(action)) return usage(`unknown action '${action}'`);
  if (needsId ? id === undefined || rest.length > 0 : id !== undefined) {
    return usage(needsId ? 'expected one key id' : 'takes no positional argument');
  }
  const json = values.json === true;
  try {
    const keys = new VirtualKeys(new FileKeyStore(resolve(io.cwd ?? process.cwd(), file)), {
      storeBudgetsOnly: true,
    });
    switch (action) {
      case 'create': {
        if (values.name === undefined) return usage('--name is required');
        const created = await keys.create(settingsOf(values) as KeySettings & { name: string });
        io.stdout(
          json
            ? `${JSON.stringify({ ...created.key, secret: created.secret })}\n`
            : `${created.key.id}  ${created.secret}\n`,
        );
        if (!json) io.stderr('Store the secret now: it is not shown again.\n');
        return 0;
      }
      case 'list': {
        const all = await keys.list();
        io.stdout(json ? `${JSON.stringify(all)}\n` : all.map((k) => `${line(k)}\n`).join(''));
        return 0;
      }
      case 'rotate': {
        const graceMs = number(values['grace-ms'], 'grace-ms');
        const rotated = await keys.rotate(id!, graceMs === undefined ? {} : { graceMs });
        if (rotated === undefined) {
          io.stderr(`keys rotate: no key '${id}'\n`);
          return 1;
        }
        io.stdout(
          json
            ? `${JSON.stringify({ ...rotated.key, secret: rotated.secret })}\n`
            : `${rotated.key.id}  ${rotated.secret}\n`,
        );
        if (!json) io.stderr('Store the secret now: it is not shown again.\n');
        return 0;
      }
      default: {
        const revoked = await keys.revoke(id!);
        if (revoked === undefined) {
          io.stderr(`keys revoke: no key '${id}'\n`);
          return 1;
        }
        io.stdout(json ? `${JSON.stringify(revoked)}\n` : `${line(revoked)}\n`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof Usage) return usage(error.message);
    const message = isSwitchyardError(error) ? error.message : (error as Error).message;
    io.stderr(`keys ${action}: ${message}\n`);
    return 1;
  }
}
