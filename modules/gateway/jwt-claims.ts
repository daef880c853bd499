import type { Principal, PrincipalLimits } from './auth.js';
import type { JwtClaims } from './jwt-options.js';

/**
 * The claims the default mapping ({@link principalFromClaims}) reads, besides `sub`:
 * `team` (string), `models` (array of aliases/models), `rpm` and `tpm` (requests and tokens per
 * rolling minute, non-negative integers) and `tags` (array of strings).
 */
export const JWT_CLAIMS = {
  team: 'team',
  models: 'models',
  requestsPerMinute: 'rpm',
  tokensPerMinute: 'tpm',
  tags: 'tags',
} as const;

/** A claim of the wrong type: the token is refused (401, reason `bad_claims`). */
export class BadClaimError extends Error {
  constructor(readonly claim: string) {
    super(`jwt: the claim ${claim} has the wrong type`);
  }
}

function stringList(claims: JwtClaims, name: string): string[] | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new BadClaimError(name);
  }
  return value as string[];
}

function count(claims: JwtClaims, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new BadClaimError(name);
  return value;
}

/**
 * The default claims → {@link Principal} mapping of `jwtAuth`: `sub` is the principal's `id` and
 * `user`; `team`, `models` (→ `allowedModels`), `rpm`/`tpm` (→ `limits`) and `tags` are read when
 * present (see {@link JWT_CLAIMS}). A claim of the wrong type refuses the token. Call it from
 * your own mapping to extend it.
 *
 * @example
 * ```ts
 * jwtAuth({ …, principal: (claims) => ({ ...principalFromClaims(claims), key: String(claims.azp) }) });
 * ```
 */
export function principalFromClaims(claims: JwtClaims): Principal {
  const team = claims[JWT_CLAIMS.team];
  if (team !== undefined && (typeof team !== 'string' || team === '')) throw new BadClaimError('team');
  const allowedModels = stringList(claims, JWT_CLAIMS.models);
  const tags = stringList(claims, JWT_CLAIMS.tags);
  const rpm = count(claims, JWT_CLAIMS.requestsPerMinute);
  const tpm = count(claims, JWT_CLAIMS.tokensPerMinute);
  const limits: PrincipalLimits | undefined =
    rpm === undefined && tpm === undefined
      ? undefined
      : {
          ...(rpm === undefined ? {} : { requestsPerMinute: rpm }),
          ...(tpm === undefined ? {} : { tokensPerMinute: tpm }),
        };
  return {
    id: claims.sub,
    user: claims.sub,
    ...(team === undefined ? {} : { team }),
    ...(allowedModels === undefined ? {} : { allowedModels }),
    ...(tags === undefined ? {} : { tags }),
    ...(limits === undefined ? {} : { limits }),
  };
}
