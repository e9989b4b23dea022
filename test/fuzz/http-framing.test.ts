/**
 * Hostile input below the bodies: header values that try to split the answer or smuggle bytes
 * (CR/LF, NUL, bytes above 0x7F, 70 kB), ids in paths, broken request lines, and bodies declared
 * or streamed far beyond the 16 KiB limit. Every answer is a catalogued one, from the parser up.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { hostileHeaderValue, hostilePathSegment } from './support/arbitraries.ts';
import { assertUnharmed } from './support/bodies.ts';
import { rawExchange, streamUpload, type HeaderValue } from './support/http.ts';
import { assertCatalogued, assertContractAnswer, holds } from './support/oracle.ts';
import { ADMIN_TOKEN, ORIGIN, startFuzzStack, type FuzzStack } from './support/stack.ts';

let stack: FuzzStack;
before(async () => {
  stack = await startFuzzStack();
});
beforeEach(() => stack.logs.reset());
after(() => stack.close());

interface Route {
  method: string;
  /** The target for a fresh account's resources, with `id` in place of its own id when given. */
  target: (account: Awaited<ReturnType<FuzzStack['account']>>, id?: string) => string;
  /** Whether the path names a resource by id. */
  byId: boolean;
  body?: string;
}

const ACCEPT = '{"signer_name":"Ada","signer_email":"ada@example.com","accept_terms":true}';
const DRAFT = '{"step":"contact","values":{"name":"Ada"}}';
const ACCOUNT = '{"legal_name":"Nordlicht GmbH"}';

const API_ROUTES: Route[] = [
  { method: 'GET', byId: true, target: (a, id) => `/v1/quotes/${id ?? a.quotes.open}` },
  {
    method: 'POST',
    byId: true,
    target: (a, id) => `/v1/quotes/${id ?? a.quotes.open}/accept`,
    body: ACCEPT,
  },
  {
    method: 'POST',
    byId: true,
    target: (a, id) => `/v1/quotes/${id ?? a.quotes.open}/decline`,
    body: '{"reason":"no"}',
  },
  { method: 'POST', byId: false, target: () => '/v1/onboarding', body: '{}' },
  { method: 'GET', byId: true, target: (a, id) => `/v1/onboarding/${id ?? a.onboarding_id}` },
  {
    method: 'PATCH',
    byId: true,
    target: (a, id) => `/v1/onboarding/${id ?? a.onboarding_id}`,
    body: DRAFT,
  },
  {
    method: 'POST',
    byId: true,
    target: (a, id) => `/v1/onboarding/${id ?? a.onboarding_id}/submit`,
  },
  { method: 'GET', byId: true, target: (a, id) => `/v1/accounts/${id ?? a.account_id}` },
  {
    method: 'PATCH',
    byId: true,
    target: (a, id) => `/v1/accounts/${id ?? a.account_id}`,
    body: ACCOUNT,
  },
  { method: 'GET', byId: false, target: () => '/v1/events?after=0' },
  { method: 'GET', byId: false, target: () => '/v1/reference/countries' },
];

const ID_HEADERS = [
  'Idempotency-Key',
  'If-Match',
  'X-Request-Id',
  'X-Tessera-Session',
  'Tessera-Simulate',
  'Origin',
  'DPoP',
  'Content-Type',
  'Host',
] as const;

/** The headers a widget sends, with one of them replaced by `hostile`. */
function apiHeaders(
  token: string,
  hostile?: { name: string; value: HeaderValue },
): [string, HeaderValue][] {
  const normal: [string, HeaderValue][] = [
    ['Authorization', `Bearer ${token}`],
    ['Origin', ORIGIN],
    ['Content-Type', 'application/json'],
    ['Idempotency-Key', randomUUID()],
    ['If-Match', '*'],
  ];
  if (!hostile) return normal;
  return [...normal.filter(([name]) => name !== hostile.name), [hostile.name, hostile.value]];
}

