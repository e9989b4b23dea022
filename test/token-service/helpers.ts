import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type {
  IssuedPartnerKey,
  Partner,
  PartnerCreate,
  TokenResponse,
} from '../../contracts/index.ts';
import { tokenServiceConfig, type TokenServiceConfig } from '../../token-service/config.ts';
import {
  startTokenService,
  type RunningTokenService,
  type StartOptions,
} from '../../token-service/server.ts';

export { TEST_DATABASE_URL, tempPgSchema } from '../support/postgres.ts';
export { TEST_REDIS_URL } from '../support/redis.ts';
export const ADMIN_TOKEN = 'tadm_test_admin_token_for_tests_only_0123456789';

export async function tempDir(prefix = 'tessera-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface TestService extends RunningTokenService {
  config: TokenServiceConfig;
  /** Every JSON log line the service wrote. */
  logs: Record<string, unknown>[];
  rawLogs: string[];
  admin<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  createPartner(
    input?: Partial<PartnerCreate>,
  ): Promise<{ partner: Partner; key: IssuedPartnerKey }>;
  mint(
    secret: string,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    body: TokenResponse & { error?: { code: string } };
    headers: Headers;
  }>;
}

/** A real token service on a free port, logs captured, admin token known. */
export async function startTestService(
  env: Record<string, string | undefined> = {},
  dataDir?: string,
  options: StartOptions = {},
): Promise<TestService> {
  const dir = dataDir ?? (await tempDir());
  const config = tokenServiceConfig(
    { port: 0, host: '127.0.0.1', dataDir: dir },
    {
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      TESSERA_KEK: 'dGVzdC1rZWstMzItYnl0ZXMtZm9yLXRlc3RzLW9ubHk',
      ...env,
    },
  );
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString();
      rawLogs.push(line);
      logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino(
    {
      level: 'info',
      redact: { paths: ['secret', 'token', '*.secret', '*.token'], censor: '[redacted]' },
    },
    sink,
  );
  const service = await startTokenService(config, log, options);

  async function admin<T>(method: string, path: string, body?: unknown) {
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

  return {
    ...service,
    config,
    logs,
    rawLogs,
    admin,
    async createPartner(input = {}) {
      const { status, body } = await admin<{ partner: Partner; key: IssuedPartnerKey }>(
        'POST',
        '/partners',
        {
          name: 'Shop Example',
          origins: ['https://shop.example'],
          scopes: ['quote:read', 'quote:accept', 'account:read'],
          ...input,
        },
      );
      if (status !== 201)
        throw new Error(`partner create answered ${status}: ${JSON.stringify(body)}`);
      return body;
    },
    async mint(secret, body, headers = {}) {
      const response = await fetch(`${service.url}/v1/tokens`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as TokenResponse & { error?: { code: string } },
        headers: response.headers,
      };
    },
  };
}

export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>,
  };
}

export const ACCOUNT = 'acct_demo0000000001';
export const mintBody = (overrides: Record<string, unknown> = {}) => ({
  subject: ACCOUNT,
  scopes: ['quote:read'],
  origin: 'https://shop.example',
  ...overrides,
});

export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  tries = 100,
  everyMs = 100,
): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`never happened: ${what}`);
}
