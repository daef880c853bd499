import { z } from 'zod/v4';
import type { Clock, RandomSource } from '../../../index.js';
import type { UsageLedger } from '../../usage/index.js';
import { DEFAULT_DELIVERY, type DeliveryOptions, type DeliverySettings } from '../delivery/options.js';
import { DEFAULT_INHIBITIONS, type InhibitRule } from '../lifecycle/inhibition.js';
import { type AlertRule, LEDGER_RULES } from '../rules/rule-config.js';
import { deliverySchema, readSink, type SinkConfig, type SinkWithDelivery } from '../sinks/from-config.js';
import type { AlertSink, Severity } from '../types.js';
import { configError } from './config-error.js';
import { parseWith } from './parse.js';
import { ruleSchema } from './rule-schema.js';

/** Options of {@link AlertManager}. Everything but the clock, ledger and sink objects can come from JSON. */
export interface AlertManagerOptions {
  readonly rules: readonly AlertRule[];
  /** Named sinks: a sink object (`slackSink(…)`), `{ sink, delivery }`, or a {@link SinkConfig}. */
  readonly sinks?: Readonly<Record<string, AlertSink | SinkWithDelivery | SinkConfig>>;
  /** Sink names per severity, for rules without their own `sinks`. @default every sink for every severity */
  readonly routes?: Readonly<Partial<Record<Severity, readonly string[]>>>;
  /** The usage ledger that `latency_p95`, `burn_rate` and `cost_per_hour` rules read. */
  readonly ledger?: UsageLedger;
  /** Time source (use the router's). @default systemClock */
  readonly clock?: Clock;
  /** Backoff jitter source. @default Math.random */
  readonly random?: RandomSource;
  /** Wall time in ms since the epoch, for webhook signatures. @default Date.now */
  readonly wallClock?: () => number;
  /** Evaluation period in ms (also the resolution of counted windows). @default 10_000 */
  readonly intervalMs?: number;
  /** Alerts of one rule that change within this window go out as one notification. @default 10_000 */
  readonly groupWindowMs?: number;
  /** A firing alert is sent again after this long. @default 14_400_000 (4 h) */
  readonly repeatIntervalMs?: number;
  /** Clear thresholds default to threshold × this, in (0, 1]. @default 0.8 */
  readonly hysteresis?: number;
  /** @default a critical suppresses the warning with the same target and alias */
  readonly inhibitions?: readonly InhibitRule[];
  /** Delivery defaults of every sink (a sink's own `delivery` overrides them). */
  readonly delivery?: DeliveryOptions;
}

/** {@link AlertManagerOptions} checked, with defaults. */
export interface AlertSettings {
  readonly rules: readonly AlertRule[];
  readonly sinks: ReadonlyMap<string, { sink: AlertSink; delivery: DeliverySettings }>;
  readonly routes: Readonly<Record<Severity, readonly string[]>>;
  readonly ledger: UsageLedger | undefined;
  readonly clock: Clock | undefined;
  readonly random: RandomSource;
  readonly wallClock: () => number;
  readonly intervalMs: number;
  readonly groupWindowMs: number;
  readonly repeatIntervalMs: number;
  readonly hysteresis: number;
  readonly inhibitions: readonly InhibitRule[];
}

const fn = (what: string) =>
  z.custom<unknown>((v) => typeof v === 'function', { message: `expected ${what}` });
const severity = z.enum(['critical', 'warning', 'info']);

const optionsSchema = z.strictObject({
  rules: z.array(z.unknown()),
  sinks: z.record(z.string().min(1), z.unknown()).optional(),
  routes: z
    .strictObject({
      critical: z.array(z.string()).optional(),
      warning: z.array(z.string()).optional(),
      info: z.array(z.string()).optional(),
    })
    .optional(),
  ledger: z
    .custom<unknown>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as UsageLedger).query === 'function' &&
        typeof (v as UsageLedger).sla === 'function',
      {
        message: 'expected a UsageLedger',
      },
    )
    .optional(),
  clock: z
    .custom<unknown>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as Clock).now === 'function' &&
        typeof (v as Clock).setTimeout === 'function',
      {
        message: 'expected a Clock',
      },
    )
    .optional(),
  random: fn('a function').optional(),
  wallClock: fn('a function').optional(),
  intervalMs: z.number().finite().min(10).optional(),
  groupWindowMs: z.number().finite().nonnegative().optional(),
  repeatIntervalMs: z.number().finite().positive().optional(),
  hysteresis: z.number().gt(0).lte(1).optional(),
  inhibitions: z
    .array(z.strictObject({ sourceSeverity: severity, targetSeverity: severity, equal: z.array(z.string()) }))
    .optional(),
  delivery: deliverySchema.optional(),
});

/**
 * Checks `options` and fills in defaults.
 * @throws {SwitchyardError} `config` naming the first bad field (e.g. `rules[1].threshold`).
 */
export function readOptions(options: AlertManagerOptions): AlertSettings {
  const o = parseWith(optionsSchema, options, '');
  const rules = o.rules.map((r, i) => parseWith(ruleSchema, r, `rules[${i}]`));
  const wallClock = (o.wallClock as (() => number) | undefined) ?? Date.now;
  const defaults: DeliverySettings = { ...DEFAULT_DELIVERY, ...stripUndefined(o.delivery ?? {}) };
  const sinks = new Map<string, { sink: AlertSink; delivery: DeliverySettings }>();
  for (const [name, value] of Object.entries(o.sinks ?? {})) {
    const { sink, delivery } = readSink(value, `sinks.${name}`, wallClock);
    sinks.set(name, { sink, delivery: { ...defaults, ...stripUndefined(delivery) } });
  }
  const all = [...sinks.keys()];
  const routes: Record<Severity, readonly string[]> = {
    critical: o.routes?.critical ?? all,
    warning: o.routes?.warning ?? all,
    info: o.routes?.info ?? all,
  };
  for (const [sev, names] of Object.entries(routes)) {
    names.forEach((n, j) => {
      if (!sinks.has(n)) throw configError(`routes.${sev}[${j}]`, `no sink named '${n}'`);
    });
  }
  const names = new Set<string>();
  rules.forEach((r, i) => {
    if (names.has(r.name)) throw configError(`rules[${i}].name`, `duplicate rule name '${r.name}'`);
    names.add(r.name);
    r.sinks?.forEach((n, j) => {
      if (!sinks.has(n)) throw configError(`rules[${i}].sinks[${j}]`, `no sink named '${n}'`);
    });
    if (LEDGER_RULES.has(r.type) && o.ledger === undefined) {
      throw configError(`rules[${i}].type`, `'${r.type}' reads the usage ledger: pass options.ledger`);
    }
  });
  return {
    rules,
    sinks,
    routes,
    ledger: o.ledger as UsageLedger | undefined,
    clock: o.clock as Clock | undefined,
    random: (o.random as RandomSource | undefined) ?? Math.random,
    wallClock,
    intervalMs: o.intervalMs ?? 10_000,
    groupWindowMs: o.groupWindowMs ?? 10_000,
    repeatIntervalMs: o.repeatIntervalMs ?? 14_400_000,
    hysteresis: o.hysteresis ?? 0.8,
    inhibitions: o.inhibitions ?? DEFAULT_INHIBITIONS,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
