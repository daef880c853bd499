/**
 * Results both ways between Switchyard and the AI SDK's `LanguageModelV3`: usage, finish
 * reasons, warnings, generated content, and the `providerMetadata.switchyard` entry.
 */
import type {
  JSONObject,
  JSONValue,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from '@ai-sdk/provider';
import {
  type CompletionResponse,
  type ContentPart,
  type FinishReason,
  makeUsage,
  type Usage,
  type Warning,
} from '../../index.js';

/** Switchyard usage → the V3 usage object (every count `undefined` when the target reported none). */
export function usageToV3(usage: Usage): LanguageModelV3Usage {
  if (usage.unknown) {
    return {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
  }
  const cacheRead = usage.cachedInputTokens;
  const cacheWrite = usage.cacheWriteInputTokens;
  const reasoning = usage.reasoningTokens;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: Math.max(0, usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0)),
      cacheRead,
      cacheWrite,
    },
    outputTokens: {
      total: usage.outputTokens,
      text: reasoning === undefined ? usage.outputTokens : Math.max(0, usage.outputTokens - reasoning),
      reasoning,
    },
  };
}

/** The V3 usage object → Switchyard usage (`unknown` when the model reported no totals). */
export function usageFromV3(usage: LanguageModelV3Usage | undefined): Usage {
  const input = usage?.inputTokens;
  const output = usage?.outputTokens;
  const known = input?.total !== undefined || output?.total !== undefined;
  const made = makeUsage(
    input?.total ?? sum(input?.noCache, input?.cacheRead, input?.cacheWrite),
    output?.total,
    {
      cachedInputTokens: input?.cacheRead,
      cacheWriteInputTokens: input?.cacheWrite,
      reasoningTokens: output?.reasoning,
    },
  );
  return known ? made : { ...made, unknown: true };
}

function sum(...counts: Array<number | undefined>): number | undefined {
  let total: number | undefined;
  for (const n of counts) if (n !== undefined) total = (total ?? 0) + n;
  return total;
}

/** Switchyard finish reason → the V3 `{ unified, raw }` pair. The two sets are the same. */
export function finishToV3(reason: FinishReason, raw: string | undefined): LanguageModelV3FinishReason {
  return { unified: reason, raw };
}

const FINISH_REASONS = new Set<string>(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']);

/** The V3 finish reason (or an older plain string) → Switchyard's unified and raw values. */
export function finishFromV3(reason: LanguageModelV3FinishReason | string | undefined): {
  finishReason: FinishReason;
  rawFinishReason?: string;
} {
  const unified = typeof reason === 'string' ? reason : reason?.unified;
  const raw = typeof reason === 'string' ? reason : reason?.raw;
  const finishReason = (
    unified !== undefined && FINISH_REASONS.has(unified) ? unified : 'other'
  ) as FinishReason;
  return raw === undefined ? { finishReason } : { finishReason, rawFinishReason: raw };
}

/** Switchyard warnings → V3 warnings (`unsupported-setting` becomes `unsupported`). */
export function warningsToV3(warnings: readonly Warning[] | undefined): SharedV3Warning[] {
  if (!warnings?.length) return [];
  return warnings.map((w) =>
    w.type === 'unsupported-setting'
      ? { type: 'unsupported', feature: w.setting ?? 'setting', details: w.message }
      : { type: 'other', message: w.message },
  );
}

/** V3 warnings → Switchyard warnings. */
export function warningsFromV3(warnings: readonly SharedV3Warning[] | undefined): Warning[] {
  if (!warnings?.length) return [];
  return warnings.map((w): Warning => {
    if (w.type === 'unsupported') {
      return {
        type: 'unsupported-setting',
        setting: w.feature,
        message: w.details ?? `${w.feature} is not supported`,
      };
    }
    if (w.type === 'compatibility') {
      return { type: 'other', message: `${w.feature} is emulated${w.details ? `: ${w.details}` : ''}` };
    }
    return { type: 'other', message: w.message };
  });
}

/** Switchyard content → V3 content, in order. */
export function contentToV3(content: readonly ContentPart[]): LanguageModelV3Content[] {
  return content.map((part): LanguageModelV3Content => {
    if (part.type === 'tool-call') {
      return { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
    }
    return { type: part.type, text: part.text };
  });
}

/**
 * V3 content → Switchyard content. Switchyard carries text, reasoning and the tool calls the
 * caller runs; files, sources, and tools the provider ran itself are dropped with a warning.
 */
export function contentFromV3(
  content: readonly LanguageModelV3Content[],
  warnings: Warning[],
): ContentPart[] {
  const out: ContentPart[] = [];
  const dropped = new Set<string>();
  for (const part of content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        out.push({ type: part.type, text: part.text });
        break;
      case 'tool-call':
        if (part.providerExecuted) dropped.add('provider-executed tool calls');
        else
          out.push({
            type: 'tool-call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
          });
        break;
      default:
        dropped.add(`${part.type} parts`);
    }
  }
  for (const what of dropped) warnings.push({ type: 'other', message: `${what} of the model were dropped` });
  return out;
}

/**
 * What `providerMetadata.switchyard` holds: which target answered, every attempt, cost and
 * latency, the call's id, the target's warnings (a stream's warnings are sent before the
 * target is known, so they are here), and the target's own provider metadata.
 */
export function switchyardMetadata(response: CompletionResponse): SharedV3ProviderMetadata {
  const entry: JSONObject = {
    requestId: response.requestId,
    target: response.target,
    model: response.model,
    attempts: response.attempts.map((a) => {
      const attempt: JSONObject = {
        attempt: a.attempt,
        target: a.target,
        outcome: a.outcome,
        durationMs: a.durationMs,
      };
      if (a.errorKind !== undefined) attempt.errorKind = a.errorKind;
      return attempt;
    }),
    latencyMs: response.latencyMs,
  };
  if (response.costUsd !== undefined) entry.costUsd = response.costUsd;
  if (response.warnings.length > 0) entry.warnings = toJson(warningsToV3(response.warnings));
  if (response.providerMetadata !== undefined) entry.providerMetadata = toJson(response.providerMetadata);
  return { switchyard: entry };
}

/** A JSON copy of provider metadata (drops what JSON cannot hold). */
function toJson(value: unknown): JSONValue {
  try {
    return JSON.parse(JSON.stringify(value)) as JSONValue;
  } catch {
    return null;
  }
}
