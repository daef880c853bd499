import { resolve } from 'node:path';
import { buildRouter, loadConfig } from '../config/index.js';
import { summarize, summaryText } from './describe.js';
import type { CliIo } from './io.js';
import { explain } from './serve.js';

/**
 * `switchyard-llm check`: loads the config file, builds the router (adapters included: a missing
 * API key shows here) and prints what would be served. Nothing listens, nothing is called.
 * Exit code 0 when valid, 1 with the problems on stderr.
 */
export async function check(options: { readonly config: string }, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, options.config);
  try {
    const config = await loadConfig(path, io.env);
    const built = buildRouter(config);
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
