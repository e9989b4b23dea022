import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventPage, Quote } from '../../contracts/index.ts';
import { startTestStack, type TestStack } from './helpers.ts';
import { accountBody, otherPartner, partnerCall, quoteBody } from './partner-helpers.ts';

let stack: TestStack;
let call: ReturnType<typeof partnerCall>;
let accountId: string;

before(async () => {
  stack = await startTestStack();
  call = partnerCall(stack, await stack.partnerToken());
  const created = await call('PUT', '/v1/partner/accounts/quoted-1', {
    body: accountBody('quoted@acme.example'),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  accountId = created.body.id;
});
after(() => stack.close());

describe('POST /v1/partner/quotes', () => {
  it('creates an open quote with the totals the server computes (201, version 1)', async () => {
    const response = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ external_id: 'quoted-1' }, { subtotal: 1250, total: 1488 }),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const quote = Quote.parse(response.body);
    assert.equal(quote.account_id, accountId);
    assert.equal(quote.status, 'open');
    assert.equal(quote.version, 1);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.deepEqual(
      quote.line_items.map((line) => [line.id, line.amount]),
      [
        ['li_1', 1000],
        ['li_2', 250],
      ],
    );
    assert.deepEqual([quote.subtotal, quote.tax, quote.total], [1250, 238, 1488]);
    assert.match(quote.number, /^Q-\d{6}$/);

    const read = await call('GET', `/v1/partner/quotes/${quote.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, response.body);
  });

  it('refuses totals that differ from the computed ones, naming the field and the expected value', async () => {
    const response = await call('POST', '/v1/partner/quotes', {
      body: quoteBody(
        { account_id: accountId },
        {
          line_items: [{ description: 'Seats', quantity: 3, unit_amount: 100, amount: 200 }],
          subtotal: 999,
          total: 1,
        },
      ),
    });
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(response.body.error.code, 'validation_failed');
    const fields = response.body.error.details.fields as { path: string; message: string }[];
    assert.deepEqual(
      fields.map((field) => field.path),
      ['line_items.0.amount', 'subtotal', 'total'],
    );
    assert.match(fields[0]!.message, /300/);
    assert.match(fields[1]!.message, /300/);
    assert.match(fields[2]!.message, /538/);
  });

  it('refuses a valid_until in the past or more than a year ahead, and a body naming the account twice or not at all', async () => {
    const past = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ account_id: accountId }, { valid_until: '2020-01-01T00:00:00Z' }),
    });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.details.fields[0].path, 'valid_until');
    const far = await call('POST', '/v1/partner/quotes', {
      body: quoteBody(
        { account_id: accountId },
        { valid_until: new Date(Date.now() + 400 * 24 * 3600 * 1000).toISOString() },
      ),
    });
    assert.equal(far.status, 400);
    const both = await call('POST', '/v1/partner/quotes', {
      body: { ...quoteBody({ account_id: accountId }), external_id: 'quoted-1' },
    });
    assert.equal(both.status, 400);
    const neither: Record<string, unknown> = { ...quoteBody({ account_id: accountId }) };
    delete neither.account_id;
    assert.equal((await call('POST', '/v1/partner/quotes', { body: neither })).status, 400);
  });

  it('keeps numbers unique per partner: a chosen number is refused the second time, generated ones skip it', async () => {
    const chosen = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ account_id: accountId }, { number: 'Q-000003' }),
    });
    assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
    const again = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ account_id: accountId }, { number: 'Q-000003' }),
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.details.fields[0].path, 'number');
    const numbers: string[] = [];
    for (let i = 0; i < 2; i++)
      numbers.push(
        (await call('POST', '/v1/partner/quotes', { body: quoteBody({ account_id: accountId }) }))
          .body.number,
      );
    assert.ok(!numbers.includes('Q-000003'), numbers.join());
    assert.equal(new Set(numbers).size, 2);
  });

  it('is idempotent: a retry under the same key answers the same quote and creates no second one', async () => {
    const headers = { 'idempotency-key': 'quote-retry-1' };
    const body = quoteBody({ external_id: 'quoted-1' });
    const first = await call('POST', '/v1/partner/quotes', { body, headers });
    const retry = await call('POST', '/v1/partner/quotes', { body, headers });
    assert.equal(first.status, 201);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body.id, first.body.id);
  });

  it('answers 404 for an account the partner does not reach', async () => {
    const other = await otherPartner(stack);
    const theirs = await partnerCall(stack, other.token)('PUT', '/v1/partner/accounts/theirs', {
      body: accountBody('theirs@other.example'),
    });
    assert.equal(theirs.status, 201);
    for (const account of [
      { account_id: theirs.body.id as string },
      { external_id: 'theirs' },
      { account_id: 'acct_doesnotexist00' },
    ]) {
      const response = await call('POST', '/v1/partner/quotes', { body: quoteBody(account) });
      assert.equal(response.status, 404, JSON.stringify(account));
      assert.equal(response.body.error.code, 'not_found');
    }
  });
});

describe('a partner-made quote in the customer widget', () => {
  it('is read and accepted with a widget token for that account, and the partner reads the result', async () => {
    const created = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ external_id: 'quoted-1' }),
    });
    const id = created.body.id as string;
    const widget = await stack.token(['quote:read', 'quote:accept'], { subject: accountId });
    const shown = await stack.call('GET', `/v1/quotes/${id}`, { token: widget });
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    assert.equal(shown.body.total, created.body.total);
    const accepted = await stack.call('POST', `/v1/quotes/${id}/accept`, {
      token: widget,
      headers: { 'idempotency-key': 'widget-accept-1' },
      body: { signer_name: 'Ann Example', signer_email: 'ann@acme.example', accept_terms: true },
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const read = await call('GET', `/v1/partner/quotes/${id}`);
    assert.equal(read.body.status, 'accepted');
    assert.equal(read.body.version, 2);

    const feed = EventPage.parse(
      (await call('GET', '/v1/partner/events?types=quote.accepted&limit=100')).body,
    );
    assert.ok(feed.data.some((event) => event.data.id === id && event.account_id === accountId));
  });
});

describe('POST /v1/partner/quotes/:id/void', () => {
  it('expires an open quote; the widget can no longer accept it; a second void is 409 quote_expired', async () => {
    const created = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ external_id: 'quoted-1' }),
    });
    const id = created.body.id as string;
    const stale = await call('POST', `/v1/partner/quotes/${id}/void`, {
      headers: { 'if-match': '"7"' },
    });
    assert.equal(stale.status, 412);
    const headers = { 'idempotency-key': `void-${id}` };
    const voided = await call('POST', `/v1/partner/quotes/${id}/void`, { headers });
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    assert.equal(voided.body.status, 'expired');
    assert.equal(voided.body.version, 2);
    assert.equal(voided.headers.get('etag'), '"2"');
    const replay = await call('POST', `/v1/partner/quotes/${id}/void`, { headers });
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body, voided.body);

    const widget = await stack.token(['quote:accept'], { subject: accountId });
    const accept = await stack.call('POST', `/v1/quotes/${id}/accept`, {
      token: widget,
      headers: { 'idempotency-key': `accept-${id}` },
      body: { signer_name: 'Ann', signer_email: 'ann@acme.example', accept_terms: true },
    });
    assert.equal(accept.status, 409);
    assert.equal(accept.body.error.code, 'quote_expired');

    const twice = await call('POST', `/v1/partner/quotes/${id}/void`, { body: {} });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'quote_expired');
  });

  it('refuses an accepted quote with 409 quote_not_open, and a body with 400', async () => {
    const created = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ external_id: 'quoted-1' }),
    });
    const id = created.body.id as string;
    const widget = await stack.token(['quote:accept'], { subject: accountId });
    await stack.call('POST', `/v1/quotes/${id}/accept`, {
      token: widget,
      headers: { 'idempotency-key': `accept-${id}` },
      body: { signer_name: 'Ann', signer_email: 'ann@acme.example', accept_terms: true },
    });
    const refused = await call('POST', `/v1/partner/quotes/${id}/void`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'quote_not_open');
    const withBody = await call('POST', `/v1/partner/quotes/${id}/void`, {
      body: { reason: 'x' },
    });
    assert.equal(withBody.status, 400);
  });

  it("answers 404 for another partner's quote, on read and void alike", async () => {
    const created = await call('POST', '/v1/partner/quotes', {
      body: quoteBody({ external_id: 'quoted-1' }),
    });
    const other = partnerCall(stack, (await otherPartner(stack)).token);
    assert.equal((await other('GET', `/v1/partner/quotes/${created.body.id}`)).status, 404);
    assert.equal((await other('POST', `/v1/partner/quotes/${created.body.id}/void`)).status, 404);
    assert.equal((await call('GET', '/v1/partner/quotes/qt_unknown000000')).status, 404);
  });
});
