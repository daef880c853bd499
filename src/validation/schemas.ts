import { z } from 'zod';

const positive = (what = 'a positive number') =>
  z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });
const nonNegative = (what = 'a number ≥ 0') =>
  z.number({ error: `expected ${what}` }).min(0, { error: `expected ${what}` });
const positiveInt = (what = 'a positive integer') =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .positive({ error: `expected ${what}` });
const nonEmptyString = (what = 'a non-empty string') =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
const record = z.record(z.string(), z.unknown(), { error: 'expected an object' });

const adapterSchema = z.custom<object>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { complete?: unknown }).complete === 'function' &&
    typeof (v as { stream?: unknown }).stream === 'function' &&
    typeof (v as { capabilities?: unknown }).capabilities === 'object',
  { error: 'expected an Adapter (an object with complete(), stream() and capabilities)' },
);

const priceSchema = z.object(
  {
    inputPerMTok: nonNegative(),
    outputPerMTok: nonNegative(),
    cachedInputPerMTok: nonNegative().optional(),
    cacheWritePerMTok: nonNegative().optional(),
  },
  { error: 'expected { inputPerMTok, outputPerMTok } in USD per million tokens' },
);

/** Schema of one target configuration. */
export const targetSchema = z.object(
  {
    id: nonEmptyString(),
    adapter: adapterSchema,
    model: nonEmptyString(),
    weight: positive().optional(),
    priority: z.number({ error: 'expected a number' }).optional(),
    aliases: z.array(nonEmptyString(), { error: 'expected an array of strings' }).optional(),
    maxConcurrency: positiveInt().optional(),
    requestsPerMinute: positiveInt().optional(),
    price: priceSchema.optional(),
    contextWindow: positiveInt().optional(),
    maxOutputTokens: positiveInt().optional(),
    providerOptions: record.optional(),
    metadata: record.optional(),
  },
  { error: 'expected a target object { id, adapter, model }' },
);

const strategySchema = z.union(
  [
    nonEmptyString(),
    z.function(),
    z.custom<object>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { pick?: unknown }).pick === 'function',
    ),
  ],
  { error: 'expected a strategy name, a Strategy object with pick(), or a factory function' },
);

/** Schema of the router options (targets are checked for duplicates separately). */
export const routerOptionsSchema = z.object(
  {
    targets: z
      .array(targetSchema, { error: 'expected an array of targets' })
      .min(1, { error: 'expected at least one target' }),
    strategy: strategySchema.optional(),
    retry: z
      .object(
        {
          maxAttempts: positiveInt().optional(),
          baseDelayMs: nonNegative().optional(),
          maxDelayMs: nonNegative().optional(),
          maxRetryAfterMs: nonNegative().optional(),
        },
        { error: 'expected { maxAttempts?, baseDelayMs?, maxDelayMs?, maxRetryAfterMs? }' },
      )
      .optional(),
    timeoutMs: positive().optional(),
    streamIdleTimeoutMs: positive().optional(),
    breaker: z
      .union(
        [
          z.literal(false),
          z.object({
            failureThreshold: positiveInt().optional(),
            cooldownMs: positive().optional(),
            maxCooldownMs: positive().optional(),
            waitForRecovery: z.boolean({ error: 'expected a boolean' }).optional(),
          }),
        ],
        { error: 'expected false or { failureThreshold?, cooldownMs?, maxCooldownMs?, waitForRecovery? }' },
      )
      .optional(),
    includeContentInEvents: z.boolean({ error: 'expected a boolean' }).optional(),
    validateRequests: z.boolean({ error: 'expected a boolean' }).optional(),
  },
  { error: 'expected a router options object' },
);

