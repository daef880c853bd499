/**
 * A request rewrite per tenant: a middleware reads `request.metadata.tenant` and sends the call
 * to that tenant's model tier with its own system prompt and answer budget. `metadata` is never
 * sent to a provider. No API keys, no network.
 *
 * Run: npx tsx examples/middleware-tenant-rewrite.ts
 */
import { type Middleware, messageText, Router, SwitchyardError } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

interface Tenant {
  readonly tier: 'basic' | 'premium';
  readonly systemPrompt: string;
  readonly maxOutputTokens: number;
}

const tenants: Readonly<Record<string, Tenant>> = {
  acme: { tier: 'premium', systemPrompt: 'You answer for ACME Rail. Be thorough.', maxOutputTokens: 2048 },
  globex: { tier: 'basic', systemPrompt: 'You answer for Globex. Be brief.', maxOutputTokens: 256 },
};

const perTenant: Middleware = {
  name: 'per-tenant',
  transformRequest(request) {
    const id = request.metadata?.tenant;
    const tenant = typeof id === 'string' && Object.hasOwn(tenants, id) ? tenants[id] : undefined;
    if (tenant === undefined) {
      throw new SwitchyardError('invalid_request', `unknown tenant ${JSON.stringify(id)}`);
    }
    return {
      ...request,
      model: tenant.tier, // an alias: only that tier's targets are candidates
      messages: [{ role: 'system', content: tenant.systemPrompt }, ...request.messages],
      maxOutputTokens: request.maxOutputTokens ?? tenant.maxOutputTokens,
    };
  },
};

// Each mock answers with what it was sent, to show the rewrite.
const echo = new MockAdapter((request) => ({
  text: `${request.model} got system prompt ${JSON.stringify(messageText(request.messages[0]!))}, maxOutputTokens ${request.maxOutputTokens}`,
}));
const router = new Router({
  targets: [
    { id: 'small', adapter: echo, model: 'small-model', aliases: ['basic'] },
    { id: 'large', adapter: echo, model: 'large-model', aliases: ['premium'] },
  ],
  middleware: [perTenant],
});

for (const tenant of ['acme', 'globex']) {
  const res = await router.complete({
    messages: [{ role: 'user', content: 'How many tracks does the yard have?' }],
    metadata: { tenant },
  });
  console.log(`${tenant}: ${res.text}`);
}
