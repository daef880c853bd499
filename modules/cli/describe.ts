import type { BuiltRouter, SwitchyardConfig } from '../config/index.js';

/** What a config builds, without secrets: for `check` and the `listening` / `reloaded` log lines. */
export interface ConfigSummary {
  readonly targets: ReadonlyArray<{
    readonly id: string;
    readonly provider: string;
    readonly model: string;
    readonly aliases: readonly string[];
  }>;
  /** Every name a caller may put in `model`: aliases, then models. */
  readonly models: readonly string[];
  readonly strategy: string;
  readonly budgets: number;
  readonly routes: number;
  /** How callers authenticate: `none`, or the methods in the order they are tried (`master key, virtual keys, jwt`). */
  readonly auth: string;
  /** Where breakers, limits and budgets live: per process, or shared through Redis. */
  readonly state: 'memory' | 'redis';
  readonly metrics: boolean;
  readonly monitor: boolean;
  readonly tls: boolean;
}

function authOf(config: SwitchyardConfig): ConfigSummary['auth'] {
  const g = config.gateway;
  const methods = [
    g?.masterKey !== undefined && 'master key',
    g?.keys !== undefined && 'virtual keys',
    g?.jwt !== undefined && 'jwt',
  ].filter((m) => m !== false);
  return methods.length === 0 ? 'none' : methods.join(', ');
}

/** The summary of a built config. */
export function summarize(config: SwitchyardConfig, built: BuiltRouter): ConfigSummary {
  const aliases = config.targets.flatMap((t) => t.aliases ?? []);
  const s = config.strategy;
  return {
    targets: config.targets.map((t) => ({
      id: t.id,
      provider: t.provider,
      model: t.model,
      aliases: t.aliases ?? [],
    })),
    models: [...new Set([...aliases, ...config.targets.map((t) => t.model)])],
    strategy: s === undefined ? 'round-robin' : typeof s === 'string' ? s : s.name,
    budgets: config.budgets?.length ?? 0,
    routes: config.routes?.length ?? 0,
    auth: authOf(config),
    state: config.redis === undefined ? 'memory' : 'redis',
    metrics: built.metrics !== undefined,
    monitor: built.monitor !== undefined,
    tls: config.gateway?.tls !== undefined,
  };
}

/** The summary as text, for `check`. */
export function summaryText(path: string, summary: ConfigSummary, listen: string): string {
  const rows = summary.targets.map(
    (t) =>
      `  ${t.id}  ${t.provider}  ${t.model}${t.aliases.length ? `  aliases: ${t.aliases.join(', ')}` : ''}`,
  );
  return [
    `${path}: valid`,
    `targets (${summary.targets.length}):`,
    ...rows,
    `models: ${summary.models.join(', ')}`,
    `strategy: ${summary.strategy}`,
    `budgets: ${summary.budgets}, routes: ${summary.routes}`,
    `gateway: ${listen}, auth: ${summary.auth}, metrics: ${summary.metrics ? 'on' : 'off'}, tls: ${summary.tls ? 'on' : 'off'}`,
    `monitor: ${summary.monitor ? 'on' : 'off'}, state: ${summary.state}`,
    '',
  ].join('\n');
}
