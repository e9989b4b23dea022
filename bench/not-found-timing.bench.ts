/**
 * bench:not-found-timing — whether a `404` tells another account's quote from an unknown id by
 * its timing. One core API (embedded database), one widget token of account A, and in one run,
 * interleaved so drift hits both alike: `GET /v1/quotes/:id` for account B's existing quote and for
 * an unknown well-formed id. Prints each path's median and 90th percentile and their difference.
 *
 * Bounded: BENCH_REQUESTS requests per path (default 600) after 100 of warm-up, one at a time.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { seedDemo } from '../core-api/seed.ts';
import { startTestStack } from '../test/core-api/helpers.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
const WARM_UP = 100;

const stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
try {
  const other = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
  const token = await stack.token(['quote:read']);
  const unknownId = () => `qt_${randomBytes(12).toString('hex').slice(0, 16)}`;
  const paths = {
    "another account's quote": () => `/v1/quotes/${other.quotes.open}`,
    'an unknown id': () => `/v1/quotes/${unknownId()}`,
  };
  const times: Record<keyof typeof paths, number[]> = {
    "another account's quote": [],
    'an unknown id': [],
  };
  const names = Object.keys(paths) as (keyof typeof paths)[];
  for (let i = 0; i < WARM_UP + REQUESTS; i++) {
    // Alternate which goes first, so neither always follows the other.
    for (const name of i % 2 === 0 ? names : [...names].reverse()) {
      const started = performance.now();
      const reply = await stack.call('GET', paths[name](), { token });
      const took = performance.now() - started;
      if (reply.status !== 404) throw new Error(`${name}: ${reply.status}, not 404`);
      if (i >= WARM_UP) times[name].push(took);
    }
  }
  const at = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
  const rows = names.map((name) => {
    const sorted = [...times[name]].sort((a, b) => a - b);
    return { name, median: at(sorted, 0.5), p90: at(sorted, 0.9) };
  });
  console.log(`GET /v1/quotes/:id → 404, ${REQUESTS} requests per path, one at a time`);
  for (const row of rows)
    console.log(
      `  ${row.name.padEnd(24)} median ${row.median.toFixed(3)} ms   p90 ${row.p90.toFixed(3)} ms`,
    );
  console.log(`  median difference        ${(rows[0]!.median - rows[1]!.median).toFixed(3)} ms`);
} finally {
  await stack.close();
}
