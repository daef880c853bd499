/** The options of the adapter conformance suite: the runner it registers with, the wire format it scripts. */
import type { Adapter, ErrorKind } from '../../../src/index.js';

/**
 * The test runner's functions the suite registers its checks with: vitest's
 * `{ describe, it, beforeAll, afterAll }` as they are, or any runner with the same shape.
 */
export interface ConformanceRunner {
  /** Groups checks. */
  describe(name: string, body: () => void): void;
  /** One check; rejects (an `AssertionError`) when the adapter does not conform. */
  it(name: string, check: () => Promise<void>, timeoutMs?: number): void;
  /** Runs once before the checks (starts the server). */
  beforeAll(setup: () => Promise<void>, timeoutMs?: number): void;
  /** Runs once after the checks (closes the server). */
  afterAll(teardown: () => Promise<void>): void;
}

/**
 * The provider's wire format, as the scripted server should speak it. Builders return what the
 * provider would send; the suite decides statuses, headers, chunking, cuts and stalls.
 */
export interface ConformanceWire {
  /** The JSON body of a successful non-streaming answer whose text is `text`. */
  completion(text: string): unknown;
  /**
   * The server-sent events of a successful stream whose text arrives in `pieces`, one piece per
   * event, then a finish. Each entry is one event's text without the blank line that ends it,
   * e.g. `data: {...}` or `event: content_block_delta\ndata: {...}`; an event's JSON must be on
   * its last line (the suite breaks it to test malformed data).
   */
  stream(pieces: readonly string[]): readonly string[];
  /**
   * How many events at the end of {@link ConformanceWire.stream} finish the stream: without them
   * the stream ends without a finish, which must fail with `connection`. @default 1
   */
  readonly finishEvents?: number;
  /**
   * The JSON body of an HTTP error: put `message` where the provider puts its message and `code`
   * in every code-like field it has (`code`, `type`, `param`, ids), so that the secrets check
   * reaches them all.
   */
  error(status: number, message: string, code: string): unknown;
  /**
   * An error event inside a 200 stream (one entry, as in {@link ConformanceWire.stream}) carrying
   * `message` and `code` like {@link ConformanceWire.error}. Leave it out when the provider has
   * none: the in-stream error checks are then skipped.
   */
  streamError?(message: string, code: string): string;
}

/** Names of the checks, for {@link ConformanceOptions.skip}. */
export type ConformanceCheck =
  | 'complete'
  | 'stream'
  | 'http-errors'
  | 'retry-after'
  | 'stream-error-before-content'
  | 'stream-error-mid-stream'
  | 'stream-cut'
  | 'stream-without-finish'
  | 'keep-alive-comments'
  | 'split-utf8'
  | 'malformed-responses'
  | 'connection-failures'
  | 'abort'
  | 'secrets'
  | 'local-request-errors';

/** Options of {@link runAdapterConformance}. */
export interface ConformanceOptions {
  /** Name of the suite (the `describe` block). */
  readonly name: string;
  /** The test runner, e.g. `{ describe, it, beforeAll, afterAll }` from `vitest`. */
  readonly runner: ConformanceRunner;
  /**
   * A new adapter for the scripted server at `baseURL` (`http://127.0.0.1:<port>`; add the path
   * prefix your provider's base URL has, e.g. `/v1`) with `apiKey` as its key. Called for every
   * check.
   */
  readonly createAdapter: (server: { readonly baseURL: string; readonly apiKey: string }) => Adapter;
  /** The provider's wire format. */
  readonly wire: ConformanceWire;
  /** The model of the requests. @default 'conformance-model' */
  readonly model?: string;
  /**
   * Kinds for HTTP statuses where your provider means something else than the core mapping
   * (`kindFromHttpStatus`), e.g. `{ 498: 'auth' }`.
   */
  readonly statusKinds?: Readonly<Partial<Record<number, ErrorKind>>>;
  /** Checks not to run (say why in your test). */
  readonly skip?: readonly ConformanceCheck[];
  /** Time limit of each check, in ms. @default 30000 */
  readonly timeoutMs?: number;
}
