import { presetNames } from '../../adapters/openai/index.js';
import { Router } from '../../index.js';
import { METRIC_LABELS } from '../metrics/index.js';
import { jwtSchema } from './jwt-schema.js';
import type { SwitchyardConfig } from './types.js';
import { loadZod, type Zod } from './zod.js';

/** Adapters that are not OpenAI-compatible presets. */
export const NATIVE_PROVIDERS: readonly string[] = ['anthropic', 'cohere'];

/** Every provider name a target may use: the native ones and the OpenAI-compatible presets. */
export function providerNames(): string[] {
  return [...NATIVE_PROVIDERS, ...presetNames()];
}

/** Options each built-in strategy takes in the config file (JSON values only). */
function strategyOptionSchemas(z: Zod): Record<string, import('zod/v4').ZodType> {
  const num = z.number();
  const weights = z.strictObject({
    latencyPerSecond: num.optional(),
    error: num.optional(),
    costPerUsd: num.optional(),
  });
  const none = z.strictObject({});
  return {
    'round-robin': none,
    weighted: none,
    priority: none,
    random: none,
    'least-connections': z.strictObject({ choices: z.number().int().optional() }),
    'response-time': z.strictObject({
      decayMs: num.optional(),
      failurePenaltyMs: num.optional(),
      initialCostMs: num.optional(),
      choices: z.number().int().optional(),
    }),
    cost: z.strictObject({
      unpriced: z.enum(['skip', 'free']).optional(),
      defaultOutputTokens: num.optional(),
      smoothing: num.optional(),
    }),
    adaptive: z.strictObject({
      weights: weights.optional(),
      discount: num.optional(),
      halfLifeMs: num.optional(),
      exploration: num.optional(),
      loadPenalty: num.optional(),
      lateAfter: num.optional(),
      overdueAfter: num.optional(),
      revisitMs: num.optional(),
      bandEdges: z.array(num).optional(),
      outputBandEdges: z.array(num).optional(),
    }),
    intelligent: z.strictObject({
      weights: weights.optional(),
      tags: z.array(z.string()).optional(),
      optimism: num.optional(),
      epsilon: num.optional(),
      staleHalfLifeMs: num.optional(),
      revisitMs: num.optional(),
      lateAfter: num.optional(),
      overdueAfter: num.optional(),
      defaultOutputTokens: num.optional(),
    }),
  };
}

/** Whether `text` parses as a `redis:` or `rediss:` URL with a host. */
function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

let cached: import('zod/v4').ZodType<SwitchyardConfig> | undefined;

/**
 * The zod schema of the config file (built on first use: zod is an optional peer). Strict:
 * unknown keys are errors.
 * @throws {SwitchyardError} `config` when zod is not installed.
 */
