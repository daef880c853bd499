/**
 * The full check of a completion request: every field, with one message per bad field
 * (`messages[0].content: expected …`). Reads each property once; a read that throws propagates
 * with the path left on the context, for the caller to name.
 */

import { isAbortSignalLike } from '../reliability/abort-latch.js';
import {
  type CheckContext,
  checkJson,
  expect,
  finite,
  isFiniteNumber,
  isNonEmptyString,
  isObject,
  isRecord,
  jsonRecord,
  nonEmptyString,
  nonNegative,
  positive,
  positiveInt,
} from './context.js';
import { hedgeShape } from './hedge.js';

const ROLES = "expected a message with role 'system', 'user', 'assistant' or 'tool'";
const NOT_EMPTY = 'expected a non-empty string or at least one part';
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest `sessionId` accepted (it is a key in the router's affinity table). */
export const MAX_SESSION_ID = 256;
const string = (c: CheckContext, v: unknown) => expect(c, typeof v === 'string', 'expected a string');

function stringArray(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of strings');
    return;
  }
  for (let i = 0; i < v.length; i++) c.at(i, v[i], string);
}

/** `{ [provider]: { …options } }`, JSON values only. */
function providerOptions(c: CheckContext, v: unknown): void {
  if (!isRecord(v)) {
    c.issue('expected { [provider]: { …options } }');
    return;
  }
  for (const key of Object.keys(v)) c.at(key, c.read(v, key), jsonRecord);
}

function headers(c: CheckContext, v: unknown): void {
  if (!isRecord(v)) {
    c.issue('expected an object of header strings');
    return;
  }
  for (const key of Object.keys(v)) c.at(key, c.read(v, key), string);
}

/** A text part; an empty one carries no content. */
function textPart(c: CheckContext, part: Record<string, unknown>): boolean {
  const text = c.read(part, 'text');
  c.at('text', text, string);
  return text !== '';
}

function reasoningPart(c: CheckContext, part: Record<string, unknown>): boolean {
  c.required(part, 'text', string);
  return true;
}

function filePart(c: CheckContext, part: Record<string, unknown>): boolean {
  c.required(part, 'data', (c, v) =>
    expect(
      c,
      typeof v === 'string' || v instanceof Uint8Array || v instanceof URL,
      'expected a URL, base64 string or Uint8Array',
    ),
  );
  c.required(part, 'mediaType', (c, v) =>
    expect(c, isNonEmptyString(v), 'expected a media type such as image/png'),
  );
  c.optional(part, 'filename', string);
  return true;
}

function toolCallPart(c: CheckContext, part: Record<string, unknown>): boolean {
  c.required(part, 'toolCallId', nonEmptyString);
  c.required(part, 'toolName', nonEmptyString);
  c.optional(part, 'input', checkJson);
  return true;
}

const OUTPUT_TYPES = ['text', 'json', 'error-text', 'error-json'];

function toolResultPart(c: CheckContext, part: Record<string, unknown>): boolean {
  c.required(part, 'toolCallId', nonEmptyString);
  c.required(part, 'toolName', nonEmptyString);
  c.required(part, 'output', (c, output) => {
    if (!isObject(output)) {
      c.issue("expected { type: 'text' | 'json' | 'error-text' | 'error-json', value }");
      return;
    }
    const type = c.read(output, 'type');
    const value = c.read(output, 'value');
    if (!OUTPUT_TYPES.includes(type as string) || value === undefined) {
      c.issue("expected { type: 'text' | 'json' | 'error-text' | 'error-json', value }");
      return;
    }
    c.at('value', value, checkJson);
  });
  return true;
}

/** Checks a part of its type; answers whether it carries content. */
type PartCheck = (c: CheckContext, part: Record<string, unknown>) => boolean;

