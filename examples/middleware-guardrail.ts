/**
 * A guardrail middleware: refuses prompts that contain a card number before any provider is
 * called. The refusal is an `invalid_request` error: no retry, no fallback, nothing counted
 * against a target. No API keys, no network.
 *
 * Run: npx tsx examples/middleware-guardrail.ts
 */
import { isSwitchyardError, type Middleware, messageText, Router, SwitchyardError } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

// 13 to 19 digits, optionally split by spaces or dashes: what a card number looks like.
const CARD_NUMBER = /\b(?:\d[ -]?){12,18}\d\b/;

const noCardNumbers: Middleware = {
  name: 'no-card-numbers',
  // Runs once per call, before validation and routing. Throwing a SwitchyardError refuses the
  // call with that error as it is; any other error would become a `config` error.
  transformRequest(request) {
    for (const message of request.messages) {
      if (CARD_NUMBER.test(messageText(message))) {
        throw new SwitchyardError(
          'invalid_request',
          'refused: the prompt contains what looks like a card number',
        );
      }
    }
    return request;
  },
};

const adapter = new MockAdapter(() => ({ text: 'Your order ships on Monday.' }));
const router = new Router({
  targets: [{ id: 'assistant', adapter, model: 'model-a' }],
  middleware: [noCardNumbers],
});

async function ask(prompt: string): Promise<void> {
  try {
    const res = await router.complete({ messages: [{ role: 'user', content: prompt }] });
    console.log(`answered: ${JSON.stringify(res.text)}`);
  } catch (error) {
    if (!isSwitchyardError(error)) throw error;
    console.log(`refused (${error.kind}, retryable: ${error.retryable}): ${error.message}`);
  }
}

await ask('When does my order ship?');
await ask('My card is 4111 1111 1111 1111, when does my order ship?');
console.log(`provider calls: ${adapter.callCount}`); // 1: the refused call never reached it
