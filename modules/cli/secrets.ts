import type { SwitchyardConfig } from '../config/index.js';

/** The secret values of a config (API keys, master key, monitor token), to redact from logs. */
export function secretsOf(config: SwitchyardConfig | undefined): string[] {
  if (config === undefined) return [];
  const out: string[] = [];
  for (const t of config.targets) if (t.apiKey) out.push(t.apiKey);
  if (config.gateway?.masterKey) out.push(config.gateway.masterKey);
  if (config.monitor?.token) out.push(config.monitor.token);
  return out;
}
