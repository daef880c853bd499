/** What usage can be grouped by. `user` and `key` come from `request.metadata.user` / `.key`. */
export type UsageDimension = 'target' | 'model' | 'alias' | 'provider' | 'tag' | 'user' | 'key';

/** Every {@link UsageDimension}. */
export const USAGE_DIMENSIONS: readonly UsageDimension[] = [
  'target',
  'model',
  'alias',
  'provider',
  'tag',
  'user',
  'key',
];

/** The value a dimension takes once it has `maxKeys` distinct values. */
export const OVERFLOW_KEY = 'other';

/** The single-valued dimensions, in the order of a cell's `dims` (every dimension but `tag`). */
export const SINGLE: readonly UsageDimension[] = ['target', 'model', 'alias', 'provider', 'user', 'key'];

/** The value of a dimension a call does not have (or that is not recorded). */
export const NONE = '-';

/** Joins dimension values into a cell id. */
export const SEP = '\u0000';
