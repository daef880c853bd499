import { describe, expect, it } from 'vitest';
import {
  type AdapterRequest,
  type AdapterResponse,
  type CompletionRequest,
  isSwitchyardError,
  type Middleware,
} from '../../src/index.js';
import {
  attemptContext,
  callContext,
  collect,
  iterate,
  partsOf,
  targetView,
} from '../../test/helpers/middleware.js';
import { defaultSettings } from './index.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const ok: AdapterResponse = {
  content: [{ type: 'text', text: 'ok' }],
  finishReason: 'stop',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
};

/** Runs the middleware's transform, then one attempt on `target`; returns the request and what the adapter got. */
async function run(
  mw: Middleware,
  request: CompletionRequest,
  target = targetView('a'),
): Promise<{ request: CompletionRequest; sent: AdapterRequest }> {
  const ctx = callContext(request);
  const transformed = (await mw.transformRequest?.(request, ctx)) ?? request;
  const attemptCtx = attemptContext({ ...ctx, request: transformed }, target);
  let sent: AdapterRequest | undefined;
  if (mw.wrapAttempt === undefined) sent = attemptCtx.adapterRequest;
  else {
    await mw.wrapAttempt(attemptCtx, async (r) => {
      sent = r ?? attemptCtx.adapterRequest;
      return ok;
    });
  }
  return { request: transformed, sent: sent! };
}

function configError(fn: () => unknown): { kind: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isSwitchyardError(error)) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a config error');
}