describe('headers that carry ids', () => {
  it('core API: a hostile Idempotency-Key, If-Match, X-Request-Id, X-Tessera-Session, Tessera-Simulate, Origin, DPoP, Content-Type or Host on any route is a contract answer or a catalogued 4xx, with a safe X-Request-Id and no injected header', async (t) => {
    await holds(
      t,
      fc.tuple(fc.constantFrom(...API_ROUTES), fc.constantFrom(...ID_HEADERS), hostileHeaderValue),
      async ([route, name, value]) => {
        const account = await stack.account();
        const response = await stack.send('api', {
          method: route.method,
          target: route.target(account),
          headers: apiHeaders(account.token, { name, value }),
          body: route.body ?? '',
        });
        assertContractAnswer(response, null, `${route.method} ${route.target(account)} ${name}`);
      },
    );
    await assertUnharmed(stack, 'core API headers');
  });

  it('token service: a hostile X-Request-Id, Content-Type, Authorization or Host on minting, introspection and the admin API is a catalogued 4xx or a success, with a safe X-Request-Id', async (t) => {
    const routes = [
      {
        target: '/v1/tokens',
        secret: () => stack.partner.secret,
        body: JSON.stringify({
          subject: 'acct_fuzz00000001',
          scopes: ['quote:read'],
          origin: ORIGIN,
        }),
        type: 'application/json',
      },
      {
        target: '/v1/tokens/introspect',
        secret: () => stack.partner.secret,
        body: 'token=abc',
        type: 'application/x-www-form-urlencoded',
      },
      {
        target: '/admin/v1/partners',
        secret: () => ADMIN_TOKEN,
        body: '{"name":"x","origins":["https://x.example"],"scopes":["quote:read"]}',
        type: 'application/json',
      },
    ];
    await holds(
      t,
      fc.tuple(
        fc.constantFrom(...routes),
        fc.constantFrom('X-Request-Id', 'Content-Type', 'Authorization', 'Host'),
        hostileHeaderValue,
      ),
      async ([route, name, value]) => {
        const headers: [string, HeaderValue][] = [
          ['Authorization', `Bearer ${route.secret()}`],
          ['Content-Type', route.type],
        ].filter(([header]) => header !== name) as [string, string][];
        const response = await stack.send('ts', {
          method: 'POST',
          target: route.target,
          headers: [...headers, [name, value]],
          body: route.body,
        });
        assertContractAnswer(response, null, `POST ${route.target} ${name}`);
      },
    );
    await assertUnharmed(stack, 'token service headers');
  });

  it('an X-Request-Id that is not safe is replaced, never echoed; a safe one is echoed as sent', async () => {
    const token = await stack.token();
    for (const [value, echoed] of [
      ['abc\r\nX-Injected: 1', false],
      ['a b', false],
      ['x'.repeat(129), false],
      ['<script>', false],
      ['req-1.2_3:4', true],
    ] as const) {
      const response = await stack.send('api', {
        method: 'GET',
        target: '/v1/reference/countries',
        headers: [
          ['Authorization', `Bearer ${token}`],
          ['X-Request-Id', value],
        ],
      });
      assert.equal(response.header('x-request-id') === value, echoed, JSON.stringify(value));
      assert.ok(!response.headers.has('x-injected'));
    }
  });
});

