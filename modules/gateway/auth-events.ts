import type { Registry } from 'prom-client';

/**
 * Why a request was refused, in `auth:failure` events and the failure counter. The built-in
 * reasons are below; a reason thrown by another `authenticate` hook (e.g. JWT's
 * `SwitchyardError('auth', 'jwt: expired', { status: 401 })`) comes through as its message.
 */
export type AuthFailureReason =
  /** No `authorization: Bearer …` or `x-api-key` header. */
  | 'missing'
  /** A token was sent but let nobody in: unknown, revoked, expired grace, wrong secret (one reason: the answer never tells them apart). */
  | 'unknown_or_revoked'
  /** The principal may not call the requested model (403). */
  | 'model_not_allowed'
  /** The principal's requests or tokens per minute are used up (429). */
  | 'rate_limited'
  /** A call to `/admin/*` without the admin key (401). */
  | 'admin_denied'
  /** The hook refused with a 403 of its own (a `SwitchyardError` of kind `auth`, `status: 403`), or any other reason it threw. */
  | (string & {});

/** A refused request: for the audit trail and alerts. Never carries the token. */
export interface AuthFailureEvent {
  readonly type: 'auth:failure';
  readonly reason: AuthFailureReason;
  /** The status answered (401, 403 or 429). */
  readonly status: number;
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The client's address, as the socket saw it. */
  readonly remoteAddress?: string;
  /** The principal's id, when it was known (model_not_allowed, rate_limited). */
  readonly principal?: string;
  /** The key's id (never the secret), when known. */
  readonly key?: string;
  /** Clock time (ms). */
  readonly at: number;
}

/** What an admin call did. */
export type AdminAction = 'create' | 'list' | 'get' | 'update' | 'rotate' | 'revoke';

/** A call to the admin API (allowed or not by its validation: see `status`). */
export interface AdminCallEvent {
  readonly type: 'admin:call';
  readonly action: AdminAction;
  /** The key concerned (its id), when there is one. */
  readonly keyId?: string;
  /** The status answered. */
  readonly status: number;
  readonly remoteAddress?: string;
  /** Clock time (ms). */
  readonly at: number;
}

/** The events of the `onEvent` gateway option. */
export type GatewayEvent = AuthFailureEvent | AdminCallEvent;

/** Counters of the gateway's security events, from `gateway.stats()`. */
export interface GatewayStats {
  /** Refused requests by reason. */
  readonly authFailures: Readonly<Record<string, number>>;
  /** Every refused request. */
  readonly authFailuresTotal: number;
  /** Admin API calls by action. */
  readonly adminCalls: Readonly<Record<string, number>>;
}

/** Distinct reasons counted before the rest count as `other` (hook messages are free text). */
const MAX_REASONS = 32;
/** Longest reason kept (a hook's message is cut). */
const MAX_REASON_LENGTH = 100;

const FAILURES_METRIC = 'switchyard_gateway_auth_failures_total';
const ADMIN_METRIC = 'switchyard_gateway_admin_calls_total';

/**
 * Emits and counts the gateway's security events. A listener that throws goes to `onError`;
 * it never reaches the request.
 */
export class GatewayEventLog {
  readonly #listener: ((event: GatewayEvent) => void) | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #failures = new Map<string, number>();
  readonly #admin = new Map<string, number>();
  #total = 0;
  #registry: Registry | undefined;

  constructor(listener: ((event: GatewayEvent) => void) | undefined, onError: (error: unknown) => void) {
    this.#listener = listener;
    this.#onError = onError;
  }

  /** Counts and emits an event. */
  emit(event: GatewayEvent): void {
    let e = event;
    if (e.type === 'auth:failure') {
      const reason = e.reason.length > MAX_REASON_LENGTH ? e.reason.slice(0, MAX_REASON_LENGTH) : e.reason;
      if (reason !== e.reason) e = { ...e, reason };
      const counted = this.#failures.has(reason) || this.#failures.size < MAX_REASONS ? reason : 'other';
      this.#failures.set(counted, (this.#failures.get(counted) ?? 0) + 1);
      this.#total++;
    } else {
      this.#admin.set(e.action, (this.#admin.get(e.action) ?? 0) + 1);
    }
    if (this.#listener === undefined) return;
    try {
      this.#listener(e);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** The counters now. */
  stats(): GatewayStats {
    return {
      authFailures: Object.fromEntries(this.#failures),
      authFailuresTotal: this.#total,
      adminCalls: Object.fromEntries(this.#admin),
    };
  }

  /**
   * Adds `switchyard_gateway_auth_failures_total{reason}` and
   * `switchyard_gateway_admin_calls_total{action}` to a prom-client registry (that of the
   * gateway's `metrics` collector), read from these counters at each scrape.
   */
  register(registry: Registry): void {
    this.#registry = registry;
    const counter = (name: string, help: string, label: string, values: () => Map<string, number>) => ({
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: () => ({
        name,
        help,
        type: 'counter',
        aggregator: 'sum',
        values: [...values()].map(([value, count]) => ({ labels: { [label]: value }, value: count })),
      }),
      reset: () => values().clear(),
    });
    registry.registerMetric(
      counter(
        FAILURES_METRIC,
        'Requests the gateway refused (401, 403, 429), by reason.',
        'reason',
        () => this.#failures,
      ) as never,
    );
    registry.registerMetric(
      counter(
        ADMIN_METRIC,
        'Calls to the gateway admin API, by action.',
        'action',
        () => this.#admin,
      ) as never,
    );
  }

  /** Removes the metrics added by {@link register}. */
  unregister(): void {
    this.#registry?.removeSingleMetric(FAILURES_METRIC);
    this.#registry?.removeSingleMetric(ADMIN_METRIC);
    this.#registry = undefined;
  }
}
