import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { PartnerId } from '../contracts/index.ts';
import { bearer, isAdmin } from '../service-kit/http/auth.ts';
import { readJson } from '../service-kit/http/body.ts';
import { sendError } from '../service-kit/http/errors.ts';
import {
  createHttpMetrics,
  instrument,
  type CommonVariables,
} from '../service-kit/http/instrument.ts';
import { boundUrl, closeServer, listen } from '../service-kit/http/listen.ts';
import { Kek } from '../service-kit/kek.ts';
import { removeAdvert, writeAdvert } from '../service-kit/lock.ts';
import { createLogger, type Logger } from '../service-kit/log.ts';
import { PartnerRateLimiter } from '../service-kit/rate-limit.ts';
import { connectRedis, type Redis } from '../service-kit/redis.ts';
import { loadAdminToken } from '../service-kit/stack.ts';
import {
  KeySet,
  RevocationList,
  createPartnerVerifier,
  createVerifier,
  type Verifier,
} from '../verify/index.ts';
import { coreStateDir, type CoreApiConfig } from './config.ts';
import { discover } from './discovery.ts';
import { createCoreApp } from './http/app.ts';
import { seedDemo } from './seed.ts';
import { coreAdvertPath, openCoreApiStore } from './state.ts';
import type { CoreStore } from './store/types.ts';
import type { WebhookDeps } from './webhooks/endpoints.ts';
import { createWebhookMetrics } from './webhooks/metrics.ts';
import { WebhookWorker } from './webhooks/worker.ts';

export const CORE_API_SERVICE_NAME = 'core-api';

export const IDEMPOTENCY_RETENTION_MS = 48 * 3600_000;

export interface RunningCoreApi {
  url: string;
  store: CoreStore;
  /** What the webhook-endpoint functions (core-api/webhooks/endpoints.ts) take. */
  webhooks: WebhookDeps;
  close(): Promise<void>;
}

const SeedBody = z.strictObject({ partner_id: PartnerId });

