import { SwitchyardError } from '../../index.js';

/** Environment variables, as `process.env` has them. */
export type Env = Readonly<Record<string, string | undefined>>;

const PATTERN = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `a.b[2].c` for a JSON path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function substitute(text: string, env: Env, path: readonly PropertyKey[]): string {
  if (!text.includes('${')) return text;
  return text.replace(PATTERN, (whole, name: string | undefined) => {
    if (whole === '$${') return '${';
    if (name === undefined || !NAME.test(name)) {
      throw new SwitchyardError(
        'config',
        `config: ${jsonPath(path)}: "\${…}" must name an environment variable (letters, digits, _); write "$\${" for a literal "\${"`,
      );
    }
    const value = env[name];
    if (value === undefined) {
      throw new SwitchyardError(
        'config',
        `config: ${jsonPath(path)}: the environment variable ${name} is not set`,
      );
    }
    return value;
  });
}

/**
 * A copy of a parsed JSON value in which every `${NAME}` inside a string is replaced by the
 * environment variable `NAME` (`$${` is a literal `${`). Only string values are substituted,
 * never keys. A variable that is not set is a `config` error naming the JSON path and the
 * variable; values never appear in errors.
 */
export function substituteEnv(value: unknown, env: Env, path: PropertyKey[] = []): unknown {
  if (typeof value === 'string') return substitute(value, env, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a `__proto__` key stays a plain key (and is then reported as unknown).
      Object.defineProperty(out, key, {
        value: substituteEnv(item, env, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
