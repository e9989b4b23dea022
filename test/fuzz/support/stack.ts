/**
 * The real token service and core API, in this process so a prototype polluted by a body shows
 * up here, with log sinks that keep no history (so heap measurements see the services, not the
 * test) and check every line the services write.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { SCOPES, type Scope } from '../../../contracts/index.ts';
import { coreApiConfig } from '../../../core-api/config.ts';
import { seedDemo, type SeedResult } from '../../../core-api/seed.ts';
import { startCoreApi, type RunningCoreApi } from '../../../core-api/server.ts';
import { tokenServiceConfig } from '../../../token-service/config.ts';
import { startTokenService, type RunningTokenService } from '../../../token-service/server.ts';
import { ADMIN_TOKEN, tempDir } from '../../token-service/helpers.ts';
import { rawRequest, type RawRequest, type RawResponse } from './http.ts';

export const ORIGIN = 'https://shop.example';
export { ADMIN_TOKEN };

/** Counts what the services log; remembers only the first few problems. */
export class LogCheck {
  lines = 0;
  /** Lines that are not exactly one JSON object: a body or header forged a log line. */
  readonly broken: string[] = [];
  /** `error` and `fatal` lines: an exception escaped a handler. */
  readonly errors: Record<string, unknown>[] = [];

  sink(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines += 1;
        const text = chunk.toString();
        try {
          if (text.indexOf('\n') !== text.length - 1) throw new Error('not one line');
          const entry = JSON.parse(text) as Record<string, unknown>;
          if (typeof entry.level === 'number' && entry.level >= 50 && this.errors.length < 5)
            this.errors.push(entry);
        } catch {
          if (this.broken.length < 5) this.broken.push(text.slice(0, 300));
        }
        done();
      },
    });
  }

  logger(service: string): Logger {
    return pino(
      {
        level: 'info',
        base: { service },
        redact: { paths: ['secret', 'token', '*.secret', '*.token'], censor: '[redacted]' },
      },
      this.sink(),
    );
  }

  /** Forgets earlier problems, so each test answers only for its own requests. */
  reset(): void {
    this.broken.length = 0;
    this.errors.length = 0;
  }

  /** Every line was one JSON object and none reported an unhandled error. */
  assertClean(what: string): void {
    assert.deepEqual(this.broken, [], `${what}: log lines that are not one JSON object each`);
    assert.deepEqual(
      this.errors.map((entry) => ({ msg: entry.msg, err: entry.err })),
      [],
      `${what}: the services logged errors`,
    );
  }
}

export interface FuzzStack {
  tokenService: RunningTokenService;
  api: RunningCoreApi;
  logs: LogCheck;
  partner: { id: string; secret: string };
  /** A fresh demo account linked to the partner, and a token for it with every scope. */
  account(): Promise<SeedResult & { token: string }>;
  /** A token for an account (default: the first one), with every scope unless told. */
  token(subject?: string, scopes?: readonly Scope[]): Promise<string>;
  /** Sends to the token service (`'ts'`) or the core API (`'api'`). */
  send(to: 'ts' | 'api', request: RawRequest): Promise<RawResponse>;
  /** Both services still answer their health checks. */
  assertAlive(what: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFuzzStack(): Promise<FuzzStack> {
  const logs = new LogCheck();
  const tokenService = await startTokenService(
    tokenServiceConfig(
      { port: 0, host: '127.0.0.1', dataDir: await tempDir('tessera-fuzz-') },
      {
        TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
        TESSERA_KEK: 'dGVzdC1rZWstMzItYnl0ZXMtZm9yLXRlc3RzLW9ubHk',
      },
    ),
    logs.logger('token-service'),
  );
  const created = await fetch(`${tokenService.url}/admin/v1/partners`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Fuzz Shop',
      mode: 'test',
      origins: [ORIGIN],
      scopes: [...SCOPES],
      max_ttl_seconds: 900,
      rate_limit: { per_second: 10_000, burst: 100_000 },
    }),
  });
  assert.equal(created.status, 201);
  const { partner, key } = (await created.json()) as {
    partner: { id: string };
    key: { secret: string };
  };
  const api = await startCoreApi(
    coreApiConfig(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: await tempDir('tessera-fuzz-'),
        tokenServiceUrl: tokenService.url,
      },
      {
        TESSERA_ADMIN_TOKEN: 'tadm_core_api_fuzz',
        TESSERA_CORE_RATE_PER_SECOND: '100000',
        TESSERA_CORE_RATE_BURST: '1000000',
      },
    ),
    logs.logger('core-api'),
  );

  const first = await seedDemo(api.store, { partnerId: partner.id });
  /** Tokens live 15 minutes; one is reused until it has less than 2 left. */
  const tokens = new Map<string, { token: string; until: number }>();
  async function token(subject = first.account_id, scopes: readonly Scope[] = SCOPES) {
    const cacheKey = `${subject} ${scopes.join(' ')}`;
    const cached = tokens.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.token;
    const response = await fetch(`${tokenService.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject, scopes, origin: ORIGIN, ttl_seconds: 900 }),
    });
    const body = (await response.json()) as { token: string };
    assert.equal(response.status, 201, JSON.stringify(body));
    tokens.set(cacheKey, { token: body.token, until: Date.now() + 13 * 60_000 });
    return body.token;
  }

  const send = (to: 'ts' | 'api', request: RawRequest) =>
    rawRequest(to === 'ts' ? tokenService.url : api.url, request);

  return {
    tokenService,
    api,
    logs,
    partner: { id: partner.id, secret: key.secret },
    async account() {
      const seeded = await seedDemo(api.store, { partnerId: partner.id });
      return { ...seeded, token: await token(seeded.account_id) };
    },
    token,
    send,
    async assertAlive(what) {
      for (const to of ['ts', 'api'] as const) {
        const health = await send(to, { method: 'GET', target: '/healthz' });
        assert.equal(health.status, 200, `${what}: ${to} /healthz answered ${health.status}`);
      }
    },
    async close() {
      await api.close();
      await tokenService.close();
    },
  };
}
