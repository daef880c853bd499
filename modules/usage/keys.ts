import type { Bucket } from './buckets.js';
import { type Cell, cellIn } from './cells.js';
import { NONE, OVERFLOW_KEY, SEP, SINGLE, type UsageDimension } from './dimensions.js';

/** The admitted values of a call's dimensions and the id of their cell, memoized by raw values. */
export interface CellKey {
  readonly dims: readonly string[];
  readonly id: string;
  /** The cell of `id` in `bucket`, the last bucket it was looked up in. */
  bucket: Bucket | undefined;
  cell: Cell | undefined;
}

/** The last raw values seen with one target and their {@link CellKey}. */
interface LastKey {
  model: string;
  alias: string;
  provider: string;
  user: string;
  key: string;
  found: CellKey;
}

/** A level of the memo of {@link CellKey}s: by target, model, alias, provider, user, then key. */
type CellKeyNode = Map<string, CellKeyNode | CellKey>;

/** Entries of the memo beyond which it starts over (it only saves work; values stay exact). */
const MAX_CELL_KEYS = 10_000;

/**
 * The distinct values kept per dimension (at most `maxKeys`; later new values count under
 * `'other'`) and a memo of the cell keys they give.
 */
export class KeyCaps {
  readonly #dims: ReadonlySet<UsageDimension>;
  readonly #maxKeys: number;
  readonly #keys = new Map<UsageDimension, Set<string>>();
  /** Admitted dimension values and cell id by raw values (a memo of `#admit`, see `cellKey`). */
  #cellKeys: CellKeyNode = new Map();
  readonly #tagKeys = new Map<string, CellKey>();
  #cellKeyCount = 0;
  /**
   * Per target, the raw values of its last call and their key: calls that repeat the previous
   * combination of their target (the usual case) skip the walk down `#cellKeys`.
   */
  readonly #lastByTarget = new Map<string, LastKey>();

  constructor(dims: ReadonlySet<UsageDimension>, maxKeys: number) {
    this.#dims = dims;
    this.#maxKeys = maxKeys;
  }

  /**
   * The admitted values of these raw dimension values and their cell id. `#admit` is stable (a
   * value once kept stays kept, one refused stays refused, until `clear()`), so its results are
   * memoized: a call seen before builds no array nor string.
   */
  cellKey(
    target: string,
    model: string,
    alias: string,
    provider: string,
    user: string,
    key: string,
  ): CellKey {
    const last = this.#lastByTarget.get(target);
    if (
      last !== undefined &&
      last.model === model &&
      last.alias === alias &&
      last.provider === provider &&
      last.user === user &&
      last.key === key
    ) {
      return last.found;
    }
    const found = this.#walk(target, model, alias, provider, user, key);
    if (last !== undefined) {
      last.model = model;
      last.alias = alias;
      last.provider = provider;
      last.user = user;
      last.key = key;
      last.found = found;
    } else if (this.#lastByTarget.size < MAX_CELL_KEYS) {
      this.#lastByTarget.set(target, { model, alias, provider, user, key, found });
    }
    return found;
  }

  /** {@link KeyCaps.cellKey} through the memo of every combination seen. */
  #walk(target: string, model: string, alias: string, provider: string, user: string, key: string): CellKey {
    const root = this.#cellKeys;
    const leaf = level(level(level(level(level(root, target), model), alias), provider), user);
    let found = leaf.get(key) as CellKey | undefined;
    if (found === undefined) {
      const raw = [target, model, alias, provider, user, key];
      const dims = SINGLE.map((d, i) => (this.#dims.has(d) ? this.#admit(d, raw[i]!) : NONE));
      found = { dims, id: dims.join(SEP), bucket: undefined, cell: undefined };
      if (this.#cellKeyCount >= MAX_CELL_KEYS) this.#forgetKeys();
      else leaf.set(key, found);
      this.#cellKeyCount++;
    }
    return found;
  }

  /** The admitted value of `tag` and its cell id, memoized like {@link KeyCaps.cellKey}. */
  tagKey(tag: string): CellKey {
    let found = this.#tagKeys.get(tag);
    if (found === undefined) {
      const dims = [this.#admit('tag', tag)];
      found = { dims, id: dims.join(SEP), bucket: undefined, cell: undefined };
      if (this.#cellKeyCount >= MAX_CELL_KEYS) this.#forgetKeys();
      else this.#tagKeys.set(tag, found);
      this.#cellKeyCount++;
    }
    return found;
  }

  /** Distinct kept values per dimension. */
  counts(): Partial<Record<UsageDimension, number>> {
    const keys: Partial<Record<UsageDimension, number>> = {};
    for (const [d, set] of this.#keys) keys[d] = set.size;
    return keys;
  }

  /** Forgets every kept value and the memo. */
  clear(): void {
    this.#keys.clear();
    this.#cellKeys.clear();
    this.#tagKeys.clear();
    this.#lastByTarget.clear();
    this.#cellKeyCount = 0;
  }

  /** Empties the memo of cell keys (it grew past {@link MAX_CELL_KEYS}). */
  #forgetKeys(): void {
    this.#cellKeys = new Map();
    this.#tagKeys.clear();
    this.#lastByTarget.clear();
    this.#cellKeyCount = 0;
  }

  /** The value to record for `value` in dimension `d`: itself while there is room, else `other`. */
  #admit(d: UsageDimension, value: string): string {
    let kept = this.#keys.get(d);
    if (kept === undefined) {
      kept = new Set();
      this.#keys.set(d, kept);
    }
    if (kept.has(value)) return value;
    if (kept.size >= this.#maxKeys) return OVERFLOW_KEY;
    kept.add(value);
    return value;
  }
}

/** The cell of `key` in `bucket` (its `cells` or `tags`), remembered for the next call in the same bucket. */
export function cellOf(key: CellKey, bucket: Bucket, cells: Map<string, Cell>): Cell {
  if (key.bucket === bucket && key.cell !== undefined) return key.cell;
  const cell = cellIn(cells, key.dims, key.id);
  key.bucket = bucket;
  key.cell = cell;
  return cell;
}

function level(node: CellKeyNode, value: string): CellKeyNode {
  let next = node.get(value) as CellKeyNode | undefined;
  if (next === undefined) {
    next = new Map();
    node.set(value, next);
  }
  return next;
}
