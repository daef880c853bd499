/**
 * Errors of an adapter's own code, kept apart from upstream failures: a request that cannot be
 * mapped or serialised is `invalid_request` (found before any network I/O, never retried), a
 * response the provider got wrong is `server`, and an exception in the adapter's mapping of a
 * well-formed response is a bug, reported as `config` with a message that says so.
 */
import { isSwitchyardError, SwitchyardError } from '../../src/index.js';

/** What the helpers of this module put in their messages. */
export interface LocalErrorContext {
  /** Target id, put on the error. */
  readonly target: string;
  /** Who maps, for messages, e.g. `the OpenAI adapter`. */
  readonly adapter: string;
}

/** A field that cannot be sent as JSON, and why. */
export interface UnserializableField {
  /** Where, e.g. `metadata.tags[2]` (empty for the value itself). */
  readonly path: string;
  /** What is wrong, e.g. `is a BigInt`. */
  readonly problem: string;
}

/** Deeper than this, the walk asks `JSON.stringify` about the rest (and keeps its own stack small). */
const MAX_DEPTH = 100;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

type Key = string | number;

function pathOf(keys: readonly Key[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (!IDENTIFIER.test(key)) path += `[${JSON.stringify(key)}]`;
    else path += path === '' ? key : `.${key}`;
  }
  return path;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** What is wrong at `keys`, or `undefined`; `keys` and `ancestors` are stacks shared by the walk. */
function walk(value: unknown, keys: Key[], ancestors: object[]): string | undefined {
  if (typeof value === 'bigint') return 'is a BigInt, which JSON cannot represent';
  if (typeof value !== 'object' || value === null) return undefined;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined;
  if (ancestors.includes(value)) return 'is a circular reference';
  if (ancestors.length >= MAX_DEPTH) {
    try {
      JSON.stringify(value);
      return undefined;
    } catch (error) {
      return `is nested ${MAX_DEPTH} levels deep and threw ${describe(error)} when converted to JSON`;
    }
  }
  let current: unknown = value;
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') current = toJSON.call(value, String(keys.at(-1) ?? ''));
  } catch (error) {
    return `threw ${describe(error)} when converted to JSON`;
  }
  if (current !== value) return walk(current, keys, ancestors);
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        keys.push(i);
        let item: unknown;
        try {
          item = value[i];
        } catch (error) {
          return `threw ${describe(error)} when read`;
        }
        const problem = walk(item, keys, ancestors);
        if (problem !== undefined) return problem;
        keys.pop();
      }
      return undefined;
    }
    let names: string[];
    try {
      names = Object.keys(value);
    } catch (error) {
      return `threw ${describe(error)} when its fields were listed`;
    }
    for (const name of names) {
      keys.push(name);
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[name];
      } catch (error) {
        return `threw ${describe(error)} when read`;
      }
      const problem = walk(item, keys, ancestors);
      if (problem !== undefined) return problem;
      keys.pop();
    }
    return undefined;
  } finally {
    ancestors.pop();
  }
}

/**
 * The first field of `value` that `JSON.stringify` cannot handle (a BigInt, a circular
 * reference, a getter or `toJSON()` that throws), or `undefined`. Byte arrays are skipped:
 * adapters encode them themselves. It reads every value once (getters and `toJSON()` run) but
 * serialises no text, so its cost grows with the number of values, not the length of strings.
 *
 * @example
 * ```ts
 * findUnserializable({ a: { n: 1n } }); // { path: 'a.n', problem: 'is a BigInt, which JSON cannot represent' }
 * ```
 */
export function findUnserializable(value: unknown): UnserializableField | undefined {
  const keys: Key[] = [];
  const problem = walk(value, keys, []);
  return problem === undefined ? undefined : { path: pathOf(keys), problem };
}

/** `invalid_request` saying why a request body cannot be serialised. */
function unserializableBody(what: string, context: LocalErrorContext): SwitchyardError {
  return new SwitchyardError(
    'invalid_request',
    `invalid_request for target '${context.target}': ${context.adapter} cannot send the request as JSON: ${what} (fields can come from providerOptions)`,
    { target: context.target, retryable: false },
  );
}

function fieldProblem(found: UnserializableField): string {
  return `request body field '${found.path || '(root)'}' ${found.problem}`;
}

/**
 * Throws an `invalid_request` {@link SwitchyardError} naming the first field of a request body
 * that cannot be serialised as JSON (a BigInt or a circular object in `providerOptions`, a getter
 * or `toJSON()` that throws, …); returns nothing otherwise. For adapters that hand the body to a
 * vendor SDK, which serialises it itself: call it before the SDK, so that a bad request never
 * reaches the network and is never retried. It serialises nothing (see
 * {@link findUnserializable}), so a long prompt costs no more than a short one.
 *
 * @example
 * ```ts
 * checkRequestBody(body, { target: options.target, adapter: 'the Acme adapter' });
 * await client.generate(body, { signal: options.signal });
 * ```
 */