/** Checks one content part; answers whether it carries content (an empty text part does not). */
function part(
  c: CheckContext,
  v: unknown,
  allowed: Readonly<Record<string, PartCheck>>,
  allowedText: string,
): boolean {
  if (!isObject(v)) {
    c.issue(`expected a content part of type ${allowedText}`);
    return true;
  }
  const type = c.read(v, 'type');
  const check = typeof type === 'string' && Object.hasOwn(allowed, type) ? allowed[type] : undefined;
  if (check === undefined) {
    c.at('type', type, (c) => c.issue(`expected a content part of type ${allowedText}`));
    return true;
  }
  const carries = check(c, v);
  c.optional(v, 'providerOptions', providerOptions);
  return carries;
}

/** String or parts content of a user or assistant message. */
function partsContent(
  c: CheckContext,
  content: unknown,
  allowed: Readonly<Record<string, PartCheck>>,
  allowedText: string,
): void {
  if (typeof content === 'string') {
    expect(c, content !== '', NOT_EMPTY);
    return;
  }
  if (!Array.isArray(content)) {
    c.issue('expected a string or an array of parts');
    return;
  }
  if (content.length === 0) {
    c.issue(NOT_EMPTY);
    return;
  }
  let carries = false;
  for (let i = 0; i < content.length; i++) {
    c.path.push(i);
    if (part(c, content[i], allowed, allowedText)) carries = true;
    c.path.pop();
  }
  // Only empty text parts: the same as `content: ''` (an empty text beside a tool call is fine).
  if (!carries) c.issue('expected a non-empty text or at least one part that is not text');
}

const USER_PARTS: Readonly<Record<string, PartCheck>> = { text: textPart, file: filePart };
const ASSISTANT_PARTS: Readonly<Record<string, PartCheck>> = {
  text: textPart,
  file: filePart,
  reasoning: reasoningPart,
  'tool-call': toolCallPart,
};

/** Checks one message; answers its role when it is valid enough to have one. */
function message(c: CheckContext, m: unknown): string | undefined {
  if (!isObject(m)) {
    c.issue(ROLES);
    return undefined;
  }
  const role = c.read(m, 'role');
  switch (role) {
    case 'system':
      c.required(m, 'content', (c, v) =>
        typeof v === 'string'
          ? expect(c, v !== '', 'expected a non-empty string')
          : c.issue('expected a string'),
      );
      break;
    case 'user':
      c.required(m, 'content', (c, v) => partsContent(c, v, USER_PARTS, "'text' or 'file'"));
      break;
    case 'assistant':
      c.required(m, 'content', (c, v) =>
        partsContent(c, v, ASSISTANT_PARTS, "'text', 'file', 'reasoning' or 'tool-call'"),
      );
      break;
    case 'tool':
      c.required(m, 'content', (c, v) => {
        if (!Array.isArray(v)) {
          c.issue('expected an array of tool-result parts');
          return;
        }
        if (v.length === 0) {
          c.issue('expected at least one tool-result part');
          return;
        }
        for (let i = 0; i < v.length; i++) {
          c.at(i, v[i], (c, p) => void part(c, p, { 'tool-result': toolResultPart }, "'tool-result'"));
        }
      });
      break;
    default:
      c.at('role', role, (c) => c.issue(ROLES));
      return undefined;
  }
  c.optional(m, 'providerOptions', providerOptions);
  return role;
}

function messages(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of messages');
    return;
  }
  if (v.length === 0) {
    c.issue('expected at least one message');
    return;
  }
  let conversation = false;
  let allValid = true;
  for (let i = 0; i < v.length; i++) {
    c.path.push(i);
    const role = message(c, v[i]);
    c.path.pop();
    if (role === undefined) allValid = false;
    else if (role === 'user' || role === 'assistant') conversation = true;
  }
  if (allValid && !conversation) c.issue('expected at least one user or assistant message');
}

function responseFormat(c: CheckContext, v: unknown): void {
  const what = "expected { type: 'text' } or { type: 'json', schema? }";
  if (!isObject(v)) {
    c.issue(what);
    return;
  }
  const type = c.read(v, 'type');
  if (type === 'text') return;
  if (type !== 'json') {
    c.at('type', type, (c) => c.issue(what));
    return;
  }
  c.optional(v, 'schema', jsonRecord);
  c.optional(v, 'name', string);
  c.optional(v, 'description', string);
}

