import type { SwitchyardConfig } from '../config/index.js';

/** The secret values of a config (API keys, master and admin keys, monitor token, JWKS request headers, Redis credentials), to redact from logs. */
export function secretsOf(config: SwitchyardConfig | undefined): string[] {
  if (config === undefined) return [];
  const out: string[] = [];
  for (const t of config.targets) if (t.apiKey) out.push(t.apiKey);
  if (config.gateway?.masterKey) out.push(config.gateway.masterKey);
  if (config.monitor?.token) out.push(config.monitor.token);
  if (config.gateway?.adminKey) out.push(config.gateway.adminKey);
  const jwt = config.gateway?.jwt;
  const jwks = jwt?.jwks;
  const remote = jwks !== undefined && 'url' in jwks ? jwks : jwt?.remote;
  for (const value of Object.values(remote?.headers ?? {})) if (value) out.push(value);
  const redis = config.redis;
  if (redis?.password) out.push(redis.password);
  if (redis?.url) {
    try {
      const password = decodeURIComponent(new URL(redis.url).password);
      if (password) out.push(password);
    } catch {
      // not a URL: the schema refused it
    }
    out.push(redis.url);
  }
  return out;
}
