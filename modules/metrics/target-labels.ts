import type { Router } from '../../src/index.js';
import type { MetricLabel } from './options.js';
import type { Labels } from './pending.js';

/** The `target`, `provider` and `model` label values of a target, from the router's configuration. */
export class TargetLabels {
  #index: Map<string, { provider: string; model: string }> | undefined;

  constructor(
    private readonly router: Router,
    private readonly enabled: ReadonlySet<MetricLabel>,
  ) {}

  /** A new object with the enabled target labels of `id` (empty provider and model when unknown). */
  of(id: string): Labels {
    const view = this.#targetIndex().get(id);
    const out: Labels = {};
    if (this.enabled.has('target')) out.target = id;
    if (this.enabled.has('provider')) out.provider = view?.provider ?? '';
    if (this.enabled.has('model')) out.model = view?.model ?? '';
    return out;
  }

  /** Provider and model by target id, read from the router on first use. */
  #targetIndex(): Map<string, { provider: string; model: string }> {
    if (this.#index === undefined) {
      this.#index = new Map(this.router.targets.map((t) => [t.id, { provider: t.provider, model: t.model }]));
    }
    return this.#index;
  }
}
