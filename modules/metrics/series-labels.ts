import type { CallsInFlight } from './calls.js';
import { CappedValues } from './capped-values.js';
import type { MetricLabel } from './options.js';
import type { CountSlot, HistogramSlot, Labels } from './pending.js';
import type { TargetLabels } from './target-labels.js';

/** Every series a successful call and its successful attempt count into. */
export interface SuccessSlots {
  readonly request: CountSlot;
  readonly requestDuration: HistogramSlot;
  readonly attempt: CountSlot;
  readonly attemptDuration: HistogramSlot;
  readonly input: CountSlot;
  readonly output: CountSlot;
  readonly cachedInput: CountSlot;
  readonly reasoning: CountSlot;
  readonly cost: CountSlot;
}

/**
 * The label values of one combination of target, alias and tag, with the label objects derived
 * from them. Label objects are built once per distinct combination and reused, so a call
 * allocates none; their number is bounded like the series themselves.
 */
export interface SeriesLabels {
  readonly labels: Labels;
  readonly derived: Map<string, Labels>;
  /** The series a successful call touches, found once (by the success listeners). */
  success?: SuccessSlots;
}

/** Finds (or builds once) the {@link SeriesLabels} of a call's event. */
export class SeriesLabelCache {
  /** Series labels by target, then alias, then tag: no key is built per call. */
  readonly #byTarget = new Map<string, Map<string, Map<string, SeriesLabels>>>();
  readonly #tagValues: CappedValues;
  readonly #alias: boolean;
  readonly #tag: boolean;
  /**
   * The last lookup: a call's successful attempt and its end (same request, target and tags)
   * find their entry without a lookup.
   */
  #lastRequestId: string | undefined;
  #lastTarget: string | undefined;
  #lastTags: readonly string[] | undefined;
  #lastEntry: SeriesLabels | undefined;

  constructor(
    private readonly enabled: ReadonlySet<MetricLabel>,
    maxTagValues: number,
    private readonly targets: TargetLabels,
    private readonly calls: CallsInFlight,
  ) {
    this.#tagValues = new CappedValues(maxTagValues);
    this.#alias = enabled.has('alias');
    this.#tag = enabled.has('tag');
  }

  /** Label values of call `requestId` on `target` (empty strings when unknown). */
  of(requestId: string, tags: readonly string[] | undefined, target: string | undefined): SeriesLabels {
    if (
      requestId === this.#lastRequestId &&
      target === this.#lastTarget &&
      tags === this.#lastTags &&
      this.#lastEntry !== undefined
    ) {
      return this.#lastEntry;
    }
    const entry = this.#find(requestId, tags, target);
    this.#lastRequestId = requestId;
    this.#lastTarget = target;
    this.#lastTags = tags;
    this.#lastEntry = entry;
    return entry;
  }

  #find(requestId: string, tags: readonly string[] | undefined, target: string | undefined): SeriesLabels {
    const alias = this.#alias ? (this.calls.alias(requestId) ?? '') : '';
    const tag =
      this.#tag && tags !== undefined && tags.length > 0
        ? this.#tagValues.value(tags.length === 1 && typeof tags[0] === 'string' ? tags[0] : tags.join(','))
        : '';
    // `undefined` and '' are different keys: an unknown target vs a target id '' (as before).
    const targetKey = target === undefined ? '\u0000' : target;
    let byAlias = this.#byTarget.get(targetKey);
    if (byAlias === undefined) {
      byAlias = new Map();
      this.#byTarget.set(targetKey, byAlias);
    }
    let byTag = byAlias.get(alias);
    if (byTag === undefined) {
      byTag = new Map();
      byAlias.set(alias, byTag);
    }
    let entry = byTag.get(tag);
    if (entry === undefined) {
      const enabled = this.enabled;
      const labels: Labels = target === undefined ? {} : this.targets.of(target);
      if (target === undefined) {
        if (enabled.has('target')) labels.target = '';
        if (enabled.has('provider')) labels.provider = '';
        if (enabled.has('model')) labels.model = '';
      }
      if (this.#alias) labels.alias = alias;
      if (this.#tag) labels.tag = tag;
      entry = { labels, derived: new Map() };
      byTag.set(tag, entry);
    }
    return entry;
  }

  /** Forgets every combination (on close). */
  clear(): void {
    this.#byTarget.clear();
    this.#lastRequestId = undefined;
    this.#lastEntry = undefined;
  }
}

/** `entry`'s labels plus one or two fixed ones, built once. */
export function withLabels(
  entry: SeriesLabels,
  name: string,
  value: string,
  name2?: string,
  value2?: string,
): Labels {
  const key = name2 === undefined ? `${name}=${value}` : `${name}=${value},${name2}=${value2}`;
  let labels = entry.derived.get(key);
  if (labels === undefined) {
    labels = { ...entry.labels, [name]: value };
    if (name2 !== undefined) labels[name2] = value2 ?? '';
    entry.derived.set(key, labels);
  }
  return labels;
}
