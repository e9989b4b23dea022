/**
 * Hostile input against every public body of the token service: minting, introspection, and the
 * admin API's partner create and update, OAuth client credentials; plus hostile credentials and
 * ids in paths and queries.
 */
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import * as z from 'zod/mini';
import assert from 'node:assert/strict';
import {
  IntrospectionResponse,
  IssuedPartnerKey,
  OAuthErrorResponse,
  Partner,
  PartnerTokenResponse,
  TokenResponse,
} from '../../contracts/index.ts';
import {
  byteDamage,
  damage,
  hostileHeaderValue,
  hostilePathSegment,
  hostileString,
} from './support/arbitraries.ts';
import { assertUnharmed, jsonBodyProperties } from './support/bodies.ts';
import {
  assertCatalogued,
  assertContractAnswer,
  assertSafeRequestId,
  holds,
} from './support/oracle.ts';
import { ADMIN_TOKEN, ORIGIN, startFuzzStack, type FuzzStack } from './support/stack.ts';

let stack: FuzzStack;
let updatable: string;
before(async () => {
  stack = await startFuzzStack();
  // Its own partner, so updates that succeed cannot break the one the other tests mint with.
  const created = await fetch(`${stack.tokenService.url}/admin/v1/partners`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Updated by fuzzing', origins: [ORIGIN], scopes: ['quote:read'] }),
  });
  updatable = ((await created.json()) as { partner: { id: string } }).partner.id;
});
beforeEach(() => stack.logs.reset());
after(() => stack.close());

const admin: [string, string][] = [['Authorization', `Bearer ${ADMIN_TOKEN}`]];

describe('POST /v1/tokens', () => {
  jsonBodyProperties(() => stack, {
    name: 'POST /v1/tokens',
    to: 'ts',
    method: 'POST',
    prepare: () =>
      Promise.resolve({
        target: '/v1/tokens',
        headers: [['Authorization', `Bearer ${stack.partner.secret}`]],
      }),
    valid: {
      subject: 'acct_fuzz00000001',
      scopes: ['quote:read', 'account:read'],
      origin: ORIGIN,
      ttl_seconds: 300,
      correlation_id: 'sess-fuzz-1',
    },
    success: TokenResponse,
  });

  it('a hostile Authorization header (schemes, CR/LF, NUL, bytes above 0x7F, 70 kB) is a catalogued 4xx', async (t) => {
    await holds(
      t,
      fc.tuple(fc.constantFrom('', 'Bearer ', 'bearer  ', 'Basic ', 'DPoP '), hostileHeaderValue),
      async ([scheme, value]) => {
        const response = await stack.send('ts', {
          method: 'POST',
          target: '/v1/tokens',
          headers: [
            ['Authorization', Buffer.concat([Buffer.from(scheme), value])],
            ['Content-Type', 'application/json'],
          ],
          body: JSON.stringify({
            subject: 'acct_fuzz00000001',
            scopes: ['quote:read'],
            origin: ORIGIN,
          }),
        });
        assertCatalogued(response, 'POST /v1/tokens with a hostile Authorization');
      },
    );
    await assertUnharmed(stack, 'POST /v1/tokens');
  });
});

