/**
 * bench:tokens — minting and verification throughput, each as a ratio to the raw ECDSA ceiling
 * measured in the same run on the same machine.
 *
 *   mint over HTTP (keep-alive, autocannon) ÷ crypto.sign ES256 on the same payload
 *   verify via verify/                      ÷ crypto.verify ES256 on the same token
 *
 * Goals (issue 2): mint ≥ 50 % of the signing ceiling on one core; verify ≥ 80 % of raw verify.
 * The service runs in its own process (one core for its JavaScript); the load comes from this one.
 */
import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createVerifier } from '../verify/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN = 'tadm_bench_admin_token_0123456789abcdef';
const ORIGIN = 'https://shop.example';

function opsFor(seconds: number, body: () => void): number {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) body();
    count += 100;
  }
  return count / seconds;
}

async function asyncOpsFor(seconds: number, body: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await body();
    count += 100;
  }
  return count / seconds;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

async function startService(dataDir: string, env: Record<string, string> = {}): Promise<Service> {
  // Logs go to a file, as in production: a pipe this busy process drains late would stall the
  // service's synchronous log writes and measure the pipe instead of the service.
  const logPath = join(dataDir, 'service.log');
  const log = await open(logPath, 'w');
  const child = spawn(
    process.execPath,
    ['bin/tessera.js', '--json', '--data-dir', dataDir, 'token-service', '--port', '0'],
    {
      env: {
        ...process.env,
        TESSERA_ADMIN_TOKEN: ADMIN,
        TESSERA_KEK: Buffer.alloc(32, 7).toString('base64url'),
        TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'info',
        ...env,
      },
      stdio: ['ignore', log.fd, 'inherit'],
    },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  let url: string | undefined;
  while (!url) {
    if (exited) throw new Error(`token service exited; see ${logPath}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    url = /"url": "([^"]+)"/.exec(await readFile(logPath, 'utf8'))?.[1];
  }
  let stopping: Promise<void> | null = null;
  return {
    url,
    stop: () =>
      (stopping ??= exited
        ? log.close()
        : new Promise((resolve) => {
            child.once('exit', () => void log.close().then(() => resolve()));
            child.kill('SIGINT');
          })),
  };
}

interface Service {
  url: string;
  stop(): Promise<void>;
}

async function createBenchPartner(service: Service): Promise<string> {
  const response = await fetch(`${service.url}/admin/v1/partners`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench',
      origins: [ORIGIN],
      scopes: ['quote:read', 'quote:accept'],
      rate_limit: { per_second: 10_000, burst: 100_000 },
    }),
  });
  return ((await response.json()) as { key: { secret: string } }).key.secret;
}

const BODY = JSON.stringify({
  subject: 'acct_bench000000001',
  scopes: ['quote:read', 'quote:accept'],
  origin: ORIGIN,
});

async function mintOnce(service: Service, secret: string): Promise<string> {
  const response = await fetch(`${service.url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: BODY,
  });
  return ((await response.json()) as { token: string }).token;
}

/** Minting over HTTP with keep-alive after a warm-up, and the cheapest route under the same harness. */
async function measureMint(service: Service, secret: string) {
  const options = {
    url: `${service.url}/v1/tokens`,
    method: 'POST' as const,
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: BODY,
  };
  await autocannon({ ...options, duration: 2 });
  const mint = await autocannon({ ...options, duration: SECONDS });
  const floor = await autocannon({
    url: `${service.url}/healthz`,
    connections: CONNECTIONS,
    duration: Math.min(SECONDS, 5),
  });
  return {
    perSecond: mint.requests.total / mint.duration,
    p50: mint.latency.p50,
    p99: mint.latency.p99,
    total: mint.requests.total,
    failures: mint.non2xx + mint.errors + mint.timeouts,
    httpCeiling: floor.requests.total / floor.duration,
  };
}

/** A fresh PostgreSQL schema for the second run, or null when PostgreSQL does not answer. */
async function pgSchema(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `tessera_bench_${Date.now()}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await run(`CREATE SCHEMA ${schema}`);
  } catch {
    return null;
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
  const rows: [string, string, string][] = [];
  let failed = 0;
  const service = await startService(dataDir);
  try {
    const secret = await createBenchPartner(service);
    const sample = await mintOnce(service, secret);

    // Raw signing ceiling: the same header.payload, signed in this process.
    const [headerB64, payloadB64, signatureB64] = sample.split('.');
    const signingInput = Buffer.from(`${headerB64}.${payloadB64}`);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rawSign = opsFor(3, () =>
      sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    );
    rows.push(['raw crypto.sign ES256 (ceiling)', `${fmt(rawSign)} /s`, '']);

    const embedded = await measureMint(service, secret);
    failed += embedded.failures;
    rows.push(
      [
        `mint over HTTP, embedded db, ${CONNECTIONS} conns, ${SECONDS} s`,
        `${fmt(embedded.perSecond)} /s`,
        `${pct(embedded.perSecond / rawSign)} of ceiling (goal ≥ 50 %)`,
      ],
      [
        '  mint latency p50 / p99',
        `${embedded.p50} ms / ${embedded.p99} ms`,
        `${embedded.failures} non-2xx or errors of ${embedded.total}`,
      ],
      [
        '  GET /healthz, same harness (HTTP ceiling)',
        `${fmt(embedded.httpCeiling)} /s`,
        `mint is ${pct(embedded.perSecond / embedded.httpCeiling)} of it`,
      ],
    );

    // Raw verify ceiling on a real token, then the verifier (cached path and first sight).
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    const kid = (JSON.parse(Buffer.from(headerB64!, 'base64url').toString()) as { kid: string })
      .kid;
    const serviceKey = createPublicKey({
      key: jwks.keys.find((candidate) => candidate.kid === kid) as never,
      format: 'jwk',
    });
    const signature = Buffer.from(signatureB64!, 'base64url');
    const rawVerify = opsFor(3, () =>
      verify('sha256', signingInput, { key: serviceKey, dsaEncoding: 'ieee-p1363' }, signature),
    );
    const metadata = (await (
      await fetch(`${service.url}/.well-known/oauth-authorization-server`)
    ).json()) as { issuer: string; jwks_uri: string; tessera_audience: string };
    const verifier = createVerifier({
      issuer: metadata.issuer,
      audience: metadata.tessera_audience,
      jwksUrl: metadata.jwks_uri,
    });
    const check = { origin: ORIGIN, scopes: ['quote:read' as const] };
    await verifier.verifyToken(sample, check);
    const verifyCached = await asyncOpsFor(3, () => verifier.verifyToken(sample, check));
    const fresh = await Promise.all(Array.from({ length: 2000 }, () => mintOnce(service, secret)));
    const started = performance.now();
    for (const token of fresh) await verifier.verifyToken(token, check);
    const verifyFresh = fresh.length / ((performance.now() - started) / 1000);
    verifier.close();
    rows.push(
      ['raw crypto.verify ES256 (ceiling)', `${fmt(rawVerify)} /s`, ''],
      [
        'verifier, repeat token (verified cache)',
        `${fmt(verifyCached)} /s`,
        `${pct(verifyCached / rawVerify)} of raw verify (goal ≥ 80 %)`,
      ],
      [
        'verifier, first sight of each token (jose)',
        `${fmt(verifyFresh)} /s`,
        `${pct(verifyFresh / rawVerify)} of raw verify`,
      ],
    );

    await service.stop();
    const schema = await pgSchema();
    if (schema) {
      const onPg = await startService(await mkdtemp(join(tmpdir(), 'tessera-bench-pg-')), {
        DATABASE_URL: schema.url,
      });
      try {
        const pgResult = await measureMint(onPg, await createBenchPartner(onPg));
        failed += pgResult.failures;
        rows.push(
          [
            `mint over HTTP, PostgreSQL, ${CONNECTIONS} conns, ${SECONDS} s`,
            `${fmt(pgResult.perSecond)} /s`,
            `${pct(pgResult.perSecond / rawSign)} of ceiling (goal ≥ 50 %)`,
          ],
          [
            '  mint latency p50 / p99',
            `${pgResult.p50} ms / ${pgResult.p99} ms`,
            `${pgResult.failures} non-2xx or errors of ${pgResult.total}`,
          ],
        );
      } finally {
        await onPg.stop();
        await schema.drop();
      }
    } else {
      rows.push(['mint over HTTP, PostgreSQL', 'skipped', 'PostgreSQL did not answer']);
    }
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(
    `\nbench:tokens  (node ${process.version}, ${cpus().length} cores, service in its own process, ${new Date().toISOString()})`,
  );
  for (const [what, figure, ratio] of rows)
    console.log(`${what.padEnd(50)} ${figure.padStart(18)}   ${ratio}`);
  if (failed > 0) process.exitCode = 1;
}

await main();
