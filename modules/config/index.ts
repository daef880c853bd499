/**
 * `switchyard-llm/config`: the config file of `switchyard-llm serve` — a JSON file validated with
 * zod (an optional peer: `npm install zod`), secrets from environment variables (`"${OPENAI_API_KEY}"`),
 * and the router, gateway options, metrics and monitor options built from it. See docs/config.md.
 *
 * @example
 * ```ts
 * import { buildRouter, loadConfig } from 'switchyard-llm/config';
 * import { createGateway } from 'switchyard-llm/gateway';
 * const { router, gatewayOptions } = buildRouter(await loadConfig('switchyard.config.json'));
 * await createGateway(router, gatewayOptions).start();
 * ```
 */
export { adapterFor } from './adapters.js';
export {
  type BuildRouterOptions,
  type BuiltRouter,
  buildRouter,
  type ConfigGatewayOptions,
} from './build.js';
export { type Env, substituteEnv } from './env.js';
export { loadConfig, type ParseConfigOptions, parseConfig } from './parse.js';
export { configSchema, providerNames } from './schema.js';
export {
  type ConfigServices,
  type OpenServicesOptions,
  openServices,
  REDIS_MISSING,
  redisStoreOptions,
} from './services.js';
export type {
  GatewayFileConfig,
  GatewayTlsFileConfig,
  JwtFileConfig,
  KeysFileConfig,
  MetricsFileConfig,
  MonitorFileConfig,
  ProviderName,
  RedisFileConfig,
  RedisTlsFileConfig,
  RemoteJwksFileConfig,
  StrategyFileConfig,
  SwitchyardConfig,
  TargetFileConfig,
} from './types.js';
export { ZOD_MISSING } from './zod.js';
