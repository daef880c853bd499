import type { z } from 'zod';

/** `['targets', 1, 'weight']` → `targets[1].weight`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per issue: `path: expected …`. */
export function formatIssues(error: z.ZodError, root?: string): string {
  return error.issues
    .map((issue) => {
      const path = formatPath(issue.path);
      const where = root ? (path ? `${root}.${path}` : root) : path || '(root)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
