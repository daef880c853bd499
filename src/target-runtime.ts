import { TargetLatency } from './reliability/latency-quantile.js';
import { rateLimitState } from './routing/rate-limit-headroom.js';
import type { QuotaStateHandle, TargetStateHandle } from './state/store.js';
import type { Adapter, AdapterCapabilities, Price } from './types/adapter.js';
import type { Clock } from './types/clock.js';
import type { RateLimitInfo, RateLimitState } from './types/rate-limit.js';
import type { TargetConfig, TargetView } from './types/target.js';

/**
 * A target as the router runs it: the {@link TargetView} that strategies see, plus the adapter
 * and the handle on its protective state. One per configured target, built once. Only the
 * {@link TargetGate} changes `inFlight`.
 */
export class TargetRuntime implements TargetView {
  readonly id: string;
  readonly index: number;
  readonly model: string;
  readonly provider: string;
  readonly weight: number;
  readonly priority: number;
  inFlight = 0;
  readonly price: Price | undefined;
  readonly contextWindow: number | undefined;
  readonly capabilities: AdapterCapabilities;
  readonly config: TargetConfig;
  readonly adapter: Adapter;
  readonly state: TargetStateHandle;
  readonly maxConcurrency: number;
  readonly requestsPerMinute: number;
  /** Tokens per rolling minute (0: unlimited) and the window that counts them. */
  readonly tokensPerMinute: number;
  readonly tokenQuota: QuotaStateHandle | undefined;
  rateLimit: RateLimitState | undefined = undefined;
  /** Learned latencies for `'p95'` hedge delays; made when a hedge configuration needs them. */
  latency: TargetLatency | undefined = undefined;
  /** Given to the adapter on each attempt (built once per target): records the reported headroom. */
  readonly reportRateLimit: (info: RateLimitInfo) => void;

  constructor(
    config: TargetConfig,
    index: number,
    state: TargetStateHandle,
    clock: Clock,
    tokenQuota?: QuotaStateHandle,
  ) {
    this.id = config.id;
    this.index = index;
    this.model = config.model;
    this.adapter = config.adapter;
    this.provider = config.adapter.provider ?? 'custom';
    this.weight = config.weight ?? 1;
    this.priority = config.priority ?? index;
    this.price = config.price ?? config.adapter.priceFor?.(config.model);
    this.capabilities = config.adapter.capabilities;
    this.contextWindow = config.contextWindow ?? config.adapter.capabilities.contextWindow;
    this.config = config;
    this.state = state;
    this.maxConcurrency = config.maxConcurrency ?? Number.POSITIVE_INFINITY;
    this.requestsPerMinute = config.requestsPerMinute ?? 0;
    this.tokensPerMinute = config.tokensPerMinute ?? 0;
    this.tokenQuota = this.tokensPerMinute > 0 ? tokenQuota : undefined;
    this.reportRateLimit = (info) => {
      this.rateLimit = rateLimitState(info, clock.now());
    };
  }

  /** Starts learning this target's latencies (for `'p95'` hedge delays), also into `pool`; idempotent. */
  learnLatency(pool: TargetLatency): void {
    this.latency ??= new TargetLatency(pool);
  }
}
