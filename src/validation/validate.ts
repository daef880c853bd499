import { SwitchyardError } from '../errors/switchyard-error.js';
import type { CompletionRequest } from '../types/request.js';
import { isPlainValidRequest } from './fast-path.js';
import { formatIssues } from './format.js';
import { requestSchema, routerOptionsSchema } from './schemas.js';

/**
 * Checks router options; throws a `config` {@link SwitchyardError} naming every bad field
 * (e.g. `targets[1].weight: expected a positive number`) and duplicate target ids.
 */
export function validateRouterOptions(options: unknown): void {
  const result = routerOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new SwitchyardError('config', `invalid router options: ${formatIssues(result.error)}`);
  }
  const seen = new Map<string, number>();
  result.data.targets.forEach((t, i) => {
    const first = seen.get(t.id);
    if (first !== undefined) {
      throw new SwitchyardError(
        'config',
        `invalid router options: targets[${i}].id: duplicate id '${t.id}' (also targets[${first}].id)`,
      );
    }
    seen.set(t.id, i);
  });
}

/**
 * Checks a request; throws an `invalid_request` {@link SwitchyardError} naming every bad field
 * (e.g. `messages[0].role: expected …`). Tool-choice of an unknown tool is rejected as well.
 */
export function validateRequest(request: unknown): asserts request is CompletionRequest {
  if (isPlainValidRequest(request)) return;
  const result = requestSchema.safeParse(request);
  if (!result.success) {
    throw new SwitchyardError('invalid_request', `invalid request: ${formatIssues(result.error)}`, {
      retryable: false,
    });
  }
  const { toolChoice, tools } = result.data;
  if (toolChoice?.type === 'tool' && !tools?.some((t) => t.name === toolChoice.toolName)) {
    throw new SwitchyardError(
      'invalid_request',
      `invalid request: toolChoice.toolName: expected the name of one of the request's tools, got '${toolChoice.toolName}'`,
    );
  }
}
