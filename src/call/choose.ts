import { SwitchyardError } from '../errors/switchyard-error.js';
import { fullJitterDelay } from '../reliability/backoff.js';
import { avoidExhausted } from '../routing/rate-limit-headroom.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { AffinityOutcome } from '../types/affinity.js';
import type { PickContext } from '../types/strategy.js';
import { describeNeeds, servable } from '../util/request-needs.js';
import type { Call, CallRuntime } from './call.js';
import { pickWith } from './strategy-hooks.js';
import { tokenEstimate } from './token-quota.js';

/** The next attempt must wait: for a backoff, a Retry-After, a recovery, or free capacity. */
export interface ChooseWait {
  readonly delayMs: number;
  /** Whether the wait is the provider's Retry-After. */
  readonly fromRetryAfter: boolean;
  /** Whether the call waits for a slot to free up (`queue`), woken early by a release. */
  readonly forCapacity: boolean;
}

/**
 * Chooses the target of the next attempt, synchronously: an untried one when any is available
 * (a fallback); else an already-failed one after a backoff (a retry); else a wait for a
 * Retry-After block, for an ejected target to recover (opt-in) or for capacity (opt-in); else
 * fails, at clock time `now`. `scratch` is reused across calls: strategies must not keep the
 * candidates array.
 */
export function chooseTarget(
  rt: CallRuntime,
  call: Call,
  attempt: number,
  waited: boolean,
  scratch: TargetRuntime[],
  now: number,
): TargetRuntime | ChooseWait {
  const gate = rt.gate;
  const fresh = scratch;
  fresh.length = 0;
  let retry: TargetRuntime[] | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;
  let wakeFromRetryAfter = false;
  let servableCount = 0;
  let full = 0;
  for (const t of call.candidates) {
    const mark = call.failed === undefined ? 0 : call.failed[t.index]!;
    // 2: failed for good; 3: running this call (a hedged round).
    if (mark >= 2 || !servable(t, call.needs)) continue;
    servableCount++;
    const readyAt = gate.readyAt(t, now);
    if (readyAt > now) {
      if (readyAt < wakeAt) {
        wakeAt = readyAt;
        wakeFromRetryAfter = gate.isBlockedUntil(t, readyAt);
      }
      continue;
    }
    if (!gate.hasRoom(t)) {
      full++;
      continue;
    }
    if (mark === 0) fresh.push(t);
    else if (retry === undefined) retry = [t];
    else retry.push(t);
  }
  if (fresh.length > 0) return pick(rt, call, fresh, attempt, now);
  if (retry !== undefined) {
    if (waited) return pick(rt, call, retry, attempt, now);
    return {
      delayMs: fullJitterDelay(++call.retries, rt.retry, rt.random),
      fromRetryAfter: false,
      forCapacity: false,
    };
  }
  if (servableCount === 0 && attempt === 1 && call.lastError === undefined) {
    throw new SwitchyardError(
      'no_target',
      `no target can serve this request (${describeNeeds(call.needs)})`,
      {
        retryable: false,
      },
    );
  }
  const queueLeft = rt.maxQueueWaitMs - call.queuedMs;
  if (queueLeft > 0 && (full > 0 || wakeAt !== Number.POSITIVE_INFINITY)) {
    // Wait for the first candidate that frees up: a release wakes the call early.
    const untilWake = wakeAt - now;
    return {
      delayMs: Math.min(untilWake, queueLeft, call.scope.deadline - now),
      fromRetryAfter: wakeFromRetryAfter && untilWake <= queueLeft,
      forCapacity: true,
    };
  }
  const canWait =
    wakeAt !== Number.POSITIVE_INFINITY &&
    (rt.waitForRecovery || (wakeFromRetryAfter && wakeAt - now <= rt.retry.maxRetryAfterMs));
  if (canWait && wakeAt <= call.scope.deadline) {
    return { delayMs: wakeAt - now, fromRetryAfter: wakeFromRetryAfter, forCapacity: false };
  }
  if (call.lastError !== undefined) throw call.lastError;
  throw new SwitchyardError(
    'no_target',
    wakeAt === Number.POSITIVE_INFINITY
      ? 'no target is available: every candidate is at its concurrency limit'
      : `no target is available: every candidate is ejected, rate-limited or blocked for another ${Math.ceil(wakeAt - now)} ms`,
    { retryable: true, nextAvailableAt: wakeAt === Number.POSITIVE_INFINITY ? undefined : wakeAt },
  );
}

function pick(
  rt: CallRuntime,
  call: Call,
  pool: TargetRuntime[],
  attempt: number,
  now: number,
): TargetRuntime {
  const context: PickContext = {
    request: call.request,
    stream: call.stream,
    attempt,
    maxAttempts: rt.retry.maxAttempts,
    now,
    random: rt.random,
  };
  if (pool.length > 1) avoidExhausted(pool, now, (t) => tokenEstimate(call.request, t));
  const events = rt.events;
  // Scores are taken before the pick: picking may change the strategy's state.
  const scores = events.has('route')
    ? (call.strategy.describe?.(pool, context) ?? pool.map((t) => ({ target: t.id, score: Number.NaN })))
    : undefined;
  const table = rt.affinity;
  let affinity: AffinityOutcome | undefined;
  let picked: TargetRuntime | undefined;
  let key: string | undefined;
  if (table !== undefined) {
    if (call.affinityKey === undefined) call.affinityKey = table.keyOf(call.request) ?? null;
    key = call.affinityKey ?? undefined;
    if (key !== undefined && attempt === 1) {
      const id = table.get(key);
      const remembered = id === undefined ? undefined : pool.find((t) => t.id === id);
      if (id === undefined) affinity = 'miss';
      else if (remembered === undefined) affinity = 'unavailable';
      else if (pool.length > 1 && table.overloaded(remembered, pool)) affinity = 'overloaded';
      else {
        affinity = 'hit';
        picked = remembered;
      }
    }
  }
  if (picked === undefined) {
    picked = pool.length === 1 ? pool[0]! : pickWith(call.strategy, pool, context);
    // A spill for load keeps the session where it is; a new, moved or fallen-back session follows the pick.
    if (key !== undefined && affinity !== 'overloaded') table!.set(key, picked.id);
  }
  if (scores !== undefined) {
    events.emit('route', {
      requestId: call.id,
      stream: call.stream,
      tags: call.request.tags,
      attempt,
      strategy: call.strategy.name,
      picked: picked.id,
      candidates: scores,
      rule: call.rule,
      ...(affinity === undefined ? {} : { affinity }),
    });
  }
  return picked;
}
