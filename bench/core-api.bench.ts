/**
 * bench:core-api — what authentication costs the core API: authenticated `GET /v1/quotes/:id`
 * throughput on one core API process with token verification on, as a ratio to the same route
 * with verification off (the verifier swapped for one that only reads the claims), in one run.
 *
 * Two loads: one widget token repeated (the verified-token cache answers) and 500 distinct tokens
 * in rotation (the steady state of many customers). The core API runs in its own process; the
 * token service (in this one) only serves its JWKS once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { startTestService, tempDir } from '../test/token-service/helpers.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DISTINCT_TOKENS = 500;
const ORIGIN = 'https://shop.example';

interface Target {
  url: string;
  account_id: string;
  quote_id: string;
  child: ChildProcess;
}

async function startTarget(verify: 'on' | 'off', tokenService: string, partner: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/support/core-api-target.ts',
      '--verify',
      verify,
      '--token-service',
      tokenService,
      '--partner',
      partner,
      '--data-dir',
      await tempDir('tessera-bench-'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { ...(JSON.parse(line) as Omit<Target, 'child'>), child };
}

async function load(target: Target, tokens: string[]) {
  let next = 0;
  const options = {
    url: `${target.url}/v1/quotes/${target.quote_id}`,
    connections: CONNECTIONS,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          headers: {
            ...request.headers,
            authorization: `Bearer ${tokens[next++ % tokens.length]}`,
            origin: ORIGIN,
          },
        }),
      },
    ],
  };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, caches, JWKS
  const result = await autocannon({ ...options, duration: SECONDS });
  return {
    perSecond: result.requests.total / result.duration,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

const service = await startTestService({ TESSERA_LOG_LEVEL: 'silent' });
const { partner, key } = await service.createPartner({
  scopes: ['quote:read'],
  origins: [ORIGIN],
  rate_limit: { per_second: 10000, burst: 10000 },
});
const results: Record<string, Record<string, Awaited<ReturnType<typeof load>>>> = {};
try {
  for (const verify of ['on', 'off'] as const) {
    const target = await startTarget(verify, service.url, partner.id);
    try {
      const tokens: string[] = [];
      for (let i = 0; i < DISTINCT_TOKENS; i++) {
        const minted = await service.mint(key.secret, {
          subject: target.account_id,
          scopes: ['quote:read'],
          origin: ORIGIN,
        });
        tokens.push((minted.body as { token: string }).token);
      }
      results[verify] = {
        one: await load(target, tokens.slice(0, 1)),
        many: await load(target, tokens),
      };
    } finally {
      target.child.kill('SIGTERM');
      await once(target.child, 'exit');
    }
  }
} finally {
  await service.close();
}

const on = results.on!;
const off = results.off!;
console.log(`bench:core-api — GET /v1/quotes/:id, ${CONNECTIONS} connections, ${SECONDS} s each\n`);
for (const [name, label] of [
  ['one', 'one token repeated'],
  ['many', `${DISTINCT_TOKENS} tokens in rotation`],
] as const) {
  const a = on[name]!;
  const b = off[name]!;
  console.log(`${label}:`);
  console.log(
    `  verification on   ${fmt(a.perSecond)} req/s  p99 ${a.p99} ms  failures ${a.failures}`,
  );
  console.log(
    `  verification off  ${fmt(b.perSecond)} req/s  p99 ${b.p99} ms  failures ${b.failures}`,
  );
  console.log(`  on ÷ off          ${pct(a.perSecond / b.perSecond)}\n`);
}
const failures = [on.one!, on.many!, off.one!, off.many!].reduce((n, r) => n + r.failures, 0);
if (failures > 0) {
  console.error(`${failures} requests failed: the figures above are not comparable.`);
  process.exitCode = 1;
}
