import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  PARTNER_SCOPES,
  PartnerTokenResponse,
  SCOPES,
  type PartnerScope,
  type Scope,
} from '../../contracts/index.ts';
import { coreApiConfig } from '../../core-api/config.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { startCoreApi, type RunningCoreApi } from '../../core-api/server.ts';
import { startTestService, tempDir, type TestService } from '../token-service/helpers.ts';

export const ORIGIN = 'https://shop.example';

export interface TestStack {
  tokenService: TestService;
  api: RunningCoreApi;
  logs: Record<string, unknown>[];
  partner: { id: string; secret: string };
  seed: Awaited<ReturnType<typeof seedDemo>>;
  token(
    scopes: Scope[],
    opts?: { subject?: string; origin?: string; secret?: string; ttl?: number },
  ): Promise<string>;
  /** A partner token from `POST /oauth/token` (client credentials), every partner scope by default. */
  partnerToken(scopes?: readonly PartnerScope[], opts?: { secret?: string }): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** A token service, a test-mode partner with every scope, a core API with captured logs, and a seed. */
export async function startTestStack(
  env: Record<string, string | undefined> = {},
): Promise<TestStack> {
  const tokenService = await startTestService(env);
  const created = await tokenService.createPartner({
    scopes: [...SCOPES],
    origins: [ORIGIN],
    rate_limit: { per_second: 1000, burst: 1000 },
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const api = await startCoreApi(
    coreApiConfig(
      { port: 0, host: '127.0.0.1', dataDir: await tempDir(), tokenServiceUrl: tokenService.url },
      {
        TESSERA_ADMIN_TOKEN: 'tadm_core_api_tests',
        TESSERA_CORE_RATE_PER_SECOND: '1000',
        TESSERA_CORE_RATE_BURST: '1000',
        ...env,
      },
    ),
    pino({ level: 'info' }, sink),
  );
  const seed = await seedDemo(api.store, { partnerId: created.partner.id });

  async function token(
    scopes: Scope[],
    opts: { subject?: string; origin?: string; secret?: string; ttl?: number } = {},
  ) {
    const minted = await tokenService.mint(opts.secret ?? created.key.secret, {
      subject: opts.subject ?? seed.account_id,
      scopes,
      origin: opts.origin ?? ORIGIN,
      ...(opts.ttl ? { ttl_seconds: opts.ttl } : {}),
    });
    if (minted.status !== 201)
      throw new Error(`mint answered ${minted.status}: ${JSON.stringify(minted.body)}`);
    return minted.body.token;
  }

  async function partnerToken(
    scopes: readonly PartnerScope[] = PARTNER_SCOPES,
    opts: { secret?: string } = {},
  ) {
    const response = await fetch(`${tokenService.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: created.partner.id,
        client_secret: opts.secret ?? created.key.secret,
        scope: scopes.join(' '),
      }).toString(),
    });
    if (response.status !== 200)
      throw new Error(`/oauth/token answered ${response.status}: ${await response.text()}`);
    return PartnerTokenResponse.parse(await response.json()).access_token;
  }

  async function call(
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    const headers: Record<string, string> = {
      origin: ORIGIN,
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    };
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${api.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as any, headers: response.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  return {
    tokenService,
    api,
    logs,
    partner: { id: created.partner.id, secret: created.key.secret },
    seed,
    token,
    partnerToken,
    call,
    async close() {
      await api.close();
      await tokenService.close();
    },
  };
}
