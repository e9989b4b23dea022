import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { WebhookPayload } from '../../../contracts/index.ts';
import { createWebhookEndpoint } from '../../../core-api/webhooks/endpoints.ts';
import { startTestStack, type TestStack } from '../helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let stack: TestStack;
let hooks: Receiver;
before(async () => {
  stack = await startTestStack({ TESSERA_WEBHOOK_RETRY_SCHEDULE: '0,50ms,100ms' });
  hooks = await startReceiver((_message, seen) => ({ status: seen === 1 ? 500 : 200 }));
});
after(async () => {
  await stack.close();
  await hooks.close();
});

describe('the core API delivers webhooks for what its routes do', () => {
  it('sends quote.accepted, signed, under the event id the feed shows, retrying after a failure', async () => {
    const endpoint = await createWebhookEndpoint(
      stack.api.webhooks,
      { partnerId: stack.partner.id, mode: 'test' },
      { url: hooks.url, event_types: ['quote.accepted'], description: 'backend' },
    );
    const token = await stack.token(['quote:accept']);
    const accepted = await stack.call('POST', `/v1/quotes/${stack.seed.quotes.open}/accept`, {
      token,
      body: { signer_name: 'Ada Lovelace', signer_email: 'ada@example.com', accept_terms: true },
      headers: { 'idempotency-key': randomUUID() },
    });
    assert.equal(accepted.status, 200);
    const feed = await stack.call('GET', '/v1/events?after=0', {
      token: await stack.token(['quote:read']),
    });
    const event = (feed.body.data as { id: string; type: string }[]).find(
      (e) => e.type === 'quote.accepted',
    );
    assert.ok(event, 'the feed has the event');
    await hooks.until((received) => received.filter((m) => m.id === event.id).length >= 2);
    const delivered = hooks.received.filter((m) => m.id === event.id).at(-1);
    assert.ok(delivered);
    const payload = WebhookPayload.parse(
      new Webhook(endpoint.secret).verify(delivered.body, delivered.headers),
    );
    assert.equal(payload.type, 'quote.accepted');
    assert.equal(payload.data.id, stack.seed.quotes.open);
    assert.equal(payload.data.status, 'accepted');
  });
});
