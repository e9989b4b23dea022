/**
 * bench:tokens — minting and verification throughput, each as a ratio to the raw ECDSA ceiling
 * measured in the same run on the same machine.
 *
 *   mint over HTTP (keep-alive, wrk or autocannon) ÷ crypto.sign ES256 on the same payload
 *   verify via verify/                      ÷ crypto.verify ES256 on the same token
 *
 * and side by side with a standard OAuth server under the same harness in the same run: panva's
 * oidc-provider (client credentials, ES256 JWT access tokens, in-memory adapter), loaded exactly
 * as our `POST /v1/tokens` and `POST /oauth/token` are.
 *
 * Goals: mint ≥ 50 % of the signing ceiling on one core; verify ≥ 80 % of raw verify; both token
 * routes ≥ 3× oidc-provider's tokens/s; mint p99 ≤ 10 ms at 32 connections.
 * Every server runs in its own process (one core for its JavaScript); the load comes from this one.
 * BENCH_CPU_PROF=<dir> is a profiling run instead: our service under `--cpu-prof` (its profile
 * written there on exit) loaded on its two token routes only, so the profile is the mint path's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createVerifier } from '../verify/index.ts';
import { pickLoadGenerator, type LoadResult, type LoadTarget } from './support/load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN = 'tadm_bench_admin_token_0123456789abcdef';
const ORIGIN = 'https://shop.example';
const PARTNER_SCOPE = 'partner:accounts partner:quotes';
const CPU_PROF = process.env.BENCH_CPU_PROF;

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
    [
      ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []),
      'bin/tessera.js',
      '--json',
      '--data-dir',
      dataDir,
      'token-service',
      '--port',
      '0',
    ],
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
    pid: child.pid,
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
  pid: number | undefined;
  stop(): Promise<void>;
}

async function createBenchPartner(service: Service): Promise<{ id: string; secret: string }> {
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
  const created = (await response.json()) as { partner: { id: string }; key: { secret: string } };
  return { id: created.partner.id, secret: created.key.secret };
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

/** One token endpoint as the load generator sees it: the same settings for ours and the peer's. */
type Target = LoadTarget;

const widgetTarget = (service: Service, secret: string): Target => ({
  url: `${service.url}/v1/tokens`,
  method: 'POST',
  headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
  body: BODY,
});

/** Client credentials, `client_secret_basic`: how both OAuth servers are asked. */
const clientCredentialsTarget = (url: string, id: string, secret: string): Target => ({
  url,
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: new URLSearchParams({ grant_type: 'client_credentials', scope: PARTNER_SCOPE }).toString(),
});

type Load = LoadResult & {
  /** CPU (all threads, user + system) the server process spent per answer, in µs. */
  cpuUs: number | undefined;
};

const generator = await pickLoadGenerator();

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process, all its threads (Linux); undefined elsewhere. */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Tokens over HTTP with keep-alive, after a warm-up; with the server's pid, also the CPU it spent
 * per answer: on a machine shared with other work, throughput follows whatever else runs, while
 * CPU per token says what the server itself costs.
 */
async function load(target: Target, pid?: number): Promise<Load> {
  await generator.load(target, CONNECTIONS, Math.min(2, SECONDS));
  const before = await cpuSeconds(pid);
  const run = await generator.load(target, CONNECTIONS, SECONDS);
  const after = await cpuSeconds(pid);
  return {
    ...run,
    cpuUs:
      before === undefined || after === undefined || run.total === 0
        ? undefined
        : ((after - before) * 1e6) / run.total,
  };
}

/** The cheapest route under the same harness: what HTTP alone costs. */
async function httpCeiling(service: Service): Promise<number> {
  const floor = await generator.load(
    { url: `${service.url}/healthz` },
    CONNECTIONS,
    Math.min(SECONDS, 5),
  );
  return floor.perSecond;
}

