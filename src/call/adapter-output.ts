import { SwitchyardError } from '../errors/switchyard-error.js';
import type { AdapterResponse } from '../types/response.js';
import type { AdapterStreamPart } from '../types/stream.js';
import { UNKNOWN_USAGE } from '../util/usage.js';

// What an adapter returns is checked before it reaches the caller: a user's adapter that leaves
// out a field must not turn into `undefined` text. A missing usage is filled in (zeros marked
// unknown); a malformed part fails the attempt with a `config` error naming the adapter and the
// field (a bug in the adapter, not a provider failure: neither retried nor counted against it).

/** `result` with usage filled in, or a `config` error naming the bad field. */
export function checkedResponse(result: AdapterResponse, provider: string, target: string): AdapterResponse {
  if (typeof result !== 'object' || result === null) {
    throw adapterBug(provider, target, 'its response', 'an object', result);
  }
  const content = result.content;
  if (!Array.isArray(content)) throw adapterBug(provider, target, 'content', 'an array', content);
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    if (part?.type === 'text' || part?.type === 'reasoning') {
      if (typeof part.text !== 'string')
        throw adapterBug(provider, target, `content[${i}].text`, 'a string', part.text);
    } else if (part?.type === 'tool-call') {
      if (typeof part.toolName !== 'string' || typeof part.input !== 'string') {
        throw adapterBug(
          provider,
          target,
          `content[${i}]`,
          'a tool call with string toolName and input',
          part,
        );
      }
    } else {
      throw adapterBug(
        provider,
        target,
        `content[${i}].type`,
        "'text', 'reasoning' or 'tool-call'",
        part?.type,
      );
    }
  }
  return result.usage === undefined || result.usage === null ? { ...result, usage: UNKNOWN_USAGE } : result;
}

/** Throws a `config` error when a stream part is malformed; returns the part (usage filled in on `finish`). */
export function checkedPart(part: AdapterStreamPart, provider: string, target: string): AdapterStreamPart {
  switch (part?.type) {
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-input-delta':
      if (typeof part.delta !== 'string')
        throw adapterBug(provider, target, `a ${part.type} part's delta`, 'a string', part.delta);
      return part;
    case 'finish':
      return part.usage === undefined || part.usage === null ? { ...part, usage: UNKNOWN_USAGE } : part;
    case 'tool-call':
      if (typeof part.toolName !== 'string' || typeof part.input !== 'string') {
        throw adapterBug(provider, target, 'a tool-call part', 'string toolName and input', part);
      }
      return part;
    default:
      if (typeof part !== 'object' || part === null)
        throw adapterBug(provider, target, 'a stream part', 'an object', part);
      return part;
  }
}

function adapterBug(
  provider: string,
  target: string,
  field: string,
  expected: string,
  got: unknown,
): SwitchyardError {
  const shown = got === undefined ? 'undefined' : got === null ? 'null' : typeof got;
  return new SwitchyardError(
    'config',
    `adapter '${provider}' (target '${target}') returned ${field} that is not ${expected} (got ${shown})`,
    { retryable: false, target },
  );
}
