/**
 * bench:tokens — minting and verification throughput, each as a ratio to the raw ECDSA ceiling
 * measured in the same run on the same machine.
 *
 *   mint over HTTP (keep-alive, autocannon) ÷ crypto.sign ES256 on the same payload
 *   verify via token-service/verify         ÷ crypto.verify ES256 on the same token
 *
 * Goals (issue 2): mint ≥ 50 % of the signing ceiling on one core; verify ≥ 80 % of raw verify.
 * The service runs in its own process (one core for its JavaScript); the load comes from this one.
 */
import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createVerifier } from '../token-service/verify/index.ts';

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

async function startService(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['bin/tessera.js', '--json', '--data-dir', dataDir, 'token-service', '--port', '0'], {
    env: { ...process.env, TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_KEK: Buffer.alloc(32, 7).toString('base64url'), TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url": "([^"]+)"/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`token service exited ${code}`)));
  });
  child.stdout.resume(); // the service's access log: drained, not kept
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
  const service = await startService(dataDir);
  try {
    const admin = (path: string, body?: unknown) =>
      fetch(`${service.url}/admin/v1${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then((response) => response.json() as Promise<Record<string, never>>);
    const { key } = (await admin('/partners', {
      name: 'Bench',
      origins: [ORIGIN],
      scopes: ['quote:read', 'quote:accept'],
      rate_limit: { per_second: 10_000, burst: 100_000 },
    })) as unknown as { key: { secret: string } };
    const body = JSON.stringify({ subject: 'acct_bench000000001', scopes: ['quote:read', 'quote:accept'], origin: ORIGIN });
    const mintOnce = async () => {
      const response = await fetch(`${service.url}/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' }, body });
      return ((await response.json()) as { token: string }).token;
    };
    const sample = await mintOnce();

    // Raw signing ceiling: the same header.payload, signed in this process.
    const [headerB64, payloadB64] = sample.split('.');
    const signingInput = Buffer.from(`${headerB64}.${payloadB64}`);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rawSign = opsFor(3, () => sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }));

    // Warm up the service, then measure minting over HTTP with keep-alive.
    await autocannon({ url: `${service.url}/v1/tokens`, method: 'POST', connections: CONNECTIONS, duration: 2, headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' }, body });
    const mint = await autocannon({
      url: `${service.url}/v1/tokens`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      body,
    });
    const minted = mint.requests.total / mint.duration;
    const failures = mint.non2xx + mint.errors + mint.timeouts;

    // Raw verify ceiling on a real token, then the verifier (cached path and first sight).
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    const kid = (JSON.parse(Buffer.from(headerB64!, 'base64url').toString()) as { kid: string }).kid;
    const jwk = jwks.keys.find((candidate) => candidate.kid === kid)!;
    const serviceKey = createPublicKey({ key: jwk as never, format: 'jwk' });
    const signature = Buffer.from(sample.split('.')[2]!, 'base64url');
    const rawVerify = opsFor(3, () => verify('sha256', signingInput, { key: serviceKey, dsaEncoding: 'ieee-p1363' }, signature));
    void publicKey;

    const metadata = (await (await fetch(`${service.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; jwks_uri: string; tessera_audience: string };
    const verifier = createVerifier({ issuer: metadata.issuer, audience: metadata.tessera_audience, jwksUrl: metadata.jwks_uri });
    await verifier.verifyToken(sample, { origin: ORIGIN, scopes: ['quote:read'] });
    const verifyCached = await asyncOpsFor(3, () => verifier.verifyToken(sample, { origin: ORIGIN, scopes: ['quote:read'] }));
    const fresh = await Promise.all(Array.from({ length: 2000 }, mintOnce));
    let next = 0;
    const started = performance.now();
    for (const token of fresh) await verifier.verifyToken(token, { origin: ORIGIN, scopes: ['quote:read'] }).then(() => next++);
    const verifyFresh = next / ((performance.now() - started) / 1000);
    verifier.close();

    const rows = [
      ['raw crypto.sign ES256 (ceiling)', `${fmt(rawSign)} /s`, ''],
      [`mint over HTTP, keep-alive, ${CONNECTIONS} conns, ${SECONDS} s`, `${fmt(minted)} /s`, `${pct(minted / rawSign)} of ceiling (goal ≥ 50 %)`],
      ['  latency p50 / p99', `${mint.latency.p50} ms / ${mint.latency.p99} ms`, `${failures} non-2xx or errors of ${mint.requests.total}`],
      ['raw crypto.verify ES256 (ceiling)', `${fmt(rawVerify)} /s`, ''],
      ['verifier, repeat token (verified cache)', `${fmt(verifyCached)} /s`, `${pct(verifyCached / rawVerify)} of raw verify (goal ≥ 80 %)`],
      ['verifier, first sight of each token', `${fmt(verifyFresh)} /s`, `${pct(verifyFresh / rawVerify)} of raw verify`],
    ];
    console.log(`\nbench:tokens  (node ${process.version}, one service process, ${new Date().toISOString()})`);
    for (const [what, figure, ratio] of rows) console.log(`${what!.padEnd(48)} ${figure!.padStart(18)}   ${ratio}`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
