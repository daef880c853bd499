import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The subprotocol the page asks for (and the server answers with). */
export const MONITOR_PROTOCOL = 'switchyard-monitor';
/** Prefix of the subprotocol that carries the token (`token.<token>`). */
export const TOKEN_PROTOCOL_PREFIX = 'token.';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares `given` with `expected` in constant time (both hashed first, so lengths do not leak). */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** The subprotocols offered in `Sec-WebSocket-Protocol`. */
export function offeredProtocols(headers: IncomingHttpHeaders): string[] {
  const raw = headers['sec-websocket-protocol'];
  if (typeof raw !== 'string') return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The token a request presents: `Authorization: Bearer …`, else the `token.…` subprotocol. */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m?.[1];
  }
  const p = offeredProtocols(headers).find((x) => x.startsWith(TOKEN_PROTOCOL_PREFIX));
  return p?.slice(TOKEN_PROTOCOL_PREFIX.length);
}

/**
 * Whether a request's `Host` and `Origin` are acceptable: the Host must name the monitor's own
 * port (on its bound host, or loopback when bound to loopback), which defeats DNS rebinding;
 * the Origin, when present (browsers always send it on WebSocket upgrades), must be
 * `http://<that Host>`, so another site's page cannot connect with a stolen or guessed token.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowedHosts: ReadonlySet<string>): boolean {
  const host = headers.host?.toLowerCase();
  if (host === undefined || !allowedHosts.has(host)) return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${host}`;
}

/** Host header values that reach a server bound to `host` on `port`. */
export function hostsFor(host: string, port: number): Set<string> {
  const hosts = new Set<string>([`${host.includes(':') ? `[${host}]` : host}:${port}`.toLowerCase()]);
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') {
    for (const h of ['127.0.0.1', 'localhost', '[::1]']) hosts.add(`${h}:${port}`);
  }
  return hosts;
}
