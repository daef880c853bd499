/** The check of hedge options (`RouterOptions.hedge`, a route's `hedge`, a request's `hedge`). */
import { DEFAULT_INITIAL_HEDGE_DELAY_MS, DEFAULT_MAX_HEDGES } from '../call/hedge-lane.js';
import { type CheckContext, checkKnownKeys, expect, isObject, positiveInt } from './context.js';

const HEDGE_KEYS = ['delayMs', 'maxHedges', 'initialDelayMs', 'minSamples'];
/** The router's defaults, repeated here so that the checks can name them (backoff.ts, router.ts). */
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = 120_000;

const positiveMs = (c: CheckContext, v: unknown) =>
  expect(c, typeof v === 'number' && Number.isFinite(v) && v > 0, 'expected a positive number of ms');

/** Checks the shape of `{ delayMs, maxHedges?, initialDelayMs?, minSamples? }`; `false` when `allowOff`. */
export function hedgeShape(c: CheckContext, v: unknown, allowOff: boolean): void {
  if (allowOff && v === false) return;
  if (!isObject(v)) {
    c.issue(
      `expected ${allowOff ? 'false or ' : ''}{ delayMs: number | 'p95', maxHedges?, initialDelayMs?, minSamples? }`,
    );
    return;
  }
  checkKnownKeys(c, v, HEDGE_KEYS);
  c.required(v, 'delayMs', (c, d) =>
    expect(
      c,
      d === 'p95' || (typeof d === 'number' && Number.isFinite(d) && d > 0),
      "expected a positive number of ms or 'p95'",
    ),
  );
  c.optional(v, 'maxHedges', positiveInt);
  c.optional(v, 'initialDelayMs', positiveMs);
  c.optional(v, 'minSamples', positiveInt);
}

/**
 * Whether a hedge configuration can work with these settings (reported at `hedge`'s path):
 * a first delay below the deadline, and room for its hedges in `retry.maxAttempts` (hedges are
 * attempts). The target count is checked where the candidates are known.
 */
export function hedgeFits(c: CheckContext, v: unknown, timeoutMs: unknown, maxAttempts: unknown): void {
  if (!isObject(v)) return;
  const timeout = typeof timeoutMs === 'number' ? timeoutMs : DEFAULT_TIMEOUT_MS;
  const attempts = typeof maxAttempts === 'number' ? maxAttempts : DEFAULT_MAX_ATTEMPTS;
  const p95 = v.delayMs === 'p95';
  const field = p95 ? 'initialDelayMs' : 'delayMs';
  const delay = p95 ? (v.initialDelayMs ?? DEFAULT_INITIAL_HEDGE_DELAY_MS) : v.delayMs;
  if (typeof delay === 'number' && delay >= timeout) {
    c.at(field, delay, (c) =>
      c.issue(`${delay} ms is not below the deadline (timeoutMs: ${timeout} ms): no hedge could ever start`),
    );
  }
  const hedges = v.maxHedges ?? DEFAULT_MAX_HEDGES;
  if (typeof hedges === 'number' && Number.isInteger(hedges) && hedges >= attempts) {
    c.at('maxHedges', hedges, (c) =>
      c.issue(
        `${hedges} hedge(s) need retry.maxAttempts ≥ ${hedges + 1} (each hedge is an attempt), but it is ${attempts}`,
      ),
    );
  }
}
