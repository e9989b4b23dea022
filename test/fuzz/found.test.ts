/**
 * What the properties found, kept as fixed cases so every run covers them whatever the seed:
 * each was a 500, a silent change of stored data, or an answer outside the catalogue before it
 * was fixed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { assertUnharmed } from './support/bodies.ts';
import { rawExchange, type HeaderValue, type RawResponse } from './support/http.ts';
import { assertCatalogued } from './support/oracle.ts';
import { ADMIN_TOKEN, ORIGIN, startFuzzStack, type FuzzStack } from './support/stack.ts';

let stack: FuzzStack;
before(async () => {
  stack = await startFuzzStack();
});
beforeEach(() => stack.logs.reset());
after(async () => {
  try {
    await assertUnharmed(stack, 'found cases');
  } finally {
    await stack.close();
  }
});

type Account = Awaited<ReturnType<FuzzStack['account']>>;

function api(
  account: Account,
  method: string,
  target: string,
  body?: string,
  extra: [string, HeaderValue][] = [],
): Promise<RawResponse> {
  return stack.send('api', {
    method,
    target,
    headers: [
      ['Authorization', `Bearer ${account.token}`],
      ['Origin', ORIGIN],
      ['Content-Type', 'application/json'],
      ['Idempotency-Key', randomUUID()],
      ...extra,
    ],
    body,
  });
}

/** The field a validation_failed names, and its issue code. */
function field(response: RawResponse): { path: string; code: string } | undefined {
  assert.equal(assertCatalogued(response, 'refusal'), 'validation_failed', response.text);
  const details = (response.json as { error: { details?: { fields?: unknown[] } } }).error.details;
  return details?.fields?.[0] as { path: string; code: string } | undefined;
}

describe('strings the database cannot store as sent', () => {
  it('a decline reason with U+0000 is validation_failed naming the field (was a 500)', async () => {
    const account = await stack.account();
    const response = await api(
      account,
      'POST',
      `/v1/quotes/${account.quotes.open}/decline`,
      '{"reason":"a\\u0000b"}',
    );
    assert.deepEqual(field(response), {
      path: 'reason',
      code: 'invalid_characters',
      message: 'contains U+0000 or an unpaired surrogate, or starts with U+FEFF',
    });
  });

  it('an onboarding draft value with a lone surrogate is validation_failed (was a 500)', async () => {
    const account = await stack.account();
    const target = `/v1/onboarding/${account.onboarding_id}`;
    const etag = (await api(account, 'GET', target)).header('etag')!;
    const response = await api(
      account,
      'PATCH',
      target,
      '{"step":"company","values":{"registration_number":"\\udfff"}}',
      [['If-Match', etag]],
    );
    assert.equal(field(response)?.path, 'values.registration_number');
  });

  it('a legal name that is only U+FEFF is refused, and the account stays readable (was stored, then every read a 500)', async () => {
    const account = await stack.account();
    const target = `/v1/accounts/${account.account_id}`;
    for (const name of ['\\ufeff', '\\ufeffNordlicht']) {
      const response = await api(account, 'PATCH', target, `{"legal_name":"${name}"}`, [
        ['If-Match', '"1"'],
      ]);
      assert.equal(field(response)?.code, 'invalid_characters');
    }
    assert.equal((await api(account, 'GET', target)).status, 200);
  });

  it('a partner name with U+0000 is validation_failed (was a 500)', async () => {
    const response = await stack.send('ts', {
      method: 'POST',
      target: '/admin/v1/partners',
      headers: [
        ['Authorization', `Bearer ${ADMIN_TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{"name":"a\\u0000","origins":["https://a.example"],"scopes":["quote:read"]}',
    });
    assert.equal(field(response)?.path, 'name');
  });
});

describe('values that make a schema check throw instead of fail', () => {
  // zod's length check compares `value.length` with a number: an object whose `toString` and
  // `valueOf` are not functions cannot be converted, and the comparison throws a TypeError.
  const crafted = '{"length":[{"toString":1,"valueOf":1}]}';

  it('as a partner name: validation_failed (was a 500)', async () => {
    const response = await stack.send('ts', {
      method: 'POST',
      target: '/admin/v1/partners',
      headers: [
        ['Authorization', `Bearer ${ADMIN_TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: `{"name":${crafted},"origins":["https://a.example"],"scopes":["quote:read"]}`,
    });
    assert.equal(assertCatalogued(response, 'crafted name'), 'validation_failed');
  });

  it('as an onboarding draft value, checked after the body: validation_failed (was a 500)', async () => {
    const account = await stack.account();
    const target = `/v1/onboarding/${account.onboarding_id}`;
    const etag = (await api(account, 'GET', target)).header('etag')!;
    const response = await api(
      account,
      'PATCH',
      target,
      `{"step":"company","values":{"legal_name":${crafted}}}`,
      [['If-Match', etag]],
    );
    assert.equal(field(response)?.path, 'values');
  });
});

describe('introspection and the verifier judge a token alike', () => {
  it('a real token with a space before its signature is inactive (was active, while the verifier refuses it)', async () => {
    const token = await stack.token();
    const introspect = (candidate: string) =>
      stack.send('ts', {
        method: 'POST',
        target: '/v1/tokens/introspect',
        headers: [
          ['Authorization', `Bearer ${stack.partner.secret}`],
          ['Content-Type', 'application/x-www-form-urlencoded'],
        ],
        body: new URLSearchParams({ token: candidate }).toString(),
      });
    assert.equal(((await introspect(token)).json as { active: boolean }).active, true);
    const spaced = token.replace(/\.([^.]*)$/, '. $1');
    assert.deepEqual((await introspect(spaced)).json, { active: false });
  });
});

describe('requests refused below the handlers', () => {
  const cases: [string, string][] = [
    ['a bare CR in a header value', 'GET /healthz HTTP/1.1\r\nX-Request-Id: a\rb\r\n'],
    ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nX-Request-Id: ${'a'.repeat(20_000)}\r\n`],
    ['a control character in the request line', 'GET /\x01 HTTP/1.1\r\n'],
    ['a backslash in the path', 'GET /v1/quotes/a\\b HTTP/1.1\r\n'],
  ];
  for (const [what, head] of cases) {
    it(`${what}: 400 malformed_request with the envelope, from both services (was a bare 400 or 431)`, async () => {
      for (const to of ['ts', 'api'] as const) {
        const base = new URL(to === 'ts' ? stack.tokenService.url : stack.api.url);
        const response = await rawExchange(
          base.href,
          Buffer.from(`${head}Host: ${base.host}\r\nConnection: close\r\n\r\n`, 'latin1'),
        );
        assert.ok(response, `${to}: no answer`);
        assert.equal(assertCatalogued(response, `${to}: ${what}`), 'malformed_request');
      }
    });
  }

  it('GET /admin/v1/issuances?partner_id=%00 is validation_failed (was a 500)', async () => {
    const response = await stack.send('ts', {
      method: 'GET',
      target: '/admin/v1/issuances?partner_id=%00',
      headers: [['Authorization', `Bearer ${ADMIN_TOKEN}`]],
    });
    assert.equal(field(response)?.path, 'partner_id');
  });
});
