/**
 * `createSwitchyard(router)`: the router as an AI SDK provider. Its language models route every
 * `doGenerate`/`doStream` through the router (strategy, retries, fallback, breaker, events).
 */
import type {
  EmbeddingModelV3,
  ImageModelV3,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
  ProviderV3,
} from '@ai-sdk/provider';
import { type Router, SwitchyardError } from '../../index.js';
import { callFromV3 } from './options.js';
import { contentToV3, finishToV3, switchyardMetadata, usageToV3, warningsToV3 } from './results.js';
import { routerStreamToV3 } from './stream-parts.js';

/** The part of a {@link Router} the provider uses. */
export type SwitchyardRouter = Pick<Router, 'complete' | 'stream' | 'targets'>;

/** Options of {@link createSwitchyard}. */
export interface SwitchyardProviderOptions {
  /** Provider name of the models, as the AI SDK shows it (telemetry, errors). @default 'switchyard' */
  readonly name?: string;
}

/**
 * The model id that routes over every target (the router's request without a `model`), for
 * routers whose targets serve different models under no common alias.
 */
export const ANY_MODEL = '*';

/** An AI SDK provider whose language models route through a Switchyard {@link Router}. */
export interface SwitchyardProvider extends ProviderV3 {
  /** Same as {@link SwitchyardProvider.languageModel}. */
  (modelId: string): LanguageModelV3;
  /**
   * A language model that routes through the router. `modelId` is a model alias or a target's
   * model name (the router picks among the targets that serve it), a target id (the router
   * picks among the targets that serve that target's model), or {@link ANY_MODEL}.
   * @throws {SwitchyardError} `invalid_request` when no target serves `modelId`.
   */
  languageModel(modelId: string): LanguageModelV3;
}

/**
 * Makes a router an AI SDK provider (`ProviderV3` of `@ai-sdk/provider` 3, what `ai` 6 takes):
 * `generateText`, `streamText`, `generateObject`, tools and `wrapLanguageModel` work on its
 * models, and every call gets the router's strategy, retries, fallback and events. Set
 * `maxRetries: 0` on the AI SDK calls: the router retries.
 *
 * @example
 * ```ts
 * const switchyard = createSwitchyard(router);
 * const { text } = await generateText({ model: switchyard('fast'), prompt: 'Hi', maxRetries: 0 });
 * ```
 * @throws {SwitchyardError} `config` when `router` is not a Router or `options.name` is empty.
 */
export function createSwitchyard(
  router: SwitchyardRouter,
  options: SwitchyardProviderOptions = {},
): SwitchyardProvider {
  if (
    router === null ||
    typeof router !== 'object' ||
    typeof router.complete !== 'function' ||
    typeof router.stream !== 'function'
  ) {
    throw new SwitchyardError(
      'config',
      'createSwitchyard: router must be a Router (with complete and stream)',
    );
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '')) {
    throw new SwitchyardError('config', 'createSwitchyard: options.name must be a non-empty string');
  }
  const name = options.name ?? 'switchyard';
  const languageModel = (modelId: string): LanguageModelV3 =>
    new SwitchyardLanguageModel(router, name, modelId, routeFor(router, modelId));
  const noSuchModel = (kind: string) => (modelId: string) => {
    throw new SwitchyardError(
      'invalid_request',
      `switchyard-llm/ai-sdk routes language models only; ${kind}('${modelId}') is not available`,
    );
  };
  const provider = Object.assign((modelId: string) => languageModel(modelId), {
    specificationVersion: 'v3' as const,
    languageModel,
    embeddingModel: noSuchModel('embeddingModel') as (modelId: string) => EmbeddingModelV3,
    imageModel: noSuchModel('imageModel') as (modelId: string) => ImageModelV3,
  });
  return provider;
}

/** The router's `model` for an id: an alias or model name as it is, a target id → its model. */
function routeFor(router: SwitchyardRouter, modelId: string): string | undefined {
  if (typeof modelId !== 'string' || modelId === '') {
    throw new SwitchyardError(
      'invalid_request',
      'switchyard-llm/ai-sdk: the model id must be a non-empty string',
    );
  }
  if (modelId === ANY_MODEL) return undefined;
  const targets = router.targets;
  const names = new Set<string>();
  for (const t of targets) {
    names.add(t.model);
    for (const alias of t.config.aliases ?? []) names.add(alias);
  }
  if (names.has(modelId)) return modelId;
  const target = targets.find((t) => t.id === modelId);
  if (target !== undefined) return target.model;
  throw new SwitchyardError(
    'invalid_request',
    `switchyard-llm/ai-sdk: no target serves model '${modelId}'; known models and aliases: ${[...names].join(', ')}; target ids: ${targets.map((t) => t.id).join(', ')}; or '${ANY_MODEL}' for any target`,
  );
}

/** A `LanguageModelV3` that routes through a router. Made by {@link createSwitchyard}. */
export class SwitchyardLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider: string;
  readonly modelId: string;
  /**
   * No URL is passed through: the AI SDK downloads linked files first, so that every target
   * gets the same bytes whatever its provider accepts.
   */
  readonly supportedUrls: Record<string, RegExp[]> = {};
  readonly #router: SwitchyardRouter;
  readonly #route: string | undefined;

  /** @internal use {@link createSwitchyard} */
  constructor(router: SwitchyardRouter, provider: string, modelId: string, route: string | undefined) {
    this.#router = router;
    this.provider = provider;
    this.modelId = modelId;
    this.#route = route;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { request, warnings } = callFromV3(this.#route, options);
    const response = await this.#router.complete(request);
    return {
      content: contentToV3(response.content),
      finishReason: finishToV3(response.finishReason, response.rawFinishReason),
      usage: usageToV3(response.usage),
      providerMetadata: switchyardMetadata(response),
      response: { id: response.responseId ?? response.requestId, modelId: response.model },
      warnings: [...warnings, ...warningsToV3(response.warnings)],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { request, warnings } = callFromV3(this.#route, options);
    return { stream: await routerStreamToV3(this.#router.stream(request), warnings) };
  }
}
