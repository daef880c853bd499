/** Request defaults through a real Router with mock adapters. */
import { describe, expect, it } from 'vitest';
import { type CompletionRequest, Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { defaultSettings } from './index.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

function setup() {
  const gpt = new MockAdapter([{ error: { status: 503 } }], { provider: 'openai', whenScriptEnds: 'fail' });
  const claude = new MockAdapter(() => ({ stream: ['ok'] }), { provider: 'anthropic' });
  const router = new Router({
    targets: [
      { id: 'gpt', adapter: gpt, model: 'gpt-x', aliases: ['fast'], providerOptions: { store: false } },
      { id: 'claude', adapter: claude, model: 'claude-x', aliases: ['fast'], maxOutputTokens: 4096 },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 2, baseDelayMs: 1 },
    middleware: [
      defaultSettings({
        all: { temperature: 0.3, providerOptions: { openai: { user: 'app' } } },
        byModel: { fast: { maxOutputTokens: 100, topP: 0.9 } },
        byTarget: { claude: { maxOutputTokens: 1024, providerOptions: { thinking: 'off' } } },
      }),
    ],
  });
  return { gpt, claude, router };
}

describe('defaultSettings through a Router', () => {
  it('applies model defaults to the call and target defaults to each attempt, on fallback too', async () => {
    const { gpt, claude, router } = setup();
    const res = await router.complete({ model: 'fast', messages });
    expect(res.target).toBe('claude');
    expect(gpt.calls[0]?.request).toMatchObject({
      temperature: 0.3,
      maxOutputTokens: 100,
      topP: 0.9,
      providerOptions: { store: false, user: 'app' },
    });
    expect(claude.calls[0]?.request).toMatchObject({
      temperature: 0.3,
      maxOutputTokens: 1024,
      topP: 0.9,
      providerOptions: { thinking: 'off' },
    });
  });

  it('lets the request win, in streams too', async () => {
    const { claude, router } = setup();
    const request: CompletionRequest = { model: 'fast', messages, maxOutputTokens: 7, temperature: 1 };
    await router.stream(request).response;
    expect(claude.calls[0]?.stream).toBe(true);
    expect(claude.calls[0]?.request).toMatchObject({ maxOutputTokens: 7, temperature: 1, topP: 0.9 });
  });
});
