import { expect } from 'vitest';
import {
  type Adapter,
  type CompletionRequest,
  Router,
  type RouterEventName,
  type Strategy,
  type TargetConfig,
} from '../../index.js';

/** A one-message request. */
export const ask = (text = 'hi', extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  messages: [{ role: 'user', content: text }],
  ...extra,
});

/** Every router event name. */
export const ROUTER_EVENTS: readonly RouterEventName[] = [
  'request:start',
  'route',
  'attempt:start',
  'attempt:success',
  'attempt:failure',
  'retry',
  'fallback',
  'target:ejected',
  'target:restored',
  'request:success',
  'request:failure',
  'stream:first-token',
  'hedge:start',
  'hedge:won',
  'budget:threshold',
  'store:degraded',
  'store:restored',
  'listener:error',
];

/** Records every event of a router as `[name, payload]`. */
export function recordEvents(router: Router): Array<[RouterEventName, any]> {
  const seen: Array<[RouterEventName, any]> = [];
  for (const name of ROUTER_EVENTS) router.on(name, (payload: any) => seen.push([name, payload]));
  return seen;
}

/** Awaits a promise that must reject, and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * What `router` rejects `request` with, expected to be a refusal before any attempt: no attempt
 * in the error, and `adapter` (the router's only one) not called.
 */
export async function refusalOf(
  router: Router,
  adapter: { readonly callCount: number },
  request: unknown,
): Promise<any> {
  const before = adapter.callCount;
  const error = await rejectionOf(router.complete(request as never));
  expect(adapter.callCount).toBe(before);
  expect(error.attempts).toEqual([]);
  return error;
}

/** What `new Router(options)` throws; fails the test when it throws nothing. */
export function constructionError(options: unknown): any {
  try {
    new Router(options as never);
  } catch (error) {
    return error;
  }
  throw new Error('expected the constructor to throw');
}

/** Picks the first candidate: targets are tried in configuration order. */
export const first: Strategy = { name: 'first', pick: (candidates) => candidates[0]! };

/** One target per adapter, id = key, all on model `m`: `targetsOf({ a, b })`. */
export function targetsOf(adapters: Record<string, Adapter>): TargetConfig[] {
  return Object.entries(adapters).map(([id, adapter]) => ({ id, adapter, model: 'm' }));
}
