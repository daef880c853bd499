import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { AuditLog, auditRouter, verifyAuditLog } from './index.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keys-audit-router-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }], maxOutputTokens: 1 });
const entries = () =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });

describe('auditRouter', () => {
  it('records budget refusals, auth failures and ejections, and no prompt text', async () => {
    const clock = new VirtualClock();
    const log = AuditLog.open({ path, now: () => clock.now() });
    const refused = new MockAdapter(() => ({ error: { status: 401, message: 'invalid key' } }));
    const ok = new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 0, outputTokens: 1 } }));
    const router = new Router({
      targets: [
        { id: 'bad', adapter: refused, model: 'm', price: { inputPerMTok: 0, outputPerMTok: 1_000_000 } },
        { id: 'good', adapter: ok, model: 'm', price: { inputPerMTok: 0, outputPerMTok: 1_000_000 } },
      ],
      strategy: 'priority',
      breaker: { failureThreshold: 1, cooldownMs: 60_000 },
      budgets: [{ limitUsd: 1, period: 'total' }],
      clock,
    });
    const stop = auditRouter(log, router);
    await clock.run(router.complete(ask('SECRET-PROMPT one')));
    await clock.run(router.complete(ask('SECRET-PROMPT two'))).catch((e: { kind: string }) => e.kind);
    stop();
    await clock.run(router.complete(ask('after stop'))).catch(() => undefined);
    await router.close();
    log.close();
    const seen = entries();
    const types = seen.map((e) => e.type);
    expect(types).toContain('auth.failure');
    expect(types).toContain('breaker.ejected');
    expect(types.filter((t) => t === 'budget.exceeded').length).toBeGreaterThanOrEqual(1);
    expect(seen.find((e) => e.type === 'auth.failure')?.data).toMatchObject({ target: 'bad', status: 401 });
    expect(seen.find((e) => e.type === 'breaker.ejected')?.data).toMatchObject({
      target: 'bad',
      errorKind: 'auth',
    });
    expect(seen.find((e) => e.type === 'budget.exceeded')?.data).toMatchObject({ limitUsd: 1 });
    expect(readFileSync(path, 'utf8')).not.toContain('SECRET-PROMPT');
    expect(readFileSync(path, 'utf8')).not.toContain('after stop');
    expect(verifyAuditLog(path).ok).toBe(true);
    const count = seen.length;
    // Nothing recorded after stop().
    expect(entries()).toHaveLength(count);
  });

  it('sends its own failures to onError, never into the call', async () => {
    const clock = new VirtualClock();
    const log = AuditLog.open({ path });
    log.close(); // every record() now throws
    const errors: unknown[] = [];
    const router = new Router({
      targets: [{ id: 'bad', adapter: new MockAdapter(() => ({ error: { status: 403 } })), model: 'm' }],
      breaker: { failureThreshold: 1 },
      clock,
    });
    auditRouter(log, router, { onError: (e) => errors.push(e) });
    const kind = await clock.run(router.complete(ask('x'))).catch((e: { kind: string }) => e.kind);
    await router.close();
    expect(kind).toBe('auth');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(String(errors[0])).toMatch(/closed/);
  });
});