/** Checks the tools; answers their names. */
function tools(c: CheckContext, v: unknown, names: string[]): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of tools');
    return;
  }
  for (let i = 0; i < v.length; i++) {
    c.at(i, v[i], (c, tool) => {
      if (!isObject(tool)) {
        c.issue("expected a tool { type: 'function', name, inputSchema }");
        return;
      }
      c.required(tool, 'type', (c, t) => expect(c, t === 'function', "expected 'function'"));
      c.required(tool, 'name', (c, name) => {
        if (typeof name === 'string' && TOOL_NAME.test(name)) names.push(name);
        else c.issue('expected 1–64 letters, digits, _ or -');
      });
      c.optional(tool, 'description', string);
      c.required(tool, 'inputSchema', jsonRecord);
      c.optional(tool, 'providerOptions', providerOptions);
    });
  }
}

/** Checks the tool choice; answers the tool it names, if any. */
function toolChoice(c: CheckContext, v: unknown): string | undefined {
  const what = "expected { type: 'auto' | 'none' | 'required' } or { type: 'tool', toolName }";
  if (!isObject(v)) {
    c.issue(what);
    return undefined;
  }
  const type = c.read(v, 'type');
  if (type === 'auto' || type === 'none' || type === 'required') return undefined;
  if (type !== 'tool') {
    c.at('type', type, (c) => c.issue(what));
    return undefined;
  }
  const name = c.read(v, 'toolName');
  if (isNonEmptyString(name)) return name;
  c.at('toolName', name, nonEmptyString);
  return undefined;
}

/** Checks a completion request (see the module comment). */
export function checkRequest(c: CheckContext, request: unknown): void {
  if (!isObject(request)) {
    c.issue('expected a request object { messages, … }');
    return;
  }
  c.required(request, 'messages', messages);
  c.optional(request, 'model', nonEmptyString);
  c.optional(request, 'strategy', nonEmptyString);
  c.optional(request, 'maxOutputTokens', positiveInt);
  c.optional(request, 'temperature', nonNegative);
  c.optional(request, 'topP', (c, v) =>
    expect(c, isFiniteNumber(v) && v >= 0 && v <= 1, 'expected a number from 0 to 1'),
  );
  c.optional(request, 'topK', positiveInt);
  c.optional(request, 'presencePenalty', finite);
  c.optional(request, 'frequencyPenalty', finite);
  c.optional(request, 'stopSequences', stringArray);
  c.optional(request, 'seed', (c, v) =>
    expect(c, isFiniteNumber(v) && Number.isInteger(v), 'expected an integer'),
  );
  c.optional(request, 'responseFormat', responseFormat);
  const names: string[] = [];
  let toolsValid = true;
  c.optional(request, 'tools', (c, v) => {
    const before = c.issues.length;
    tools(c, v, names);
    toolsValid = c.issues.length === before;
  });
  let chosen: string | undefined;
  c.optional(request, 'toolChoice', (c, v) => {
    chosen = toolChoice(c, v);
  });
  if (chosen !== undefined && toolsValid && !names.includes(chosen)) {
    c.at('toolChoice', undefined, (c) =>
      c.at('toolName', undefined, (c) =>
        c.issue(`expected the name of one of the request's tools, got '${chosen}'`),
      ),
    );
  }
  c.optional(request, 'signal', (c, v) =>
    expect(c, isAbortSignalLike(v), 'expected an AbortSignal or an AbortLatch'),
  );
  c.optional(request, 'timeoutMs', positive);
  c.optional(request, 'firstTokenTimeoutMs', positive);
  c.optional(request, 'interTokenTimeoutMs', positive);
  c.optional(request, 'sessionId', (c, v) =>
    expect(
      c,
      typeof v === 'string' && v.length > 0 && v.length <= MAX_SESSION_ID,
      `expected a non-empty string of at most ${MAX_SESSION_ID} characters`,
    ),
  );
  c.optional(request, 'hedge', (c, v) => hedgeShape(c, v, true));
  c.optional(request, 'metadata', jsonRecord);
  c.optional(request, 'tags', stringArray);
  c.optional(request, 'providerOptions', providerOptions);
  c.optional(request, 'headers', headers);
}
