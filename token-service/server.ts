import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { getRequestListener, type ServerType } from '@hono/node-server';
import { Redis } from 'ioredis';
import { TesseraError } from '../contracts/index.ts';
import { AuditWriter } from './audit.ts';
import { stateDir, type TokenServiceConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { malformedRequest, onClientError } from './http/common.ts';
import { Kek } from './kek.ts';
import { KeyRing } from './keys.ts';
import { acquireLock } from './lock.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { Partners } from './partners.ts';
import { PartnerRateLimiter } from './rate-limit.ts';
import { openTokenStore } from './store/sql-store.ts';
import type { TokenStore } from './store/types.ts';

/** What a running service leaves in its state dir, so the CLI can find its admin API. */
export interface ServiceAdvert {
  pid: number;
  url: string;
}

export const advertPath = (root: string) => join(stateDir(root), 'service.json');
export const lockPath = (root: string) => join(stateDir(root), 'lock');

/** The admin credential as a client knows it: TESSERA_ADMIN_TOKEN, else the state dir's file; never created. */
export async function readAdminToken(
  config: Pick<TokenServiceConfig, 'adminToken' | 'dataDir'>,
): Promise<string> {
  if (config.adminToken) return config.adminToken;
  try {
    return (await readFile(join(stateDir(config.dataDir), 'admin-token'), 'utf8')).trim();
  } catch {
    throw new TesseraError(
      'admin_unauthorized',
      'The running service was started with its own TESSERA_ADMIN_TOKEN: set the same one for the CLI.',
    );
  }
}

/** The admin credential: TESSERA_ADMIN_TOKEN, else one generated into the state dir (mode 0600). */
export async function loadAdminToken(
  config: Pick<TokenServiceConfig, 'adminToken' | 'dataDir'>,
): Promise<string> {
  if (config.adminToken) return config.adminToken;
  const path = join(stateDir(config.dataDir), 'admin-token');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(stateDir(config.dataDir), { recursive: true });
  const token = `tadm_${randomBytes(32).toString('base64url')}`;
  await writeFile(path, token + '\n', { mode: 0o600 });
  return token;
}

export interface Core {
  store: TokenStore;
  partners: Partners;
  keys: KeyRing;
  close(): Promise<void>;
}

/**
 * The pieces the service and the CLI share: the store (locked when embedded), partners, keys.
 * With DATABASE_URL nothing is locked: PostgreSQL serves many processes.
 */
export async function openCore(config: TokenServiceConfig, log: Logger): Promise<Core> {
  const dir = stateDir(config.dataDir);
  await mkdir(dir, { recursive: true });
  const release = config.databaseUrl
    ? () => Promise.resolve()
    : await acquireLock(lockPath(config.dataDir), `The embedded database in ${dir}`);
  let store: TokenStore | null = null;
  try {
    store = await openTokenStore({
      databaseUrl: config.databaseUrl,
      dataDir: join(dir, 'db'),
    });
    const kek = await Kek.load({ env: config.kek, stateDir: dir, log });
    const keys = new KeyRing(store, kek, {
      alg: config.alg,
      publishWindowSec: config.publishWindowSec,
      maxTokenLifetimeSec: 900,
      clockSkewSec: 30,
    });
    await keys.init();
    const opened = store;
    return {
      store: opened,
      partners: new Partners(opened),
      keys,
      async close() {
        await opened.close();
        await release();
      },
    };
  } catch (error) {
    // Close before unlocking: an open database must never be left behind an unlocked dir.
    await store?.close();
    await release();
    throw error;
  }
}

export interface RunningTokenService {
  url: string;
  issuer: string;
  port: number;
  core: Core;
  close(): Promise<void>;
}

export async function startTokenService(
  config: TokenServiceConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningTokenService> {
  const core = await openCore(config, log);
  const redis = config.redisUrl
    ? await connectRedis(config.redisUrl, log).catch(async (error: unknown) => {
        await core.close();
        throw error;
      })
    : null;
  const audit = new AuditWriter(core.store);
  const deps = {
    issuer: config.issuer ?? '',
    audience: config.audience,
    store: core.store,
    partners: core.partners,
    keys: core.keys,
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
    server = await listen(app.fetch, config.host, config.port);
  } catch (error) {
    await core.close();
    redis?.disconnect();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // Set before the event loop turns, so no request sees it empty.
  deps.issuer ||= url;

  const advert = advertPath(config.dataDir);
  if (!config.databaseUrl)
    await writeFile(advert, JSON.stringify({ pid: process.pid, url } satisfies ServiceAdvert));

  // Another instance (or the CLI, on PostgreSQL) may rotate keys: reread them now and then.
  const reload = setInterval(() => {
    core.keys
      .reload()
      .catch((error: unknown) => log.warn({ err: error }, 'signing key reload failed'));
  }, config.keyReloadMs);
  const schedule = config.rotationIntervalSec
    ? setInterval(() => {
        core.keys
          .rotateIfDue(config.rotationIntervalSec)
          .then(
            (rotated) =>
              rotated && log.info({ keys: core.keys.list() }, 'signing key rotated on schedule'),
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
    core,
    close: () =>
      (closing ??= (async () => {
        clearInterval(reload);
        if (schedule) clearInterval(schedule);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await audit.drain();
        if (!config.databaseUrl) await unlink(advert).catch(() => undefined);
        await core.close();
        redis?.disconnect();
        log.info('token service stopped');
      })()),
  };
}

/** Redis for shared rate limits: it must answer at start, so a typo in REDIS_URL is found at once. */
export async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', resolve);
      redis.once('error', reject);
    });
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `REDIS_URL is set but Redis at ${new URL(url).host} does not answer: ${(error as Error).message}`,
      { cause: error },
    );
  }
  redis.on('error', (error) =>
    log.warn({ err: error }, 'redis error; rate limits fall back to this instance alone'),
  );
  return redis;
}

/**
 * Serves `fetch` on `hostname:port`; a port in use is refused with a message that says what to
 * do, `hint` naming the option and variable that choose this server's port.
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  hint = '--port (or set PORT)',
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // node-server's own listener, so requests it cannot read get the envelope (not a bare 400).
    const listener = getRequestListener(fetch, { hostname, errorHandler: malformedRequest });
    const server = createServer((request, response) => void listener(request, response));
    server.on('clientError', onClientError);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} on ${hostname} is already in use. Stop what uses it, or pass ${hint}.`,
            )
          : error,
      );
    });
    server.listen(port, hostname);
  });
}
