/**
 * The three body properties every JSON endpoint gets: any hostile JSON value, a valid body with
 * one thing made hostile, and bytes that are not (UTF-8) JSON. Each case must end in a success
 * that meets the contract or a catalogued 4xx; afterwards no prototype is polluted, both
 * services answer /healthz, and every log line they wrote is one clean JSON object.
 */
import type { TestContext } from 'node:test';
import { it } from 'node:test';
import fc from 'fast-check';
import type * as z from 'zod/mini';
import {
  byteDamage,
  damage,
  hostileJson,
  hostileString,
  mutate,
  mutation,
  pathsOf,
} from './arbitraries.ts';
import type { RawResponse } from './http.ts';
import { assertContractAnswer, assertPrototypesClean, holds } from './oracle.ts';
import type { FuzzStack } from './stack.ts';

export interface Prepared {
  target: string;
  headers: [string, string][];
}

export interface JsonEndpoint {
  /** `POST /v1/tokens`, as the test names say it. */
  name: string;
  to: 'ts' | 'api';
  method: string;
  /** A fresh target and headers per case (credentials, Idempotency-Key, If-Match). */
  prepare(): Promise<Prepared>;
  /** A body the endpoint accepts. */
  valid: Record<string, unknown>;
  /** What a 2xx body must match. */
  success: z.ZodMiniType;
  /** Extra checks on a success, e.g. that what was stored reads back unchanged. */
  afterSuccess?(response: RawResponse, prepared: Prepared): Promise<void>;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/jsonx',
  'multipart/form-data; boundary=x',
  null,
] as const;

/** The checks every property ends with. */
export async function assertUnharmed(stack: FuzzStack, what: string): Promise<void> {
  assertPrototypesClean(what);
  await stack.assertAlive(what);
  stack.logs.assertClean(what);
}

export function jsonBodyProperties(stack: () => FuzzStack, endpoint: JsonEndpoint): void {
  const { name } = endpoint;

  async function send(body: Buffer, contentType: string | null = 'application/json') {
    const prepared = await endpoint.prepare();
    const headers: [string, string][] = contentType
      ? [...prepared.headers, ['Content-Type', contentType]]
      : prepared.headers;
    const response = await stack().send(endpoint.to, {
      method: endpoint.method,
      target: prepared.target,
      headers,
      body,
    });
    const code = assertContractAnswer(response, endpoint.success, name);
    if (code === null) await endpoint.afterSuccess?.(response, prepared);
    return code;
  }

  it(`${name}: any JSON value as the body (prototype keys, huge strings, nesting) is a contract success or a catalogued 4xx`, async (t: TestContext) => {
    await holds(t, hostileJson, async (value) => {
      await send(Buffer.from(JSON.stringify(value) ?? 'null'));
    });
    await assertUnharmed(stack(), name);
  });

  it(`${name}: a valid body with fields made hostile, removed, added or polluted is a contract success or a catalogued 4xx`, async (t: TestContext) => {
    const paths = pathsOf(endpoint.valid);
    const mutations = fc.array(mutation(paths), { minLength: 1, maxLength: 3 });
    // Hostile strings in the fields themselves, where most free text ends up in the database.
    const fieldStrings = (someOf: string[][]) =>
      fc
        .record({ path: fc.constantFrom(...someOf), value: hostileString })
        .map(({ path, value }) => [{ kind: 'set' as const, path, value }]);
    await holds(
      t,
      paths.length > 0 ? fc.oneof(mutations, fieldStrings(paths)) : mutations,
      async (mutations) => {
        await send(Buffer.from(JSON.stringify(mutate(endpoint.valid, mutations)) ?? 'null'));
      },
    );
    await assertUnharmed(stack(), name);
  });

  it(`${name}: damaged bytes (invalid UTF-8, truncation, BOM, deep nesting, 1e400) and other media types are a catalogued 4xx, or a contract success when the damage left a valid body`, async (t: TestContext) => {
    await holds(
      t,
      fc.tuple(byteDamage, fc.constantFrom(...CONTENT_TYPES)),
      async ([change, contentType]) => {
        await send(damage(JSON.stringify(endpoint.valid), change), contentType);
      },
    );
    await assertUnharmed(stack(), name);
  });
}
