import type { AttemptStartEvent } from '../events.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { Call } from './call.js';

/** The fields every `attempt:*` event carries. */
export function attemptFields(call: Call, target: TargetRuntime, attempt: number): AttemptStartEvent {
  return {
    requestId: call.id,
    stream: call.stream,
    tags: call.request.tags,
    attempt,
    target: target.id,
    model: target.model,
    provider: target.provider,
  };
}
