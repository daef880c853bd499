/**
 * `switchyard-llm/monitor`: a live monitor of a router in the browser. An HTTP server (loopback
 * by default) serves one self-contained page; a token-protected WebSocket pushes a snapshot at
 * most once a second (per target health, traffic, latency, errors, tokens, cost; budgets;
 * routing decisions; alerts) and events as they happen. Needs the optional peer `ws`.
 * See docs/monitor.md.
 *
 * @example
 * ```ts
 * import { createMonitor } from 'switchyard-llm/monitor';
 * const monitor = await createMonitor(router, { port: 7070, token: process.env.MONITOR_TOKEN! });
 * console.log(`open ${monitor.url}`);
 * ```
 */
export { MONITOR_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from './auth.js';
export type { MonitorEvent, MonitorLevel, RouteDecision } from './collector.js';
export { type MonitorOptions, TOKEN_PATTERN } from './options.js';
export { monitorPage } from './page.js';
export { createMonitor, type Monitor } from './server.js';
export type { BudgetUse, MonitorAlert, MonitorSnapshot, TargetSnapshot } from './snapshot.js';
