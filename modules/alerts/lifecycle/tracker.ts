import type { CompiledRule, Observation } from '../rules/rule.js';
import type { Alert, AlertState, Labels } from '../types.js';
import { fingerprint } from './fingerprint.js';

/** An alert the manager follows (pending or firing). */
export interface Tracked {
  readonly fingerprint: string;
  readonly rule: CompiledRule;
  readonly labels: Labels;
  state: 'pending' | 'firing';
  readonly startsAt: number;
  /** When the clear condition started to hold (firing alerts; hysteresis in time). */
  clearSince: number | undefined;
  last: Observation;
  /** Whether a firing notification went out (so a resolve is owed). */
  notified: boolean;
  /** When a notification about it was last queued. */
  lastSentAt: number;
}

/** A state change of one alert at an evaluation. */
export interface Transition {
  readonly tracked: Tracked;
  readonly to: AlertState;
}

const DEFAULT_KEEP_FIRING_MS = 60_000;

/**
 * The pending → firing → resolved state machine of every alert: pending while the condition
 * holds for less than `forMs` (dropped silently if it stops), firing after, resolved once the
 * clear condition has held for `keepFiringForMs`. Observations in the hysteresis band (neither
 * firing nor clear) keep a firing alert firing.
 */
export class AlertTracker {
  readonly #byFp = new Map<string, Tracked>();

  /** Applies one evaluation of `rule`; label sets it did not report count as clear. */
  observe(rule: CompiledRule, observations: readonly Observation[], now: number): Transition[] {
    const out: Transition[] = [];
    const seen = new Set<string>();
    const cfg = rule.config;
    for (const obs of observations) {
      const labels = { ...cfg.labels, ...obs.labels };
      const fp = fingerprint(cfg.name, labels);
      seen.add(fp);
      const t = this.#byFp.get(fp);
      if (t === undefined) {
        if (!obs.firing) continue;
        const created: Tracked = {
          fingerprint: fp,
          rule,
          labels,
          state: 'pending',
          startsAt: now,
          clearSince: undefined,
          last: obs,
          notified: false,
          lastSentAt: Number.NEGATIVE_INFINITY,
        };
        this.#byFp.set(fp, created);
        out.push({ tracked: created, to: 'pending' });
        if ((cfg.forMs ?? 0) <= 0) {
          created.state = 'firing';
          out.push({ tracked: created, to: 'firing' });
        }
        continue;
      }
      t.last = obs;
      this.#step(t, obs, now, out);
    }
    for (const t of this.#byFp.values()) {
      if (t.rule !== rule || seen.has(t.fingerprint)) continue;
      this.#step(t, { ...t.last, firing: false, clear: true }, now, out);
    }
    return out;
  }

  #step(t: Tracked, obs: Observation, now: number, out: Transition[]): void {
    const cfg = t.rule.config;
    if (t.state === 'pending') {
      if (!obs.firing) {
        this.#byFp.delete(t.fingerprint);
        return;
      }
      if (now - t.startsAt >= (cfg.forMs ?? 0)) {
        t.state = 'firing';
        out.push({ tracked: t, to: 'firing' });
      }
      return;
    }
    if (!obs.clear) {
      t.clearSince = undefined;
      return;
    }
    t.clearSince ??= now;
    if (now - t.clearSince >= (cfg.keepFiringForMs ?? DEFAULT_KEEP_FIRING_MS)) {
      this.#byFp.delete(t.fingerprint);
      out.push({ tracked: t, to: 'resolved' });
    }
  }

  /** Alerts followed now (pending and firing). */
  all(): IterableIterator<Tracked> {
    return this.#byFp.values();
  }

  /** Forgets everything. */
  clear(): void {
    this.#byFp.clear();
  }
}

/** The public view of `t` in `state`. */
export function toAlert(t: Tracked, state: AlertState, now: number): Alert {
  const cfg = t.rule.config;
  return {
    fingerprint: t.fingerprint,
    rule: cfg.name,
    type: cfg.type,
    severity: cfg.severity,
    state,
    labels: t.labels,
    summary: cfg.summary ?? t.last.summary,
    value: t.last.value,
    threshold: t.last.threshold,
    unit: t.last.unit,
    startsAt: t.startsAt,
    ...(state === 'resolved' ? { endsAt: now } : {}),
    links: cfg.links ?? [],
  };
}
