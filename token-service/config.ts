import { join } from 'node:path';
import { dataDir, envInt } from '../service-kit/env.ts';
import type { SigningAlg } from './keys.ts';

export interface TokenServiceConfig {
  dataDir: string;
  host: string;
  port: number;
  /** Unset: the service's own URL once it listens (so `--port 0` still yields a reachable issuer). */
  issuer: string | undefined;
  audience: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  kek: string | undefined;
  adminToken: string | undefined;
  alg: SigningAlg;
  publishWindowSec: number;
  /** Automatic rotation once the active key is this old; 0 turns the schedule off. */
  rotationIntervalSec: number;
  /** How often an instance rereads the signing keys, to see rotations made elsewhere. */
  keyReloadMs: number;
  revocationsMaxAgeSec: number;
  logLevel: string;
}

export const DEFAULT_TOKEN_SERVICE_PORT = 4000;

/** Configuration from flags, then the environment, then defaults. */
export function tokenServiceConfig(
  flags: { port?: number; host?: string; dataDir?: string } = {},
  env = process.env,
): TokenServiceConfig {
  const port = flags.port ?? envInt(env.PORT, DEFAULT_TOKEN_SERVICE_PORT, 'PORT');
  const host = flags.host ?? env.TESSERA_HOST ?? '127.0.0.1';
  const alg = env.TESSERA_SIGNING_ALG ?? 'ES256';
  if (alg !== 'ES256' && alg !== 'EdDSA')
    throw new Error(`TESSERA_SIGNING_ALG must be ES256 or EdDSA, got "${alg}".`);
  return {
    dataDir: dataDir(flags.dataDir, env),
    host,
    port,
    issuer: env.TESSERA_ISSUER?.replace(/\/$/, '') || undefined,
    audience: env.TESSERA_AUDIENCE ?? 'tessera-core-api',
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    kek: env.TESSERA_KEK || undefined,
    adminToken: env.TESSERA_ADMIN_TOKEN || undefined,
    alg,
    publishWindowSec: envInt(env.TESSERA_KEY_PUBLISH_SECONDS, 3600, 'TESSERA_KEY_PUBLISH_SECONDS'),
    rotationIntervalSec: envInt(
      env.TESSERA_KEY_ROTATION_SECONDS,
      30 * 24 * 3600,
      'TESSERA_KEY_ROTATION_SECONDS',
    ),
    keyReloadMs: envInt(env.TESSERA_KEY_RELOAD_MS, 10_000, 'TESSERA_KEY_RELOAD_MS'),
    revocationsMaxAgeSec: envInt(
      env.TESSERA_REVOCATIONS_MAX_AGE_SECONDS,
      30,
      'TESSERA_REVOCATIONS_MAX_AGE_SECONDS',
    ),
    logLevel: env.TESSERA_LOG_LEVEL ?? 'info',
  };
}

/** The token service's own corner of the data dir: its database, lock, dev secrets. */
export function stateDir(root: string): string {
  return join(root, 'token-service');
}
