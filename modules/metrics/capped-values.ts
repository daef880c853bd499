import { OTHER_LABEL_VALUE } from './options.js';

/** Keeps at most `max` distinct values of a label; later new ones become `other`. */
export class CappedValues {
  readonly #seen = new Set<string>();
  constructor(readonly max: number) {}

  /** `raw` if it is already kept or there is room for it, else {@link OTHER_LABEL_VALUE}. */
  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.max) return OTHER_LABEL_VALUE;
    this.#seen.add(raw);
    return raw;
  }
}
