import { SwitchyardError } from '../errors/switchyard-error.js';
import type { JsonValue } from '../types/strategy.js';
import type { BreakerState, TargetStateSnapshot } from './store.js';

/** The format tag and version of {@link RouterSnapshot}. */
export const ROUTER_SNAPSHOT_FORMAT = 'switchyard.router-snapshot';
/** 2 added `budgets`; version 1 snapshots (without them) are still read. */
export const ROUTER_SNAPSHOT_VERSION = 2;

/** A budget's spend in a snapshot: the period it belongs to and its totals then (USD). */
export interface BudgetSnapshot {
  /** The period (`2026-12-02`, `2026-12` or `total`). */
  readonly periodKey: string;
  /** Settled spend. */
  readonly spentUsd: number;
  /**
   * Held by attempts in flight when the snapshot was taken. A restore counts it as spent: those
   * attempts may have completed before the process ended, and never settle in a new one.
   */
  readonly reservedUsd: number;
}

/**
 * A versioned, JSON-serialisable picture of a router's learned and protective state: each
 * target's breaker, Retry-After block and rate window (by target id), each strategy's
 * `snapshot()` (by strategy name), each budget's spend (by budget id) and the router's counters. From `router.snapshot()`; brought
 * back by `router.restore(snapshot)` or `new Router({ ..., restore: snapshot })`.
 */
export interface RouterSnapshot {
  readonly format: typeof ROUTER_SNAPSHOT_FORMAT;
  readonly version: number;
  /** Clock time at which it was taken. */
  readonly takenAt: number;
  readonly targets: { readonly [id: string]: TargetStateSnapshot };
  readonly strategies: { readonly [name: string]: JsonValue };
  readonly counters: { readonly calls: number };
  /** Each budget's spend in its period (by budget id; absent in version 1). */
  readonly budgets?: { readonly [id: string]: BudgetSnapshot };
}

/**
 * Checks that `value` is a {@link RouterSnapshot} this version can read.
 * @throws {SwitchyardError} `config` naming the first bad field.
 */
export function parseRouterSnapshot(value: unknown): RouterSnapshot {
  const snap = objectAt(value, 'snapshot');
  if (snap.format !== ROUTER_SNAPSHOT_FORMAT) {
    throw bad('snapshot.format', `'${ROUTER_SNAPSHOT_FORMAT}'`, snap.format);
  }
  if (typeof snap.version !== 'number' || !Number.isInteger(snap.version) || snap.version < 1) {
    throw bad('snapshot.version', 'a positive integer', snap.version);
  }
  if (snap.version > ROUTER_SNAPSHOT_VERSION) {
    throw new SwitchyardError(
      'config',
      `snapshot.version: ${snap.version} is newer than this version of switchyard-llm reads (${ROUTER_SNAPSHOT_VERSION})`,
      { retryable: false },
    );
  }
  finite(snap.takenAt, 'snapshot.takenAt');
  const targets = objectAt(snap.targets, 'snapshot.targets');
  for (const [id, target] of Object.entries(targets))
    checkTarget(target, `snapshot.targets[${JSON.stringify(id)}]`);
  objectAt(snap.strategies, 'snapshot.strategies');
  const counters = objectAt(snap.counters, 'snapshot.counters');
  finite(counters.calls, 'snapshot.counters.calls');
  if (snap.budgets !== undefined || snap.version >= 2) {
    const budgets = objectAt(snap.budgets, 'snapshot.budgets');
    for (const [id, budget] of Object.entries(budgets))
      checkBudget(budget, `snapshot.budgets[${JSON.stringify(id)}]`);
  }
  return value as RouterSnapshot;
}

function checkTarget(value: unknown, path: string): asserts value is TargetStateSnapshot {
  const target = objectAt(value, path);
  const breaker = objectAt(target.breaker, `${path}.breaker`) as Partial<Record<keyof BreakerState, unknown>>;
  if (breaker.state !== 'closed' && breaker.state !== 'open') {
    throw bad(`${path}.breaker.state`, "'closed' or 'open'", breaker.state);
  }
  for (const field of ['consecutiveFailures', 'ejections', 'openedAt', 'openUntil', 'restoredAt'] as const) {
    finite(breaker[field], `${path}.breaker.${field}`);
  }
  finite(target.blockedUntil, `${path}.blockedUntil`);
  if (!Array.isArray(target.rateStamps))
    throw bad(`${path}.rateStamps`, 'an array of numbers', target.rateStamps);
  for (const [i, stamp] of (target.rateStamps as unknown[]).entries())
    finite(stamp, `${path}.rateStamps[${i}]`);
}

function checkBudget(value: unknown, path: string): void {
  const budget = objectAt(value, path);
  if (typeof budget.periodKey !== 'string') throw bad(`${path}.periodKey`, 'a string', budget.periodKey);
  for (const field of ['spentUsd', 'reservedUsd'] as const) {
    finite(budget[field], `${path}.${field}`);
    if ((budget[field] as number) < 0) throw bad(`${path}.${field}`, 'a number ≥ 0', budget[field]);
  }
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(path, 'an object', value);
  return value as Record<string, unknown>;
}

function finite(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(path, 'a finite number', value);
}

function bad(path: string, expected: string, got: unknown): SwitchyardError {
  const shown =
    typeof got === 'string' ? `'${got.slice(0, 40)}'` : Array.isArray(got) ? 'an array' : String(got);
  return new SwitchyardError('config', `${path}: expected ${expected}, got ${shown}`, { retryable: false });
}
