/**
 * Memory stays flat under hostile input: thousands of hostile requests to both services (bodies,
 * headers, ids, tokens) leave the heap, measured after a full garbage collection, where it was
 * after two warm-up rounds of the same traffic. The services run in this process, so their
 * caches, limiters, metrics and verifier state are all in the measured heap.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import {
  byteDamage,
  damage,
  hostileHeaderValue,
  hostileJson,
  hostilePathSegment,
  hostileString,
} from './support/arbitraries.ts';
import type { RawRequest } from './support/http.ts';
import { assertContractAnswer, assertPrototypesClean, SEED } from './support/oracle.ts';
import { ORIGIN, startFuzzStack, type FuzzStack } from './support/stack.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Requests per round, and rounds after the warm-up. */
const ROUND = Number(process.env.FUZZ_MEMORY_ROUND ?? 600);
const ROUNDS = 4;
/** Generous, yet a planted leak of 1 KiB per request (2.4 MiB over the measured rounds) fails it. */
const BOUND_BYTES = 2 * 1024 * 1024;

let stack: FuzzStack;
let accounts: Awaited<ReturnType<FuzzStack['account']>>[];
before(async () => {
  stack = await startFuzzStack();
  accounts = await Promise.all([0, 1, 2, 3].map(() => stack.account()));
});
after(() => stack.close());

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

type Spec = { to: 'ts' | 'api'; request: RawRequest };

const body = fc.oneof(
  hostileJson.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  byteDamage.map((change) => damage('{"reason":"x"}', change)),
);

/** One hostile request to either service, against one of a few accounts. */
function hostileRequest(): fc.Arbitrary<Spec> {
  const account = fc.constantFrom(...accounts);
  const api = (
    method: string,
    target: string,
    token: string,
    payload: Buffer,
    extra: [string, Buffer | string][] = [],
  ): Spec => ({
    to: 'api',
    request: {
      method,
      target,
      headers: [
        ['Authorization', `Bearer ${token}`],
        ['Origin', ORIGIN],
        ['Content-Type', 'application/json'],
        ['Idempotency-Key', randomUUID()],
        ['If-Match', '"1"'],
        ...extra,
      ],
      body: payload,
    },
  });
  return fc.oneof(
    fc
      .tuple(account, fc.constantFrom('accept', 'decline'), body)
      .map(([a, action, payload]) =>
        api('POST', `/v1/quotes/${a.quotes.open}/${action}`, a.token, payload),
      ),
    fc
      .tuple(account, body)
      .map(([a, payload]) => api('PATCH', `/v1/accounts/${a.account_id}`, a.token, payload)),
    fc
      .tuple(account, body)
      .map(([a, payload]) => api('PATCH', `/v1/onboarding/${a.onboarding_id}`, a.token, payload)),
    fc
      .tuple(account, hostilePathSegment)
      .map(([a, id]) => api('GET', `/v1/quotes/${id}`, a.token, Buffer.alloc(0))),
    fc
      .tuple(
        account,
        fc.constantFrom('Idempotency-Key', 'X-Request-Id', 'X-Tessera-Session', 'DPoP'),
        hostileHeaderValue,
      )
      .map(([a, name, value]) =>
        api('POST', `/v1/quotes/${a.quotes.open}/decline`, a.token, Buffer.from('{}'), [
          [name, value],
        ]),
      ),
    hostileString.map((token) =>
      api('GET', `/v1/quotes/${accounts[0]!.quotes.open}`, token, Buffer.alloc(0)),
    ),
    body.map((payload): Spec => ({
      to: 'ts',
      request: {
        method: 'POST',
        target: '/v1/tokens',
        headers: [
          ['Authorization', `Bearer ${stack.partner.secret}`],
          ['Content-Type', 'application/json'],
        ],
        body: payload,
      },
    })),
    hostileString.map((token): Spec => ({
      to: 'ts',
      request: {
        method: 'POST',
        target: '/v1/tokens/introspect',
        headers: [
          ['Authorization', `Bearer ${stack.partner.secret}`],
          ['Content-Type', 'application/x-www-form-urlencoded'],
        ],
        body: new URLSearchParams({ token }).toString(),
      },
    })),
  );
}

/** Sends a round of hostile requests, 8 at a time; each must be a contract answer. */
async function round(index: number): Promise<void> {
  const specs = fc.sample(hostileRequest(), { numRuns: ROUND, seed: SEED + index });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < specs.length) {
        const { to, request } = specs[next++]!;
        assertContractAnswer(
          await stack.send(to, request),
          null,
          `${request.method} ${request.target.slice(0, 60)}`,
        );
      }
    }),
  );
}

it(`the heap after GC stays within ${BOUND_BYTES / 1024 / 1024} MiB of its post-warm-up size over ${ROUNDS} rounds of ${ROUND} hostile requests`, async (t) => {
  t.diagnostic(`seed ${SEED}`);
  // Two rounds fill what fills once (caches, compiled code, pools) before the baseline.
  await round(-1);
  await round(0);
  const baseline = await heapAfterGc();
  const heaps: number[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    await round(i);
    heaps.push(await heapAfterGc());
  }
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
  t.diagnostic(
    `heap after warm-up ${mib(baseline)} MiB; after each round ${heaps.map(mib).join(', ')} MiB`,
  );
  const growth = heaps.at(-1)! - baseline;
  assert.ok(
    growth < BOUND_BYTES,
    `the heap grew ${mib(growth)} MiB over ${ROUNDS * ROUND} hostile requests (${heaps.map(mib).join(' → ')} MiB)`,
  );
  assertPrototypesClean('memory rounds');
  await stack.assertAlive('memory rounds');
  stack.logs.assertClean('memory rounds');
});
