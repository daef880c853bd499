import { SwitchyardError } from '../../../index.js';

/** A `config` error of the alerts module; `path` names the field (e.g. `rules[2].threshold`). */
export function configError(path: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `alerts: ${path}: ${problem}`, { retryable: false });
}
