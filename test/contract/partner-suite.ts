/**
 * The partner API's part of the core API contract: what a partner's backend, holding a partner
 * token from the token service's `POST /oauth/token` (client credentials with the partner key),
 * may rely on. HTTP only, like the rest of the suite; run from `contractSuite`.
 *
 * Rerunnable on one deployment: every external id and billing email it creates carries a run id,
 * and it reads only what it wrote (and the partner feed's own events). The partner id is the
 * `client_id` of a widget token minted with the partner key, so the CLI needs no extra flag.
 *
 * Decisions where the contract leaves room, so any deployment is held to the same reading:
 * - A malformed `external_id` is `400 validation_failed` (the partner chose it; nothing to hide).
 * - An account the partner does not reach, named in a quote body, is `404 not_found`.
 * - Voiding an already expired quote is `409 quote_expired`.
 * - Mismatching totals are `400 validation_failed` naming `subtotal` / `total` /
 *   `line_items.<n>.amount`.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type * as z from 'zod/mini';
import {
  ERROR_CATALOGUE,
  ErrorEnvelope,
  EventPage,
  PartnerAccount,
  PartnerAccountPage,
  PartnerTokenResponse,
  Quote,
  TokenResponse,
  type ErrorCode,
} from '../../contracts/index.ts';
import type { ContractContext } from './suite.ts';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

const ETAG = /^(?:W\/)?"v?(\d+)"$/;

export function partnerContractSuite(ctx: () => ContractContext): void {
  const runId = randomBytes(6).toString('hex');
  const ext = (name: string) => `contract-${runId}-${name}`;
  const email = (name: string) => `${name}.${runId}@contract.example`;
  let partnerToken: string | undefined;
  let partnerId: string | undefined;

  async function widgetToken(subject: string, scopes: string[]): Promise<string> {
    const c = ctx();
    const response = await fetch(`${c.tokenServiceUrl}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.partnerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject, scopes, origin: c.origin }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return TokenResponse.parse(await response.json()).token;
  }

  async function token(): Promise<string> {
    if (partnerToken) return partnerToken;
    const c = ctx();
    const widget = await widgetToken(c.seed.account_id, ['quote:read']);
    const claims = JSON.parse(
      Buffer.from(widget.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { client_id: string };
    partnerId = claims.client_id;
    const response = await fetch(`${c.tokenServiceUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: partnerId,
        client_secret: c.partnerKey,
        scope: 'partner:accounts partner:quotes partner:events',
      }).toString(),
    });
    assert.equal(response.status, 200, await response.clone().text());
    partnerToken = PartnerTokenResponse.parse(await response.json()).access_token;
    return partnerToken;
  }

  async function call(
    method: string,
    path: string,
    opts: { json?: unknown; key?: string; ifMatch?: string; token?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.token ?? (await token())}`,
    };
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['idempotency-key'] = opts.key ?? `contract-${randomUUID()}`;
    if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
    const response = await fetch(`${ctx().baseUrl}${path}`, {
      method,
      headers,
      ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: assertions say so */
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  const show = (reply: Reply) => `${reply.status} ${reply.text.slice(0, 600)}`;

  function expectOk<S extends z.ZodMiniType>(reply: Reply, schema: S, status = 200): z.infer<S> {
    assert.equal(reply.status, status, `expected ${status}, got ${show(reply)}`);
    const parsed = schema.safeParse(reply.body);
    assert.ok(parsed.success, `the answer does not match the v1 contract: ${show(reply)}`);
    return parsed.data;
  }

  function expectError(reply: Reply, code: ErrorCode) {
    const parsed = ErrorEnvelope.safeParse(reply.body);
    assert.ok(parsed.success, `expected the ${code} error envelope, got ${show(reply)}`);
    assert.equal(parsed.data.error.code, code, show(reply));
    assert.equal(reply.status, ERROR_CATALOGUE[code].status);
    return parsed.data.error;
  }

  function fieldPaths(reply: Reply): string[] {
    const error = expectError(reply, 'validation_failed');
    return ((error.details?.fields ?? []) as { path: string }[]).map((field) => field.path);
  }

  function etagVersion(reply: Reply): number {
    const match = ETAG.exec(reply.headers.get('etag') ?? '');
    assert.ok(match, `a resource answers ETag: ${show(reply)}`);
    return Number(match[1]);
  }

  const account = (name: string, overrides: Record<string, unknown> = {}) => ({
    legal_name: `Contract ${name}`,
    billing_email: email(name),
    billing_address: { line1: '1 Main St', city: 'Dublin', postal_code: 'D02 X285', country: 'IE' },
    currency: 'EUR',
    ...overrides,
  });
  const inAWeek = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  const quote = (accountRef: Record<string, string>, overrides: Record<string, unknown> = {}) => ({
    ...accountRef,
    currency: 'EUR',
    line_items: [
      { description: 'Seats', quantity: 3, unit_amount: 1200 },
      { description: 'Setup', quantity: 1, unit_amount: 500 },
    ],
    tax: 861,
    valid_until: inAWeek(),
    ...overrides,
  });

  describe('contract: partner API, accounts', () => {
    let created: z.infer<typeof PartnerAccount> | undefined;

    it('refuses a widget token on the partner API with 401 token_kind_invalid', async () => {
      const widget = await widgetToken(ctx().seed.account_id, ['quote:read', 'account:read']);
      expectError(
        await call('GET', '/v1/partner/accounts', { token: widget }),
        'token_kind_invalid',
      );
    });

    it('creates an account by the partner’s id: 201, version 1, ETag, and a retry replays it', async () => {
      const key = `contract-${runId}-create`;
      const first = await call('PUT', `/v1/partner/accounts/${ext('a')}`, {
        json: account('a'),
        key,
      });
      created = expectOk(first, PartnerAccount, 201);
      assert.equal(created.external_id, ext('a'));
      assert.equal(created.version, 1);
      assert.equal(etagVersion(first), 1);
      const again = await call('PUT', `/v1/partner/accounts/${ext('a')}`, {
        json: account('a'),
        key,
      });
      assert.equal(again.status, 201, show(again));
      assert.deepEqual(again.body, first.body);
      assert.deepEqual(
        expectOk(await call('GET', `/v1/partner/accounts/${ext('a')}`), PartnerAccount),
        created,
      );
    });

    it('updates it: 200 and the next version; a stale If-Match is 412 version_conflict', async () => {
      assert.ok(created);
      const updated = await call('PUT', `/v1/partner/accounts/${ext('a')}`, {
        json: account('a', { legal_name: 'Contract A renamed' }),
        ifMatch: `"${created.version}"`,
      });
      const body = expectOk(updated, PartnerAccount);
      assert.equal(body.id, created.id);
      assert.equal(body.version, created.version + 1);
      assert.equal(etagVersion(updated), body.version);
      expectError(
        await call('PUT', `/v1/partner/accounts/${ext('a')}`, {
          json: account('a', { legal_name: 'Stale' }),
          ifMatch: `"${created.version}"`,
        }),
        'version_conflict',
      );
    });

    it('refuses a second external_id with the same billing email, any case: 409 account_duplicate', async () => {
      assert.ok(created);
      const reply = await call('PUT', `/v1/partner/accounts/${ext('a-twin')}`, {
        json: account('a-twin', { billing_email: email('a').toUpperCase() }),
      });
      const error = expectError(reply, 'account_duplicate');
      assert.deepEqual(error.details, { account_id: created.id, external_id: ext('a') });
    });

    it('answers 404 for an external id never used, 400 for a malformed one', async () => {
      expectError(await call('GET', `/v1/partner/accounts/${ext('never')}`), 'not_found');
      assert.deepEqual(fieldPaths(await call('GET', '/v1/partner/accounts/a%20b')), [
        'external_id',
      ]);
    });

    it('lists the partner’s accounts oldest first with cursors that page through all of them', async () => {
      for (const name of ['b', 'c'])
        expectOk(
          await call('PUT', `/v1/partner/accounts/${ext(name)}`, { json: account(name) }),
          PartnerAccount,
          201,
        );
      const seen: string[] = [];
      let after = 0;
      for (let page = 0; page < 10_000; page++) {
        const body = expectOk(
          await call('GET', `/v1/partner/accounts?after=${after}&limit=2`),
          PartnerAccountPage,
        );
        assert.ok(body.data.length <= 2);
        seen.push(...body.data.map((row) => row.external_id));
        if (!body.has_more) break;
        assert.ok(body.next_cursor > after, 'the cursor moves forward');
        after = body.next_cursor;
      }
      assert.deepEqual(
        seen.filter((id) => id.startsWith(`contract-${runId}-`)),
        [ext('a'), ext('b'), ext('c')],
      );
    });
  });

  describe('contract: partner API, quotes', () => {
    it('creates an open quote with the totals computed, which the customer’s widget token reads', async () => {
      const reply = await call('POST', '/v1/partner/quotes', {
        json: quote({ external_id: ext('a') }, { subtotal: 4100, total: 4961 }),
      });
      const body = expectOk(reply, Quote, 201);
      assert.equal(body.status, 'open');
      assert.deepEqual(
        body.line_items.map((line) => line.amount),
        [3600, 500],
      );
      assert.deepEqual([body.subtotal, body.total], [4100, 4961]);
      assert.equal(etagVersion(reply), 1);
      const widget = await widgetToken(body.account_id, ['quote:read']);
      const shown = await fetch(`${ctx().baseUrl}/v1/quotes/${body.id}`, {
        headers: { authorization: `Bearer ${widget}`, origin: ctx().origin },
      });
      assert.equal(shown.status, 200);
      assert.equal(((await shown.json()) as { total: number }).total, 4961);
    });

    it('refuses totals that differ from the computed ones, naming each field', async () => {
      const reply = await call('POST', '/v1/partner/quotes', {
        json: quote(
          { external_id: ext('a') },
          {
            line_items: [{ description: 'Seats', quantity: 2, unit_amount: 100, amount: 300 }],
            subtotal: 1,
            total: 2,
          },
        ),
      });
      const paths = fieldPaths(reply);
      for (const path of ['line_items.0.amount', 'subtotal', 'total'])
        assert.ok(paths.includes(path), `${path} in ${paths.join()}`);
    });

    it('answers 404 for an account the partner does not reach', async () => {
      expectError(
        await call('POST', '/v1/partner/quotes', { json: quote({ external_id: ext('never') }) }),
        'not_found',
      );
      const other = ctx().otherAccount;
      if (other)
        expectError(
          await call('POST', '/v1/partner/quotes', {
            json: quote({ account_id: other.account_id }),
          }),
          'not_found',
        );
    });

    it('voids an open quote (expired, next version), then refuses a second void with 409 quote_expired', async () => {
      const body = expectOk(
        await call('POST', '/v1/partner/quotes', { json: quote({ external_id: ext('b') }) }),
        Quote,
        201,
      );
      const voided = expectOk(await call('POST', `/v1/partner/quotes/${body.id}/void`), Quote);
      assert.equal(voided.status, 'expired');
      assert.equal(voided.version, body.version + 1);
      expectError(await call('POST', `/v1/partner/quotes/${body.id}/void`), 'quote_expired');
      assert.equal(
        expectOk(await call('GET', `/v1/partner/quotes/${body.id}`), Quote).status,
        'expired',
      );
    });
  });

  describe('contract: partner API, event feed', () => {
    it('lists the partner’s account.updated events for its accounts, filtered by type, oldest first', async () => {
      let after = 0;
      const events: z.infer<typeof EventPage>['data'] = [];
      for (let page = 0; page < 10_000; page++) {
        const body = expectOk(
          await call('GET', `/v1/partner/events?after=${after}&limit=100&types=account.updated`),
          EventPage,
        );
        events.push(...body.data);
        if (!body.has_more) break;
        after = body.next_cursor;
      }
      assert.ok(events.every((event) => event.type === 'account.updated'));
      assert.ok(events.every((event) => event.partner_id === partnerId));
      const cursors = events.map((event) => event.cursor);
      assert.deepEqual(
        cursors,
        [...cursors].sort((a, b) => a - b),
      );
      assert.ok(
        events.some((event) => event.data.legal_name === 'Contract A renamed'),
        'the update of this run is in the feed',
      );
    });

    it('refuses an unknown event type with 400 validation_failed', async () => {
      expectError(await call('GET', '/v1/partner/events?types=quote.created'), 'validation_failed');
    });
  });
}