describe('POST /v1/tokens/introspect', () => {
  let real: string;
  before(async () => {
    real = await stack.token();
  });

  /** A real token with a few characters changed, cut, doubled or re-encoded. */
  const mangledToken = fc
    .tuple(fc.nat(), fc.constantFrom('flip', 'cut', 'double', 'dots', 'space', 'percent'), fc.nat())
    .map(([at, how, extra]) => ({ at, how, extra }));

  function mangle(token: string, change: { at: number; how: string; extra: number }): string {
    const at = change.at % token.length;
    switch (change.how) {
      case 'flip':
        return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      case 'cut':
        return token.slice(0, at);
      case 'double':
        return token + '.' + token;
      case 'dots':
        return token.replaceAll('.', '.'.repeat(1 + (change.extra % 3)));
      case 'space':
        return token.slice(0, at) + ' ' + token.slice(at);
      default:
        return encodeURIComponent(token).replaceAll('.', '%2E');
    }
  }

  const credentials = fc.constantFrom('partner', 'admin', 'none', 'wrong');

  it('any form body (hostile tokens, mangled real tokens, repeated and huge fields, invalid bytes) is {active:false} or a catalogued 4xx, never a 500', async (t) => {
    await holds(
      t,
      fc.tuple(
        credentials,
        fc.oneof(
          hostileString.map((token) => new URLSearchParams({ token }).toString()),
          mangledToken.map((change) =>
            new URLSearchParams({ token: mangle(real, change) }).toString(),
          ),
          fc.constantFrom('', 'token=', 'token', '&&&', 'token=a&token=b', '=%', '%zz=%zz'),
          hostileString.map((text) => text),
        ),
        fc.option(byteDamage, { nil: undefined }),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'application/json',
          null,
        ),
      ),
      async ([who, form, change, contentType]) => {
        const body = change ? damage(form, change) : Buffer.from(form);
        const authorization =
          who === 'partner'
            ? `Bearer ${stack.partner.secret}`
            : who === 'admin'
              ? `Bearer ${ADMIN_TOKEN}`
              : who === 'wrong'
                ? 'Bearer tsk_test_wrong'
                : null;
        const response = await stack.send('ts', {
          method: 'POST',
          target: '/v1/tokens/introspect',
          headers: [
            ...(authorization ? [['Authorization', authorization] as [string, string]] : []),
            ...(contentType ? [['Content-Type', contentType] as [string, string]] : []),
          ],
          body,
        });
        if (assertContractAnswer(response, IntrospectionResponse, 'introspect') === null) {
          const answer = response.json as { active: boolean };
          // Only the real token may be active: the same string, or one whose segments decode to
          // the same bytes (base64url's spare bits). Read as the service reads the form: a UTF-8
          // byte-order mark is not part of it.
          const sent = new URLSearchParams(new TextDecoder().decode(body)).get('token') ?? '';
          const bytes = (token: string) =>
            token.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));
          if (
            answer.active &&
            (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(sent) || String(bytes(sent)) !== String(bytes(real)))
          )
            throw new Error(`a mangled token was active: ${JSON.stringify(sent)}`);
        }
      },
    );
    await assertUnharmed(stack, 'POST /v1/tokens/introspect');
  });
});

describe('POST /oauth/token', () => {
  const formPart = fc.oneof(
    fc.constantFrom(
      'grant_type=client_credentials',
      'grant_type=password',
      'grant_type=',
      'scope=partner:events',
      'scope=quote:read',
      'scope=',
      'scope=partner:accounts%20%20partner:quotes',
      'client_id=ptn_unknown',
      'client_secret=sk_test_wrong',
      '&&',
      '=%',
      '%zz=%zz',
    ),
    fc
      .tuple(fc.constantFrom('grant_type', 'scope', 'client_id', 'client_secret'), hostileString)
      .map(([name, value]) => new URLSearchParams({ [name]: value }).toString()),
    hostileString,
  );
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const authorization = fc.oneof(
    fc.constantFrom('none', 'basic', 'post', 'both'),
    hostileHeaderValue.map((value) => Buffer.concat([Buffer.from('Basic '), value])),
    hostileString.map((value) => `Basic ${Buffer.from(value).toString('base64')}`),
  );

  it('any form body and client authentication is a partner token or an RFC 6749 §5.2 refusal, never a 5xx', async (t) => {
    await holds(
      t,
      fc.tuple(
        authorization,
        fc.array(formPart, { maxLength: 6 }),
        fc.option(byteDamage, { nil: undefined }),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'application/json',
          null,
        ),
      ),
      async ([auth, parts, change, contentType]) => {
        const { id, secret } = stack.partner;
        const form = [
          ...parts,
          ...(auth === 'post' || auth === 'both'
            ? [new URLSearchParams({ client_id: id, client_secret: secret }).toString()]
            : []),
        ].join('&');
        const header =
          auth === 'basic' || auth === 'both'
            ? basic(id, secret)
            : auth === 'none' || auth === 'post'
              ? null
              : auth;
        const response = await stack.send('ts', {
          method: 'POST',
          target: '/oauth/token',
          headers: [
            ...(header ? [['Authorization', header] as [string, Buffer | string]] : []),
            ...(contentType ? [['Content-Type', contentType] as [string, string]] : []),
          ],
          body: change ? damage(form, change) : Buffer.from(form),
        });
        assertSafeRequestId(response, 'POST /oauth/token');
        // Not HTTP at all (a header over 16 KiB, a control byte): refused before any route reads it.
        if (response.status === 400 && response.text.includes('"malformed_request"')) {
          assert.equal(assertCatalogued(response, 'POST /oauth/token'), 'malformed_request');
          return;
        }
        if (response.status === 200) {
          assert.ok(PartnerTokenResponse.safeParse(response.json).success, response.text);
          return;
        }
        assert.ok(
          [400, 401, 429].includes(response.status),
          `POST /oauth/token answered ${response.status}: ${response.text.slice(0, 300)}`,
        );
        const refusal = OAuthErrorResponse.safeParse(response.json);
        assert.ok(refusal.success, `not RFC 6749 §5.2: ${response.text.slice(0, 300)}`);
        assert.deepEqual(Object.keys(response.json as object).sort(), [
          'error',
          'error_description',
        ]);
        if (response.status === 401) {
          assert.equal(refusal.data.error, 'invalid_client');
          assert.match(response.header('www-authenticate') ?? '', /^Basic realm="/);
        }
      },
    );
    await assertUnharmed(stack, 'POST /oauth/token');
  });
});

