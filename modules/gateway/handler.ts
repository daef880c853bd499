import type { IncomingMessage, ServerResponse } from 'node:http';
import { AbortLatch, isSwitchyardError, type Router, SwitchyardError, type Usage } from '../../index.js';
import { serveAdmin } from './admin.js';
import { sendAnthropicError } from './anthropic-response.js';
import { serveMessages } from './anthropic-route.js';
import { bearerToken, type Principal } from './auth.js';
import { modelCatalog, type OpenAIModel, readiness } from './catalog.js';
import { type CallContext, completeChat, routerRequest, streamChat } from './chat.js';
import { authFailure, modelNotAllowed } from './enforce.js';
import { answerForError, errorAnswer } from './errors.js';
import { readHints } from './hints.js';
import { sendError, sendJson } from './http-io.js';
import { readJsonBody } from './json-body.js';
import { tokenEstimate } from './limits.js';
import { type ChatRequest, chatRequestFromOpenAI } from './openai-request.js';
import type { ResolvedGatewayOptions } from './options.js';

/** What the request handler needs of the server around it. */
export interface Lifecycle {
  /** `stop()` was called: new requests get a 503 and every answer closes its connection. */
  readonly stopping: boolean;
  /** Registers a call in flight; the returned function unregisters it. */
  track(controller: AbortLatch): () => void;
}

const noop = () => {};

/** The answer headers a request adds: none, or `connection: close` while stopping (shared, never mutated). */
const NO_HEADERS: Record<string, string> = Object.freeze({});
const CLOSE_HEADERS: Record<string, string> = Object.freeze({ connection: 'close' });

const ROUTES: Record<string, string> = {
  '/v1/chat/completions': 'POST',
  '/v1/models': 'GET',
  '/v1/messages': 'POST',
  '/healthz': 'GET',
  '/readyz': 'GET',
  '/metrics': 'GET',
};

/** A 404; the path is not echoed (it is the caller's text). */
function notFound(res: ServerResponse, headers: Record<string, string>): void {
  sendError(res, errorAnswer(404, 'Unknown route.', 'invalid_request_error', 'unknown_route'), headers);
}

/** The gateway's request listener, and a way to change the router behind it. */
export interface GatewayHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Serves new requests from `router` (its model list rebuilt); calls already made keep theirs. */
  setRouter(router: Router): void;
}

/** A router and what the gateway derives from it once. */
interface Served {
  readonly router: Router;
  readonly known: ReadonlySet<string>;
  readonly modelList: { readonly object: 'list'; readonly data: OpenAIModel[] };
}

function served(router: Router): Served {
  const models: OpenAIModel[] = modelCatalog(router);
  return { router, known: new Set(models.map((m) => m.id)), modelList: { object: 'list', data: models } };
}

/**
 * The gateway's `node:http` request listener: routing, authentication, body limits, the OpenAI
 * mapping and the call. Exposed so the gateway can be mounted in an existing server.
 */
