import { createHash } from 'node:crypto';
import type { CompletionRequest, Message } from '../../src/index.js';

/** Bumped when what goes into a key changes, so old entries in a shared store are not read. */
const KEY_VERSION = 1;

/**
 * The cache key of a request: the sha256 (hex) of a canonical JSON (sorted keys, no undefined
 * values) of what decides the answer: the requested model (`request.model` after every
 * `transformRequest`, i.e. the alias or model id asked for, not the target that answers),
 * messages, generation settings, tools, tool choice, response format and provider options.
 * Not in the key: `signal`, `timeoutMs`, `tags`, `metadata`, `headers` and `strategy`, which
 * change how a call is routed or observed, not what it asks.
 *
 * Normalised first: a string message content is the same as one text part, and
 * `responseFormat: { type: 'text' }` the same as none (it is the default).
 *
 * @throws {TypeError} when the request holds a value JSON cannot describe (a function, a symbol).
 *
 * @example
 * ```ts
 * requestKey({ messages: [{ role: 'user', content: 'hi' }], temperature: 0 }); // '3f1c…' (64 hex digits)
 * ```
 */
export function requestKey(request: CompletionRequest): string {
  const material = {
    v: KEY_VERSION,
    model: request.model,
    messages: request.messages.map(normaliseMessage),
    maxOutputTokens: request.maxOutputTokens,
    temperature: request.temperature,
    topP: request.topP,
    topK: request.topK,
    presencePenalty: request.presencePenalty,
    frequencyPenalty: request.frequencyPenalty,
    stopSequences: request.stopSequences,
    seed: request.seed,
    responseFormat: request.responseFormat?.type === 'text' ? undefined : request.responseFormat,
    tools: request.tools,
    toolChoice: request.toolChoice,
    providerOptions: request.providerOptions,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

function normaliseMessage(message: Message): unknown {
  if ((message.role === 'user' || message.role === 'assistant') && typeof message.content === 'string') {
    return { ...message, content: [{ type: 'text', text: message.content }] };
  }
  return message;
}

/**
 * JSON with object keys sorted and `undefined` members left out, so that equal values give
 * equal text whatever their key order. Bytes are written as `{"$bytes": base64}`, URLs as
 * `{"$url": href}`, bigints as `{"$bigint": digits}`, non-finite numbers as `{"$number": "NaN"}`.
 *
 * @throws {TypeError} for functions, symbols and cycles.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const write = (v: unknown): string | undefined => {
    switch (typeof v) {
      case 'undefined':
        return undefined;
      case 'string':
      case 'boolean':
        return JSON.stringify(v);
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : `{"$number":${JSON.stringify(String(v))}}`;
      case 'bigint':
        return `{"$bigint":${JSON.stringify(v.toString())}}`;
      case 'function':
      case 'symbol':
        throw new TypeError(`cannot key a ${typeof v}`);
    }
    if (v === null) return 'null';
    const o = v as object;
    if (o instanceof URL) return `{"$url":${JSON.stringify(o.href)}}`;
    if (ArrayBuffer.isView(o)) {
      const bytes = Buffer.from(o.buffer, o.byteOffset, o.byteLength);
      return `{"$bytes":${JSON.stringify(bytes.toString('base64'))}}`;
    }
    if (seen.has(o)) throw new TypeError('cannot key a cyclic value');
    seen.add(o);
    let out: string;
    if (Array.isArray(o)) {
      out = `[${o.map((item) => write(item) ?? 'null').join(',')}]`;
    } else {
      const record = o as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const text = write(record[key]);
        if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
      }
      out = `{${members.join(',')}}`;
    }
    seen.delete(o);
    return out;
  };
  return write(value) ?? 'null';
}
