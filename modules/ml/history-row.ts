import { type ErrorKind, type JsonValue, SwitchyardError } from '../../src/index.js';

/**
 * One attempt of a routed call, as the {@link HistoryRecorder} writes it (one JSON line each):
 * the features the predictors use and the outcomes they learn. No prompt or completion text.
 */
export interface HistoryRow {
  /** Clock time (ms) when the attempt started. */
  readonly t: number;
  /** UTC hour (0–23) of `t`, read as epoch ms. */
  readonly hour: number;
  /** Target id. */
  readonly target: string;
  /** 1-based attempt number within the call. */
  readonly attempt: number;
  readonly stream: boolean;
  /** Estimated input tokens (`estimateInputTokens`: characters ÷ 4). */
  readonly inputTokens: number;
  /** The request's output cap, if any. */
  readonly maxOutputTokens: number | null;
  /** The target's own output cap, if any. */
  readonly targetMaxOutputTokens: number | null;
  /** The request offers tools or asks for JSON. */
  readonly structured: boolean;
  /** The request's tags. */
  readonly tags: readonly string[];
  /** Other attempts in flight on the target when this one started. */
  readonly inFlight: number;
  /** Attempt duration (ms), success or failure. */
  readonly latencyMs: number;
  /** Time to first token of a stream (ms), when it produced one. */
  readonly ttftMs: number | null;
  /** Output tokens of a success, when the provider reported them. */
  readonly outputTokens: number | null;
  /** The error kind of a failure; null for a success. */
  readonly failure: ErrorKind | null;
  /** Cost of a success in USD, when the target has a price. */
  readonly costUsd: number | null;
}

/** Checks one parsed line (1-based `line` for messages) and returns it as a row. */
export function historyRowOf(value: JsonValue, line: number): HistoryRow {
  const where = `readHistory: line ${line}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SwitchyardError('config', `${where}: expected a JSON object (one history row)`);
  }
  const row = value as Record<string, JsonValue>;
  const num = (field: string, nullable = false): void => {
    const v = row[field];
    if (nullable && v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SwitchyardError(
        'config',
        `${where}: ${field}: expected a finite number${nullable ? ' or null' : ''}, got ${JSON.stringify(v)}`,
      );
    }
  };
  num('t');
  num('hour');
  num('attempt');
  num('inputTokens');
  num('inFlight');
  num('latencyMs');
  num('maxOutputTokens', true);
  num('targetMaxOutputTokens', true);
  num('ttftMs', true);
  num('outputTokens', true);
  num('costUsd', true);
  if (typeof row.target !== 'string')
    throw new SwitchyardError(
      'config',
      `${where}: target: expected a string, got ${JSON.stringify(row.target)}`,
    );
  if (typeof row.stream !== 'boolean' || typeof row.structured !== 'boolean') {
    throw new SwitchyardError('config', `${where}: stream, structured: expected true or false`);
  }
  if (!Array.isArray(row.tags) || !row.tags.every((t) => typeof t === 'string')) {
    throw new SwitchyardError(
      'config',
      `${where}: tags: expected an array of strings, got ${JSON.stringify(row.tags)}`,
    );
  }
  if (row.failure !== null && typeof row.failure !== 'string') {
    throw new SwitchyardError(
      'config',
      `${where}: failure: expected an error kind or null, got ${JSON.stringify(row.failure)}`,
    );
  }
  return row as unknown as HistoryRow;
}

/**
 * Parses JSON Lines history (what {@link HistoryRecorder} writes); blank lines are skipped.
 * @throws {SwitchyardError} `config` naming the line that is not a history row.
 */
export function readHistory(text: string): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: JsonValue;
    try {
      value = JSON.parse(line) as JsonValue;
    } catch {
      throw new SwitchyardError(
        'config',
        `readHistory: line ${i + 1}: expected JSON, got ${JSON.stringify(line.slice(0, 40))}`,
      );
    }
    rows.push(historyRowOf(value, i + 1));
  }
  return rows;
}
