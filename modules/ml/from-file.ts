import { readFileSync } from 'node:fs';
import type { JsonValue } from '../../index.js';
import { SwitchyardError } from '../../index.js';
import type { PredictorFactory } from '../../strategies/index.js';
import { TrainedPredictors } from './train.js';

/**
 * The predictors of a model file written by `switchyard-llm train` (or `trainPredictors(…).toJSON()`),
 * for `intelligent({ predictors: fromFile('model.json') })`: each (target, quantity) starts from
 * its trained model and keeps learning online; targets the file does not know start from
 * `fallback` (the strategy's default linear models).
 *
 * @throws {SwitchyardError} `config` when the file cannot be read, is not JSON, or is not a
 *   model file of this version (naming the path and what is wrong).
 * @example
 * ```ts
 * import { fromFile } from 'switchyard-llm/ml';
 * const router = new Router({ targets, strategy: intelligent({ predictors: fromFile('model.json') }) });
 * ```
 */
export function fromFile(path: string, fallback?: PredictorFactory): PredictorFactory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new SwitchyardError('config', `fromFile: cannot read the model file "${path}" (${code})`);
  }
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch {
    throw new SwitchyardError('config', `fromFile: "${path}" is not JSON, so not a model file`);
  }
  const trained = TrainedPredictors.fromJSON(json);
  return fallback === undefined ? trained.factory() : trained.factory(fallback);
}