describe('admin API: partners', () => {
  jsonBodyProperties(() => stack, {
    name: 'POST /admin/v1/partners',
    to: 'ts',
    method: 'POST',
    prepare: () => Promise.resolve({ target: '/admin/v1/partners', headers: admin }),
    valid: {
      name: 'Hostile Shop',
      mode: 'test',
      origins: ['https://hostile.example', 'https://*.hostile.example'],
      scopes: ['quote:read', 'quote:accept'],
      max_ttl_seconds: 600,
      rate_limit: { per_second: 5, burst: 10 },
      require_dpop: false,
    },
    success: z.object({ partner: Partner, key: IssuedPartnerKey }),
  });

  jsonBodyProperties(() => stack, {
    name: 'PATCH /admin/v1/partners/:id',
    to: 'ts',
    method: 'PATCH',
    prepare: () => Promise.resolve({ target: `/admin/v1/partners/${updatable}`, headers: admin }),
    valid: {
      name: 'Renamed',
      origins: ['https://renamed.example'],
      scopes: ['quote:read'],
      max_ttl_seconds: 300,
      rate_limit: { per_second: 5, burst: 10 },
      require_dpop: false,
    },
    success: Partner,
    async afterSuccess(response) {
      // What was stored reads back exactly as the update answered.
      const read = await stack.send('ts', {
        method: 'GET',
        target: `/admin/v1/partners/${updatable}`,
        headers: admin,
      });
      const stored = (read.json as { partner: unknown }).partner;
      if (JSON.stringify(stored) !== response.text)
        throw new Error(`stored partner differs from the answer: ${JSON.stringify(stored)}`);
    },
  });

  const routes = [
    ['GET', (id: string) => `/admin/v1/partners/${id}`],
    ['PATCH', (id: string) => `/admin/v1/partners/${id}`],
    ['POST', (id: string) => `/admin/v1/partners/${id}/suspend`],
    ['POST', (id: string) => `/admin/v1/partners/${id}/resume`],
    ['POST', (id: string) => `/admin/v1/partners/${id}/keys`],
    ['POST', (id: string) => `/admin/v1/partner-keys/${id}/revoke`],
    ['GET', (id: string) => `/admin/v1/issuances?partner_id=${id}&limit=${id}`],
  ] as const;

  it('hostile ids in paths and queries (%00, invalid UTF-8, 5000 chars, traversal) are a catalogued 4xx or an empty list', async (t: TestContext) => {
    await holds(
      t,
      fc.tuple(fc.constantFrom(...routes), hostilePathSegment),
      async ([[method, path], id]) => {
        const response = await stack.send('ts', {
          method,
          target: path(id),
          headers: [...admin, ['Content-Type', 'application/json']],
          body: method === 'PATCH' ? '{"name":"x"}' : '',
        });
        assertContractAnswer(response, null, `${method} ${path(id).slice(0, 60)}`);
      },
    );
    await assertUnharmed(stack, 'admin ids');
  });

  it('a hostile admin credential is admin_unauthorized', async (t) => {
    await holds(t, hostileHeaderValue, async (value) => {
      const response = await stack.send('ts', {
        method: 'GET',
        target: '/admin/v1/partners',
        headers: [['Authorization', Buffer.concat([Buffer.from('Bearer '), value])]],
      });
      const code = assertCatalogued(response, 'admin with a hostile credential');
      if (code !== 'admin_unauthorized' && code !== 'malformed_request')
        throw new Error(`answered ${code}`);
    });
    await assertUnharmed(stack, 'admin credential');
  });
});
