import { type Clock, SwitchyardError } from '../../index.js';
import type { AlertManager } from '../alerts/index.js';
import type { UsageLedger } from '../usage/index.js';

/** Options of {@link createMonitor}. */
export interface MonitorOptions {
  /** TCP port; `0` picks a free one. */
  readonly port: number;
  /** Interface to bind. Anything but loopback exposes the monitor to the network. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Shared secret every client must present (at least 16 characters among `A-Z a-z 0-9 . _ ~ -`,
   * so that it fits in a WebSocket subprotocol): `Authorization: Bearer <token>`, or the
   * subprotocol `token.<token>` beside `switchyard-monitor`.
   */
  readonly token: string;
  /** A usage ledger attached to the router: adds the last hour's calls and spend per target. */
  readonly ledger?: UsageLedger;
  /** An alert manager: its pending and firing alerts, and its transitions as events. */
  readonly alerts?: AlertManager;
  /** Time source (use the router's). @default systemClock */
  readonly clock?: Clock;
  /** Period of snapshots in ms (never under 1000: at most one a second). @default 1000 */
  readonly intervalMs?: number;
  /** Seconds of history behind each figure and sparkline. @default 60 */
  readonly windowSeconds?: number;
  /** Routing decisions kept for the page. @default 20 */
  readonly decisions?: number;
  /** A client whose send buffer holds more than this many bytes gets snapshots only. @default 262_144 */
  readonly softBufferBytes?: number;
  /** A client whose send buffer holds more than this many bytes is disconnected. @default 4_194_304 */
  readonly hardBufferBytes?: number;
  /** Connected clients at most; further ones are refused (503). @default 100 */
  readonly maxClients?: number;
}

/** {@link MonitorOptions} checked, with defaults. */
export interface MonitorSettings {
  readonly port: number;
  readonly host: string;
  readonly token: string;
  readonly ledger: UsageLedger | undefined;
  readonly alerts: AlertManager | undefined;
  readonly clock: Clock | undefined;
  readonly intervalMs: number;
  readonly windowSeconds: number;
  readonly decisions: number;
  readonly softBufferBytes: number;
  readonly hardBufferBytes: number;
  readonly maxClients: number;
}

/** The token's alphabet: characters allowed in a WebSocket subprotocol and an HTTP header. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,512}$/;

function fail(field: string, message: string): never {
  throw new SwitchyardError('config', `monitor: options.${field}: ${message}`);
}

function int(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Checks `options` (as given by a JavaScript caller, so anything).
 * @throws {SwitchyardError} `config` naming the field.
 */
export function readMonitorOptions(options: MonitorOptions): MonitorSettings {
  if (typeof options !== 'object' || options === null) fail('', 'expected an object');
  const o = options as MonitorOptions & Record<string, unknown>;
  if (o.port === undefined) fail('port', 'required (0 picks a free port)');
  const port = int(o.port, 'port', 0, 65_535, 0);
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) {
    fail('host', 'expected a non-empty string');
  }
  // Never echo the token: it is a secret.
  if (typeof o.token !== 'string' || !TOKEN_PATTERN.test(o.token)) {
    fail('token', 'expected 16 to 512 characters among A-Z a-z 0-9 . _ ~ -');
  }
  if (
    o.ledger !== undefined &&
    (typeof o.ledger !== 'object' || o.ledger === null || typeof o.ledger.query !== 'function')
  ) {
    fail('ledger', 'expected a UsageLedger');
  }
  if (
    o.alerts !== undefined &&
    (typeof o.alerts !== 'object' ||
      o.alerts === null ||
      typeof o.alerts.alerts !== 'function' ||
      typeof o.alerts.on !== 'function')
  ) {
    fail('alerts', 'expected an AlertManager');
  }
  if (
    o.clock !== undefined &&
    (typeof o.clock !== 'object' || o.clock === null || typeof o.clock.now !== 'function')
  ) {
    fail('clock', 'expected a Clock');
  }
  const softBufferBytes = int(o.softBufferBytes, 'softBufferBytes', 1, 2 ** 31, 262_144);
  const hardBufferBytes = int(o.hardBufferBytes, 'hardBufferBytes', 1, 2 ** 31, 4_194_304);
  if (hardBufferBytes <= softBufferBytes) fail('hardBufferBytes', 'must exceed softBufferBytes');
  return {
    port,
    host: o.host ?? '127.0.0.1',
    token: o.token,
    ledger: o.ledger,
    alerts: o.alerts,
    clock: o.clock,
    intervalMs: int(o.intervalMs, 'intervalMs', 1_000, 3_600_000, 1_000),
    windowSeconds: int(o.windowSeconds, 'windowSeconds', 5, 3_600, 60),
    decisions: int(o.decisions, 'decisions', 0, 1_000, 20),
    softBufferBytes,
    hardBufferBytes,
    maxClients: int(o.maxClients, 'maxClients', 1, 10_000, 100),
  };
}
