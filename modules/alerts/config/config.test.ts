import { afterEach, describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../index.js';
import { VirtualClock } from '../../../src/testing/index.js';
import { AlertManager, type AlertManagerOptions, slackSink } from '../index.js';

const managers: AlertManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
});

function build(options: unknown): AlertManager {
  const m = new AlertManager({ clock: new VirtualClock(0), ...(options as AlertManagerOptions) });
  managers.push(m);
  return m;
}

function configErrorOf(options: unknown): SwitchyardError {
  try {
    build(options);
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).kind).toBe('config');
    return error as SwitchyardError;
  }
  throw new Error('expected a config error');
}

const rule = { name: 'r', type: 'error_rate', severity: 'warning', windowMs: 60_000, threshold: 0.1 };

describe('alerts config', () => {
  it.each([
    [{ rules: [{ ...rule, threshold: 2 }] }, 'rules[0].threshold'],
    [{ rules: [rule, { ...rule, windowMs: -1 }] }, 'rules[1].windowMs'],
    [{ rules: [{ ...rule, severity: 'page' }] }, 'rules[0].severity'],
    [{ rules: [{ ...rule, type: 'nope' }] }, 'rules[0].type'],
    [{ rules: [{ ...rule, treshold: 0.2 }] }, 'rules[0].treshold'],
    [{ rules: [{ ...rule, clearThreshold: 0.5 }] }, 'rules[0].clearThreshold'],
    [{ rules: [rule, rule] }, 'rules[1].name'],
    [{ rules: [{ ...rule, sinks: ['missing'] }] }, 'rules[0].sinks[0]'],
    [
      { rules: [{ name: 'p95', type: 'latency_p95', severity: 'info', windowMs: 1, objectiveMs: 1 }] },
      'rules[0].type',
    ],
    [{ rules: [{ ...rule, links: [{ title: 'x', url: 'not a url' }] }] }, 'rules[0].links[0].url'],
    [{ rules: [], routes: { critical: ['nope'] } }, 'routes.critical[0]'],
    [{ rules: [], intervalMs: 0 }, 'intervalMs'],
    [{ rules: [], hysteresis: 1.5 }, 'hysteresis'],
    [{ rules: [], delivery: { timeoutMs: -5 } }, 'delivery.timeoutMs'],
    [{ rules: [], sinks: { s: { type: 'slack', webhookUrl: 'nope' } } }, 'sinks.s.webhookUrl'],
    [{ rules: [], sinks: { s: { type: 'carrier-pigeon' } } }, 'sinks.s.type'],
    [
      {
        rules: [],
        sinks: { s: { type: 'sms', accountSid: 'AC1', authToken: 't', from: '+1555', to: ['bob'] } },
      },
      'sinks.s.to[0]',
    ],
    [
      { rules: [], sinks: { s: { type: 'webhook', url: 'http://x.test', secret: 'short' } } },
      'sinks.s.secret',
    ],
    [
      { rules: [], sinks: { s: { type: 'pagerduty', routingKey: 'k', delivery: { queueSize: 0 } } } },
      'sinks.s.delivery.queueSize',
    ],
    [{ rules: [], sinks: { s: { type: 'email', host: 'h', from: 'a@b', to: [] } } }, 'sinks.s.to'],
    [{ rules: [], color: 'red' }, 'color'],
  ])('names the bad field: %#', (options, field) => {
    const error = configErrorOf(options);
    expect(error.message).toContain(`alerts: ${field}:`);
  });

  it('never quotes a secret value in a config error', () => {
    const secret = 'https://hooks.slack.example/T000/B000/CANARY-SECRET-123';
    const error = configErrorOf({ rules: [], sinks: { s: { type: 'slack', webhookUrl: secret, extra: 1 } } });
    expect(error.message).not.toContain('CANARY');
    expect(() => slackSink({ webhookUrl: 'CANARY-not-a-url' })).toThrow(/slack.webhookUrl/);
    try {
      slackSink({ webhookUrl: 'CANARY-not-a-url' });
    } catch (e) {
      expect((e as Error).message).not.toContain('CANARY');
    }
  });

  it('accepts a JSON configuration (rules, sinks by type, routes, delivery)', () => {
    const json = JSON.stringify({
      rules: [
        rule,
        { name: 'down', type: 'alias_unavailable', severity: 'critical', sinks: ['pager'] },
        { name: 'budget', type: 'budget', severity: 'info', threshold: 0.8 },
      ],
      sinks: {
        pager: { type: 'pagerduty', routingKey: 'R0UTING', delivery: { maxRetries: 5 } },
        chat: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/X' },
        hook: { type: 'webhook', url: 'https://example.com/hook', secret: '0123456789abcdef' },
      },
      routes: { critical: ['pager', 'chat'], warning: ['chat'], info: ['hook'] },
      groupWindowMs: 5000,
    });
    const m = build(JSON.parse(json));
    expect(m.alerts()).toEqual([]);
  });
});
