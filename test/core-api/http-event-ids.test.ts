import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../core-api/seed.ts';
import { startTestStack, type TestStack } from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface FeedEvent {
  type: string;
  account_id: string;
  request_id: string;
  caller_request_id?: string | null;
  session_id: string | null;
  data: { id: string };
}

/** The ids in the event feed: which the server generated, which the caller chose, and whose session. */
describe('event feed ids', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  async function decline(headers: Record<string, string>) {
    const customer = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(['quote:accept', 'quote:read'], {
      subject: customer.account_id,
    });
    const answer = await stack.call('POST', `/v1/quotes/${customer.quotes.open}/decline`, {
      token,
      body: { reason: 'Too expensive' },
      headers: { 'idempotency-key': randomUUID(), ...headers },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const feed = await stack.call('GET', '/v1/events?after=0&limit=100', { token });
    const event = (feed.body.data as FeedEvent[]).find(
      (candidate) =>
        candidate.type === 'quote.declined' && candidate.data.id === customer.quotes.open,
    );
    assert.ok(event, 'the decline is in the feed');
    return { event, answer };
  }

  it("records a server-generated request_id and the caller's X-Request-Id beside it as caller_request_id", async () => {
    const { event, answer } = await decline({ 'x-request-id': 'req-chosen-by-caller' });
    assert.match(event.request_id, UUID);
    assert.equal(event.caller_request_id, 'req-chosen-by-caller');
    assert.equal(
      answer.headers.get('x-request-id'),
      'req-chosen-by-caller',
      'the caller still gets its id back',
    );
    const line = stack.logs.find((entry) => entry.request_id === 'req-chosen-by-caller');
    assert.equal(
      line?.server_request_id,
      event.request_id,
      'the access log names the server id too',
    );

    const { event: unnamed, answer: unnamedAnswer } = await decline({});
    assert.equal(unnamed.request_id, unnamedAnswer.headers.get('x-request-id'));
    assert.equal(unnamed.caller_request_id ?? null, null);
  });

  it("leaves out a session id on another customer's event once the feed saw it with a first customer", async () => {
    const session = `sess-${randomUUID()}`;
    const first = await decline({ 'x-tessera-session': session });
    assert.equal(first.event.session_id, session);
    const other = await decline({ 'x-tessera-session': session });
    assert.notEqual(other.event.account_id, first.event.account_id);
    assert.equal(other.event.session_id, null);
  });
});
