import type { HedgeOptions } from './hedge.js';

/**
 * When a {@link RouteRule} applies. Every field that is set must hold (AND); a list means "any
 * of". An empty condition matches every call.
 */
export interface RouteCondition {
  /** The call carries at least one of these tags. */
  readonly tags?: readonly string[];
  /** The call's `model` (the alias asked for) is one of these. */
  readonly model?: readonly string[];
  /** `request.metadata.user` is one of these. */
  readonly user?: readonly string[];
  /** `request.metadata.key` is one of these. */
  readonly key?: readonly string[];
  /** Each `request.metadata[field]` equals the value given. */
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
  /** The estimated prompt size (characters ÷ 4) is at least this. */
  readonly minInputTokens?: number;
  /** The estimated prompt size (characters ÷ 4) is at most this. */
  readonly maxInputTokens?: number;
  /** The request has tools (`true`) or has none (`false`). */
  readonly hasTools?: boolean;
  /** The prompt has image or file parts (`true`) or has none (`false`). */
  readonly hasImages?: boolean;
  /** The call is a stream (`true`) or a completion (`false`). */
  readonly stream?: boolean;
}

/**
 * A conditional route: calls that match `when` go only to `targets` and/or are picked by
 * `strategy`, before the strategy picks. The first rule that matches wins.
 *
 * @example
 * ```ts
 * new Router({ targets, routes: [
 *   { name: 'big-prompts', when: { minInputTokens: 50_000 }, targets: ['gemini-long'] },
 *   { name: 'team-a', when: { tags: ['team-a'] }, targets: ['azure-eu-1', 'azure-eu-2'], strategy: 'least-connections' },
 * ] });
 * ```
 */
export interface RouteRule {
  /** Name in `route` events and errors. @default `routes[i]` */
  readonly name?: string;
  /** When the rule applies. */
  readonly when: RouteCondition;
  /** Target ids the call may use (among the candidates of its model alias). @default every candidate */
  readonly targets?: readonly string[];
  /** Registered strategy name for the call (a request's own `strategy` still wins). @default the router's */
  readonly strategy?: string;
  /**
   * Hedging of the calls that match — e.g. per model alias with `when: { model: ['fast'] }` —
   * or `false` for none; a request's own `hedge` still wins. Needs at least two targets for
   * each alias the rule names (or among its `targets`). See {@link HedgeOptions}.
   * @default the router's `hedge`
   */
  readonly hedge?: HedgeOptions | false;
}
