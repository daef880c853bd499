/**
 * The clients the end-to-end bench compares, each driven through its normal API with the same
 * request (model, one user message, max tokens, retries off; streams ask for usage).
 *
 * `openai` and `undici` are loaded from the project's own install, so the raw SDK is the very
 * copy the adapter wraps. The Vercel AI SDK and LangChain come from `test/bench/node_modules`
 * (see test/bench/package.json) and are skipped when that is not installed.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { OpenAIAdapter } from '../../../adapters/openai/index.js';
import { Router } from '../../../index.js';
import { API_KEY, MAX_TOKENS, MODEL, PROMPT } from './protocol.js';

/** One client, set up against the mock. */
export interface ContenderClient {
  /** One non-streaming call; resolves to the answer text. */
  call(): Promise<string>;
  /** One streaming call, read to the end; calls `onFirstDelta` at the first non-empty text delta. */
  stream(onFirstDelta: () => void): Promise<string>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/** A named way to build a {@link ContenderClient}. */
export interface Contender {
  readonly name: string;
  /** What it is, for the report. */
  readonly label: string;
  /** `undefined` when it can run here; else why not. */
  readonly missing?: () => string | undefined;
  readonly setup: (baseURL: string) => Promise<ContenderClient>;
}

const MESSAGES = [{ role: 'user' as const, content: PROMPT }];
const projectRequire = createRequire(new URL('../../../package.json', import.meta.url));
const benchRequire = createRequire(new URL('../package.json', import.meta.url));

async function fromProject<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(projectRequire.resolve(name)).href)) as T;
}

function benchDependency(name: string): string | undefined {
  try {
    return pathToFileURL(benchRequire.resolve(name)).href;
  } catch {
    return undefined;
  }
}

async function fromBench<T>(name: string): Promise<T> {
  const url = benchDependency(name);
  if (url === undefined) throw new Error(`${name} is not installed: run npm ci --prefix test/bench`);
  return (await import(url)) as T;
}

function missingBench(...names: string[]): () => string | undefined {
  return () => {
    const absent = names.filter((n) => benchDependency(n) === undefined);
    return absent.length ? `${absent.join(', ')} not installed (npm ci --prefix test/bench)` : undefined;
  };
}

function switchyard(fetch?: typeof globalThis.fetch): (baseURL: string) => Promise<ContenderClient> {
  return async (baseURL) => {
    const adapter = new OpenAIAdapter({ baseURL, apiKey: API_KEY, ...(fetch ? { fetch } : {}) });
    const router = new Router({
      targets: [{ id: 'mock', adapter, model: MODEL }],
      retry: { maxAttempts: 1 },
    });
    return {
      async call() {
        return (await router.complete({ messages: MESSAGES, maxOutputTokens: MAX_TOKENS })).text;
      },
      async stream(onFirstDelta) {
        let text = '';
        for await (const event of router.stream({ messages: MESSAGES, maxOutputTokens: MAX_TOKENS })) {
          if (event.type === 'text-delta' && event.delta) {
            if (text === '') onFirstDelta();
            text += event.delta;
          }
        }
        return text;
      },
    };
  };
}

interface OpenAIChunk {
  choices: Array<{ delta?: { content?: string | null } }>;
}
interface OpenAILike {
  chat: {
    completions: {
      create(body: Record<string, unknown>): Promise<unknown>;
    };
  };
}
type OpenAIConstructor = new (options: Record<string, unknown>) => OpenAILike;

function sseText(buffer: { rest: string; text: string }, piece: string, onFirstDelta: () => void): void {
  buffer.rest += piece;
  for (let end = buffer.rest.indexOf('\n\n'); end !== -1; end = buffer.rest.indexOf('\n\n')) {
    const event = buffer.rest.slice(0, end);
    buffer.rest = buffer.rest.slice(end + 2);
    if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
    const chunk = JSON.parse(event.slice(6)) as OpenAIChunk;
    const delta = chunk.choices[0]?.delta?.content;
    if (delta) {
      if (buffer.text === '') onFirstDelta();
      buffer.text += delta;
    }
  }
}

