import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventPage, type DomainEvent } from '../../contracts/index.ts';
import { startTestStack, type TestStack } from './helpers.ts';
import { accountBody, otherPartner, partnerCall, quoteBody } from './partner-helpers.ts';

let stack: TestStack;
let call: ReturnType<typeof partnerCall>;
let partnerAccountId: string;

/** Every event of the partner feed after `cursor`, read page by page. */
async function readAll(
  query: string,
  limit: number,
): Promise<{ events: DomainEvent[]; pages: number }> {
  const events: DomainEvent[] = [];
  let cursor = 0;
  let pages = 0;
  for (;;) {
    const response = await call('GET', `/v1/partner/events?after=${cursor}&limit=${limit}${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const page = EventPage.parse(response.body);
    events.push(...page.data);
    pages++;
    if (!page.has_more) return { events, pages };
    assert.equal(page.next_cursor, page.data.at(-1)!.cursor);
    cursor = page.next_cursor;
  }
}

before(async () => {
  stack = await startTestStack();
  call = partnerCall(
    stack,
    await stack.partnerToken(['partner:accounts', 'partner:quotes', 'partner:events']),
  );
  // Events of two accounts, from both halves: the partner's backend and a customer's widget.
  const created = await call('PUT', '/v1/partner/accounts/feed-1', {
    body: accountBody('feed@acme.example'),
  });
  partnerAccountId = created.body.id;
  for (const name of ['Feed One', 'Feed Two', 'Feed Three'])
    assert.equal(
      (
        await call('PUT', '/v1/partner/accounts/feed-1', {
          body: accountBody('feed@acme.example', { legal_name: name }),
        })
      ).status,
      200,
    );
  const quote = await call('POST', '/v1/partner/quotes', {
    body: quoteBody({ external_id: 'feed-1' }),
  });
  const widget = await stack.token(['quote:accept'], { subject: partnerAccountId });
  const accepted = await stack.call('POST', `/v1/quotes/${quote.body.id}/accept`, {
    token: widget,
    headers: { 'idempotency-key': 'feed-accept' },
    body: { signer_name: 'Ann', signer_email: 'ann@acme.example', accept_terms: true },
  });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  const seeded = await stack.token(['quote:accept'], { subject: stack.seed.account_id });
  const declined = await stack.call('POST', `/v1/quotes/${stack.seed.quotes.open}/decline`, {
    token: seeded,
    headers: { 'idempotency-key': 'feed-decline' },
    body: {},
  });
  assert.equal(declined.status, 200, JSON.stringify(declined.body));
});
after(() => stack.close());

describe('GET /v1/partner/events', () => {
  it("reads every linked account's events, oldest first, across pages with stable cursors", async () => {
    const { events, pages } = await readAll('', 2);
    assert.ok(pages >= 3);
    const cursors = events.map((event) => event.cursor);
    assert.deepEqual(
      cursors,
      [...cursors].sort((a, b) => a - b),
    );
    assert.equal(new Set(events.map((event) => event.id)).size, events.length);
    const accounts = new Set(events.map((event) => event.account_id));
    assert.ok(accounts.has(partnerAccountId) && accounts.has(stack.seed.account_id));
    assert.ok(events.every((event) => event.partner_id === stack.partner.id));
    const mine = events.filter((event) => event.account_id === partnerAccountId);
    assert.deepEqual(
      mine.map((event) => event.type),
      ['account.updated', 'account.updated', 'account.updated', 'quote.accepted'],
    );
    const whole = await call('GET', '/v1/partner/events?limit=100');
    assert.deepEqual(EventPage.parse(whole.body).data, events, 'pages add up to the whole');
  });

  it('filters by types, in SQL, so pages stay full', async () => {
    const { events } = await readAll('&types=quote.accepted,quote.declined', 1);
    assert.ok(events.length >= 2);
    assert.ok(
      events.every((event) => event.type === 'quote.accepted' || event.type === 'quote.declined'),
    );
    const accountOnly = (await readAll('&types=account.updated', 100)).events;
    assert.ok(accountOnly.every((event) => event.type === 'account.updated'));
    assert.ok(accountOnly.length >= 3);
  });

  it('refuses an unknown type, a malformed cursor or limit with 400 validation_failed', async () => {
    for (const query of [
      'types=quote.created',
      'types=',
      'types=quote.accepted,,',
      'after=x',
      'limit=500',
    ]) {
      const response = await call('GET', `/v1/partner/events?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'validation_failed');
    }
  });

  it('answers an empty page at the end, with the cursor it was given', async () => {
    const { events } = await readAll('', 100);
    const last = events.at(-1)!.cursor;
    const response = await call('GET', `/v1/partner/events?after=${last}`);
    assert.deepEqual(response.body, { data: [], next_cursor: last, has_more: false });
    assert.ok(response.headers.get('ratelimit-remaining'));
  });

  it("shows another partner none of this partner's events", async () => {
    const other = partnerCall(stack, (await otherPartner(stack)).token);
    const response = await other('GET', '/v1/partner/events?limit=100');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.data, []);
  });
});
