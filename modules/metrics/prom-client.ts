import type * as PromClient from 'prom-client';
import { requirePeer } from '../adapter-kit/peer.js';

/** The prom-client module: its classes, loaded by {@link loadPromClient}. */
export type PromClientModule = typeof PromClient;

/**
 * Loads prom-client (an optional peer dependency) when a collector is made, not when the module
 * is imported: without it, `collectMetrics` throws a `config` error that says to install it.
 */
export const loadPromClient: () => PromClientModule = requirePeer<PromClientModule>(
  'prom-client',
  'switchyard-llm/metrics',
);
