/**
 * What every answer to hostile input must be, and how a property runs: a bounded number of
 * cases, one seed per process (printed, and taken from FUZZ_SEED to replay a failure).
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import type * as z from 'zod/mini';
import {
  ERROR_CATALOGUE,
  ErrorEnvelope,
  HEADER_ID_PATTERN,
  type ErrorCode,
} from '../../../contracts/index.ts';
import { POLLUTION_MARKER } from './arbitraries.ts';
import type { RawResponse } from './http.ts';

/** Cases per property; `FUZZ_RUNS=1000` for a deeper run. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
export const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;

/**
 * Runs an async property. On failure the error names the seed and path that replay it
 * (`FUZZ_SEED=… FUZZ_PATH=…`), then fast-check's shrunk counterexample.
 */
export async function holds<T>(
  t: TestContext,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  runs = RUNS,
): Promise<void> {
  t.diagnostic(`fast-check seed ${SEED}, ${runs} runs (FUZZ_SEED / FUZZ_RUNS to change)`);
  const result = await fc.check(fc.asyncProperty(arbitrary, predicate), {
    numRuns: runs,
    seed: SEED,
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
  });
  if (result.failed) {
    const error = result.errorInstance;
    const message = error instanceof Error ? error.message : String(error);
    const example = JSON.stringify(result.counterexample, (_key, value: unknown) =>
      typeof value === 'string' && value.length > 300
        ? `${value.slice(0, 120)}…(${value.length} chars)`
        : Buffer.isBuffer(value)
          ? `<bytes ${value.toString('hex').slice(0, 120)}>`
          : value,
    );
    throw new Error(
      `${t.name}: failed after ${result.numRuns} runs — replay with FUZZ_SEED=${result.seed} FUZZ_PATH=${result.counterexamplePath}\n` +
        `counterexample: ${example?.slice(0, 2000)}\n${message}`,
      { cause: error },
    );
  }
}

/** Asserts a catalogued refusal: a 4xx envelope whose code and status are the catalogue's. */
export function assertCatalogued(response: RawResponse, what: string): ErrorCode {
  assert.ok(
    response.status >= 400 && response.status < 500,
    `${what}: answered ${response.status}, not a 4xx: ${response.text.slice(0, 300)}`,
  );
  assert.match(
    response.header('content-type') ?? '',
    /^application\/json/,
    `${what}: a refusal that is not JSON`,
  );
  const envelope = ErrorEnvelope.safeParse(response.json);
  assert.ok(
    envelope.success,
    `${what}: ${response.status} without the error envelope: ${response.text.slice(0, 300)}`,
  );
  const { code, request_id } = envelope.data.error;
  assert.ok(Object.hasOwn(ERROR_CATALOGUE, code), `${what}: ${code} is not in the catalogue`);
  assert.equal(
    response.status,
    ERROR_CATALOGUE[code].status,
    `${what}: ${code} answered ${response.status}, the catalogue says ${ERROR_CATALOGUE[code].status}`,
  );
  assertSafeRequestId(response, what);
  assert.equal(request_id, response.header('x-request-id'), `${what}: request ids differ`);
  return code;
}

/** The echoed request id can carry nothing into a header or a log line. */
export function assertSafeRequestId(response: RawResponse, what: string): void {
  const ids = response.headers.get('x-request-id') ?? [];
  assert.equal(ids.length, 1, `${what}: ${ids.length} X-Request-Id headers`);
  // The services' own request-id rule: anything else is never echoed.
  assert.match(ids[0]!, HEADER_ID_PATTERN, `${what}: unsafe X-Request-Id echoed`);
  assert.ok(!response.headers.has('x-injected'), `${what}: an injected header came back`);
}

/**
 * A success (2xx whose body matches `schema`) or a catalogued refusal; never a 5xx, never an
 * answer outside the contract. Returns the code of a refusal, or null for a success.
 */
export function assertContractAnswer(
  response: RawResponse,
  schema: z.ZodMiniType | null,
  what: string,
): ErrorCode | null {
  if (response.status >= 200 && response.status < 300) {
    assertSafeRequestId(response, what);
    if (schema) {
      const parsed = schema.safeParse(response.json);
      assert.ok(
        parsed.success,
        `${what}: ${response.status} whose body breaks its contract: ${response.text.slice(0, 300)}`,
      );
    }
    return null;
  }
  return assertCatalogued(response, what);
}

const OBJECT_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Array.prototype).sort();
const FUNCTION_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Function.prototype).sort();

/** No body reached a prototype: the built-in prototypes have exactly the members they began with. */
export function assertPrototypesClean(what: string): void {
  assert.deepEqual(
    Object.getOwnPropertyNames(Object.prototype).sort(),
    OBJECT_PROTOTYPE_NAMES,
    `${what}: Object.prototype changed`,
  );
  assert.deepEqual(
    Object.getOwnPropertyNames(Array.prototype).sort(),
    ARRAY_PROTOTYPE_NAMES,
    `${what}: Array.prototype changed`,
  );
  assert.deepEqual(
    Object.getOwnPropertyNames(Function.prototype).sort(),
    FUNCTION_PROTOTYPE_NAMES,
    `${what}: Function.prototype changed`,
  );
  assert.equal(
    (Object.create(null) as Record<string, unknown>)[POLLUTION_MARKER] ??
      ({} as Record<string, unknown>)[POLLUTION_MARKER],
    undefined,
    `${what}: a fresh object inherits ${POLLUTION_MARKER}`,
  );
}