/** oidc-provider in its own process on loopback; see support/oidc-provider-peer.ts. */
async function startPeer(): Promise<{
  target: Target;
  pid: number | undefined;
  stop(): Promise<void>;
}> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/oidc-provider-peer.ts'],
    // Its start-up warnings (development adapter, Node version) go nowhere.
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; client_id: string; client_secret: string }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`oidc-provider peer exited (${code})`)));
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve(JSON.parse(line) as never);
      });
    },
  );
  child.removeAllListeners('exit');
  return {
    target: clientCredentialsTarget(`${ready.url}/token`, ready.client_id, ready.client_secret),
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const latency = (run: Load) => `${run.p50} ms / ${run.p99} ms`;
const failures = (run: Load) => `${run.failures} non-2xx or errors of ${run.total}`;
const cpu = (run: Load) => (run.cpuUs === undefined ? 'n/a' : `${Math.round(run.cpuUs)} µs CPU`);
const cpuRatio = (ours: Load, peer: Load) =>
  ours.cpuUs && peer.cpuUs ? `${(peer.cpuUs / ours.cpuUs).toFixed(2)}×` : 'n/a';
const ratio = (ours: Load, peer: Load) => `${(ours.perSecond / peer.perSecond).toFixed(2)}×`;

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

/** Only the two token routes, for a profile of the mint path alone. */
async function profileRun(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-prof-'));
  const service = await startService(dataDir);
  try {
    const partner = await createBenchPartner(service);
    const widget = await load(widgetTarget(service, partner.secret), service.pid);
    const oauth = await load(
      clientCredentialsTarget(`${service.url}/oauth/token`, partner.id, partner.secret),
      service.pid,
    );
    console.log(
      `POST /v1/tokens   ${fmt(widget.perSecond)} /s  ${latency(widget)}  ${cpu(widget)}`,
    );
    console.log(`POST /oauth/token ${fmt(oauth.perSecond)} /s  ${latency(oauth)}  ${cpu(oauth)}`);
    console.log(`load generator: ${generator.note}`);
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(`profile written to ${CPU_PROF}`);
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
  const rows: [string, string, string][] = [];
  let failed = 0;
  const service = await startService(dataDir);
  try {
    const partner = await createBenchPartner(service);
    const { secret } = partner;
    const sample = await mintOnce(service, secret);

    // Raw signing ceiling: the same header.payload, signed in this process.
    const [headerB64, payloadB64, signatureB64] = sample.split('.');
    const signingInput = Buffer.from(`${headerB64}.${payloadB64}`);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rawSign = opsFor(3, () =>
      sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    );
    rows.push(['raw crypto.sign ES256 (ceiling)', `${fmt(rawSign)} /s`, '']);

    // The three token endpoints, one after the other, each its own process, same settings.
    const widget = await load(widgetTarget(service, secret), service.pid);
    const oauth = await load(
      clientCredentialsTarget(`${service.url}/oauth/token`, partner.id, partner.secret),
      service.pid,
    );
    const peer = await startPeer();
    let oidc: Load;
    try {
      oidc = await load(peer.target, peer.pid);
    } finally {
      await peer.stop();
    }
    const ceiling = await httpCeiling(service);
    failed += widget.failures + oauth.failures + oidc.failures;
    rows.push(
      [
        `mint over HTTP, embedded db, ${CONNECTIONS} conns, ${SECONDS} s`,
        `${fmt(widget.perSecond)} /s`,
        `${pct(widget.perSecond / rawSign)} of ceiling (goal ≥ 50 %)`,
      ],
      ['  mint latency p50 / p99', latency(widget), failures(widget)],
      [
        '  GET /healthz, same harness (HTTP ceiling)',
        `${fmt(ceiling)} /s`,
        `mint is ${pct(widget.perSecond / ceiling)} of it`,
      ],
      [
        'oidc-provider 9, client credentials (peer)',
        `${fmt(oidc.perSecond)} /s`,
        `${latency(oidc)} p50 / p99; ${failures(oidc)}`,
      ],
      [
        'POST /v1/tokens vs the peer',
        `${fmt(widget.perSecond)} /s`,
        `${ratio(widget, oidc)} its tokens/s (goal ≥ 3×)`,
      ],
      [
        '  p50 / p99',
        latency(widget),
        `p99 goal ≤ 10 ms at ${CONNECTIONS} conns${CONNECTIONS === 32 ? '' : ' (not 32 here)'}`,
      ],
      [
        'POST /oauth/token vs the peer',
        `${fmt(oauth.perSecond)} /s`,
        `${ratio(oauth, oidc)} its tokens/s (goal ≥ 3×)`,
      ],
      ['  p50 / p99', latency(oauth), `p99 goal ≤ 10 ms; ${failures(oauth)}`],
      [
        'server CPU per token: /v1/tokens, /oauth/token',
        `${cpu(widget)}, ${cpu(oauth)}`,
        `the peer ${cpu(oidc)}; its CPU ÷ ours ${cpuRatio(widget, oidc)}, ${cpuRatio(oauth, oidc)}`,
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
    // Minted CONNECTIONS at a time: 2 000 at once would pass the service's connection cap.
    const fresh: string[] = [];
    while (fresh.length < 2000)
      fresh.push(
        ...(await Promise.all(
          Array.from({ length: CONNECTIONS }, () => mintOnce(service, secret)),
        )),
      );
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
        const pgResult = await load(
          widgetTarget(onPg, (await createBenchPartner(onPg)).secret),
          onPg.pid,
        );
        failed += pgResult.failures;
        rows.push(
          [
            `mint over HTTP, PostgreSQL, ${CONNECTIONS} conns, ${SECONDS} s`,
            `${fmt(pgResult.perSecond)} /s`,
            `${pct(pgResult.perSecond / rawSign)} of ceiling (goal ≥ 50 %)`,
          ],
          ['  mint latency p50 / p99', latency(pgResult), failures(pgResult)],
          ['  server CPU per token', cpu(pgResult), 'the database server not included'],
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
  console.log(`load generator: ${generator.note}; the same for every server in this run`);
  for (const [what, figure, ratio] of rows)
    console.log(`${what.padEnd(50)} ${figure.padStart(18)}   ${ratio}`);
  if (failed > 0) process.exitCode = 1;
}

await (CPU_PROF ? profileRun() : main());