describe('defaultSettings', () => {
  it('fills `all` where the request sets nothing, and the request wins', async () => {
    const mw = defaultSettings({ all: { temperature: 0.3, maxOutputTokens: 100, stopSequences: ['END'] } });
    const { request, sent } = await run(mw, { messages, temperature: 0.9 });
    expect(request).toMatchObject({ temperature: 0.9, maxOutputTokens: 100, stopSequences: ['END'] });
    expect(sent).toMatchObject({ temperature: 0.9, maxOutputTokens: 100, stopSequences: ['END'] });
  });

  it('treats a value the request sets to 0 or [] as set', async () => {
    const mw = defaultSettings({ all: { temperature: 0.3, stopSequences: ['END'] } });
    const { request } = await run(mw, { messages, temperature: 0, stopSequences: [] });
    expect(request.temperature).toBe(0);
    expect(request.stopSequences).toEqual([]);
  });

  it('returns the same request when it has nothing to fill', async () => {
    const mw = defaultSettings({ all: { temperature: 0.3 } });
    const request = { messages, temperature: 1 };
    expect(mw.transformRequest?.(request, callContext(request))).toBe(request);
    const bare = { messages };
    expect(defaultSettings({}).transformRequest?.(bare, callContext(bare))).toBe(bare);
  });

  it('applies byModel for the requested alias on top of `all`', async () => {
    const mw = defaultSettings({
      all: { temperature: 0.3, topP: 0.9 },
      byModel: { fast: { temperature: 0, maxOutputTokens: 64 } },
    });
    expect((await run(mw, { messages, model: 'fast' })).request).toMatchObject({
      temperature: 0,
      topP: 0.9,
      maxOutputTokens: 64,
    });
    const other = (await run(mw, { messages, model: 'smart' })).request;
    expect(other).toMatchObject({ temperature: 0.3, topP: 0.9 });
    expect(other.maxOutputTokens).toBeUndefined();
    expect((await run(mw, { messages })).request.temperature).toBe(0.3);
  });

  it('merges provider options option by option; the request wins per option', async () => {
    const mw = defaultSettings({
      all: { providerOptions: { openai: { reasoningEffort: 'low', store: false } } },
      byModel: { smart: { providerOptions: { openai: { reasoningEffort: 'high' }, b: { x: 1 } } } },
    });
    const { request } = await run(mw, {
      messages,
      model: 'smart',
      providerOptions: { openai: { store: true }, anthropic: { y: 2 } },
    });
    expect(request.providerOptions).toEqual({
      openai: { store: true, reasoningEffort: 'high' },
      anthropic: { y: 2 },
      b: { x: 1 },
    });
  });

  it('does not change the caller’s request object', async () => {
    const request = { messages, providerOptions: { openai: { store: true } } };
    const copy = structuredClone(request);
    await run(defaultSettings({ all: { temperature: 0, providerOptions: { openai: { a: 1 } } } }), request);
    expect(request).toEqual(copy);
  });

  describe('byTarget', () => {
    const claude = targetView('claude', {
      provider: 'anthropic',
      config: { maxOutputTokens: 4096, providerOptions: { thinking: 'on', beta: 'x' } },
    });

    it('applies to attempts on that target only, over all, byModel and the target’s own settings', async () => {
      const mw = defaultSettings({
        all: { temperature: 0.3, maxOutputTokens: 100 },
        byModel: { fast: { topP: 0.5 } },
        byTarget: { claude: { temperature: 0.7, maxOutputTokens: 1024, topP: 0.8 } },
      });
      const { request, sent } = await run(mw, { messages, model: 'fast' }, claude);
      expect(request).toMatchObject({ temperature: 0.3, maxOutputTokens: 100, topP: 0.5 });
      expect(sent).toMatchObject({ temperature: 0.7, maxOutputTokens: 1024, topP: 0.8 });
      const elsewhere = await run(mw, { messages, model: 'fast' }, targetView('other'));
      expect(elsewhere.sent).toMatchObject({ temperature: 0.3, maxOutputTokens: 100, topP: 0.5 });
    });

    it('never overrides what the request set itself', async () => {
      const mw = defaultSettings({
        all: { temperature: 0.3 },
        byTarget: { claude: { temperature: 0.7, maxOutputTokens: 1024 } },
      });
      const { sent } = await run(mw, { messages, temperature: 0.3, maxOutputTokens: 50 }, claude);
      expect(sent).toMatchObject({ temperature: 0.3, maxOutputTokens: 50 });
    });

    it('merges provider options over the target’s, under the request’s (by provider name or target id)', async () => {
      const mw = defaultSettings({
        all: { providerOptions: { anthropic: { beta: 'from-all' } } },
        byTarget: { claude: { providerOptions: { thinking: 'off', beta: 'y', cache: true, extra: 1 } } },
      });
      const { sent } = await run(
        mw,
        { messages, providerOptions: { anthropic: { cache: false }, claude: { extra: 2 } } },
        claude,
      );
      expect(sent.providerOptions).toEqual({ thinking: 'off', beta: 'y', cache: false, extra: 2 });
    });

    it('keeps a value a later middleware put in the request', async () => {
      const mw = defaultSettings({ all: { temperature: 0.3 }, byTarget: { claude: { temperature: 0.7 } } });
      const request = { messages };
      const ctx = callContext(request);
      const filled = (await mw.transformRequest!(request, ctx)) as CompletionRequest;
      const rewritten = { ...filled, temperature: 0.5 }; // an inner middleware's transform
      let sent: AdapterRequest | undefined;
      await mw.wrapAttempt!(attemptContext({ ...ctx, request: rewritten }, claude), async (r) => {
        sent = r;
        return ok;
      });
      expect(sent?.temperature).toBe(0.5);
    });

    it('works without a transform having run (byTarget only)', async () => {
      const mw = defaultSettings({ byTarget: { claude: { temperature: 0.7 } } });
      const ctx = callContext({ messages });
      let sent: AdapterRequest | undefined;
      await mw.wrapAttempt!(attemptContext(ctx, claude), async (r) => {
        sent = r;
        return ok;
      });
      expect(sent?.temperature).toBe(0.7);
    });

    it('passes the request on unchanged for other targets, and applies to streamed attempts', async () => {
      const mw = defaultSettings({ byTarget: { claude: { maxOutputTokens: 10 } } });
      const ctx = callContext({ messages }, { stream: true });
      const seen: Array<AdapterRequest | undefined> = [];
      const next = (r?: AdapterRequest) => {
        seen.push(r);
        return iterate(partsOf(['a', 'b']));
      };
      expect(await collect(mw.wrapAttemptStream!(attemptContext(ctx, claude), next))).toHaveLength(3);
      await collect(mw.wrapAttemptStream!(attemptContext(ctx, targetView('gpt')), next));
      expect(seen[0]?.maxOutputTokens).toBe(10);
      expect(seen[1]).toBeUndefined();
    });

    it('has no attempt hooks when there are no target defaults', () => {
      const mw = defaultSettings({ all: { temperature: 0 } });
      expect(mw.wrapAttempt).toBeUndefined();
      expect(mw.wrapAttemptStream).toBeUndefined();
      expect(mw.name).toBe('default-settings');
    });
  });

  describe('options', () => {
    it.each([
      [{ all: { temperature: -1 } }, 'defaultSettings: all.temperature: expected a number ≥ 0'],
      [
        { byModel: { fast: { topP: 2 } } },
        'defaultSettings: byModel.fast.topP: expected a number from 0 to 1',
      ],
      [
        { byTarget: { a: { maxOutputTokens: 1.5 } } },
        'byTarget.a.maxOutputTokens: expected a positive integer',
      ],
      [{ all: { temprature: 0 } }, 'all.temprature: not a setting a default can give'],
      [{ all: { tools: [] } }, 'all.tools: not a setting'],
      [{ all: { stopSequences: 'END' } }, 'all.stopSequences: expected an array of strings'],
      [{ all: { seed: 0.5 } }, 'all.seed: expected an integer'],
      [{ all: { responseFormat: { type: 'xml' } } }, 'all.responseFormat'],
      [{ all: { providerOptions: { openai: 1 } } }, 'all.providerOptions.openai: expected an object'],
      [{ byTarget: { a: { providerOptions: 'x' } } }, 'byTarget.a.providerOptions: expected an object'],
      [{ byModel: [] }, 'byModel: expected an object'],
      [{ byModel: { '': {} } }, 'byModel: expected non-empty keys'],
      [{ byTarget: { a: null } }, 'byTarget.a: expected an object of settings'],
      [{ defaults: {} }, 'defaultSettings: defaults: unknown option'],
      [null, 'defaultSettings: options: expected an object'],
    ])('rejects %j with a config error naming the field', (options, message) => {
      const error = configError(() => defaultSettings(options as never));
      expect(error.kind).toBe('config');
      expect(error.message).toContain(message);
    });

    it('copies the options: changing them later changes nothing', async () => {
      const all = { temperature: 0.3 };
      const mw = defaultSettings({ all });
      all.temperature = 0.9;
      expect((await run(mw, { messages })).request.temperature).toBe(0.3);
    });
  });
});
