/** Something headers can be read from: a fetch `Headers`, a Node header object, or a plain record. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined | null>>
  | undefined
  | null;

/** Reads one header, case-insensitively, from any {@link HeaderSource}. */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined | null>>;
  let value = record[name];
  if (value === undefined) {
    const lower = name.toLowerCase();
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

/**
 * Parses an OpenAI-style duration such as `1s`, `6m0s`, `20ms` or `1h2m3.5s` into ms.
 * Returns `undefined` when the text is not such a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(trimmed); m !== null; m = re.exec(trimmed)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
    consumed = re.lastIndex;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}

/**
 * How long the provider asked to wait, in ms, from the response headers, or `undefined`.
 *
 * Reads, in order: `retry-after-ms` (ms), `retry-after` (seconds or an HTTP date),
 * `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens` (OpenAI durations such as `6m0s`; the
 * larger is taken), and `anthropic-ratelimit-*-reset` (RFC 3339 times). Negative waits become 0.
 *
 * @param now wall-clock time in ms, for dates. @default Date.now()
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const n = Number(ms);
    if (Number.isFinite(n)) return Math.max(0, n);
  }
  const ra = readHeader(headers, 'retry-after');
  if (ra !== undefined) {
    const seconds = Number(ra);
    if (ra.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  let best: number | undefined;
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const v = readHeader(headers, name);
    const d = v === undefined ? undefined : parseDuration(v);
    if (d !== undefined) best = Math.max(best ?? 0, d);
  }
  if (best !== undefined) return best;
  for (const name of [
    'anthropic-ratelimit-requests-reset',
    'anthropic-ratelimit-tokens-reset',
    'anthropic-ratelimit-input-tokens-reset',
    'anthropic-ratelimit-output-tokens-reset',
  ]) {
    const v = readHeader(headers, name);
    const t = v === undefined ? Number.NaN : Date.parse(v);
    if (Number.isFinite(t)) best = Math.max(best ?? 0, t - now);
  }
  return best === undefined ? undefined : Math.max(0, best);
}