export function checkRequestBody(body: unknown, context: LocalErrorContext): void {
  const found = findUnserializable(body);
  if (found) throw unserializableBody(fieldProblem(found), context);
}

/**
 * The JSON text of a request body, or an `invalid_request` {@link SwitchyardError} that names the
 * field that cannot be serialised (as {@link checkRequestBody} does). For adapters that send the
 * text themselves: call it before sending anything, so that a bad request never reaches the
 * network and is never retried.
 *
 * @example
 * ```ts
 * const text = serializeRequestBody(body, { target: options.target, adapter: 'the Acme adapter' });
 * ```
 */
export function serializeRequestBody(body: unknown, context: LocalErrorContext): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    const found = findUnserializable(body);
    const what = found
      ? fieldProblem(found)
      : `${describe(error)}: ${error instanceof Error ? error.message : String(error)}`;
    throw unserializableBody(what, context);
  }
  if (text === undefined) {
    throw new SwitchyardError(
      'invalid_request',
      `invalid_request for target '${context.target}': ${context.adapter} built no JSON request body`,
      { target: context.target, retryable: false },
    );
  }
  return text;
}

/**
 * What an exception thrown while mapping a request to the provider's wire format becomes: a
 * {@link SwitchyardError} as it is (the mapping's own `invalid_request` for content the provider
 * cannot take), anything else `invalid_request` naming the request field that caused it when it
 * can be found (a getter that throws, a BigInt, a circular reference). Never an upstream kind:
 * nothing was sent.
 */
export function requestMappingError(
  error: unknown,
  request: unknown,
  context: LocalErrorContext,
): SwitchyardError {
  if (isSwitchyardError(error))
    return error.target === undefined ? error.with({ target: context.target }) : error;
  const found = findUnserializable(request);
  const what = found
    ? `request field '${found.path || '(root)'}' ${found.problem}`
    : `${describe(error)}: ${error instanceof Error ? error.message : String(error)}`;
  return new SwitchyardError(
    'invalid_request',
    `invalid_request for target '${context.target}': ${context.adapter} could not map the request: ${what}`,
    { target: context.target, retryable: false, cause: error },
  );
}

/**
 * Maps `request` to what a vendor SDK takes, with `map`, and checks that its `body` serialises as
 * JSON: an exception of `map` becomes {@link requestMappingError}, a body that cannot be sent an
 * `invalid_request` from {@link checkRequestBody}. Call it before the SDK is loaded or anything is
 * sent, so that a bad request never reaches the network and is never retried.
 *
 * @example
 * ```ts
 * const { body, warnings } = mapRequest(toAcmeBody, request, { target: options.target, adapter: 'the Acme adapter' });
 * await client.generate(body, { signal: options.signal });
 * ```
 */
export function mapRequest<Request, Mapped extends { readonly body: unknown }>(
  map: (request: Request) => Mapped,
  request: Request,
  context: LocalErrorContext,
): Mapped {
  let mapped: Mapped;
  try {
    mapped = map(request);
  } catch (error) {
    throw requestMappingError(error, request, context);
  }
  checkRequestBody(mapped.body, context);
  return mapped;
}

/**
 * A `server` {@link SwitchyardError} for a response the provider got wrong: not JSON, not the
 * expected shape, an event that does not fit the stream. `detail` says what was expected; keep
 * provider text out of it.
 */
export function malformedResponse(detail: string, context: LocalErrorContext): SwitchyardError {
  return new SwitchyardError(
    'server',
    `server error from target '${context.target}': malformed response: ${detail}`,
    { target: context.target },
  );
}

/**
 * What an exception thrown while mapping a provider's response becomes: a {@link SwitchyardError}
 * as it is (the mapping's own {@link malformedResponse} errors, say), anything else a `config`
 * error that says it is a bug of the adapter, not a failure of the provider: never retried, no
 * fallback, not counted against the target's health.
 */
export function responseMappingError(error: unknown, context: LocalErrorContext): SwitchyardError {
  if (isSwitchyardError(error))
    return error.target === undefined ? error.with({ target: context.target }) : error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SwitchyardError(
    'config',
    `config: bug in ${context.adapter}: mapping the response of target '${context.target}' threw ${text} (please report it)`,
    { target: context.target, retryable: false, cause: error },
  );
}
