import type { z } from 'zod/v4';
import { configError } from './config-error.js';

/** `a.b[2].c` from a zod issue path under `prefix`. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(options)' : out;
}

/**
 * `value` parsed by `schema`; throws a `config` SwitchyardError naming the first bad field
 * (`prefix` + the issue's path) otherwise. The value itself is never quoted (it may be a secret).
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw configError(prefix || '(options)', 'invalid');
  let path: readonly PropertyKey[] = issue.path;
  let message = issue.message;
  // An unknown key: name it in the path.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path = [...issue.path, issue.keys[0] as string];
    message = 'unknown option';
  }
  throw configError(fieldPath(prefix, path), message);
}
