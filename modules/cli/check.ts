import { resolve } from 'node:path';
import { buildRouter, loadConfig, type SwitchyardConfig } from '../config/index.js';
import { FileKeyStore, MemoryKeyStore, VirtualKeys } from '../gateway/index.js';
import { summarize, summaryText } from './describe.js';
import type { CliIo } from './io.js';
import { explain } from './serve.js';

/**
 * Virtual keys to build with, without connecting anywhere: the key file is read (so a broken one
 * shows); keys in Redis are not looked at.
 */
function keysToCheck(config: SwitchyardConfig): { keys?: VirtualKeys } {
  const k = config.gateway?.keys;
  if (k === undefined) return {};
  try {
    return { keys: new VirtualKeys(k.store === 'file' ? new FileKeyStore(k.file) : new MemoryKeyStore()) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`config: gateway.keys: ${message.replace(/^config: /, '')}`);
  }
}

/**
 * `switchyard-llm check`: loads the config file, builds the router (adapters included: a missing
 * API key shows here) and prints what would be served. Nothing listens, nothing is called.
 * Exit code 0 when valid, 1 with the problems on stderr.
 */
export async function check(options: { readonly config: string }, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, options.config);
  try {
    const config = await loadConfig(path, io.env);
    const built = buildRouter(config, { ...keysToCheck(config) });
    try {
      const g = config.gateway ?? {};
      const scheme = g.tls ? 'https' : 'http';
      io.stdout(
        summaryText(path, summarize(config, built), `${scheme}://${g.host ?? '127.0.0.1'}:${g.port ?? 8080}`),
      );
    } finally {
      await built.close();
    }
    return 0;
  } catch (error) {
    io.stderr(`${path}: ${explain(error, 'check')}\n`);
    return 1;
  }
}
