import { redactSecrets } from '../adapter-kit/index.js';
import type { CliIo } from './io.js';

/** Log levels of the CLI's JSON lines. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one JSON line per event to standard error. */
export type Log = (level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>) => void;

/**
 * A logger writing `{"time","level","event",…fields}` lines to `io.stderr`. String fields are
 * passed through `redactSecrets` with the secrets `secrets()` knows (keys of the config), so a
 * value that slipped into an error message does not reach the log.
 */
export function createLog(io: CliIo, secrets: () => readonly string[] = () => []): Log {
  return (level, event, fields = {}) => {
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, event };
    for (const [key, value] of Object.entries(fields)) {
      line[key] = typeof value === 'string' ? redactSecrets(value, secrets()) : value;
    }
    io.stderr(`${JSON.stringify(line)}\n`);
  };
}

/** The message of an error, for a log line. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A log event that can fire once per request (an identity provider that is down refuses every
 * token): the first is written at once, then at most one per `intervalMs`, with `suppressed`, the
 * number held back since the last line. Keeps a flood of requests from becoming a flood of logs.
 */
export function throttled(
  log: Log,
  level: LogLevel,
  event: string,
  intervalMs: number,
  now: () => number = Date.now,
): (fields?: Readonly<Record<string, unknown>>) => void {
  let last = Number.NEGATIVE_INFINITY;
  let held = 0;
  return (fields = {}) => {
    const t = now();
    if (t - last < intervalMs) {
      held++;
      return;
    }
    last = t;
    log(level, event, held > 0 ? { ...fields, suppressed: held } : fields);
    held = 0;
  };
}
