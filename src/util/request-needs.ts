import type { CompletionRequest } from '../types/request.js';
import type { TargetView } from '../types/target.js';

/** What a request needs from a target's adapter. */
export interface RequestNeeds {
  readonly streaming: boolean;
  readonly tools: boolean;
  /** `schema` for a JSON schema, `json` for JSON mode, `false` for text. */
  readonly json: false | 'json' | 'schema';
  readonly images: boolean;
  /** Rough input size (characters ÷ 4), or 0 when no target has a context window. */
  readonly inputTokens: number;
}

const NOTHING: RequestNeeds = Object.freeze({
  streaming: false,
  tools: false,
  json: false,
  images: false,
  inputTokens: 0,
});
const STREAM_ONLY: RequestNeeds = Object.freeze({ ...NOTHING, streaming: true });

/** Rough token count of a request's prompt and tool schemas: characters ÷ 4. */
export function estimateInputTokens(request: CompletionRequest): number {
  let chars = 0;
  for (const m of request.messages) {
    const content = m.content;
    if (typeof content === 'string') chars += content.length;
    else
      for (const part of content)
        chars +=
          'text' in part ? part.text.length : 'input' in part ? JSON.stringify(part.input ?? '').length : 64;
  }
  if (request.tools)
    for (const t of request.tools) chars += JSON.stringify(t.inputSchema).length + t.name.length;
  return Math.ceil(chars / 4);
}

/** Whether the prompt has image or file parts. */
export function hasImages(request: CompletionRequest): boolean {
  for (const m of request.messages) {
    if (typeof m.content === 'string') continue;
    for (const part of m.content) if (part.type === 'file') return true;
  }
  return false;
}

/**
 * Works out once per call what the request needs; the costly checks (images, size) run only
 * when some target could fail them.
 */
export function needsOf(
  request: CompletionRequest,
  streaming: boolean,
  checkImages: boolean,
  checkContext: boolean,
): RequestNeeds {
  const format = request.responseFormat;
  if (format === undefined && request.tools === undefined && !checkImages && !checkContext) {
    return streaming ? STREAM_ONLY : NOTHING; // the common case allocates nothing
  }
  return {
    streaming,
    tools: request.tools !== undefined && request.tools.length > 0,
    json: format?.type === 'json' ? (format.schema ? 'schema' : 'json') : false,
    images: checkImages && hasImages(request),
    inputTokens: checkContext ? estimateInputTokens(request) : 0,
  };
}

/** Whether a target's adapter and model can serve a request with these needs. */
export function servable(target: TargetView, needs: RequestNeeds): boolean {
  const caps = target.capabilities;
  if (needs.streaming && !caps.streaming) return false;
  if (needs.tools && !caps.tools) return false;
  if (needs.json !== false && caps.json === false) return false;
  if (needs.images && !caps.images) return false;
  if (needs.inputTokens > 0 && target.contextWindow !== undefined && needs.inputTokens > target.contextWindow)
    return false;
  return true;
}

/** The needs, in words, for error messages. */
export function describeNeeds(needs: RequestNeeds): string {
  const parts: string[] = [];
  if (needs.streaming) parts.push('streaming');
  if (needs.tools) parts.push('tools');
  if (needs.json) parts.push(`json ${needs.json === 'schema' ? 'schema' : 'mode'}`);
  if (needs.images) parts.push('images');
  if (needs.inputTokens > 0) parts.push(`~${needs.inputTokens} input tokens`);
  return parts.length ? `it needs ${parts.join(', ')}` : 'no target matched';
}