const providerOptions = z.record(z.string(), record, { error: 'expected { [provider]: { …options } }' });
const textPart = z.object({ type: z.literal('text'), text: z.string({ error: 'expected a string' }) });
const filePart = z.object({
  type: z.literal('file'),
  data: z.union([z.string(), z.instanceof(Uint8Array), z.instanceof(URL)], {
    error: 'expected a URL, base64 string or Uint8Array',
  }),
  mediaType: nonEmptyString('a media type such as image/png'),
});
const reasoningPart = z.object({
  type: z.literal('reasoning'),
  text: z.string({ error: 'expected a string' }),
});
const toolCallPart = z.object({
  type: z.literal('tool-call'),
  toolCallId: nonEmptyString(),
  toolName: nonEmptyString(),
  input: z.unknown(),
});
const toolResultPart = z.object({
  type: z.literal('tool-result'),
  toolCallId: nonEmptyString(),
  toolName: nonEmptyString(),
  output: z.object(
    { type: z.enum(['text', 'json', 'error-text', 'error-json']), value: z.unknown() },
    { error: "expected { type: 'text' | 'json' | 'error-text' | 'error-json', value }" },
  ),
});
const partError = (allowed: string) => ({ error: `expected a content part of type ${allowed}` });

const messageSchema = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('system'), content: z.string({ error: 'expected a string' }) }),
    z.object({
      role: z.literal('user'),
      content: z.union(
        [
          z.string(),
          z.array(z.discriminatedUnion('type', [textPart, filePart], partError("'text' or 'file'"))),
        ],
        { error: 'expected a string or an array of parts' },
      ),
    }),
    z.object({
      role: z.literal('assistant'),
      content: z.union(
        [
          z.string(),
          z.array(
            z.discriminatedUnion(
              'type',
              [textPart, filePart, reasoningPart, toolCallPart],
              partError("'text', 'file', 'reasoning' or 'tool-call'"),
            ),
          ),
        ],
        { error: 'expected a string or an array of parts' },
      ),
    }),
    z.object({
      role: z.literal('tool'),
      content: z.array(toolResultPart, { error: 'expected an array of tool-result parts' }),
    }),
  ],
  { error: "expected a message with role 'system', 'user', 'assistant' or 'tool'" },
);

/** Schema of a completion request. */
export const requestSchema = z.object(
  {
    messages: z
      .array(messageSchema, { error: 'expected an array of messages' })
      .min(1, { error: 'expected at least one message' }),
    model: nonEmptyString().optional(),
    strategy: nonEmptyString().optional(),
    maxOutputTokens: positiveInt().optional(),
    temperature: nonNegative().optional(),
    topP: z
      .number()
      .min(0, { error: 'expected a number from 0 to 1' })
      .max(1, { error: 'expected a number from 0 to 1' })
      .optional(),
    topK: positiveInt().optional(),
    presencePenalty: z.number({ error: 'expected a number' }).optional(),
    frequencyPenalty: z.number({ error: 'expected a number' }).optional(),
    stopSequences: z.array(z.string(), { error: 'expected an array of strings' }).optional(),
    seed: z.number({ error: 'expected an integer' }).int({ error: 'expected an integer' }).optional(),
    responseFormat: z
      .discriminatedUnion(
        'type',
        [
          z.object({ type: z.literal('text') }),
          z.object({ type: z.literal('json'), schema: record.optional(), name: z.string().optional() }),
        ],
        { error: "expected { type: 'text' } or { type: 'json', schema? }" },
      )
      .optional(),
    tools: z
      .array(
        z.object({
          type: z.literal('function', { error: "expected 'function'" }),
          name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected 1–64 letters, digits, _ or -' }),
          description: z.string().optional(),
          inputSchema: record,
        }),
        { error: 'expected an array of tools' },
      )
      .optional(),
    toolChoice: z
      .discriminatedUnion(
        'type',
        [
          z.object({ type: z.literal('auto') }),
          z.object({ type: z.literal('none') }),
          z.object({ type: z.literal('required') }),
          z.object({ type: z.literal('tool'), toolName: nonEmptyString() }),
        ],
        { error: "expected { type: 'auto' | 'none' | 'required' } or { type: 'tool', toolName }" },
      )
      .optional(),
    signal: z.instanceof(AbortSignal, { error: 'expected an AbortSignal' }).optional(),
    timeoutMs: positive().optional(),
    metadata: record.optional(),
    tags: z.array(z.string(), { error: 'expected an array of strings' }).optional(),
    providerOptions: providerOptions.optional(),
    headers: z.record(z.string(), z.string(), { error: 'expected an object of header strings' }).optional(),
  },
  { error: 'expected a request object { messages, … }' },
);
