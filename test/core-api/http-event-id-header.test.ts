import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../core-api/seed.ts';
import { fillAndSubmit, idempotencyKey } from './flows.ts';
import { ORIGIN, startTestStack, type TestStack } from './helpers.ts';

interface FeedEvent {
  id: string;
  type: string;
  data: { id: string };
}

/** `Tessera-Event-Id`: the event a mutation wrote, named in its answer and in its replay. */
describe('Tessera-Event-Id on mutations', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  async function customer() {
    const seeded = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(
      ['quote:read', 'quote:accept', 'account:read', 'account:write'],
      { subject: seeded.account_id },
    );
    const feed = async () => {
      const answer = await stack.call('GET', '/v1/events?after=0&limit=100', { token });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.data as FeedEvent[];
    };
    return { seeded, token, feed };
  }

  it('names the quote.accepted event in the feed, and a replay under the same key names it again', async () => {
    const { seeded, token, feed } = await customer();
    const key = randomUUID();
    const send = () =>
      stack.call('POST', `/v1/quotes/${seeded.quotes.open}/accept`, {
        token,
        body: { signer_name: 'Ada Lovelace', signer_email: 'ada@shop.example', accept_terms: true },
        headers: { 'idempotency-key': key },
      });
    const first = await send();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const eventId = first.headers.get('tessera-event-id');
    assert.match(eventId ?? '', /^evt_/);

    const events = await feed();
    const accepted = events.find((e) => e.type === 'quote.accepted');
    assert.equal(accepted?.id, eventId, 'the header names the feed event');
    assert.equal(accepted?.data.id, seeded.quotes.open);

    const replay = await send();
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.headers.get('tessera-event-id'), eventId);
    assert.equal((await feed()).filter((e) => e.type === 'quote.accepted').length, 1);
  });

  it('names the first event when a request writes two: onboarding.submitted before account.updated', async () => {
    const seeded = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const submitted = await fillAndSubmit(stack, seeded.account_id);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const token = await stack.token(['onboarding:read', 'account:read'], {
      subject: seeded.account_id,
    });
    const events = (await stack.call('GET', '/v1/events?after=0&limit=100', { token })).body
      .data as FeedEvent[];
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(-2), ['onboarding.submitted', 'account.updated']);
    assert.equal(submitted.headers.get('tessera-event-id'), events.at(-2)?.id);
  });

  it('names account.updated on an account change', async () => {
    const { seeded, token, feed } = await customer();
    const read = await stack.call('GET', `/v1/accounts/${seeded.account_id}`, { token });
    const changed = await stack.call('PATCH', `/v1/accounts/${seeded.account_id}`, {
      token,
      body: { legal_name: 'Renamed Ltd' },
      headers: { ...idempotencyKey(), 'if-match': read.headers.get('etag') ?? '' },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const updated = (await feed()).filter((e) => e.type === 'account.updated').at(-1);
    assert.equal(changed.headers.get('tessera-event-id'), updated?.id);
  });

  it('leaves the header out when the mutation wrote no event (an onboarding draft saved)', async () => {
    const seeded = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(['onboarding:read', 'onboarding:write'], {
      subject: seeded.account_id,
    });
    const started = await stack.call('POST', '/v1/onboarding', {
      token,
      body: {},
      headers: idempotencyKey(),
    });
    assert.ok(started.status < 300, JSON.stringify(started.body));
    assert.equal(started.headers.get('tessera-event-id'), null);
  });

  it("lets the token's origin read the header across origins (CORS exposes it)", async () => {
    const { seeded, token } = await customer();
    const answer = await stack.call('POST', `/v1/quotes/${seeded.quotes.open}/decline`, {
      token,
      body: {},
      headers: idempotencyKey(),
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.headers.get('access-control-allow-origin'), ORIGIN);
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase());
    assert.ok(exposed.includes('tessera-event-id'), exposed.join(', '));
  });
});
