/**
 * What one mint costs, part by part, in µs of CPU on this machine: each part of `POST /v1/tokens`
 * run alone in this process with the service's own modules, and bare `node:http` under the same
 * load generator as bench:tokens. For bench/profiles/README.md: where a token's CPU goes.
 * `process.cpuUsage()` counts every thread of the process, the database worker's included.
 *
 *   node --import tsx bench/support/mint-costs.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { TokenRequest } from '../../contracts/index.ts';
import { parseJsonBody } from '../../service-kit/http/body.ts';
import { PartnerRateLimiter } from '../../service-kit/rate-limit.ts';
import { tokenServiceConfig } from '../../token-service/config.ts';
import { newJti } from '../../token-service/ids.ts';
import { createMetrics } from '../../token-service/metrics.ts';
import { openTokenServiceState } from '../../token-service/state.ts';
import type { IssuanceRecord } from '../../token-service/store/types.ts';
import { pickLoadGenerator } from './load.ts';

/** µs of this process's CPU per call of `body`, run `count` times. */
async function cpuPerCall(count: number, body: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(count, 2000); i++) await body(i); // warm-up: JIT, caches
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await body(i);
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / count;
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-mint-costs-'));
const rows: [string, number][] = [];
try {
  const config = tokenServiceConfig(
    { dataDir: dir },
    { TESSERA_KEK: Buffer.alloc(32, 7).toString('base64url'), TESSERA_ADMIN_TOKEN: 'x'.repeat(40) },
  );
  const silent = pino({ level: 'silent' });
  const state = await openTokenServiceState(config, silent);
  const { partner, key } = await state.partners.create({
    name: 'Costs',
    origins: ['https://shop.example'],
    scopes: ['quote:read', 'quote:accept'],
    mode: 'test',
    max_ttl_seconds: 900,
    require_dpop: false,
    rate_limit: { per_second: 1_000_000, burst: 2_000_000 },
  });
  const body = Buffer.from(
    JSON.stringify({
      subject: 'acct_bench000000001',
      scopes: ['quote:read', 'quote:accept'],
      origin: 'https://shop.example',
    }),
  );

  rows.push([
    'authenticate (SHA-256 of the secret, cached lookup)',
    await cpuPerCall(20_000, () => state.partners.authenticate(key.secret)),
  ]);
  const limiter = new PartnerRateLimiter(null);
  rows.push([
    'rate limit (rate-limiter-flexible, memory)',
    await cpuPerCall(20_000, () => limiter.consume(partner.id, partner.rate_limit)),
  ]);
  rows.push([
    'body: JSON.parse + key checks + zod',
    await cpuPerCall(20_000, () => parseJsonBody(body, TokenRequest)),
  ]);
  const claims = {
    iss: 'http://127.0.0.1:4000',
    aud: 'tessera-core-api',
    sub: 'acct_bench000000001',
    client_id: partner.id,
    scope: 'quote:read quote:accept',
    origin: 'https://shop.example',
    iat: 1_800_000_000,
    exp: 1_800_000_300,
    jti: newJti(),
    tessera_mode: 'test',
  };
  rows.push([
    'sign ES256 (KeyObject reused, header precomputed)',
    await cpuPerCall(5_000, () => state.keys.sign(claims)),
  ]);
  rows.push(['jti (randomUUID)', await cpuPerCall(50_000, () => newJti())]);

  const metrics = createMetrics();
  rows.push([
    'metrics (latency histogram + 2 counters)',
    await cpuPerCall(20_000, () => {
      metrics.latency.observe({ route: '/v1/tokens', method: 'POST', status: '201' }, 0.004);
      metrics.tokensMinted.inc({ partner_id: partner.id, outcome: 'ok' });
    }),
  ]);
  const log = pino(
    {
      base: { service: 'token-service' },
      redact: {
        paths: ['secret', 'token', '*.secret', '*.token', 'authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
  rows.push([
    'access-log line (pino, redaction, one write)',
    await cpuPerCall(20_000, (i) =>
      log.info(
        {
          request_id: '9b576a62-f362-49eb-bfaa-4ba53ab4f162',
          method: 'POST',
          path: '/v1/tokens',
          status: 201,
          ms: 4.2,
          partner_id: partner.id,
          jti: `0091bc35-074d-470e-9a58-6d7efcbe${String(i).padStart(4, '0')}`,
          sub: 'acct_bench000000001',
          scopes: ['quote:read', 'quote:accept'],
          origin: 'https://shop.example',
          exp: '2026-12-06T21:19:45.000Z',
        },
        'token issued',
      ),
    ),
  ]);

  const record = (): IssuanceRecord => ({
    jti: newJti(),
    partner_id: partner.id,
    key_id: key.id,
    subject: 'acct_bench000000001',
    scopes: ['quote:read', 'quote:accept'],
    origin: 'https://shop.example',
    kid: 'FHC7eVIHk13ZS-DLZ-SGaxNTy-ApVmvZ6LnLJafJvp8',
    issued_at: new Date(),
    expires_at: new Date(Date.now() + 300_000),
    request_id: '9b576a62-f362-49eb-bfaa-4ba53ab4f162',
    correlation_id: null,
    dpop_jkt: null,
  });
  for (const batch of [1, 8, 32]) {
    const perBatch = await cpuPerCall(Math.ceil(4000 / batch), () =>
      state.store.recordIssuances(Array.from({ length: batch }, record)),
    );
    rows.push([
      `audit INSERT, embedded db in-thread, ${batch} a statement, per row`,
      perBatch / batch,
    ]);
  }
  await state.close();
  // As the server runs it: in the worker thread, the statement prepared once (both threads' CPU).
  const worker = await openTokenServiceState(config, silent, { embeddedInWorker: true });
  for (const batch of [1, 8, 32]) {
    const perBatch = await cpuPerCall(Math.ceil(4000 / batch), () =>
      worker.store.recordIssuances(Array.from({ length: batch }, record)),
    );
    rows.push([
      `audit INSERT, embedded db worker, ${batch} a statement, per row`,
      perBatch / batch,
    ]);
  }
  await worker.close();

  // Bare node:http: a POST read whole and a token-sized JSON answer, loaded as bench:tokens loads.
  const answer = JSON.stringify({ token: 'x'.repeat(560), token_type: 'Bearer', expires_in: 300 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(201, [
        'content-type',
        'application/json',
        'Content-Length',
        String(answer.length),
      ]);
      response.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const generator = await pickLoadGenerator();
  const target = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/tokens`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
    body: body.toString(),
  };
  await generator.load(target, 32, 2);
  const before = process.cpuUsage();
  const run = await generator.load(target, 32, 3);
  const spent = process.cpuUsage(before);
  server.close();
  rows.push([
    `bare node:http POST + answer (${generator.name}, 32 conns)`,
    (spent.user + spent.system) / run.total,
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`mint-costs (node ${process.version}; µs of CPU per call, this process)`);
for (const [what, us] of rows) console.log(`${what.padEnd(62)} ${us.toFixed(1).padStart(7)} µs`);
