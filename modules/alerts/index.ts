/**
 * `switchyard-llm/alerts`: alert rules over a router's events and the usage ledger (error rate,
 * p95 latency, SLO burn rate, ejections, no success, budgets, cost per hour, fallback rate, 429
 * share), an Alertmanager-like lifecycle (pending/firing/resolved, grouping, repeat,
 * inhibition, silences), and six sinks (email, Slack, Teams, webhook, PagerDuty, SMS) with
 * per-sink queues, retries and breakers. Needs the optional peer `zod` (and `nodemailer` for
 * email). See docs/alerts.md.
 *
 * @example
 * ```ts
 * import { AlertManager, slackSink } from 'switchyard-llm/alerts';
 * const alerts = new AlertManager({
 *   rules: [{ name: 'errors', type: 'error_rate', severity: 'warning', windowMs: 300_000, threshold: 0.1 }],
 *   sinks: { slack: slackSink({ webhookUrl: process.env.SLACK_WEBHOOK_URL! }) },
 * });
 * alerts.attach(router);
 * ```
 */
export type { AlertManagerOptions } from './config/options.js';
export { DEFAULT_DELIVERY, type DeliveryOptions } from './delivery/options.js';
export {
  type DeliveryErrorInfo,
  type DeliveryErrorKind,
  parseRetryAfter,
  SinkError,
} from './delivery/sink-error.js';
export type { AlertEventName, AlertEvents, DeliveryEventBase } from './events.js';
export { fingerprint } from './lifecycle/fingerprint.js';
export { DEFAULT_INHIBITIONS, type InhibitRule } from './lifecycle/inhibition.js';
export type { Silence, SilenceOptions } from './lifecycle/silences.js';
export { AlertManager } from './manager.js';
export type { BudgetThresholdEvent } from './rules/budget-book.js';
export type {
  AlertRule,
  AliasUnavailableRule,
  BudgetRule,
  BurnRateRule,
  BurnRateWindow,
  CostPerHourRule,
  CountScope,
  ErrorRateRule,
  FallbackRateRule,
  LatencyP95Rule,
  NoSuccessRule,
  RateLimitShareRule,
  RuleBase,
  TargetEjectedRule,
} from './rules/rule-config.js';
export { type EmailSinkOptions, emailHtml, emailSink } from './sinks/email.js';
export type { SinkConfig, SinkWithDelivery } from './sinks/from-config.js';
export {
  PAGERDUTY_SEVERITY,
  type PagerDutySinkOptions,
  pagerDutyEvent,
  pagerDutySink,
} from './sinks/pagerduty.js';
export { type SlackSinkOptions, slackPayload, slackSink } from './sinks/slack.js';
export { type SmsSinkOptions, smsBody, smsSink } from './sinks/sms.js';
export { fitSms, type SmsLength, smsLength } from './sinks/sms-text.js';
export { type TeamsSinkOptions, teamsPayload, teamsSink } from './sinks/teams.js';
export {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
  type WebhookSinkOptions,
  type WebhookVerification,
  webhookBody,
  webhookSink,
} from './sinks/webhook.js';
export type { Alert, AlertLink, AlertSink, AlertState, Labels, Notification, Severity } from './types.js';
export { SEVERITIES } from './types.js';
