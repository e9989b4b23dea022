import type { ServerType } from '@hono/node-server';
import { connectRedis } from '../service-kit/redis.ts';
import { boundUrl, closeServer, listen } from '../service-kit/http/listen.ts';
import { removeAdvert, writeAdvert } from '../service-kit/lock.ts';
import { createLogger, type Logger } from '../service-kit/log.ts';
import { PartnerRateLimiter } from '../service-kit/rate-limit.ts';
import { loadAdminToken } from '../service-kit/stack.ts';
import { AuditWriter } from './audit.ts';
import type { TokenServiceConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { fastTokenRoutes } from './http/fast-routes.ts';
import { createMetrics } from './metrics.ts';
import { advertPath, openTokenServiceState, type TokenServiceState } from './state.ts';

export const TOKEN_SERVICE_NAME = 'token-service';

export interface RunningTokenService {
  url: string;
  issuer: string;
  port: number;
  state: TokenServiceState;
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Answer `POST /v1/tokens` and `POST /oauth/token` on plain `node:http` (http/fast-routes.ts)
   * rather than through Hono; the same answers either way. Default true.
   */
  fastTokenRoutes?: boolean;
  /**
   * Run the embedded database in a worker thread (store/pglite-worker.ts), off the thread that
   * answers HTTP. Default true; no effect on PostgreSQL.
   */
  embeddedInWorker?: boolean;
}

export async function startTokenService(
  config: TokenServiceConfig,
  log: Logger = createLogger(TOKEN_SERVICE_NAME, { level: config.logLevel }),
  options: StartOptions = {},
): Promise<RunningTokenService> {
  const state = await openTokenServiceState(config, log, {
    embeddedInWorker: options.embeddedInWorker ?? true,
  });
  const redis = config.redisUrl
    ? await connectRedis(config.redisUrl, log).catch(async (error: unknown) => {
        await state.close();
        throw error;
      })
    : null;
  const audit = new AuditWriter(state.store);
  const deps = {
    issuer: config.issuer ?? '',
    audience: config.audience,
    store: state.store,
    partners: state.partners,
    keys: state.keys,
    audit,
    limiter: new PartnerRateLimiter(redis),
    metrics: createMetrics(),
    log,
    adminToken: await loadAdminToken(config),
    revocationsMaxAgeSec: config.revocationsMaxAgeSec,
  };
  const app = createApp(deps);

  let server: ServerType;
  try {
    server = await listen(
      app.fetch,
      config.host,
      config.port,
      undefined,
      undefined,
      options.fastTokenRoutes === false ? undefined : fastTokenRoutes(deps),
    );
  } catch (error) {
    await state.close();
    redis?.disconnect();
    throw error;
  }
  const { port, url } = boundUrl(server, config.host, config.port);
  // Set before the event loop turns, so no request sees it empty.
  deps.issuer ||= url;

  const advert = advertPath(config.dataDir);
  if (!config.databaseUrl) await writeAdvert(advert, url);

  // Another instance (or the CLI, on PostgreSQL) may rotate keys: reread them now and then.
  const reload = setInterval(() => {
    state.keys
      .reload()
      .catch((error: unknown) => log.warn({ err: error }, 'signing key reload failed'));
  }, config.keyReloadMs);
  const schedule = config.rotationIntervalSec
    ? setInterval(() => {
        state.keys
          .rotateIfDue(config.rotationIntervalSec)
          .then(
            (rotated) =>
              rotated && log.info({ keys: state.keys.list() }, 'signing key rotated on schedule'),
          )
          .catch((error: unknown) => log.warn({ err: error }, 'scheduled rotation failed'));
      }, 60_000)
    : null;
  reload.unref();
  schedule?.unref();

  log.info(
    {
      url,
      issuer: deps.issuer,
      data_dir: config.dataDir,
      storage: config.databaseUrl ? 'postgresql' : 'embedded',
      rate_limits: redis ? 'redis' : 'memory',
    },
    'token service listening',
  );

  let closing: Promise<void> | null = null;
  return {
    url,
    issuer: deps.issuer,
    port,
    state,
    close: () =>
      (closing ??= (async () => {
        clearInterval(reload);
        if (schedule) clearInterval(schedule);
        await closeServer(server);
        await audit.drain();
        if (!config.databaseUrl) await removeAdvert(advert);
        await state.close();
        redis?.disconnect();
        log.info('token service stopped');
      })()),
  };
}
