import { createRequire } from 'node:module';
import type * as zod from 'zod/v4';
import { SwitchyardError } from '../../index.js';

/** zod's v4 API (`zod/v4`, in zod 3.25+ and 4.x). */
export type Zod = typeof zod;

/** The message when zod is missing, also shown by the CLI. */
export const ZOD_MISSING = 'switchyard-llm/config needs the optional peer dependency zod: npm install zod';

let loaded: Zod | undefined;
let nodeRequire: NodeJS.Require | undefined;

/**
 * zod, loaded on first use (so `switchyard-llm/config` and the CLI load without it), or a `config`
 * error that says to install it. Through `require`, in the ESM build too (zod ships CommonJS).
 */
export function loadZod(): Zod {
  if (loaded !== undefined) return loaded;
  try {
    nodeRequire ??= createRequire(import.meta.url);
    loaded = nodeRequire('zod/v4') as Zod;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new SwitchyardError('config', ZOD_MISSING);
    }
    throw new SwitchyardError('config', 'switchyard-llm/config could not load zod', { cause: error });
  }
  return loaded;
}
