import { join } from 'node:path';
import { dataDir, envInt } from '../service-kit/env.ts';
import { webhookConfig, type WebhookConfig } from './webhooks/config.ts';

export interface CoreApiConfig {
  dataDir: string;
  host: string;
  port: number;
  /**
   * The origin clients address this API at; DPoP proofs must name it. Required behind a proxy or
   * load balancer; unset, the address the server is bound to (development).
   */
  publicOrigin: string | undefined;
  /** Where the token service answers; issuer, audience and keys are discovered from it (RFC 8414). */
  tokenServiceUrl: string;
  /** Expected `aud`; unset: the token service's advertised `tessera_audience`. */
  audience: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  adminToken: string | undefined;
  subjectRatePerSecond: number;
  subjectRateBurst: number;
  /** The partner API's limit per partner (its backend's calls). */
  partnerRatePerSecond: number;
  partnerRateBurst: number;
  /** How long to wait for the token service at start before giving up. */
  discoveryTimeoutMs: number;
  logLevel: string;
  /** Seals webhook secrets (TESSERA_KEK); unset: a development key in the data dir. */
  kek: string | undefined;
  webhooks: WebhookConfig;
}

export const DEFAULT_CORE_API_PORT = 4100;

export function coreApiConfig(
  flags: { port?: number; host?: string; dataDir?: string; tokenServiceUrl?: string } = {},
  env: Record<string, string | undefined> = process.env,
): CoreApiConfig {
  return {
    dataDir: dataDir(flags.dataDir, env),
    host: flags.host ?? env.TESSERA_HOST ?? '127.0.0.1',
    port:
      flags.port ??
      envInt(env.TESSERA_CORE_API_PORT, DEFAULT_CORE_API_PORT, 'TESSERA_CORE_API_PORT'),
    publicOrigin: publicOrigin(env.TESSERA_CORE_API_PUBLIC_URL),
    tokenServiceUrl: (
      flags.tokenServiceUrl ??
      env.TESSERA_TOKEN_SERVICE_URL ??
      'http://127.0.0.1:4000'
    ).replace(/\/$/, ''),
    audience: env.TESSERA_AUDIENCE || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    adminToken: env.TESSERA_ADMIN_TOKEN || undefined,
    subjectRatePerSecond:
      envInt(env.TESSERA_CORE_RATE_PER_SECOND, 20, 'TESSERA_CORE_RATE_PER_SECOND') || 20,
    subjectRateBurst: envInt(env.TESSERA_CORE_RATE_BURST, 60, 'TESSERA_CORE_RATE_BURST') || 60,
    partnerRatePerSecond:
      envInt(env.TESSERA_PARTNER_API_RATE_PER_SECOND, 100, 'TESSERA_PARTNER_API_RATE_PER_SECOND') ||
      100,
    partnerRateBurst:
      envInt(env.TESSERA_PARTNER_API_RATE_BURST, 200, 'TESSERA_PARTNER_API_RATE_BURST') || 200,
    discoveryTimeoutMs: envInt(
      env.TESSERA_DISCOVERY_TIMEOUT_MS,
      30_000,
      'TESSERA_DISCOVERY_TIMEOUT_MS',
    ),
    logLevel: env.TESSERA_LOG_LEVEL ?? 'info',
    kek: env.TESSERA_KEK || undefined,
    webhooks: webhookConfig(env),
  };
}

function publicOrigin(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `TESSERA_CORE_API_PUBLIC_URL must be an absolute URL, not ${JSON.stringify(value)}.`,
    );
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search ||
    url.hash
  )
    throw new Error(
      `TESSERA_CORE_API_PUBLIC_URL must be an origin (scheme, host, port; no path), not ${JSON.stringify(value)}.`,
    );
  return url.origin;
}

/** The core API's corner of the data dir: its own embedded database (one process each). */
export const coreStateDir = (root: string) => join(root, 'core-api');
