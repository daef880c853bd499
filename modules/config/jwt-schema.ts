import { JWT_ALGORITHMS } from '../gateway/index.js';
import type { Zod } from './zod.js';

const DAY = 86_400_000;
const SOURCES = ['jwksFile', 'jwks', 'jwksUrl'] as const;
const ALGORITHMS = new Set<string>(JWT_ALGORITHMS);

/**
 * The zod schema of `gateway.jwt`: the options of the gateway's `jwtAuth` that JSON can hold,
 * with its ranges. Which algorithms, how many key sources and where the remote settings go are
 * checked here (each problem at its path); what only `jwtAuth` knows (a JWKS file's content, a
 * URL's scheme and host, a JWK's members) is checked when it is built, naming the path too.
 */
export function jwtSchema(z: Zod) {
  const name = z.string().min(1);
  const ms = (max: number) => z.number().int().min(0).max(max);
  const strings = z.union(
    [
      z.string().refine((s) => s.trim() !== '', 'expected a non-empty string'),
      z.array(z.string().refine((s) => s.trim() !== '', 'expected a non-empty string')).min(1),
    ],
    { error: 'expected a non-empty string or a non-empty array of them' },
  );
  // An algorithm name is not a secret, but only known shapes are quoted back.
  const algorithm = z.string().superRefine((alg, ctx) => {
    if (/^HS\d+$/i.test(alg)) {
      ctx.addIssue({
        code: 'custom',
        message: `${alg.toUpperCase()} is a symmetric (HMAC) algorithm: refused (verification uses public keys only, and it would allow HS/RS confusion)`,
      });
    } else if (!ALGORITHMS.has(alg)) {
      ctx.addIssue({ code: 'custom', message: `expected one of ${JWT_ALGORITHMS.join(', ')}` });
    }
  });
  const remote = {
    timeoutMs: ms(60_000).optional(),
    cooldownMs: ms(DAY).optional(),
    cacheMaxAgeMs: ms(30 * DAY).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    caFile: z.union([name, z.array(name).min(1)]).optional(),
  };
  const url = z.url({ protocol: /^https?$/, error: 'expected an https: URL' });
  const keySet = z.strictObject({ keys: z.array(z.looseObject({ kty: name })) });
  const remoteJwks = z.strictObject({ url, ...remote });
  // `{ url, … }` is a remote JWKS, anything else a key set: one schema's problems, not a union's.
  const jwks = z.unknown().superRefine((value, ctx) => {
    const isRemote = typeof value === 'object' && value !== null && 'url' in value;
    const result = (isRemote ? remoteJwks : keySet).safeParse(value);
    for (const issue of result.success ? [] : result.error.issues) ctx.addIssue(issue as never);
  });

  return z
    .strictObject({
      jwksFile: name.optional(),
      jwks: jwks.optional(),
      jwksUrl: url.optional(),
      remote: z.strictObject(remote).optional(),
      issuer: strings,
      audience: strings,
      algorithms: z.array(algorithm).min(1).optional(),
      clockSkewMs: ms(300_000).optional(),
      maxTokenAgeMs: z
        .number()
        .int()
        .min(1)
        .max(365 * DAY)
        .optional(),
      cacheSize: ms(1_000_000).optional(),
    })
    .superRefine((jwt, ctx) => {
      const given = SOURCES.filter((s) => jwt[s] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: given.length === 0 ? [] : [given[1]!],
          message: `give exactly one key source: ${SOURCES.join(', ')}`,
        });
      }
      if (jwt.remote !== undefined && jwt.jwksUrl === undefined) {
        const remoteJwksGiven = typeof jwt.jwks === 'object' && jwt.jwks !== null && 'url' in jwt.jwks;
        ctx.addIssue({
          code: 'custom',
          path: ['remote'],
          message: remoteJwksGiven
            ? 'give the remote settings in one place (jwks: { url, … })'
            : 'only with jwksUrl',
        });
      }
    });
}
