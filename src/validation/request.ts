/**
 * The full check of a completion request: every field, with one message per bad field
 * (`messages[0].content: expected …`).
 */
import { type CheckContext, isFiniteNumber, isNonEmptyString, isObject, isRecord } from './context.js';

const ROLES = "expected a message with role 'system', 'user', 'assistant' or 'tool'";
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function expect(c: CheckContext, ok: boolean, message: string): void {
  if (!ok) c.issue(message);
}

const positiveInt = (c: CheckContext, v: unknown) =>
  expect(c, isFiniteNumber(v) && Number.isInteger(v) && v > 0, 'expected a positive integer');
const positive = (c: CheckContext, v: unknown) =>
  expect(c, isFiniteNumber(v) && v > 0, 'expected a positive number');
const nonNegative = (c: CheckContext, v: unknown) =>
  expect(c, isFiniteNumber(v) && v >= 0, 'expected a number ≥ 0');
const finite = (c: CheckContext, v: unknown) => expect(c, isFiniteNumber(v), 'expected a number');
const nonEmptyString = (c: CheckContext, v: unknown) =>
  expect(c, isNonEmptyString(v), 'expected a non-empty string');
const string = (c: CheckContext, v: unknown) => expect(c, typeof v === 'string', 'expected a string');

function stringArray(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of strings');
    return;
  }
  for (let i = 0; i < v.length; i++) c.at(i, v[i], string);
}

function record(c: CheckContext, v: unknown): void {
  expect(c, isRecord(v), 'expected an object');
}

/** `{ [provider]: { …options } }`. */
function providerOptions(c: CheckContext, v: unknown): void {
  if (!isRecord(v)) {
    c.issue('expected { [provider]: { …options } }');
    return;
  }
  for (const key of Object.keys(v)) c.at(key, c.read(v, key), record);
}

function headers(c: CheckContext, v: unknown): void {
  if (!isRecord(v)) {
    c.issue('expected an object of header strings');
    return;
  }
  for (const key of Object.keys(v)) c.at(key, c.read(v, key), string);
}

function textPart(c: CheckContext, part: Record<string, unknown>): void {
  c.required(part, 'text', string);
}

function filePart(c: CheckContext, part: Record<string, unknown>): void {
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
}

function toolCallPart(c: CheckContext, part: Record<string, unknown>): void {
  c.required(part, 'toolCallId', nonEmptyString);
  c.required(part, 'toolName', nonEmptyString);
}

const OUTPUT_TYPES = ['text', 'json', 'error-text', 'error-json'];

function toolResultPart(c: CheckContext, part: Record<string, unknown>): void {
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
    }
  });
}

type PartCheck = (c: CheckContext, part: Record<string, unknown>) => void;

/** Checks one content part. */
function part(
  c: CheckContext,
  v: unknown,
  allowed: Readonly<Record<string, PartCheck>>,
  allowedText: string,
): void {
  if (!isObject(v)) {
    c.issue(`expected a content part of type ${allowedText}`);
    return;
  }
  const type = c.read(v, 'type');
  const check = typeof type === 'string' && Object.hasOwn(allowed, type) ? allowed[type] : undefined;
  if (check === undefined) {
    c.at('type', type, (c) => c.issue(`expected a content part of type ${allowedText}`));
    return;
  }
  check(c, v);
}

/** String or parts content of a user or assistant message. */
function partsContent(
  c: CheckContext,
  content: unknown,
  allowed: Readonly<Record<string, PartCheck>>,
  allowedText: string,
): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) {
    c.issue('expected a string or an array of parts');
    return;
  }
  for (let i = 0; i < content.length; i++) c.at(i, content[i], (c, p) => part(c, p, allowed, allowedText));
}

const USER_PARTS: Readonly<Record<string, PartCheck>> = { text: textPart, file: filePart };
const ASSISTANT_PARTS: Readonly<Record<string, PartCheck>> = {
  text: textPart,
  file: filePart,
  reasoning: textPart,
  'tool-call': toolCallPart,
};

function message(c: CheckContext, m: unknown): void {
  if (!isObject(m)) {
    c.issue(ROLES);
    return;
  }
  const role = c.read(m, 'role');
  switch (role) {
    case 'system':
      c.required(m, 'content', (c, v) => expect(c, typeof v === 'string', 'expected a string'));
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
        for (let i = 0; i < v.length; i++) {
          c.at(i, v[i], (c, p) => part(c, p, { 'tool-result': toolResultPart }, "'tool-result'"));
        }
      });
      break;
    default:
      c.at('role', role, (c) => c.issue(ROLES));
  }
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
  for (let i = 0; i < v.length; i++) c.at(i, v[i], message);
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
  c.optional(v, 'schema', record);
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
      c.required(tool, 'inputSchema', record);
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
  c.optional(request, 'signal', (c, v) => expect(c, v instanceof AbortSignal, 'expected an AbortSignal'));
  c.optional(request, 'timeoutMs', positive);
  c.optional(request, 'metadata', record);
  c.optional(request, 'tags', stringArray);
  c.optional(request, 'providerOptions', providerOptions);
  c.optional(request, 'headers', headers);
}
