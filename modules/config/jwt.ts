import { isSwitchyardError, SwitchyardError } from '../../index.js';
import { optionalPeer } from '../adapter-kit/index.js';
import {
  type JwtAuthenticate,
  type JwtAuthOptions,
  jwtAuth,
  type RemoteJwksOptions,
} from '../gateway/index.js';
import { readPem } from './pem.js';
import type { JwtFileConfig, RemoteJwksFileConfig } from './types.js';

/** The remote settings with the CA files read (`field`: where they stand, for errors). */
function remoteOf(r: RemoteJwksFileConfig, field: string): RemoteJwksOptions {
  const { caFile, ...settings } = r;
  if (caFile === undefined) return settings;
  const ca =
    typeof caFile === 'string'
      ? [readPem(caFile, `${field}.caFile`)]
      : caFile.map((file, i) => readPem(file, `${field}.caFile[${i}]`));
  return { ...settings, ca };
}

/**
 * The `jwtAuth` options of the `gateway.jwt` section: the same options, with the CA files of a
 * remote JWKS read (an unreadable one is a `config` error naming its path).
 */
export function jwtAuthOptions(c: JwtFileConfig): JwtAuthOptions {
  const { jwks, remote, ...rest } = c;
  const options: JwtAuthOptions = rest;
  if (jwks !== undefined && 'url' in jwks) {
    const { url, ...settings } = jwks;
    return { ...options, jwks: { url, ...remoteOf(settings, 'gateway.jwt.jwks') } };
  }
  return {
    ...options,
    ...(jwks !== undefined && { jwks }),
    ...(remote !== undefined && { remote: remoteOf(remote, 'gateway.jwt.remote') }),
  };
}

/**
 * The JWT `Authenticate` hook of the `gateway.jwt` section (`jwtAuth`: a JWKS file is read now).
 * @throws {SwitchyardError} `config` naming the path (`config: gateway.jwt.jwksFile: …`).
 */
export function jwtAuthOf(c: JwtFileConfig, onError?: (error: unknown) => void): JwtAuthenticate {
  try {
    return jwtAuth({ ...jwtAuthOptions(c), ...(onError !== undefined && { onError }) });
  } catch (error) {
    if (isSwitchyardError(error) && error.message.startsWith('config: gateway.jwt')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SwitchyardError('config', `config: gateway.jwt.${message.replace(/^jwtAuth: /, '')}`, {
      cause: error,
    });
  }
}

const loadJose = optionalPeer<unknown>({
  packageName: 'jose',
  neededBy: 'config: gateway.jwt',
  load: () => import('jose'),
});

/**
 * Loads `jose` now (`jwtAuth` loads it on the first token), so that a server without it fails at
 * start with how to install it rather than refusing every token.
 * @throws {SwitchyardError} `config`: `config: gateway.jwt needs the optional peer dependency jose: npm install jose`.
 */
export async function checkJose(): Promise<void> {
  await loadJose();
}
