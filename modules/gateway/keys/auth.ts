import { type Clock, systemClock } from '../../../index.js';
import { type Authenticate, bearerToken, type Principal } from '../auth.js';
import { hashSecret, sameHash } from './secret.js';
import type { KeyRecord, KeyStore } from './types.js';

/** Options of {@link virtualKeyAuth}. */
export interface VirtualKeyAuthOptions {
  /** Time source for rotation grace periods. @default systemClock */
  readonly clock?: Clock;
  /**
   * Only tokens that start with this are looked up; any other is refused at once, without a
   * store lookup (a JWT tried after the keys then costs no round trip to a shared store). The
   * prefix is public, so skipping says nothing about which keys exist. {@link VirtualKeys} sets
   * `sk-sy-`, the prefix of every key it makes. @default every token is looked up
   */
  readonly prefix?: string;
}

/** Compared against when no record matched, so unknown and known keys take the same path. */
const NOBODY: KeyRecord = Object.freeze({
  id: 'key_none',
  name: '',
  hash: hashSecret('switchyard: no such key'),
  hint: '',
  createdAt: '',
  revokedAt: '',
});

const principals = new WeakMap<KeyRecord, Principal>();

/**
 * The principal of a key: `id` and `key` are the key's id, `user`, `team` and tags from its
 * metadata (plus a `team:<team>` tag, so the team reaches the usage ledger's tag dimension),
 * its models and limits. Cached per record.
 */
export function principalOf(record: KeyRecord): Principal {
  let principal = principals.get(record);
  if (principal !== undefined) return principal;
  const m = record.metadata ?? {};
  const tags = [...(m.tags ?? [])];
  if (m.team !== undefined && !tags.includes(`team:${m.team}`)) tags.push(`team:${m.team}`);
  principal = {
    id: record.id,
    key: record.id,
    ...(m.user === undefined ? {} : { user: m.user }),
    ...(m.team === undefined ? {} : { team: m.team }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(record.models === undefined ? {} : { allowedModels: record.models }),
    ...(record.rpm === undefined && record.tpm === undefined
      ? {}
      : {
          limits: {
            ...(record.rpm === undefined ? {} : { requestsPerMinute: record.rpm }),
            ...(record.tpm === undefined ? {} : { tokensPerMinute: record.tpm }),
          },
        }),
  };
  principals.set(record, principal);
  return principal;
}

/**
 * An {@link Authenticate} hook for virtual keys: the bearer token (or `x-api-key`) is hashed
 * with SHA-256, looked up by hash, and the stored hash compared with `timingSafeEqual`. An
 * unknown token is compared against a placeholder, so unknown, revoked and expired-grace keys
 * take the same steps and get the same answer (a 401 that does not say which).
 */
export function virtualKeyAuth(store: KeyStore, options: VirtualKeyAuthOptions = {}): Authenticate {
  const clock = options.clock ?? systemClock;
  const prefix = options.prefix ?? '';
  const check = (hash: string, found: KeyRecord | undefined): Principal | undefined => {
    const record = found ?? NOBODY;
    const current = sameHash(record.hash, hash);
    const previous =
      record.previous !== undefined &&
      sameHash(record.previous.hash, hash) &&
      Date.parse(record.previous.until) > clock.now();
    const active = record.revokedAt === undefined;
    return found !== undefined && active && (current || previous) ? principalOf(record) : undefined;
  };
  return (request) => {
    const token = bearerToken(request.headers);
    if (token === undefined || !token.startsWith(prefix)) return undefined;
    const hash = hashSecret(token);
    const found = store.findByHash(hash);
    if (typeof (found as PromiseLike<unknown> | undefined)?.then === 'function') {
      return Promise.resolve(found).then((record) => check(hash, record));
    }
    return check(hash, found as KeyRecord | undefined);
  };
}
