/**
 * A fast check for the common request shape: text-only messages and scalar settings. It accepts
 * only requests that the full check (`checkRequest`) accepts too (a property test holds it to
 * that), and answers `false` for anything else, which then goes through the full check for a
 * precise error message. It reads no field that the full check would not read, and may throw
 * when a getter throws (the caller then runs the full check, which names the field).
 */
import { isJsonSafe } from './context.js';
import { MAX_SESSION_ID } from './request.js';

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;

function stringArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
}

function plainRecord(v: unknown): boolean {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

function plainSetting(key: string, v: unknown): boolean {
  switch (key) {
    case 'messages':
      return true; // checked by the caller
    case 'maxOutputTokens':
    case 'topK':
      return positiveInt(v);
    case 'temperature':
      return finite(v) && (v as number) >= 0;
    case 'topP':
      return finite(v) && (v as number) >= 0 && (v as number) <= 1;
    case 'presencePenalty':
    case 'frequencyPenalty':
      return finite(v);
    case 'seed':
      return typeof v === 'number' && Number.isInteger(v);
    case 'timeoutMs':
    case 'firstTokenTimeoutMs':
    case 'interTokenTimeoutMs':
      return finite(v) && (v as number) > 0;
    case 'model':
    case 'strategy':
      return nonEmpty(v);
    case 'sessionId':
      return nonEmpty(v) && (v as string).length <= MAX_SESSION_ID;
    case 'signal':
      return v instanceof AbortSignal;
    case 'tags':
    case 'stopSequences':
      return stringArray(v);
    case 'metadata':
      return plainRecord(v) && isJsonSafe(v);
    default:
      return false; // tools, responseFormat, providerOptions, …: leave them to the full check
  }
}

/** Whether `request` is a valid request of the common shape (see the module comment). */
export function isPlainValidRequest(request: unknown): boolean {
  if (typeof request !== 'object' || request === null) return false;
  const messages = (request as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  let conversation = false;
  for (const m of messages) {
    if (typeof m !== 'object' || m === null) return false;
    const role = (m as { role?: unknown }).role;
    if (role === 'user' || role === 'assistant') conversation = true;
    else if (role !== 'system') return false;
    if (!nonEmpty((m as { content?: unknown }).content)) return false;
  }
  if (!conversation) return false;
  for (const key in request) {
    const value = (request as Record<string, unknown>)[key];
    if (value !== undefined && !plainSetting(key, value)) return false;
  }
  return true;
}
