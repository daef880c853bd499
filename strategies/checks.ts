import { SwitchyardError } from '../src/index.js';

/**
 * Checks a numeric strategy option that must be a finite number ≥ 0 (0 usually turns a feature
 * off), and returns it.
 * @throws SwitchyardError `config` naming the strategy and the field, e.g.
 * `adaptive: revisitMs: expected a finite number >= 0, got -1`.
 * @internal
 */
export function checkNonNegative(strategy: string, field: string, value: number): number {
  if (!(value >= 0 && Number.isFinite(value))) {
    throw new SwitchyardError(
      'config',
      `${strategy}: ${field}: expected a finite number >= 0, got ${String(value)}`,
    );
  }
  return value;
}
