import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  PartnerTokenResponse,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookPayload,
  type PartnerCreate,
} from '../../../contracts/index.ts';
import { startTestStack, type TestStack } from '../helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const BASE = '/v1/partner/webhook-endpoints';

let stack: TestStack;
let hooks: Receiver;
let token: string;

before(async () => {
  stack = await startTestStack({ TESSERA_WEBHOOK_RETRY_SCHEDULE: '0,50ms,100ms' });
  hooks = await startReceiver();
  token = await stack.partnerToken(['partner:webhooks']);
});
after(async () => {
  await stack.close();
  await hooks.close();
});

type Call = Awaited<ReturnType<TestStack['call']>>;

/** A partner-API call; a mutation gets a fresh `Idempotency-Key` unless one is given. */
function hook(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  if (method !== 'GET') headers['idempotency-key'] ??= randomUUID();
  return stack.call(method, path, { token: opts.as ?? token, body: opts.body, headers });
}

/**
 * An endpoint on the shared receiver under a path of its own, and what arrived for it: several
 * endpoints of the partner subscribe to the same events.
 */
async function createEndpoint(body: Record<string, unknown> = {}) {
  const path = `/hooks/${randomUUID()}`;
  const created = await hook('POST', BASE, {
    body: {
      url: new URL(path, hooks.url).href,
      event_types: ['quote.accepted', 'account.updated'],
      ...body,
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const endpoint = WebhookEndpointWithSecret.parse(created.body);
  const deliveriesOf = (id: string) =>
    hooks.received.filter((message) => message.path === path && message.id === id);
  return { ...endpoint, deliveriesOf };
}

/** Another partner of the same token service, with its own partner token. */
async function otherPartner(input: Partial<PartnerCreate> = {}): Promise<string> {
  const { partner, key } = await stack.tokenService.createPartner(input);
  const response = await fetch(`${stack.tokenService.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: partner.id,
      client_secret: key.secret,
      scope: 'partner:webhooks',
    }).toString(),
  });
  assert.equal(response.status, 200);
  return PartnerTokenResponse.parse(await response.json()).access_token;
}

/** Writes an `account.updated` event through the widget API and answers its id from the feed. */
async function updateAccount(phone: string): Promise<string> {
  const widget = await stack.token(['account:read', 'account:write']);
  const path = `/v1/accounts/${stack.seed.account_id}`;
  const read = await stack.call('GET', path, { token: widget });
  const updated = await stack.call('PATCH', path, {
    token: widget,
    body: { phone },
    headers: { 'idempotency-key': randomUUID(), 'if-match': read.headers.get('etag')! },
  });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  const feed = await stack.call('GET', '/v1/events?after=0&limit=100', { token: widget });
  const mine = (feed.body.data as { id: string; type: string }[]).filter(
    (event) => event.type === 'account.updated',
  );
  return mine.at(-1)!.id;
}

describe('webhook endpoints over the partner API', () => {
  it('creates an endpoint and shows its secret once: in the answer, never when read or listed', async () => {
    const key = randomUUID();
    const created = await hook('POST', BASE, {
      body: { url: hooks.url, event_types: ['quote.accepted'], description: 'orders' },
      headers: { 'idempotency-key': key },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    const endpoint = WebhookEndpointWithSecret.parse(created.body);
    assert.match(endpoint.secret, /^whsec_/);
    assert.equal(endpoint.partner_id, stack.partner.id);
    assert.equal(endpoint.status, 'enabled');

    const read = await hook('GET', `${BASE}/${endpoint.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.equal('secret' in read.body, false);
    assert.deepEqual(WebhookEndpoint.parse(read.body), WebhookEndpoint.parse(endpoint));

    const listed = await hook('GET', BASE);
    assert.equal(listed.status, 200);
    const mine = (listed.body.data as Record<string, unknown>[]).find((e) => e.id === endpoint.id);
    assert.ok(mine);
    assert.equal('secret' in mine, false);
    assert.equal(JSON.stringify(listed.body).includes(endpoint.secret), false);

    // The same request under the same key is the same answer, secret included, and no new endpoint.
    const again = await hook('POST', BASE, {
      body: { url: hooks.url, event_types: ['quote.accepted'], description: 'orders' },
      headers: { 'idempotency-key': key },
    });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, created.body);
    const count = (await hook('GET', BASE)).body.data.filter(
      (e: { id: string }) => e.id === endpoint.id,
    ).length;
    assert.equal(count, 1);
  });

  it('delivers what the widget API does to the endpoint, verified with standardwebhooks', async () => {
    const endpoint = await createEndpoint({ event_types: ['quote.accepted'] });
    const widget = await stack.token(['quote:accept', 'quote:read']);
    const accepted = await stack.call('POST', `/v1/quotes/${stack.seed.quotes.open}/accept`, {
      token: widget,
      body: { signer_name: 'Ada Lovelace', signer_email: 'ada@example.com', accept_terms: true },
      headers: { 'idempotency-key': randomUUID() },
    });
    assert.equal(accepted.status, 200);
    const feed = await stack.call('GET', '/v1/events?after=0', { token: widget });
    const event = (feed.body.data as { id: string; type: string }[]).find(
      (e) => e.type === 'quote.accepted',
    )!;
    await hooks.until(() => endpoint.deliveriesOf(event.id).length > 0);
    const [message] = endpoint.deliveriesOf(event.id);
    const payload = WebhookPayload.parse(
      new Webhook(endpoint.secret).verify(message!.body, message!.headers),
    );
    assert.equal(payload.type, 'quote.accepted');
    assert.equal(payload.data.id, stack.seed.quotes.open);
  });

  it('pauses and resumes with If-Match: held deliveries go out on resume', async () => {
    const endpoint = await createEndpoint();
    const path = `${BASE}/${endpoint.id}`;
    const noPrecondition = await hook('PATCH', path, { body: { status: 'paused' } });
    assert.equal(noPrecondition.status, 428);
    assert.equal(noPrecondition.body.error.code, 'precondition_required');
    const stale = await hook('PATCH', path, {
      body: { status: 'paused' },
      headers: { 'if-match': '"7"' },
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'version_conflict');

    const paused = await hook('PATCH', path, {
      body: { status: 'paused' },
      headers: { 'if-match': '"1"' },
    });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.status, 'paused');
    assert.equal(paused.headers.get('etag'), '"2"');

    const sent = await hook('POST', `${path}/test`);
    assert.equal(sent.status, 200);
    const eventId = sent.body.event_id as string;
    const held = WebhookDeliveryPage.parse((await hook('GET', `${path}/deliveries`)).body);
    assert.deepEqual(held.data, [], 'a paused endpoint is sent nothing');

    const resumed = await hook('PATCH', path, {
      body: { status: 'enabled' },
      headers: { 'if-match': paused.headers.get('etag')! },
    });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.status, 'enabled');
    await hooks.until(() => endpoint.deliveriesOf(eventId).length > 0);
  });

  it('sends a test event the endpoint verifies, under the id the answer gives', async () => {
    const endpoint = await createEndpoint();
    const sent = await hook('POST', `${BASE}/${endpoint.id}/test`, { body: {} });
    assert.equal(sent.status, 200);
    assert.match(sent.body.event_id, /^evt_/);
    await hooks.until(() => endpoint.deliveriesOf(sent.body.event_id).length > 0);
    const [message] = endpoint.deliveriesOf(sent.body.event_id);
    const payload = WebhookPayload.parse(
      new Webhook(endpoint.secret).verify(message!.body, message!.headers),
    );
    assert.equal(payload.type, 'webhook.test');
    assert.equal(payload.data.endpoint_id, endpoint.id);
  });

  it('rotates the secret: the next delivery carries two signatures, and each secret verifies it', async () => {
    const endpoint = await createEndpoint();
    const rotated = await hook('POST', `${BASE}/${endpoint.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    const next = WebhookEndpointWithSecret.parse(rotated.body);
    assert.notEqual(next.secret, endpoint.secret);
    assert.ok(next.previous_secret_expires_at);
    const overlap = Date.parse(next.previous_secret_expires_at) - Date.now();
    assert.ok(overlap > 23 * 3600_000 && overlap <= 24 * 3600_000, `overlap ${overlap} ms`);
    assert.equal(rotated.headers.get('etag'), `"${next.version}"`);

    const sent = await hook('POST', `${BASE}/${endpoint.id}/test`);
    await hooks.until(() => endpoint.deliveriesOf(sent.body.event_id).length > 0);
    const [message] = endpoint.deliveriesOf(sent.body.event_id);
    const signatures = message!.headers['webhook-signature']!.split(' ');
    assert.equal(signatures.length, 2);
    for (const signature of signatures) assert.match(signature, /^v1,/);
    new Webhook(endpoint.secret).verify(message!.body, message!.headers);
    new Webhook(next.secret).verify(message!.body, message!.headers);
  });

  it('replays the subscribed events after an event id, under the same webhook-ids', async () => {
    const endpoint = await createEndpoint({ event_types: ['account.updated'] });
    const first = await updateAccount('+14155550101');
    const second = await updateAccount('+14155550102');
    const third = await updateAccount('+14155550103');
    await hooks.until(() =>
      [first, second, third].every((id) => endpoint.deliveriesOf(id).length >= 1),
    );

    const replayed = await hook('POST', `${BASE}/${endpoint.id}/replay`, {
      body: { after: first },
    });
    assert.equal(replayed.status, 200);
    assert.deepEqual(replayed.body, { queued: 2 });
    await hooks.until(() => [second, third].every((id) => endpoint.deliveriesOf(id).length >= 2));
    assert.equal(endpoint.deliveriesOf(first).length, 1, 'nothing before the cursor is sent again');

    const unknown = await hook('POST', `${BASE}/${endpoint.id}/replay`, {
      body: { after: 'evt_unknown' },
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not_found');
  });

  it('lists every attempt newest first, a page at a time through next_cursor', async () => {
    const endpoint = await createEndpoint();
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const sent = await hook('POST', `${BASE}/${endpoint.id}/test`);
      ids.push(sent.body.event_id);
      await hooks.until(() => endpoint.deliveriesOf(sent.body.event_id).length > 0);
    }
    const path = `${BASE}/${endpoint.id}/deliveries`;
    // The receiver has the request before the attempt is recorded: wait for the third record.
    let all = WebhookDeliveryPage.parse((await hook('GET', path)).body);
    while (all.data.length < 3) all = WebhookDeliveryPage.parse((await hook('GET', path)).body);
    assert.deepEqual(
      all.data.map((attempt) => attempt.event_id),
      [...ids].reverse(),
    );
    for (const attempt of all.data) {
      assert.equal(attempt.status_code, 204);
      assert.equal(attempt.attempt, 1);
      assert.equal(attempt.error, null);
      assert.equal(attempt.next_attempt_at, null);
    }

    const seen: string[] = [];
    let after: number | null = null;
    for (;;) {
      const page: Call = await hook('GET', `${path}?limit=1${after ? `&after=${after}` : ''}`);
      assert.equal(page.status, 200);
      const parsed = WebhookDeliveryPage.parse(page.body);
      seen.push(...parsed.data.map((attempt) => attempt.event_id));
      if (!parsed.has_more) break;
      after = parsed.next_cursor;
    }
    assert.deepEqual(seen, [...ids].reverse());

    const bad = await hook('GET', `${path}?limit=0`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
  });

  it("answers 404 for another partner's endpoint, as for one that does not exist", async () => {
    const endpoint = await createEndpoint();
    const stranger = await otherPartner();
    for (const [method, suffix, body, headers] of [
      ['GET', '', undefined, {}],
      ['PATCH', '', { status: 'paused' }, { 'if-match': '"1"' }],
      ['DELETE', '', undefined, {}],
      ['POST', '/rotate-secret', undefined, {}],
      ['POST', '/test', undefined, {}],
      ['POST', '/replay', { after: '0' }, {}],
      ['GET', '/deliveries', undefined, {}],
    ] as const) {
      const answer = await hook(method, `${BASE}/${endpoint.id}${suffix}`, {
        as: stranger,
        body,
        headers,
      });
      assert.equal(answer.status, 404, `${method} ${suffix}`);
      assert.equal(answer.body.error.code, 'not_found');
    }
    const theirs = await hook('GET', BASE, { as: stranger });
    assert.deepEqual(theirs.body, { data: [] });
    assert.equal((await hook('GET', `${BASE}/${endpoint.id}`)).status, 200);
  });

  it('deletes an endpoint once: the answer is the endpoint, a retry the same answer, then 404', async () => {
    const endpoint = await createEndpoint();
    const key = randomUUID();
    const path = `${BASE}/${endpoint.id}`;
    const deleted = await hook('DELETE', path, { headers: { 'idempotency-key': key } });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, endpoint.id);
    const retried = await hook('DELETE', path, { headers: { 'idempotency-key': key } });
    assert.equal(retried.status, 200);
    assert.deepEqual(retried.body, deleted.body);
    assert.equal((await hook('GET', path)).status, 404);
    assert.equal((await hook('DELETE', path)).status, 404);
  });

  it('refuses a live-mode partner http, loopback and private URLs, and takes a public https one', async () => {
    const live = await otherPartner({ mode: 'live' });
    for (const url of [
      'http://hooks.example.com/tessera',
      'https://127.0.0.1/hooks',
      'https://10.0.0.7/hooks',
      'https://169.254.169.254/latest',
      hooks.url,
    ]) {
      const refused = await hook('POST', BASE, {
        as: live,
        body: { url, event_types: ['quote.accepted'] },
      });
      assert.equal(refused.status, 400, url);
      assert.equal(refused.body.error.code, 'validation_failed');
      assert.equal(refused.body.error.details.fields[0].path, 'url');
    }
    const created = await hook('POST', BASE, {
      as: live,
      body: { url: 'https://hooks.example.com/tessera', event_types: ['quote.accepted'] },
    });
    assert.equal(created.status, 201);
    const moved = await hook('PATCH', `${BASE}/${created.body.id}`, {
      as: live,
      body: { url: 'http://127.0.0.1:9/hooks' },
      headers: { 'if-match': '"1"' },
    });
    assert.equal(moved.status, 400);
    assert.equal(moved.body.error.code, 'validation_failed');
  });

  it('refuses a widget token (token_kind_invalid) and a partner token without partner:webhooks', async () => {
    const widget = await stack.token(['quote:read']);
    const refused = await hook('GET', BASE, { as: widget });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'token_kind_invalid');
    const narrow = await stack.partnerToken(['partner:events']);
    const scoped = await hook('GET', BASE, { as: narrow });
    assert.equal(scoped.status, 403);
    assert.equal(scoped.body.error.code, 'insufficient_scope');
  });

  it('refuses a malformed body with the fields named', async () => {
    const refused = await hook('POST', BASE, {
      body: { url: 'not a url', event_types: ['quote.exploded'] },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'validation_failed');
    const paths = (refused.body.error.details.fields as { path: string }[]).map((f) => f.path);
    assert.ok(paths.includes('url') && paths.some((path) => path.startsWith('event_types')));
  });
});
