import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SCOPES,
  type IssuedPartnerKey,
  type Partner,
  type Scope,
} from '../../../contracts/index.ts';
import { tempDir } from '../../token-service/helpers.ts';

const BIN = new URL('../../../bin/tessera.js', import.meta.url).pathname;
export const ADMIN_TOKEN = 'tadm_reliability_admin_token_for_tests_0123456789';
export const KEK = Buffer.alloc(32, 9).toString('base64url');
export const ORIGIN = 'https://shop.example';

/** A service running as its own process (`bin/tessera.js`), as it runs in production. */
export interface ServiceProcess {
  name: string;
  url: string;
  pid: number;
  logPath: string;
  /** Throws, with the end of its log, if the process has exited without being stopped. */
  assertAlive(): Promise<void>;
  /** Log lines (JSON, level warn and above) that report an unexpected failure: `unhandled error`. */
  unhandledErrors(): Promise<string[]>;
  /** SIGTERM, then SIGKILL if it has not exited after 15 s. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** The data directory it was started on, to start another on the same state. */
  dataDir: string;
}

/**
 * Spawns `bin/tessera.js --json --data-dir <temp> …args` and waits for the URL it prints. Logs go to
 * a file (a busy service writing to a pipe this process drains late would stall on its own logs).
 */
async function spawnService(
  name: string,
  args: string[],
  env: Record<string, string>,
  dataDir?: string,
): Promise<ServiceProcess> {
  dataDir ??= await tempDir(`tessera-${name}-`);
  const logPath = join(dataDir, `${name}.log`);
  const log = await open(logPath, 'w');
  const child = spawn(process.execPath, [BIN, '--json', '--data-dir', dataDir, ...args], {
    env: {
      ...process.env,
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      TESSERA_KEK: KEK,
      // Warnings and errors only: one line per request would cost the service more than the load.
      TESSERA_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', log.fd, log.fd],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', kill);

  let url: string | undefined;
  const deadline = Date.now() + 60_000;
  while (!url) {
    if (exited || Date.now() > deadline) {
      kill();
      await log.close();
      throw new Error(`${name} did not start:\n${await readFile(logPath, 'utf8')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    url = /"url": "([^"]+)"/.exec(await readFile(logPath, 'utf8'))?.[1];
  }

  let stopping: Promise<void> | null = null;
  return {
    name,
    url,
    pid: child.pid!,
    logPath,
    dataDir,
    async assertAlive() {
      if (exited && !stopping)
        throw new Error(
          `${name} exited on its own; its log ends:\n${(await readFile(logPath, 'utf8')).slice(-3000)}`,
        );
    },
    async unhandledErrors() {
      return (await readFile(logPath, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"msg":"unhandled error"'));
    },
    stop: () =>
      (stopping ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM');
          const timer = setTimeout(kill, 15_000);
          await exit;
          clearTimeout(timer);
        }
        process.removeListener('exit', kill);
        await log.close();
      })()),
    kill: () =>
      (stopping ??= (async () => {
        kill();
        await exit;
        process.removeListener('exit', kill);
        await log.close();
      })()),
  };
}

export function spawnTokenService(
  name: string,
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<ServiceProcess> {
  return spawnService(name, ['token-service', '--port', '0'], env, dataDir);
}

export function spawnCoreApi(
  name: string,
  tokenServiceUrl: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return spawnService(
    name,
    ['core-api', 'start', '--port', '0', '--token-service', tokenServiceUrl],
    env,
  );
}

export async function adminCall<T>(
  service: { url: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${service.url}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A test-mode partner with every scope, tokens up to 15 min, and the given rate limit. */
export async function createPartner(
  tokenService: { url: string },
  rate: { per_second: number; burst: number },
): Promise<{ partner: Partner; key: IssuedPartnerKey }> {
  const created = await adminCall<{ partner: Partner; key: IssuedPartnerKey }>(
    tokenService,
    'POST',
    '/partners',
    {
      name: 'Reliability',
      origins: [ORIGIN],
      scopes: [...SCOPES],
      max_ttl_seconds: 900,
      rate_limit: rate,
    },
  );
  if (created.status !== 201)
    throw new Error(`partner create answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body;
}

export interface Minted {
  status: number;
  token?: string;
  code?: string;
}

export async function mint(
  tokenService: { url: string },
  secret: string,
  subject: string,
  scopes: readonly Scope[] = ['quote:read'],
  ttlSeconds = 900,
): Promise<Minted> {
  const response = await fetch(`${tokenService.url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject, scopes, origin: ORIGIN, ttl_seconds: ttlSeconds }),
  });
  const body = (await response.json()) as { token?: string; error?: { code: string } };
  return { status: response.status, token: body.token, code: body.error?.code };
}

/** The JOSE header and claims of a JWT, unverified. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it holds; the overall timeout only catches a broken build. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  { everyMs = 100, timeoutMs = 120_000 } = {},
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`never happened within ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
  return performance.now() - started;
}
