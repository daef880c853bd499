import { readFileSync } from 'node:fs';
import { SwitchyardError } from '../../index.js';

/**
 * Reads a PEM file named by the config. An unreadable one is a `config` error naming the field
 * (its JSON path, e.g. `redis.tls.caFile`), the file and the reason, never the content.
 */
export function readPem(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SwitchyardError('config', `config: ${field}: cannot read ${file} (${code})`);
  }
}
