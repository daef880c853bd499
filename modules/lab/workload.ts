import { type CompletionRequest, type RandomSource, SwitchyardError } from '../../src/index.js';
import { SIMULATED_PROVIDER } from './provider.js';
import { exponential, normal } from './random.js';
import type { TokenDistribution, WorkloadCall, WorkloadSpec } from './types.js';

const DEFAULT_STREAM_SHARE = 0.25;

/** One draw of a token distribution: a whole number ≥ 1. */
export function drawTokens(dist: TokenDistribution, random: RandomSource): number {
  switch (dist.kind) {
    case 'fixed':
      return Math.max(1, Math.round(dist.value));
    case 'uniform':
      return Math.max(1, Math.round(dist.min + (dist.max - dist.min) * random()));
    case 'lognormal': {
      const raw = dist.median * Math.exp(dist.sigma * normal(random));
      return Math.max(
        1,
        Math.round(Math.min(dist.max ?? Number.POSITIVE_INFINITY, Math.max(dist.min ?? 1, raw))),
      );
    }
    case 'mix': {
      let total = 0;
      for (const part of dist.parts) total += part.weight;
      let u = random() * total;
      for (const part of dist.parts) {
        u -= part.weight;
        if (u < 0) return drawTokens(part.dist, random);
      }
      const last = dist.parts.at(-1);
      if (last === undefined) throw new SwitchyardError('config', 'workload: a mix needs at least one part');
      return drawTokens(last.dist, random);
    }
  }
}

/**
 * The calls of a workload: Poisson arrivals at `ratePerSec` over `durationMs`, each with a
 * prompt size, an output size and a stream flag drawn from `random` (the workload's own stream,
 * so that routing decisions never change the calls).
 */
export function generateWorkload(spec: WorkloadSpec, random: RandomSource): WorkloadCall[] {
  if (!(spec.ratePerSec > 0) || !Number.isFinite(spec.ratePerSec)) {
    throw new SwitchyardError(
      'config',
      `workload.ratePerSec: expected a finite number > 0, got ${spec.ratePerSec}`,
    );
  }
  if (!(spec.durationMs > 0) || !Number.isFinite(spec.durationMs)) {
    throw new SwitchyardError(
      'config',
      `workload.durationMs: expected a finite number > 0, got ${spec.durationMs}`,
    );
  }
  const sessions = spec.sessions;
  if (
    sessions !== undefined &&
    !(
      Number.isInteger(sessions.count) &&
      sessions.count > 0 &&
      Number.isInteger(sessions.prefixTokens) &&
      sessions.prefixTokens >= 0
    )
  ) {
    throw new SwitchyardError(
      'config',
      'workload.sessions: expected { count: a positive integer, prefixTokens: an integer ≥ 0 }',
    );
  }
  const streamShare = spec.streamShare ?? DEFAULT_STREAM_SHARE;
  const meanGapMs = 1000 / spec.ratePerSec;
  const calls: WorkloadCall[] = [];
  for (let at = exponential(random, meanGapMs); at < spec.durationMs; at += exponential(random, meanGapMs)) {
    const inputTokens = drawTokens(spec.inputTokens, random);
    const outputTokens = drawTokens(spec.outputTokens, random);
    const call = {
      index: calls.length,
      at,
      inputTokens,
      outputTokens,
      maxOutputTokens: maxTokensFor(outputTokens),
      stream: random() < streamShare,
    };
    // Drawn after the others and only with sessions: workloads without them keep their draws.
    if (sessions === undefined) calls.push(call);
    else {
      calls.push({
        ...call,
        inputTokens: inputTokens + sessions.prefixTokens,
        session: Math.floor(random() * sessions.count),
        prefixTokens: sessions.prefixTokens,
      });
    }
  }
  return calls;
}

/** The `maxOutputTokens` a caller would set: the next power of two ≥ the output, at least 256. */
export function maxTokensFor(outputTokens: number): number {
  let max = 256;
  while (max < outputTokens) max *= 2;
  return max;
}

let filler = 'lorem ipsum dolor sit amet, ';

/** A prompt of `tokens × 4` characters (slices of one shared string: no copy per call). */
export function promptOf(tokens: number): string {
  const chars = tokens * 4;
  while (filler.length < chars) filler += filler;
  return filler.slice(0, chars);
}

/** The router request of a workload call. */
export function requestOf(call: WorkloadCall, tags: readonly string[] | undefined): CompletionRequest {
  const request: CompletionRequest = {
    messages: [{ role: 'user', content: promptOf(call.inputTokens) }],
    maxOutputTokens: call.maxOutputTokens,
    providerOptions: { [SIMULATED_PROVIDER]: { outputTokens: call.outputTokens } },
    metadata: { simulation: { call: call.index, inputTokens: call.inputTokens } },
    tags,
  };
  if (call.session === undefined) return request;
  const sessionId = `session-${call.session}`;
  return {
    ...request,
    sessionId,
    providerOptions: {
      [SIMULATED_PROVIDER]: {
        outputTokens: call.outputTokens,
        cacheKey: sessionId,
        prefixTokens: call.prefixTokens ?? 0,
      },
    },
  };
}