/** Every contender, in report order. */
export const CONTENDERS: readonly Contender[] = [
  {
    name: 'switchyard',
    label: 'Router + OpenAIAdapter (default: fast undici transport)',
    setup: switchyard(),
  },
  {
    name: 'switchyard-sdk-fetch',
    label: "Router + OpenAIAdapter with Node's global fetch (the SDK's default)",
    setup: switchyard((input, init) => globalThis.fetch(input, init)),
  },
  {
    name: 'openai',
    label: 'raw openai SDK (global fetch), maxRetries 0',
    async setup(baseURL) {
      const mod = await fromProject<{ OpenAI?: OpenAIConstructor; default: { OpenAI: OpenAIConstructor } }>(
        'openai',
      );
      const OpenAI = mod.OpenAI ?? mod.default.OpenAI;
      const client = new OpenAI({ baseURL, apiKey: API_KEY, maxRetries: 0 });
      return {
        async call() {
          const r = (await client.chat.completions.create({
            model: MODEL,
            messages: MESSAGES,
            max_tokens: MAX_TOKENS,
          })) as { choices: Array<{ message: { content: string } }> };
          return r.choices[0]?.message.content ?? '';
        },
        async stream(onFirstDelta) {
          const chunks = (await client.chat.completions.create({
            model: MODEL,
            messages: MESSAGES,
            max_tokens: MAX_TOKENS,
            stream: true,
            stream_options: { include_usage: true },
          })) as AsyncIterable<OpenAIChunk>;
          let text = '';
          for await (const chunk of chunks) {
            const delta = chunk.choices[0]?.delta?.content;
            if (delta) {
              if (text === '') onFirstDelta();
              text += delta;
            }
          }
          return text;
        },
      };
    },
  },
  {
    name: 'undici.request',
    label: 'floor: undici.request() on a keep-alive Agent, hand-written SSE parsing',
    async setup(baseURL) {
      const undici = await fromProject<typeof import('undici')>('undici');
      const dispatcher = new undici.Agent({ connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
      const url = `${baseURL}/chat/completions`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
      const body = (stream: boolean) =>
        JSON.stringify({
          model: MODEL,
          messages: MESSAGES,
          max_tokens: MAX_TOKENS,
          ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
        });
      const post = async (stream: boolean) => {
        const r = await undici.request(url, { method: 'POST', headers, body: body(stream), dispatcher });
        if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}: ${await r.body.text()}`);
        return r.body;
      };
      return {
        async call() {
          const j = (await (await post(false)).json()) as {
            choices: Array<{ message: { content: string } }>;
          };
          return j.choices[0]?.message.content ?? '';
        },
        async stream(onFirstDelta) {
          const stream = await post(true);
          stream.setEncoding('utf8');
          const buffer = { rest: '', text: '' };
          for await (const piece of stream) sseText(buffer, piece as string, onFirstDelta);
          return buffer.text;
        },
        close: () => dispatcher.close(),
      };
    },
  },
  {
    name: 'ai-sdk',
    label: 'Vercel AI SDK: ai generateText / streamText with @ai-sdk/openai .chat(), maxRetries 0',
    missing: missingBench('ai', '@ai-sdk/openai'),
    async setup(baseURL) {
      interface AiModule {
        generateText(o: Record<string, unknown>): Promise<{ text: string }>;
        streamText(o: Record<string, unknown>): { textStream: AsyncIterable<string> };
      }
      const ai = await fromBench<AiModule>('ai');
      const { createOpenAI } = await fromBench<{
        createOpenAI(o: Record<string, unknown>): { chat(model: string): unknown };
      }>('@ai-sdk/openai');
      const model = createOpenAI({ baseURL, apiKey: API_KEY }).chat(MODEL);
      const common = { model, messages: MESSAGES, maxOutputTokens: MAX_TOKENS, maxRetries: 0 };
      return {
        async call() {
          return (await ai.generateText(common)).text;
        },
        async stream(onFirstDelta) {
          let failure: unknown;
          const result = ai.streamText({
            ...common,
            onError: ({ error }: { error: unknown }) => {
              failure = error;
            },
          });
          let text = '';
          for await (const delta of result.textStream) {
            if (delta) {
              if (text === '') onFirstDelta();
              text += delta;
            }
          }
          if (failure) throw failure;
          return text;
        },
      };
    },
  },
  {
    name: 'langchain',
    label: 'LangChain.js: @langchain/openai ChatOpenAI invoke / stream, maxRetries 0',
    missing: missingBench('@langchain/openai', '@langchain/core'),
    async setup(baseURL) {
      interface ChatModel {
        invoke(messages: unknown): Promise<{ content: unknown }>;
        stream(messages: unknown): Promise<AsyncIterable<{ content: unknown }>>;
      }
      const { ChatOpenAI } = await fromBench<{ ChatOpenAI: new (o: Record<string, unknown>) => ChatModel }>(
        '@langchain/openai',
      );
      const llm = new ChatOpenAI({
        model: MODEL,
        apiKey: API_KEY,
        maxTokens: MAX_TOKENS,
        maxRetries: 0,
        streamUsage: true,
        configuration: { baseURL },
      });
      return {
        async call() {
          return String((await llm.invoke(MESSAGES)).content);
        },
        async stream(onFirstDelta) {
          let text = '';
          for await (const chunk of await llm.stream(MESSAGES)) {
            const delta = typeof chunk.content === 'string' ? chunk.content : '';
            if (delta) {
              if (text === '') onFirstDelta();
              text += delta;
            }
          }
          return text;
        },
      };
    },
  },
];

/** The contender called `name`. */
export function contender(name: string): Contender {
  const found = CONTENDERS.find((c) => c.name === name);
  if (!found)
    throw new Error(`unknown contender '${name}' (known: ${CONTENDERS.map((c) => c.name).join(', ')})`);
  return found;
}
