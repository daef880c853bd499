import {
  type AssistantMessage,
  contentParts,
  type Message,
  type ProviderOptions,
  SwitchyardError,
  type ToolResultOutput,
  type UserMessage,
  type Warning,
} from '../../src/index.js';
import { fileBlock } from './files.js';
import type { WireCacheControl, WireMessage, WireRequestBlock, WireSystemBlock } from './wire.js';

/** The prompt in wire form: top-level `system` and alternating turns. */
export interface WirePrompt {
  readonly system?: string | WireSystemBlock[];
  readonly messages: WireMessage[];
  readonly warnings: Warning[];
}

function anthropicOptions(
  options: ProviderOptions | undefined,
): Readonly<Record<string, unknown>> | undefined {
  return options?.anthropic;
}

/** `providerOptions.anthropic.cacheControl`, when it is an object. */
export function cacheControlOf(options: ProviderOptions | undefined): WireCacheControl | undefined {
  const value = anthropicOptions(options)?.cacheControl;
  return typeof value === 'object' && value !== null ? (value as WireCacheControl) : undefined;
}

function withCache<B extends WireRequestBlock>(block: B, options: ProviderOptions | undefined): B {
  const cache = cacheControlOf(options);
  return cache === undefined || block.type === 'thinking' || block.type === 'redacted_thinking'
    ? block
    : { ...block, cache_control: cache };
}

/** Tool-call arguments as the object the API wants; JSON text is parsed. */
function toolInputObject(input: unknown, where: string): Record<string, unknown> {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = input.trim() === '' ? {} : JSON.parse(input);
    } catch {
      throw new SwitchyardError(
        'invalid_request',
        `${where}.input: expected JSON object text, got invalid JSON`,
      );
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SwitchyardError(
      'invalid_request',
      `${where}.input: expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

function toolResultText(output: ToolResultOutput): string {
  return output.type === 'text' || output.type === 'error-text'
    ? output.value
    : JSON.stringify(output.value ?? null);
}

function userBlocks(message: UserMessage, where: string): WireRequestBlock[] {
  const blocks: WireRequestBlock[] = [];
  contentParts(message.content).forEach((part, i) => {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push(withCache({ type: 'text', text: part.text }, part.providerOptions));
    } else {
      blocks.push(withCache(fileBlock(part, `${where}.content[${i}]`), part.providerOptions));
    }
  });
  return blocks;
}

function assistantBlocks(message: AssistantMessage, where: string, warnings: Warning[]): WireRequestBlock[] {
  const blocks: WireRequestBlock[] = [];
  contentParts(message.content).forEach((part, i) => {
    const at = `${where}.content[${i}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push(withCache({ type: 'text', text: part.text }, part.providerOptions));
        break;
      case 'file':
        blocks.push(withCache(fileBlock(part, at), part.providerOptions));
        break;
      case 'reasoning': {
        const options = anthropicOptions(part.providerOptions);
        if (typeof options?.signature === 'string') {
          blocks.push({ type: 'thinking', thinking: part.text, signature: options.signature });
        } else if (typeof options?.redactedData === 'string') {
          blocks.push({ type: 'redacted_thinking', data: options.redactedData });
        } else {
          warnings.push({
            type: 'other',
            message: `${at}: reasoning without providerOptions.anthropic.signature was dropped (Anthropic only accepts signed thinking)`,
          });
        }
        break;
      }
      case 'tool-call':
        blocks.push(
          withCache(
            {
              type: 'tool_use',
              id: part.toolCallId,
              name: part.toolName,
              input: toolInputObject(part.input, at),
            },
            part.providerOptions,
          ),
        );
        break;
    }
  });
  return blocks;
}

/** Puts a message's own `cacheControl` on its last block, where Anthropic reads the cache breakpoint. */
function markMessageCache(blocks: WireRequestBlock[], options: ProviderOptions | undefined): void {
  const last = blocks.at(-1);
  if (last !== undefined) blocks[blocks.length - 1] = withCache(last, options);
}

/**
 * Converts a prompt to the Messages API shape: system messages move to the top-level `system`
 * (a string for one plain message, else text blocks that keep `cache_control`); tool results
 * become user turns with `tool_result` blocks; consecutive turns of the same role are merged so
 * that roles alternate; empty text is skipped.
 *
 * @param extraSystem instructions appended to the system prompt (JSON emulation).
 */
export function toWirePrompt(messages: readonly Message[], extraSystem?: string): WirePrompt {
  const warnings: Warning[] = [];
  const system: WireSystemBlock[] = [];
  const turns: WireMessage[] = [];
  messages.forEach((message, m) => {
    const where = `messages[${m}]`;
    let role: 'user' | 'assistant';
    let blocks: WireRequestBlock[];
    switch (message.role) {
      case 'system': {
        const cache = cacheControlOf(message.providerOptions);
        if (message.content !== '') {
          system.push(
            cache
              ? { type: 'text', text: message.content, cache_control: cache }
              : { type: 'text', text: message.content },
          );
        }
        return;
      }
      case 'user':
        role = 'user';
        blocks = userBlocks(message, where);
        break;
      case 'assistant':
        role = 'assistant';
        blocks = assistantBlocks(message, where, warnings);
        break;
      case 'tool':
        role = 'user';
        blocks = message.content.map((part) => {
          const block: WireRequestBlock = {
            type: 'tool_result',
            tool_use_id: part.toolCallId,
            content: toolResultText(part.output),
          };
          if (part.output.type === 'error-text' || part.output.type === 'error-json') block.is_error = true;
          return withCache(block, part.providerOptions);
        });
        break;
    }
    markMessageCache(blocks, message.providerOptions);
    if (blocks.length === 0) return;
    const previous = turns.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else turns.push({ role, content: blocks });
  });
  if (extraSystem) system.push({ type: 'text', text: extraSystem });
  const plain = system.length === 1 && system[0]!.cache_control === undefined;
  const systemField = system.length === 0 ? undefined : plain ? system[0]!.text : system;
  return systemField === undefined
    ? { messages: turns, warnings }
    : { system: systemField, messages: turns, warnings };
}