export function createHandler(
  router: Router,
  options: ResolvedGatewayOptions,
  lifecycle: Lifecycle,
): GatewayHandler {
  let current = served(router);
  const closing = (): Record<string, string> => (lifecycle.stopping ? CLOSE_HEADERS : NO_HEADERS);

  async function authenticate(req: IncomingMessage, path: string): Promise<Principal | undefined | 'denied'> {
    if (options.authenticate === undefined) return undefined;
    const principal = await options.authenticate({ method: req.method ?? 'GET', path, headers: req.headers });
    return principal ?? 'denied';
  }

  async function chat(
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal | undefined,
  ): Promise<void> {
    const body = await readJsonBody(req, options.maxBodyBytes);
    if (!body.ok) {
      sendError(res, body.answer, body.close ? { ...closing(), connection: 'close' } : closing());
      return;
    }
    let request: ChatRequest;
    let hints: ReturnType<typeof readHints>;
    try {
      request = chatRequestFromOpenAI(body.value);
      hints = readHints(req.headers, options.strategies, options.maxCallTimeoutMs);
    } catch (error) {
      sendError(res, answerForError(error, options.clock.now()), closing());
      return;
    }
    if (principal?.allowedModels !== undefined && !principal.allowedModels.includes(request.request.model)) {
      authFailure(options, req, 'model_not_allowed', 403, principal);
      sendError(res, modelNotAllowed(), closing());
      return;
    }
    let settle: ((usage: Usage | undefined) => void) | undefined;
    if (options.limiter.limited(principal)) {
      const admission = await options.limiter.admit(principal, tokenEstimate(request.request));
      for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
      if (!admission.admitted) {
        authFailure(options, req, 'rate_limited', 429, principal);
        sendError(res, admission.answer, closing());
        return;
      }
      settle = admission.settle;
    }
    // One router for the whole call: taken here (after the limiter's await), with no await before
    // `track`, so that a call is either in flight on the router it was checked against or not started.
    const { router, known } = current;
    if (!known.has(request.request.model)) {
      settle?.(undefined);
      sendError(
        res,
        errorAnswer(
          404,
          'The model does not exist or you do not have access to it; GET /v1/models lists the models.',
          'invalid_request_error',
          'model_not_found',
          'model',
        ),
        closing(),
      );
      return;
    }
    const controller = new AbortLatch();
    const untrack = lifecycle.track(controller);
    const onClose = () => {
      if (!res.writableFinished) {
        controller.abort(
          new SwitchyardError('aborted', 'the client closed the connection before the answer'),
        );
      }
    };
    res.on('close', onClose);
    const ctx: CallContext = { router, options, signal: controller, headers: closing };
    try {
      const call = routerRequest(request, hints, principal, controller);
      const usage = await (request.stream
        ? streamChat(ctx, res, request, call)
        : completeChat(ctx, res, call));
      settle?.(usage);
    } finally {
      res.off('close', onClose);
      untrack();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on('error', noop);
    res.on('error', noop);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (options.keys !== undefined && options.adminKeyHash !== undefined && path.startsWith('/admin/')) {
      await serveAdmin(req, res, path, {
        keys: options.keys,
        adminKeyHash: options.adminKeyHash,
        maxBodyBytes: options.maxBodyBytes,
        events: options.events,
        now: () => options.clock.now(),
        headers: closing,
        onError: options.onError,
      });
      return;
    }
    const method = ROUTES[path];
    if (
      method === undefined ||
      (path === '/metrics' && options.metrics === undefined) ||
      (path === '/v1/messages' && !options.anthropicMessages)
    ) {
      req.resume();
      notFound(res, closing());
      return;
    }
    // Anthropic's route answers errors in Anthropic's format.
    const fail = path === '/v1/messages' ? sendAnthropicError : sendError;
    if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
      req.resume();
      fail(
        res,
        errorAnswer(405, `Use ${method} on this route.`, 'invalid_request_error', 'method_not_allowed'),
        { ...closing(), allow: method },
      );
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' }, closing());
      return;
    }
    if (path === '/readyz') {
      const ready = readiness(current.router);
      const up = ready.ready && !lifecycle.stopping;
      sendJson(
        res,
        up ? 200 : 503,
        { status: up ? 'ready' : lifecycle.stopping ? 'stopping' : 'not_ready', models: ready.models },
        closing(),
      );
      return;
    }
    if (path === '/metrics') {
      options.metrics!.metricsHandler()(req, res);
      return;
    }
    if (lifecycle.stopping) {
      req.resume();
      fail(
        res,
        errorAnswer(503, 'The gateway is shutting down.', 'service_unavailable', 'shutting_down', null, 1),
        closing(),
      );
      return;
    }
    let principal: Principal | undefined | 'denied';
    let deniedReason: string | undefined;
    try {
      // Without an authenticate hook, no promise and no await: most gateways behind a proxy have none.
      principal = options.authenticate === undefined ? undefined : await authenticate(req, path);
    } catch (error) {
      const refused = isSwitchyardError(error) && error.kind === 'auth';
      if (refused && error.status === 403) {
        req.resume();
        authFailure(options, req, error.message, 403);
        fail(
          res,
          errorAnswer(403, 'You are not allowed to use this resource.', 'permission_error', 'forbidden'),
          closing(),
        );
        return;
      }
      // A refused credential (an `auth` error, e.g. jwtAuth's `jwt: expired`) gets the same 401 as
      // a missing one, so a client never learns why (the reason goes to the auth:failure event);
      // a hook that failed otherwise also goes to onError.
      if (!refused) options.onError(error);
      deniedReason = refused ? error.message : 'hook_error';
      principal = 'denied';
    }
    if (principal === 'denied') {
      req.resume();
      authFailure(
        options,
        req,
        deniedReason ?? (bearerToken(req.headers) === undefined ? 'missing' : 'unknown_or_revoked'),
        401,
      );
      fail(res, errorAnswer(401, 'Missing or invalid API key.', 'authentication_error', 'invalid_api_key'), {
        ...closing(),
        'www-authenticate': 'Bearer',
      });
      return;
    }
    if (options.limiter.limited(principal)) {
      for (const [name, value] of Object.entries(options.limiter.peek(principal))) res.setHeader(name, value);
    }
    if (path === '/v1/models') {
      sendJson(res, 200, current.modelList, closing());
      return;
    }
    if (path === '/v1/messages') {
      await serveMessages(req, res, principal, {
        options,
        current: () => current,
        track: (controller) => lifecycle.track(controller),
        headers: closing,
      });
      return;
    }
    await chat(req, res, principal);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      options.onError(error);
      if (!res.headersSent) {
        sendError(
          res,
          errorAnswer(500, 'The gateway failed to serve the request.', 'server_error', 'internal_error'),
        );
      } else {
        res.destroy();
      }
    });
  };
  return Object.assign(listener, {
    setRouter(next: Router): void {
      current = served(next);
    },
  });
}
