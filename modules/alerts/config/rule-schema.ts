import { z } from 'zod/v4';
import type { AlertRule } from '../rules/rule-config.js';

const ms = z.number().finite().positive();
const nonNegMs = z.number().finite().nonnegative();
const ratio = z.number().finite().gt(0).lte(1);
const name = z.string().min(1).max(200);

const base = {
  name,
  severity: z.enum(['critical', 'warning', 'info']),
  forMs: nonNegMs.optional(),
  keepFiringForMs: nonNegMs.optional(),
  sinks: z.array(z.string().min(1)).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  summary: z.string().min(1).max(1000).optional(),
  links: z.array(z.strictObject({ title: z.string().min(1), url: z.url() })).optional(),
};

const countScope = z.enum(['target', 'alias', 'all']);
const ledgerScope = z.enum(['target', 'alias']);

const ratioRule = <T extends string>(type: T) =>
  z
    .strictObject({
      ...base,
      type: z.literal(type),
      scope: countScope.optional(),
      windowMs: ms,
      threshold: ratio,
      clearThreshold: z.number().finite().nonnegative().optional(),
      minCalls: z.number().int().positive().optional(),
    })
    .refine((r) => r.clearThreshold === undefined || r.clearThreshold <= r.threshold, {
      message: 'must not be above threshold',
      path: ['clearThreshold'],
    });

/** Schema of one {@link AlertRule}. */
export const ruleSchema: z.ZodType<AlertRule> = z.discriminatedUnion('type', [
  ratioRule('error_rate'),
  ratioRule('rate_limit_share'),
  ratioRule('fallback_rate'),
  z.strictObject({
    ...base,
    type: z.literal('no_success'),
    scope: countScope.optional(),
    windowMs: ms,
    minCalls: z.number().int().positive().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('latency_p95'),
    scope: ledgerScope.optional(),
    windowMs: ms,
    objectiveMs: ms,
    clearObjectiveMs: ms.optional(),
    minCalls: z.number().int().positive().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('burn_rate'),
    scope: ledgerScope.optional(),
    availability: z.number().gt(0).lt(1),
    windows: z
      .array(z.strictObject({ longMs: ms, shortMs: ms, threshold: z.number().finite().positive() }))
      .min(1)
      .optional(),
  }),
  z.strictObject({ ...base, type: z.literal('target_ejected'), targets: z.array(name).optional() }),
  z.strictObject({ ...base, type: z.literal('alias_unavailable'), aliases: z.array(name).optional() }),
  z.strictObject({
    ...base,
    type: z.literal('budget'),
    threshold: z.number().finite().positive(),
    budgets: z.array(name).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('cost_per_hour'),
    limitUsd: z.number().finite().positive(),
    clearLimitUsd: z.number().finite().nonnegative().optional(),
    by: z.enum(['target', 'alias', 'model', 'provider', 'tag']).optional(),
  }),
]) as z.ZodType<AlertRule>;