export function configSchema(): import('zod/v4').ZodType<SwitchyardConfig> {
  if (cached !== undefined) return cached;
  const z = loadZod();
  const ms = z.number().int().positive();
  const count = z.number().int().positive();
  const name = z.string().min(1);
  const nonEmpty = z.string().min(1);
  const headers = z.record(z.string(), z.string());
  const openaiOnly = ['organization', 'project', 'azure'] as const;
  const anthropicOnly = ['defaultMaxTokens', 'jsonSchemaMode'] as const;
  const providers = new Set(providerNames());
  const presets = new Set(presetNames());

  const price = z.strictObject({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
    cachedInputPerMTok: z.number().nonnegative().optional(),
    cacheWritePerMTok: z.number().nonnegative().optional(),
  });

  const target = z
    .strictObject({
      id: name,
      provider: name,
      model: name,
      apiKey: z.string().optional(),
      baseURL: z.url({ protocol: /^https?$/ }).optional(),
      headers: headers.optional(),
      timeoutMs: ms.optional(),
      organization: nonEmpty.optional(),
      project: nonEmpty.optional(),
      azure: z
        .strictObject({
          endpoint: z.url({ protocol: /^https?$/ }).optional(),
          apiVersion: nonEmpty.optional(),
          deployment: nonEmpty.optional(),
        })
        .optional(),
      defaultMaxTokens: count.optional(),
      jsonSchemaMode: z.enum(['tool', 'native']).optional(),
      aliases: z.array(name).optional(),
      weight: z.number().positive().optional(),
      priority: z.number().optional(),
      maxConcurrency: count.optional(),
      requestsPerMinute: count.optional(),
      tokensPerMinute: count.optional(),
      price: price.optional(),
      contextWindow: count.optional(),
      maxOutputTokens: count.optional(),
      firstTokenTimeoutMs: ms.optional(),
      interTokenTimeoutMs: ms.optional(),
      providerOptions: z.record(z.string(), z.unknown()).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .superRefine((t, ctx) => {
      if (!providers.has(t.provider)) {
        ctx.addIssue({
          code: 'custom',
          path: ['provider'],
          message: `unknown provider '${t.provider}' (one of: ${[...providers].join(', ')})`,
        });
        return;
      }
      const openai = presets.has(t.provider);
      for (const key of openai ? [] : openaiOnly) {
        if (t[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'only for OpenAI-compatible providers' });
        }
      }
      for (const key of t.provider === 'anthropic' ? [] : anthropicOnly) {
        if (t[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'only for anthropic' });
      }
      if (t.azure !== undefined && t.provider !== 'azure') {
        ctx.addIssue({ code: 'custom', path: ['azure'], message: "only with provider 'azure'" });
      }
    });

  const optionSchemas = strategyOptionSchemas(z);
  const strategy = z
    .union([name, z.strictObject({ name, options: z.record(z.string(), z.unknown()).optional() })])
    .superRefine((s, ctx) => {
      const strategyName = typeof s === 'string' ? s : s.name;
      if (!Router.strategies.has(strategyName)) {
        ctx.addIssue({
          code: 'custom',
          path: typeof s === 'string' ? [] : ['name'],
          message: `unknown strategy '${strategyName}' (one of: ${Router.strategies.names().join(', ')})`,
        });
        return;
      }
      if (typeof s === 'string' || s.options === undefined) return;
      const options = optionSchemas[s.name];
      if (options === undefined) {
        ctx.addIssue({ code: 'custom', path: ['options'], message: 'this strategy takes no options here' });
        return;
      }
      const result = options.safeParse(s.options);
      for (const issue of result.success ? [] : result.error.issues) {
        ctx.addIssue({ ...issue, path: ['options', ...issue.path] } as never);
      }
    });

  const budget = z.strictObject({
    id: name.optional(),
    scope: z
      .strictObject({
        tag: name.optional(),
        user: name.optional(),
        key: name.optional(),
        alias: name.optional(),
      })
      .optional(),
    limitUsd: z.number().positive(),
    period: z.enum(['day', 'month', 'total']),
    timeZone: name.optional(),
    reserveOutputTokens: count.optional(),
    thresholds: z.array(z.number().positive()).optional(),
    holdMarginMs: z.number().nonnegative().optional(),
  });

  const hedge = z.strictObject({
    delayMs: z.union([z.literal('p95'), z.number().int().positive()], {
      error: "expected 'p95' or a whole number of ms above 0",
    }),
    maxHedges: count.optional(),
    initialDelayMs: ms.optional(),
    minSamples: count.optional(),
  });

  const affinity = z.strictObject({
    by: z.enum(['session', 'session-or-prefix']).optional(),
    prefixChars: count.optional(),
    maxSessions: count.optional(),
    loadFactor: z.number().min(1).optional(),
  });

  const route = z.strictObject({
    name: name.optional(),
    when: z.strictObject({
      tags: z.array(name).optional(),
      model: z.array(name).optional(),
      user: z.array(name).optional(),
      key: z.array(name).optional(),
      metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      minInputTokens: z.number().int().nonnegative().optional(),
      maxInputTokens: z.number().int().nonnegative().optional(),
      hasTools: z.boolean().optional(),
      hasImages: z.boolean().optional(),
      stream: z.boolean().optional(),
    }),
    targets: z.array(name).optional(),
    strategy: name.optional(),
    hedge: z.union([hedge, z.literal(false)]).optional(),
  });

  const gateway = z.strictObject({
    host: name.optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    masterKey: z.string().min(16, 'must be at least 16 characters').optional(),
    maxBodyBytes: count.optional(),
    headersTimeoutMs: ms.optional(),
    requestTimeoutMs: ms.optional(),
    keepAliveTimeoutMs: ms.optional(),
    maxCallTimeoutMs: ms.optional(),
    shutdownGraceMs: z.number().int().nonnegative().optional(),
    strategies: z.array(name).optional(),
    tls: z
      .strictObject({
        certFile: name,
        keyFile: name,
        minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional(),
      })
      .optional(),
    keys: z
      .discriminatedUnion('store', [
        z.strictObject({ store: z.literal('file'), file: name, budgetTimeZone: name.optional() }),
        z.strictObject({ store: z.literal('redis'), budgetTimeZone: name.optional() }),
      ])
      .optional(),
    jwt: jwtSchema(z).optional(),
    adminKey: z.string().min(16, 'must be at least 16 characters').optional(),
    anthropicMessages: z.boolean().optional(),
  });

  const redis = z
    .strictObject({
      // The URL may hold a password: never quoted, whatever is wrong with it.
      url: z.string().refine(isRedisUrl, 'expected redis://host:port or rediss://host:port'),
      username: z.string().optional(),
      password: z.string().optional(),
      prefix: name.optional(),
      tls: z
        .strictObject({
          caFile: name.optional(),
          certFile: name.optional(),
          keyFile: name.optional(),
          servername: name.optional(),
        })
        .optional(),
      commandTimeoutMs: ms.optional(),
      connectTimeoutMs: ms.optional(),
      resyncIntervalMs: ms.optional(),
      probeLeaseMs: ms.optional(),
      budgetFailure: z.enum(['open', 'closed']).optional(),
    })
    .superRefine((r, ctx) => {
      if (r.tls !== undefined && !r.url.startsWith('rediss:')) {
        ctx.addIssue({ code: 'custom', path: ['tls'], message: 'needs a rediss:// url' });
      }
      if ((r.tls?.certFile === undefined) !== (r.tls?.keyFile === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls', r.tls?.certFile === undefined ? 'certFile' : 'keyFile'],
          message: 'certFile and keyFile go together',
        });
      }
    });

  const metrics = z.union([
    z.boolean(),
    z.strictObject({
      prefix: name.optional(),
      labels: z.array(z.enum(METRIC_LABELS as [string, ...string[]])).optional(),
      buckets: z.array(z.number().positive()).optional(),
      maxTagValues: count.optional(),
    }),
  ]);

  const monitor = z.strictObject({
    port: z.number().int().min(0).max(65_535),
    host: name.optional(),
    token: z.string().min(16, 'must be at least 16 characters'),
    intervalMs: ms.optional(),
    windowSeconds: count.optional(),
  });

  const schema = z
    .strictObject({
      $schema: z.string().optional(),
      targets: z.array(target).min(1, 'at least one target'),
      strategy: strategy.optional(),
      retry: z
        .strictObject({
          maxAttempts: count.optional(),
          baseDelayMs: z.number().int().nonnegative().optional(),
          maxDelayMs: z.number().int().nonnegative().optional(),
          maxRetryAfterMs: z.number().int().nonnegative().optional(),
        })
        .optional(),
      breaker: z
        .union([
          z.literal(false),
          z.strictObject({
            failureThreshold: count.optional(),
            cooldownMs: ms.optional(),
            maxCooldownMs: ms.optional(),
            waitForRecovery: z.boolean().optional(),
          }),
        ])
        .optional(),
      timeoutMs: ms.optional(),
      streamIdleTimeoutMs: ms.optional(),
      firstTokenTimeoutMs: ms.optional(),
      interTokenTimeoutMs: ms.optional(),
      queue: z.strictObject({ maxWaitMs: ms }).optional(),
      budgets: z.array(budget).optional(),
      routes: z.array(route).optional(),
      hedge: hedge.optional(),
      affinity: affinity.optional(),
      metrics: metrics.optional(),
      monitor: monitor.optional(),
      gateway: gateway.optional(),
      redis: redis.optional(),
    })
    .superRefine((config, ctx) => {
      if (config.gateway?.adminKey !== undefined && config.gateway.keys === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['gateway', 'adminKey'],
          message: 'needs gateway.keys (the admin API manages virtual keys)',
        });
      }
      if (config.gateway?.keys?.store === 'redis' && config.redis === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['gateway', 'keys', 'store'],
          message: "'redis' needs the redis section",
        });
      }
      const ids = new Set<string>();
      config.targets.forEach((t, i) => {
        if (ids.has(t.id))
          ctx.addIssue({ code: 'custom', path: ['targets', i, 'id'], message: `duplicate id '${t.id}'` });
        ids.add(t.id);
      });
      config.routes?.forEach((r, i) => {
        r.targets?.forEach((id, j) => {
          if (!ids.has(id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['routes', i, 'targets', j],
              message: `no target has id '${id}'`,
            });
          }
        });
      });
    });
  cached = schema as unknown as import('zod/v4').ZodType<SwitchyardConfig>;
  return cached;
}
