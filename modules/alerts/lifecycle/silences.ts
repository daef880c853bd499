import type { Alert, Labels } from '../types.js';

/** A silence: alerts whose labels (and rule, under the label `rule`) match every matcher are not notified until it ends. */
export interface Silence {
  readonly id: string;
  /** Label name → exact value; `rule` matches the rule name. */
  readonly matchers: Labels;
  /** Clock time the silence ends. */
  readonly endsAt: number;
  readonly comment?: string;
}

/** Options of `AlertManager.silence`. */
export interface SilenceOptions {
  readonly matchers: Labels;
  /** How long from now, in ms (or give `endsAt`). */
  readonly durationMs?: number;
  /** Clock time it ends. */
  readonly endsAt?: number;
  readonly comment?: string;
}

/** The silences of a manager. */
export class Silences {
  readonly #byId = new Map<string, Silence>();
  #seq = 0;

  add(matchers: Labels, endsAt: number, comment?: string): Silence {
    const silence: Silence = {
      id: `s${++this.#seq}`,
      matchers: { ...matchers },
      endsAt,
      ...(comment === undefined ? {} : { comment }),
    };
    this.#byId.set(silence.id, silence);
    return silence;
  }

  remove(id: string): boolean {
    return this.#byId.delete(id);
  }

  /** Silences not yet ended at `now` (ended ones are forgotten). */
  active(now: number): Silence[] {
    for (const [id, s] of this.#byId) if (s.endsAt <= now) this.#byId.delete(id);
    return [...this.#byId.values()];
  }

  /** Whether an active silence matches `alert`. */
  matches(alert: Pick<Alert, 'rule' | 'labels'>, now: number): boolean {
    return this.active(now).some((s) =>
      Object.entries(s.matchers).every(([k, v]) => (k === 'rule' ? alert.rule === v : alert.labels[k] === v)),
    );
  }
}
