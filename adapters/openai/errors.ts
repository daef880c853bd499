/** Maps whatever the OpenAI SDK (or its fetch, or the stream reader) throws to a {@link SwitchyardError}. */
import type { APIError } from 'openai';
import type { AdapterErrorContext } from '../../modules/adapter-kit/error-context.js';
import { StreamErrorEvent } from '../../modules/adapter-kit/sse.js';
import {
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  isSwitchyardError,
  SwitchyardError,
  scrubSecrets,
} from '../../src/index.js';
import type { OpenAISdk } from './client.js';

/** Context of one attempt. */
export interface ErrorContext extends AdapterErrorContext {
  /** The SDK, once loaded: its error classes are recognised only then. */
  readonly sdk?: OpenAISdk;
}

function providerMessage(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  // The SDK prefixes the status ("429 …"); errorFromHttpStatus adds its own.
  return error.message.replace(/^\d{3}\s+/, '');
}

function codeOf(error: { readonly code?: unknown; readonly type?: unknown }): string | undefined {
  const code = error.code ?? error.type;
  return typeof code === 'string' && code !== '' ? code : typeof code === 'number' ? String(code) : undefined;
}

/** The message of an in-stream `error` object (or the whole object as JSON when it has none). */
function streamErrorMessage(body: unknown): string {
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}

/**
 * The {@link SwitchyardError} for `error`, with `target` set. Every text that came from the
 * provider (message, code, the SDK error kept as `cause`) is redacted in one place, by
 * `scrubSecrets` on the way out: SDK errors embed the response body, which may echo a key.
 */
export function toSwitchyardError(error: unknown, ctx: ErrorContext): SwitchyardError {
  return scrubSecrets(mapError(error, ctx), [ctx.apiKey]);
}

function mapError(error: unknown, ctx: ErrorContext): SwitchyardError {
  const { target, signal, sdk } = ctx;
  if (isSwitchyardError(error)) return error.target === undefined ? error.with({ target }) : error;
  if (signal.aborted || (sdk && error instanceof sdk.APIUserAbortError))
    return errorFromAbort(signal, target);
  if (error instanceof StreamErrorEvent) {
    // No status: the server sent an error object inside the stream.
    const body = error.body as { code?: unknown; type?: unknown } | null;
    const message = streamErrorMessage(error.body);
    return new SwitchyardError('server', `server error from target '${target}' in the stream: ${message}`, {
      target,
      cause: error.body,
      code: typeof body === 'object' && body !== null ? codeOf(body) : undefined,
    });
  }
  if (error instanceof SyntaxError) {
    return new SwitchyardError(
      'server',
      `server error from target '${target}': malformed JSON (${error.message})`,
      {
        target,
        cause: error,
      },
    );
  }
  if (!sdk) return errorFromException(error, { target });
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new SwitchyardError(
      'timeout',
      `timeout of target '${target}': no response within the adapter's timeoutMs`,
      {
        target,
        cause: error,
      },
    );
  }
  if (error instanceof sdk.APIConnectionError) {
    return errorFromException(error.cause ?? error, { target }).with({ cause: error });
  }
  if (error instanceof sdk.APIError) {
    const message = providerMessage(error);
    if (typeof error.status === 'number') {
      return errorFromHttpStatus(error.status, {
        message,
        headers: error.headers,
        target,
        cause: error,
        code: codeOf(error),
      });
    }
    // No status: the server sent an error object inside a stream.
    return new SwitchyardError('server', `server error from target '${target}' in the stream: ${message}`, {
      target,
      cause: error,
      code: codeOf(error),
    });
  }
  if (error instanceof sdk.OpenAIError) {
    return new SwitchyardError('server', `server error from target '${target}': ${error.message}`, {
      target,
      cause: error,
    });
  }
  return errorFromException(error, { target });
}
