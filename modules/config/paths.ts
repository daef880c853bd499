import { isAbsolute, resolve } from 'node:path';
import type {
  GatewayFileConfig,
  JwtFileConfig,
  RedisFileConfig,
  RemoteJwksFileConfig,
  SwitchyardConfig,
} from './types.js';

/** `file` against `baseDir` (an absolute `file` is kept as it is). */
function at(baseDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

function remoteAt<T extends RemoteJwksFileConfig>(baseDir: string, remote: T): T {
  const { caFile } = remote;
  if (caFile === undefined) return remote;
  return {
    ...remote,
    caFile: typeof caFile === 'string' ? at(baseDir, caFile) : caFile.map((file) => at(baseDir, file)),
  };
}

function jwtAt(baseDir: string, jwt: JwtFileConfig): JwtFileConfig {
  const { jwksFile, jwks, remote } = jwt;
  return {
    ...jwt,
    ...(jwksFile !== undefined && { jwksFile: at(baseDir, jwksFile) }),
    ...(jwks !== undefined && 'url' in jwks && { jwks: remoteAt(baseDir, jwks) }),
    ...(remote !== undefined && { remote: remoteAt(baseDir, remote) }),
  };
}

function gatewayAt(baseDir: string, gateway: GatewayFileConfig): GatewayFileConfig {
  const { tls, keys, jwt } = gateway;
  return {
    ...gateway,
    ...(tls !== undefined && {
      tls: { ...tls, certFile: at(baseDir, tls.certFile), keyFile: at(baseDir, tls.keyFile) },
    }),
    ...(keys?.store === 'file' && { keys: { ...keys, file: at(baseDir, keys.file) } }),
    ...(jwt !== undefined && { jwt: jwtAt(baseDir, jwt) }),
  };
}

function redisAt(baseDir: string, redis: RedisFileConfig): RedisFileConfig {
  const { tls } = redis;
  if (tls === undefined) return redis;
  return {
    ...redis,
    tls: {
      ...tls,
      ...(tls.caFile !== undefined && { caFile: at(baseDir, tls.caFile) }),
      ...(tls.certFile !== undefined && { certFile: at(baseDir, tls.certFile) }),
      ...(tls.keyFile !== undefined && { keyFile: at(baseDir, tls.keyFile) }),
    },
  };
}

/**
 * The config with every file it names (TLS certificates and keys, the key file, the JWKS file,
 * CA files) resolved against `baseDir`, the directory of the config file: a config means the
 * same files whatever directory the process starts in (a service manager often starts it in
 * `/`). Absolute paths are kept.
 */
export function resolveConfigPaths(config: SwitchyardConfig, baseDir: string): SwitchyardConfig {
  const { gateway, redis } = config;
  return {
    ...config,
    ...(gateway !== undefined && { gateway: gatewayAt(baseDir, gateway) }),
    ...(redis !== undefined && { redis: redisAt(baseDir, redis) }),
  };
}
