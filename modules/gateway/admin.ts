import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSwitchyardError, SwitchyardError } from '../../index.js';
import { bearerToken } from './auth.js';
import type { AdminAction, GatewayEventLog } from './auth-events.js';
import { readBody } from './body.js';
import { answerForError, type ErrorAnswer, errorAnswer } from './errors.js';
import { sendError, sendJson } from './http-io.js';
import { readKeySettings } from './keys/records.js';
import type { VirtualKeys } from './keys/virtual-keys.js';
import { WireError } from './wire-error.js';

/** What the admin routes need of the gateway. */
export interface AdminContext {
  readonly keys: VirtualKeys;
  /** SHA-256 of the admin key. */
  readonly adminKeyHash: Buffer;
  readonly maxBodyBytes: number;
  readonly events: GatewayEventLog;
  readonly now: () => number;
  readonly headers: () => Record<string, string>;
  readonly onError: (error: unknown) => void;
}

/** SHA-256 of a key, for the constant-time comparison. */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

const ID = /^key_[A-Za-z0-9_-]{1,64}$/;

interface Route {
  readonly action: AdminAction;
  readonly keyId?: string;
  /** Allowed method. */
  readonly method: string;
}

/** The route of an `/admin/…` path and method, or why none. */
function route(path: string, method: string): Route | 404 | { allow: string } {
  const parts = path.split('/'); // ['', 'admin', 'keys', id?, 'rotate'?]
  if (parts[2] !== 'keys' || parts.length > 5) return 404;
  if (parts.length === 3) {
    if (method === 'POST') return { action: 'create', method };
    if (method === 'GET' || method === 'HEAD') return { action: 'list', method };
    return { allow: 'GET, POST' };
  }
  const keyId = parts[3]!;
  if (!ID.test(keyId)) return 404;
  if (parts.length === 5) {
    if (parts[4] !== 'rotate') return 404;
    return method === 'POST' ? { action: 'rotate', keyId, method } : { allow: 'POST' };
  }
  if (method === 'GET' || method === 'HEAD') return { action: 'get', keyId, method };
  if (method === 'PATCH') return { action: 'update', keyId, method };
  if (method === 'DELETE') return { action: 'revoke', keyId, method };
  return { allow: 'GET, PATCH, DELETE' };
}

function notFound(what: string): ErrorAnswer {
  return errorAnswer(404, what, 'invalid_request_error', 'not_found');
}

/** Reads the JSON body of an admin call (`undefined` when empty and `optional`). */
async function jsonBody(req: IncomingMessage, ctx: AdminContext, optional: boolean): Promise<unknown> {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (optional && !chunked && (length === undefined || length === '0')) {
    req.resume();
    return undefined;
  }
  const type = req.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json\s*(;|$)/i.test(type)) {
    req.resume();
    throw new WireError("Expected 'content-type: application/json'.", null, 'unsupported_media_type');
  }
  const body = await readBody(req, ctx.maxBodyBytes);
  if (!body.ok) throw body.answer;
  if (optional && body.text.trim() === '') return undefined;
  try {
    return JSON.parse(body.text);
  } catch {
    throw new WireError('The request body is not valid JSON.', null, 'invalid_json');
  }
}

/**
 * Serves the admin API (`/admin/keys…`) for the holder of the admin key. Every call is an
 * `admin:call` event; a call without the admin key is an `auth:failure` (`admin_denied`) and a 401.
 */
