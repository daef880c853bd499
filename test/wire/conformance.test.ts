/**
 * The adapter kit's conformance suite against the three built-in adapters, each with its
 * provider's wire format from the protocol helpers of test/wire. (The example adapter of
 * docs/adapter-kit.md runs it under node:test: test/examples.)
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { runAdapterConformance } from '../../modules/adapter-kit/index.js';
import * as anthropic from './anthropic-server.js';
import * as cohere from './cohere-server.js';
import * as openai from './openai-server.js';

const runner = { describe, it, beforeAll, afterAll };

runAdapterConformance({
  name: 'OpenAIAdapter',
  runner,
  createAdapter: ({ baseURL, apiKey }) => new OpenAIAdapter({ apiKey, baseURL: `${baseURL}/v1` }),
  wire: {
    completion: (text) => openai.completion({ content: text }),
    // role chunk, one chunk per piece, the finish chunk, the usage chunk, [DONE]
    stream: (pieces) => [...openai.textChunks(pieces).map(openai.dataEvent), openai.DONE],
    finishEvents: 3,
    error: (_status, message, code) => openai.errorBody(message, code, code, code),
    streamError: (message, code) => openai.dataEvent({ error: { message, type: code, code, param: code } }),
  },
});

runAdapterConformance({
  name: 'AnthropicAdapter',
  runner,
  createAdapter: ({ baseURL, apiKey }) => new AnthropicAdapter({ apiKey, baseURL }),
  wire: {
    completion: (text) => anthropic.messageJson({ content: [anthropic.textBlock(text)] }),
    stream: (pieces) => anthropic.textEvents(pieces),
    error: (_status, message, code) => ({ ...anthropic.errorBody(code, message), request_id: code }),
    streamError: (message, code) => anthropic.streamError(code, message),
  },
});

runAdapterConformance({
  name: 'CohereAdapter',
  runner,
  createAdapter: ({ baseURL, apiKey }) => new CohereAdapter({ apiKey, baseURL }),
  // Cohere streams have no error event: the in-stream error checks are skipped by themselves.
  wire: {
    completion: (text) => cohere.chatResponse({ text }),
    stream: (pieces) => cohere.textStream(pieces).map(cohere.sseEvent),
    error: (_status, message, code) => ({ id: code, message, code }),
  },
});