export async function startCoreApi(
  config: CoreApiConfig,
  log: Logger = createLogger(CORE_API_SERVICE_NAME, { level: config.logLevel }),
  /** Replaces the token verifier; only `bench:core-api` does, to measure what verification costs. */
  overrides: { verifier?: (issuer: string) => Verifier } = {},
): Promise<RunningCoreApi> {
  const metadata = await discover(config.tokenServiceUrl, config.discoveryTimeoutMs, (problem) =>
    log.info({ token_service: config.tokenServiceUrl, problem }, 'waiting for the token service'),
  );
  const core = await openCoreApiStore(config);
  let kek: Kek;
  try {
    kek = await Kek.load({ env: config.kek, stateDir: coreStateDir(config.dataDir), log });
  } catch (error) {
    await core.close();
    throw error;
  }
  // Known only once bound when the port is 0 and no public origin is configured.
  let publicOrigin = config.publicOrigin;
  // One key set and one revocation list for widget and partner tokens alike.
  const keySet = new KeySet({
    jwksUrl: metadata.jwks_uri,
    algorithms: ['ES256'],
    cooldownMs: 30_000,
    cacheMaxAgeMs: 300_000,
    fetch: globalThis.fetch.bind(globalThis),
    now: Date.now,
  });
  const revocations = new RevocationList({
    url: metadata.tessera_revocations_uri ?? new URL('/v1/revocations', metadata.issuer).href,
    maxAgeMs: 30_000,
    fetch: globalThis.fetch.bind(globalThis),
    now: Date.now,
  });
  const audience = config.audience ?? metadata.tessera_audience ?? 'tessera-core-api';
  const verifier =
    overrides.verifier?.(metadata.issuer) ??
    createVerifier({
      issuer: metadata.issuer,
      audience,
      jwksUrl: metadata.jwks_uri,
      keySet,
      revocations,
      publicOrigin: () => publicOrigin ?? '',
    });
  const partnerVerifier = createPartnerVerifier({
    issuer: metadata.issuer,
    audience,
    jwksUrl: metadata.jwks_uri,
    keySet,
    revocations,
  });
  const closeVerifiers = () => {
    verifier.close();
    partnerVerifier.close();
    keySet.close();
    revocations.close();
  };
  let redis: Redis | null = null;
  try {
    redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : null;
  } catch (error) {
    await core.close();
    throw error;
  }
  const adminToken = await loadAdminToken({
    adminToken: config.adminToken,
    dataDir: config.dataDir,
  });

  const app = new Hono<{ Variables: CommonVariables }>();
  const metrics = createHttpMetrics();
  // Admin routes first, behind the deployment's admin credential; everything else is the API.
  const admin = new Hono<{ Variables: CommonVariables }>();
  instrument(admin, log, metrics);
  admin.use(async (c, next) => {
    if (!isAdmin(bearer(c), adminToken)) return sendError(c, 'admin_unauthorized');
    await next();
  });
  admin.post('/seed', async (c) => {
    const body = await readJson(c, SeedBody);
    return c.json(await seedDemo(core.store, { partnerId: body.partner_id }), 201);
  });
  app.route('/admin/v1', admin);
  // Mounted apps' own notFound never runs: a path neither of them has is answered here.
  app.notFound((c) => sendError(c, 'not_found', `Nothing at ${c.req.method} ${c.req.path}.`));
  app.route(
    '/',
    createCoreApp({
      store: core.store,
      verifier,
      limiter: new PartnerRateLimiter(redis),
      subjectRateLimit: { per_second: config.subjectRatePerSecond, burst: config.subjectRateBurst },
      partnerVerifier,
      partnerRateLimit: { per_second: config.partnerRatePerSecond, burst: config.partnerRateBurst },
      metrics,
      log,
      webhooks: { store: core.store, kek },
    }),
  );

  let server: ServerType;
  try {
    server = await listen(
      app.fetch,
      config.host,
      config.port,
      '--core-api-port to tessera start, --port to tessera core-api start (or set TESSERA_CORE_API_PORT)',
    );
  } catch (error) {
    closeVerifiers();
    redis?.disconnect();
    await core.close();
    throw error;
  }
  const { url } = boundUrl(server, config.host, config.port);
  // Its own loop: a request that writes an event only queues deliveries, in its transaction.
  const worker = config.webhooks.enabled
    ? new WebhookWorker({
        store: core.store,
        kek,
        log,
        metrics: createWebhookMetrics(metrics.registry, core.store),
        schedule: config.webhooks.schedule,
        jitter: config.webhooks.jitter,
        timeoutMs: config.webhooks.timeoutMs,
        concurrency: config.webhooks.concurrency,
      })
    : null;
  worker?.start();
  publicOrigin ??= url;
  if (!config.databaseUrl) await writeAdvert(coreAdvertPath(config.dataDir), url);
  void verifier.warmUp();
  // Idempotency keys are promised for at least 24 h; they are dropped after 48 h, hourly.
  const prune = setInterval(() => {
    const before = new Date(Date.now() - IDEMPOTENCY_RETENTION_MS).toISOString();
    core.store
      .pruneIdempotency(before)
      .then((removed) => removed > 0 && log.info({ removed, before }, 'idempotency keys pruned'))
      .catch((error: unknown) => log.warn({ err: error }, 'idempotency key pruning failed'));
  }, 3600_000);
  prune.unref();
  log.info(
    {
      url,
      token_service: config.tokenServiceUrl,
      issuer: metadata.issuer,
      public_origin: publicOrigin,
      storage: config.databaseUrl ? 'postgresql' : 'embedded',
      webhooks: worker ? 'delivering' : 'off',
    },
    'core API listening',
  );

  let closing: Promise<void> | null = null;
  return {
    url,
    store: core.store,
    webhooks: { store: core.store, kek },
    close: () =>
      (closing ??= (async () => {
        clearInterval(prune);
        await closeServer(server);
        await worker?.stop();
        closeVerifiers();
        redis?.disconnect();
        if (!config.databaseUrl) await removeAdvert(coreAdvertPath(config.dataDir));
        await core.close();
        log.info('core API stopped');
      })()),
  };
}
