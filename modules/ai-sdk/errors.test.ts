/** errorFromAISDK beyond what adapter.test.ts covers. */
import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../index.js';
import { errorFromAISDK, isAPICallError } from './errors.js';

const call = (statusCode?: number, cause?: unknown) =>
  new APICallError({ message: 'failed', url: 'u', requestBodyValues: {}, statusCode, cause });

describe('errorFromAISDK', () => {
  it('unwraps the AI SDK RetryError to its last error', () => {
    const retry = Object.assign(new Error('retried'), { name: 'AI_RetryError', lastError: call(429) });
    expect(errorFromAISDK(retry, { target: 't' })).toMatchObject({ kind: 'rate_limited', status: 429 });
  });

  it('maps a success status whose body broke to the transport error of its cause', () => {
    const cut = call(200, Object.assign(new Error('terminated'), { code: 'UND_ERR_SOCKET' }));
    expect(errorFromAISDK(cut, { target: 't' })).toMatchObject({ kind: 'connection', target: 't' });
  });

  it('uses the abort reason once the signal has aborted, whatever was thrown', () => {
    const controller = new AbortController();
    controller.abort(new SwitchyardError('timeout', 'deadline'));
    expect(errorFromAISDK(call(500), { target: 't', signal: controller.signal })).toMatchObject({
      kind: 'timeout',
      target: 't',
    });
  });

  it('maps AbortError and TimeoutError by name, and keeps a SwitchyardError, adding the target', () => {
    expect(errorFromAISDK(new DOMException('x', 'AbortError'), { target: 't' }).kind).toBe('aborted');
    expect(errorFromAISDK(new DOMException('x', 'TimeoutError'), { target: 't' }).kind).toBe('timeout');
    const own = new SwitchyardError('auth', 'no');
    expect(errorFromAISDK(own, { target: 't' })).toMatchObject({ kind: 'auth', target: 't' });
  });

  it('recognises APICallError from another copy of the library by its marker', () => {
    const foreign = {
      [Symbol.for('vercel.ai.error.AI_APICallError')]: true,
      message: 'x',
      isRetryable: true,
      statusCode: 502,
    };
    expect(isAPICallError(foreign)).toBe(true);
    expect(errorFromAISDK(foreign, { target: 't' })).toMatchObject({ kind: 'server', status: 502 });
    expect(isAPICallError(new Error('x'))).toBe(false);
  });
});
