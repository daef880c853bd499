import { redactSecrets, sanitizeError } from '../errors/redact.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { AttemptOutcome, FirstTokenOutcome, PickContext, Strategy } from '../types/strategy.js';
import type { TargetView } from '../types/target.js';

// A strategy hook that throws is a bug in the strategy, not a failure of a target: the call
// fails with a `config` error naming the strategy and the hook (neither retried nor counted
// against the target's health).

/** The strategy's pick among `pool`; a throw or a target outside `pool` is a `config` error. */
export function pickWith<T extends TargetView>(
  strategy: Strategy,
  pool: readonly T[],
  context: PickContext,
): T {
  let picked: TargetView;
  try {
    picked = strategy.pick(pool, context);
  } catch (thrown) {
    throw hookError(strategy, 'pick', thrown);
  }
  if (!pool.includes(picked as T)) {
    throw new SwitchyardError(
      'config',
      `strategy '${strategy.name}' returned a target that is not among the candidates`,
      { retryable: false },
    );
  }
  return picked as T;
}

/** Reports an attempt's outcome to the strategy. */
export function tellOutcome(strategy: Strategy, outcome: AttemptOutcome): void {
  try {
    strategy.observe?.(outcome);
  } catch (thrown) {
    throw hookError(strategy, 'observe', thrown);
  }
}

/** Reports a streamed attempt's first token to the strategy. */
export function tellFirstToken(strategy: Strategy, event: FirstTokenOutcome): void {
  try {
    strategy.observeFirstToken?.(event);
  } catch (thrown) {
    throw hookError(strategy, 'observeFirstToken', thrown);
  }
}

/** The `config` error for user code (a strategy or a middleware) that threw. */
export function userCodeError(who: string, hook: string, thrown: unknown): SwitchyardError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new SwitchyardError('config', `${who} threw in ${hook}: ${redactSecrets(message)}`, {
    retryable: false,
    cause: sanitizeError(thrown),
  });
}

function hookError(strategy: Strategy, hook: string, thrown: unknown): SwitchyardError {
  return userCodeError(`strategy '${strategy.name}'`, hook, thrown);
}
