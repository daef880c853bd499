import type { Router } from '../../index.js';

/** One entry of `GET /v1/models`, in OpenAI's format. */
export interface OpenAIModel {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  /** `switchyard` for an alias, the provider for a target's model. */
  readonly owned_by: string;
}

/**
 * What `model` may name: every alias (owned by `switchyard`) and every target's model (owned by
 * its provider), in configuration order, each once. The router's targets are fixed, so the
 * gateway builds this once.
 */
export function modelCatalog(router: Router): OpenAIModel[] {
  const seen = new Map<string, OpenAIModel>();
  for (const target of router.targets) {
    for (const alias of target.config.aliases ?? []) {
      if (!seen.has(alias))
        seen.set(alias, { id: alias, object: 'model', created: 0, owned_by: 'switchyard' });
    }
  }
  for (const target of router.targets) {
    if (!seen.has(target.model)) {
      seen.set(target.model, { id: target.model, object: 'model', created: 0, owned_by: target.provider });
    }
  }
  return [...seen.values()];
}

/** The answer of `GET /readyz`. */
export interface Readiness {
  readonly ready: boolean;
  /** Per alias or model: how many of its targets can take a call now. */
  readonly models: Readonly<Record<string, number>>;
}

/**
 * Whether every alias and model has at least one target that can take a call now: its breaker
 * is not open and no Retry-After blocks it.
 */
export function readiness(router: Router): Readiness {
  const available = new Set(
    router
      .health()
      .filter((h) => h.state !== 'open' && h.blockedUntil === 0)
      .map((h) => h.id),
  );
  const models: Record<string, number> = {};
  for (const target of router.targets) {
    const up = available.has(target.id) ? 1 : 0;
    for (const name of new Set([...(target.config.aliases ?? []), target.model])) {
      models[name] = (models[name] ?? 0) + up;
    }
  }
  return { ready: Object.values(models).every((n) => n > 0), models };
}