describe('ids in paths', () => {
  it('core API: a hostile id (%00, invalid UTF-8 escapes, 5000 characters, traversal, markup) in any route is not_found or another catalogued 4xx, never a database error', async (t) => {
    const routes = API_ROUTES.filter((route) => route.byId);
    await holds(
      t,
      fc.tuple(fc.constantFrom(...routes), hostilePathSegment),
      async ([route, id]) => {
        const account = await stack.account();
        const response = await stack.send('api', {
          method: route.method,
          target: route.target(account, id),
          headers: apiHeaders(account.token),
          body: route.body ?? '',
        });
        assertCatalogued(response, `${route.method} ${route.target(account, id).slice(0, 80)}`);
      },
    );
    await assertUnharmed(stack, 'core API ids');
  });

  it('a path no route has, on either service, is the not_found envelope (not a text/plain 404)', async () => {
    const token = await stack.token();
    for (const to of ['ts', 'api'] as const)
      for (const target of ['/v2/quotes', '/v1/quotes/..', '/..', '/v1/nothing/here']) {
        const response = await stack.send(to, {
          method: 'GET',
          target,
          headers: [['Authorization', `Bearer ${token}`]],
        });
        assert.equal(assertCatalogued(response, `${to} GET ${target}`), 'not_found');
      }
  });

  it('GET /v1/quotes/%00 and PATCH /admin/v1/partners/%00 are 404 with their not-found codes', async () => {
    const account = await stack.account();
    const quote = await stack.send('api', {
      method: 'GET',
      target: '/v1/quotes/qt_%00',
      headers: apiHeaders(account.token),
    });
    assert.equal(assertCatalogued(quote, 'quote %00'), 'not_found');
    const partner = await stack.send('ts', {
      method: 'PATCH',
      target: '/admin/v1/partners/ptn_%00',
      headers: [
        ['Authorization', `Bearer ${ADMIN_TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{"name":"x"}',
    });
    assert.equal(assertCatalogued(partner, 'partner %00'), 'partner_not_found');
  });
});

describe('requests the HTTP parser refuses', () => {
  const broken = fc.oneof(
    fc.constantFrom(
      'GET /\x01 HTTP/1.1\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'G\x00T / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\nX-Request-Id: a\rb\r\n\r\n',
      'GET / HTTP/1.1\r\nX Bad: 1\r\n\r\n',
      'GET / HTTP/1.1\r\n: empty-name\r\n\r\n',
      'POST /v1/tokens HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'POST /v1/tokens HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'POST /v1/tokens HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
      `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ),
    fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((bytes) => `GET /${Buffer.from(bytes).toString('latin1')} HTTP/1.1\r\n\r\n`),
  );

  it('broken request lines, bad header syntax, conflicting lengths and 20 kB headers are answered with the envelope (malformed_request) by both services', async (t) => {
    await holds(t, fc.tuple(fc.constantFrom('ts', 'api'), broken), async ([to, raw]) => {
      const base = new URL(to === 'ts' ? stack.tokenService.url : stack.api.url);
      const response = await rawExchange(
        base.href,
        Buffer.from(raw.replace('\r\n\r\n', `\r\nHost: ${base.host}\r\n\r\n`), 'latin1'),
      );
      assert.ok(response, `no answer to ${JSON.stringify(raw.slice(0, 80))}`);
      assertContractAnswer(response, null, JSON.stringify(raw.slice(0, 80)));
    });
    await assertUnharmed(stack, 'parser refusals');
  });
});

describe('bodies far beyond the 16 KiB limit', () => {
  const MIB = 1024 * 1024;
  /** Every route that reads a body, with what it needs besides the body. */
  async function uploads() {
    const account = await stack.account();
    const api = (method: string, target: string) => ({
      to: 'api' as const,
      method,
      target,
      headers: [
        ['Authorization', `Bearer ${account.token}`],
        ['Origin', ORIGIN],
        ['Content-Type', 'application/json'],
        ['Idempotency-Key', randomUUID()],
        ['If-Match', '"1"'],
      ] as [string, string][],
    });
    const ts = (method: string, target: string, secret: string, type = 'application/json') => ({
      to: 'ts' as const,
      method,
      target,
      headers: [
        ['Authorization', `Bearer ${secret}`],
        ['Content-Type', type],
      ] as [string, string][],
    });
    return [
      ts('POST', '/v1/tokens', stack.partner.secret),
      ts(
        'POST',
        '/v1/tokens/introspect',
        stack.partner.secret,
        'application/x-www-form-urlencoded',
      ),
      ts('POST', '/admin/v1/partners', ADMIN_TOKEN),
      ts('PATCH', `/admin/v1/partners/${stack.partner.id}`, ADMIN_TOKEN),
      api('POST', `/v1/quotes/${account.quotes.open}/accept`),
      api('POST', `/v1/quotes/${account.quotes.open}/decline`),
      api('POST', '/v1/onboarding'),
      api('PATCH', `/v1/onboarding/${account.onboarding_id}`),
      api('POST', `/v1/onboarding/${account.onboarding_id}/submit`),
      api('PATCH', `/v1/accounts/${account.account_id}`),
    ];
  }

  for (const chunked of [false, true]) {
    const framing = chunked ? 'streamed (chunked, no length)' : 'declared as 64 MiB';
    it(`a body ${framing} is refused with body_too_large before the client has sent it all, on every route that reads a body`, async () => {
      for (const route of await uploads()) {
        const upload = await streamUpload(
          route.to === 'ts' ? stack.tokenService.url : stack.api.url,
          { ...route, total: 64 * MIB, chunked },
        );
        const what = `${route.method} ${route.target} (${framing})`;
        assert.ok(upload.response, `${what}: no answer`);
        assert.equal(assertCatalogued(upload.response, what), 'body_too_large', what);
        assert.ok(
          upload.sentBeforeAnswer < upload.total,
          `${what}: answered only after all ${upload.total / MIB} MiB were sent: the body was read whole`,
        );
      }
      await assertUnharmed(stack, framing);
    });
  }
});
