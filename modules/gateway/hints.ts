import type { IncomingHttpHeaders } from 'node:http';
import { WireError } from './wire-error.js';

/** The routing hints a caller may send as headers (the alias is the body's `model`). */
export interface RoutingHints {
  /** `x-switchyard-strategy`: a registered strategy name for this call. */
  readonly strategy?: string;
  /** `x-switchyard-tags`: comma-separated labels for this call. */
  readonly tags?: readonly string[];
  /** `x-switchyard-timeout-ms`: the whole-call deadline in ms. */
  readonly timeoutMs?: number;
}

/** Header names of the routing hints. */
export const HINT_HEADERS = {
  strategy: 'x-switchyard-strategy',
  tags: 'x-switchyard-tags',
  timeout: 'x-switchyard-timeout-ms',
} as const;

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const TAG = /^[A-Za-z0-9._:/=-]{1,64}$/;
const DIGITS = /^[0-9]{1,10}$/;
/** Most tags one call may carry through the header. */
export const MAX_HINT_TAGS = 16;

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new WireError(`Invalid '${name}': send the header once.`, name);
  return value.trim();
}

/** The hints of a request that sends none (shared). */
const NO_HINTS: RoutingHints = Object.freeze({});

/**
 * Reads and validates the routing hints. Values are checked against strict patterns (names and
 * tags of letters, digits and `._-:/=`; the timeout in whole ms within `maxTimeoutMs`) and are
 * never echoed into a response header, so a hint cannot inject one.
 *
 * @throws {WireError} naming the header, when a hint is malformed or not allowed.
 */
export function readHints(
  headers: IncomingHttpHeaders,
  allowedStrategies: ReadonlySet<string>,
  maxTimeoutMs: number,
): RoutingHints {
  if (
    headers[HINT_HEADERS.strategy] === undefined &&
    headers[HINT_HEADERS.tags] === undefined &&
    headers[HINT_HEADERS.timeout] === undefined
  ) {
    return NO_HINTS;
  }
  const hints: { strategy?: string; tags?: string[]; timeoutMs?: number } = {};
  const strategy = single(headers, HINT_HEADERS.strategy);
  if (strategy !== undefined) {
    if (!NAME.test(strategy) || !allowedStrategies.has(strategy)) {
      throw new WireError(
        `Invalid '${HINT_HEADERS.strategy}': expected one of ${[...allowedStrategies].join(', ')}.`,
        HINT_HEADERS.strategy,
      );
    }
    hints.strategy = strategy;
  }
  const tags = single(headers, HINT_HEADERS.tags);
  if (tags !== undefined && tags !== '') {
    const list = tags.split(',').map((t) => t.trim());
    if (list.length > MAX_HINT_TAGS || list.some((t) => !TAG.test(t))) {
      throw new WireError(
        `Invalid '${HINT_HEADERS.tags}': expected at most ${MAX_HINT_TAGS} comma-separated tags of 1 to 64 letters, digits and . _ - : / =.`,
        HINT_HEADERS.tags,
      );
    }
    hints.tags = list;
  }
  const timeout = single(headers, HINT_HEADERS.timeout);
  if (timeout !== undefined) {
    const ms = DIGITS.test(timeout) ? Number(timeout) : Number.NaN;
    if (!(ms >= 1 && ms <= maxTimeoutMs)) {
      throw new WireError(
        `Invalid '${HINT_HEADERS.timeout}': expected whole milliseconds between 1 and ${maxTimeoutMs}.`,
        HINT_HEADERS.timeout,
      );
    }
    hints.timeoutMs = ms;
  }
  return hints;
}
