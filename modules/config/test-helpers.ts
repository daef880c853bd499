/** Helpers of the config tests (not exported). */
import { expect } from 'vitest';
import { isSwitchyardError } from '../../index.js';

/** The `config` error message of `fn`; fails when it does not throw one. */
export function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isSwitchyardError(error) && error.kind).toBe('config');
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}
