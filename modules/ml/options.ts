import { SwitchyardError } from '../../src/index.js';

/**
 * Option checks shared by the model families: each throws `SwitchyardError('config',
 * '<owner>: <name>: expected …, got …')` and returns the value (or the default when undefined).
 */

/** A whole number in [min, max]. */
export function wholeOption(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SwitchyardError(
      'config',
      `${owner}: ${name}: expected a whole number in [${min}, ${max}], got ${String(v)}`,
    );
  }
  return v;
}

/** A finite number in [min, max] (or (min, max] when `openMin`). */
export function numberOption(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  openMin = false,
): number {
  const v = value ?? fallback;
  const ok = typeof v === 'number' && Number.isFinite(v) && (openMin ? v > min : v >= min) && v <= max;
  if (!ok) {
    const range = `${openMin ? '(' : '['}${min}, ${max}]`;
    throw new SwitchyardError(
      'config',
      `${owner}: ${name}: expected a finite number in ${range}, got ${String(v)}`,
    );
  }
  return v as number;
}

/** One of `choices`. */
export function choiceOption<T extends string>(
  owner: string,
  name: string,
  value: unknown,
  fallback: T,
  choices: readonly T[],
): T {
  const v = value ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new SwitchyardError(
      'config',
      `${owner}: ${name}: expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${String(v)}`,
    );
  }
  return v as T;
}