export async function serveAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  ctx: AdminContext,
): Promise<void> {
  const method = req.method ?? 'GET';
  const remote = req.socket.remoteAddress;
  const base = { ...(remote === undefined ? {} : { remoteAddress: remote }), at: ctx.now() };
  const token = bearerToken(req.headers);
  const allowed = timingSafeEqual(keyDigest(token ?? ''), ctx.adminKeyHash) && token !== undefined;
  if (!allowed) {
    req.resume();
    ctx.events.emit({ type: 'auth:failure', reason: 'admin_denied', status: 401, method, path, ...base });
    sendError(
      res,
      errorAnswer(401, 'Missing or invalid admin key.', 'authentication_error', 'invalid_api_key'),
      {
        ...ctx.headers(),
        'www-authenticate': 'Bearer',
      },
    );
    return;
  }
  const r = route(path, method);
  if (r === 404) {
    req.resume();
    sendError(
      res,
      errorAnswer(404, 'Unknown route.', 'invalid_request_error', 'unknown_route'),
      ctx.headers(),
    );
    return;
  }
  if ('allow' in r) {
    req.resume();
    sendError(
      res,
      errorAnswer(405, `Use ${r.allow} on this route.`, 'invalid_request_error', 'method_not_allowed'),
      { ...ctx.headers(), allow: r.allow },
    );
    return;
  }
  let status = 200;
  let keyId = r.keyId;
  try {
    const [code, body] = await act(req, r, ctx);
    status = code;
    if (r.action === 'create') keyId = (body as { id: string }).id;
    sendJson(res, code, body, ctx.headers());
  } catch (error) {
    const answer = adminError(error, ctx);
    status = answer.status;
    sendError(res, answer, ctx.headers());
  } finally {
    ctx.events.emit({
      type: 'admin:call',
      action: r.action,
      ...(keyId === undefined ? {} : { keyId }),
      status,
      ...base,
    });
  }
}

async function act(req: IncomingMessage, r: Route, ctx: AdminContext): Promise<[number, unknown]> {
  const keys = ctx.keys;
  const missing = () => notFound(`No key '${r.keyId}'.`);
  switch (r.action) {
    case 'list':
      req.resume();
      return [200, { object: 'list', data: await keys.list() }];
    case 'get': {
      req.resume();
      const key = await keys.get(r.keyId!);
      if (key === undefined) throw missing();
      return [200, key];
    }
    case 'create': {
      const settings = readKeySettings(await jsonBody(req, ctx, false), true);
      const created = await keys.create(settings as typeof settings & { name: string });
      return [201, { ...created.key, secret: created.secret }];
    }
    case 'update': {
      const settings = readKeySettings(await jsonBody(req, ctx, false), false);
      const key = await keys.update(r.keyId!, settings);
      if (key === undefined) throw missing();
      return [200, key];
    }
    case 'rotate': {
      const body = await jsonBody(req, ctx, true);
      let graceMs: number | undefined;
      if (body !== undefined) {
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new WireError("Invalid 'body': expected an object.", 'body');
        }
        for (const field of Object.keys(body)) {
          if (field !== 'graceMs')
            throw new WireError(`Unknown field '${field}'.`, field, 'unknown_parameter');
        }
        const g = (body as { graceMs?: unknown }).graceMs;
        if (
          g !== undefined &&
          (typeof g !== 'number' || !Number.isSafeInteger(g) || g < 0 || g > 30 * 86_400_000)
        ) {
          throw new WireError("Invalid 'graceMs': expected whole milliseconds from 0 to 30 days.", 'graceMs');
        }
        graceMs = g as number | undefined;
      }
      const rotated = await keys.rotate(r.keyId!, graceMs === undefined ? {} : { graceMs });
      if (rotated === undefined) throw missing();
      return [200, { ...rotated.key, secret: rotated.secret }];
    }
    case 'revoke': {
      req.resume();
      const key = await keys.revoke(r.keyId!);
      if (key === undefined) throw missing();
      return [200, key];
    }
  }
}

function adminError(error: unknown, ctx: AdminContext): ErrorAnswer {
  if (typeof error === 'object' && error !== null && 'status' in error && 'body' in error) {
    return error as ErrorAnswer; // a 404 or a body answer (413) built above
  }
  if (error instanceof WireError && error.code === 'unsupported_media_type') {
    return errorAnswer(415, error.message, 'invalid_request_error', error.code);
  }
  if (isSwitchyardError(error) && error.kind === 'invalid_request' && error.code === 'key_revoked') {
    return errorAnswer(409, error.message, 'invalid_request_error', 'key_revoked');
  }
  if (isSwitchyardError(error) && error.kind === 'config') {
    // The router cannot enforce the asked budget (no prices, a store without budgets): the caller's setting.
    return errorAnswer(400, error.message, 'invalid_request_error', 'invalid_value', 'budget');
  }
  const answer = answerForError(error, ctx.now());
  if (answer.status >= 500) ctx.onError(error);
  return answer;
}

/** @internal the error of a missing admin key option pair. */
export function adminConfigError(): SwitchyardError {
  return new SwitchyardError('config', 'createGateway: adminKey: the admin API needs the `keys` option too');
}
