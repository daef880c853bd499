/**
 * The system under load: `createGateway` in front of a real `Router` whose one target is the
 * OpenAI adapter pointed at the mock upstream (`baseURL`), with the router's default retry and
 * breaker settings. Used in-process by the CI smoke test and in its own process by `npm run loadtest`.
 */
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { Router, type RouterOptions } from '../../index.js';
import { createGateway, type Gateway } from '../../modules/gateway/index.js';
import { API_KEY, MODEL } from './protocol.js';

/** A started gateway and its router. */
export interface GatewayStack {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly gateway: Gateway;
  readonly router: Router;
  close(): Promise<void>;
}

/**
 * Starts the gateway on 127.0.0.1:`port` (0: a free port) in front of `upstreamOrigin`.
 * `viaSdk`: the adapter sends through the `openai` SDK's own request path (SDK logging at `error`
 * keeps it off its direct path), for same-run comparisons. `routerOptions` are added to the router's
 * (its targets excepted).
 */
export async function startGatewayStack(
  upstreamOrigin: string,
  port = 0,
  viaSdk = false,
  routerOptions: Partial<RouterOptions> = {},
): Promise<GatewayStack> {
  const router = new Router({
    ...routerOptions,
    targets: [
      {
        id: 'mock',
        model: MODEL,
        adapter: new OpenAIAdapter({
          baseURL: `${upstreamOrigin}/v1`,
          apiKey: API_KEY,
          ...(viaSdk ? { logLevel: 'error' as const } : {}),
        }),
      },
    ],
  });
  const gateway = createGateway(router, { host: '127.0.0.1', port });
  const { url } = await gateway.start();
  return {
    origin: url,
    gateway,
    router,
    async close() {
      await gateway.stop();
      await router.close();
    },
  };
}
