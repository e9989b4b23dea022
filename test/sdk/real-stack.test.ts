/**
 * `@tessera/node` against the real token service and core API, with a small fault proxy in
 * between where a test needs the network to misbehave: widget tokens the core API accepts, the
 * partner token's cache and refresh, retries under one idempotency key, and webhook verification
 * of a real delivery.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Tessera, WebhookVerificationError, isTesseraError } from '../../sdk/index.ts';
import { signWebhook } from '../../sdk/testing.ts';
import { ORIGIN, startTestStack, type TestStack } from '../core-api/helpers.ts';
import { startReceiver, type Receiver } from '../core-api/webhooks/receiver.ts';

/** What the proxy does with one request: pass it on, pass it on and drop the answer, or answer itself. */
type Fault =
  'pass' | 'drop-answer' | { status: number; headers?: Record<string, string>; body?: unknown };

interface Proxy {
  url: string;
  seen: { method: string; path: string; key: string | undefined; replayed: boolean }[];
  /** Decides each request's fate; `pass` by default. */
  plan: (method: string, path: string) => Fault;
  close(): Promise<void>;
}

/** A node:http proxy in front of `target` that can lose answers after the target acted. */
async function startProxy(target: string): Promise<Proxy> {
  const proxy: Proxy = { url: '', seen: [], plan: () => 'pass', close: async () => {} };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const method = request.method ?? 'GET';
        const path = request.url ?? '/';
        const fault = proxy.plan(method, path);
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === 'string' && !['host', 'connection'].includes(name))
            headers.set(name, value);
        }
        const entry = {
          method,
          path,
          key: request.headers['idempotency-key'] as string | undefined,
          replayed: false,
        };
        proxy.seen.push(entry);
        if (typeof fault === 'object') {
          response.writeHead(fault.status, {
            'content-type': 'application/json',
            ...fault.headers,
          });
          response.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
          return;
        }
        const answer = await fetch(new URL(path, target), {
          method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        const body = Buffer.from(await answer.arrayBuffer());
        entry.replayed = answer.headers.get('idempotent-replayed') === 'true';
        // The API acted; the caller never learns it.
        if (fault === 'drop-answer') return void request.socket.destroy();
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!['content-length', 'transfer-encoding', 'connection'].includes(name))
            out[name] = value;
        });
        response.writeHead(answer.status, out);
        response.end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

let stack: TestStack;
let proxy: Proxy;
let hooks: Receiver;
before(async () => {
  stack = await startTestStack({ TESSERA_WEBHOOK_RETRY_SCHEDULE: '0,50ms,100ms' });
  proxy = await startProxy(stack.api.url);
  hooks = await startReceiver(() => ({ status: 204 }));
});
after(async () => {
  await proxy?.close();
  await hooks?.close();
  await stack?.close();
});

const client = (overrides: Partial<ConstructorParameters<typeof Tessera>[0]> = {}) =>
  new Tessera({
    secretKey: stack.partner.secret,
    partnerId: stack.partner.id,
    tokenServiceUrl: stack.tokenService.url,
    apiUrl: proxy.url,
    ...overrides,
  });

describe('widget tokens', () => {
  it('mints a token the core API verifies for that customer and origin', async () => {
    const minted = await client().widgetTokens.create({
      subject: stack.seed.account_id,
      scopes: ['quote:read'],
      origin: ORIGIN,
    });
    const quote = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
      token: minted.token,
    });
    assert.equal(quote.status, 200);
    assert.equal(quote.body.id, stack.seed.quotes.open);
  });

  it('answers a wrong secret key with the token service code, not retried', async () => {
    const sent: string[] = [];
    const tessera = client({
      secretKey: 'tsk_test_wrong',
      fetch: (input, init) => {
        sent.push(input instanceof Request ? input.url : input.toString());
        return fetch(input, init);
      },
    });
    await assert.rejects(
      tessera.widgetTokens.create({
        subject: stack.seed.account_id,
        scopes: ['quote:read'],
        origin: ORIGIN,
      }),
      (error) =>
        isTesseraError(error, 'partner_key_invalid') && error.status === 401 && !!error.requestId,
    );
    assert.equal(sent.length, 1);
  });
});

describe('the partner token', () => {
  it('is fetched again once the cached one nears expiry', async () => {
    let fetched = 0;
    const tessera = client({
      // A token service that says its tokens live one second: the cache must let go of them.
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!(input instanceof Request ? input.url : input.toString()).endsWith('/oauth/token'))
          return response;
        fetched++;
        const body = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...body, expires_in: 1 }, { status: response.status });
      },
    });
    await tessera.webhookEndpoints.list();
    await tessera.webhookEndpoints.list();
    assert.equal(fetched, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await tessera.webhookEndpoints.list();
    assert.equal(fetched, 2);
  });

  it('is refreshed once when the API answers 401 token_expired, and the call succeeds', async () => {
    let oauth = 0;
    const tessera = client({
      fetch: (input, init) => {
        if ((input instanceof Request ? input.url : input.toString()).endsWith('/oauth/token'))
          oauth++;
        return fetch(input, init);
      },
    });
    await tessera.webhookEndpoints.list();
    let expired = 1;
    proxy.plan = () =>
      expired-- > 0
        ? {
            status: 401,
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
            body: {
              error: { code: 'token_expired', message: 'expired', request_id: 'r', doc_url: 'x' },
            },
          }
        : 'pass';
    try {
      assert.ok(Array.isArray(await tessera.webhookEndpoints.list()));
    } finally {
      proxy.plan = () => 'pass';
    }
    assert.equal(oauth, 2);
  });
});

describe('retries', () => {
  it('resends a mutation whose answer was lost under the same key; the API acted once', async () => {
    const description = `lost answer ${Date.now()}`;
    let dropped = false;
    proxy.seen.length = 0;
    proxy.plan = (method, path) => {
      if (method === 'POST' && path === '/v1/partner/webhook-endpoints' && !dropped) {
        dropped = true;
        return 'drop-answer';
      }
      return 'pass';
    };
    try {
      const created = await client().webhookEndpoints.create({
        url: 'http://127.0.0.1:9/lost',
        event_types: ['quote.accepted'],
        description,
      });
      assert.match(created.secret, /^whsec_/);
    } finally {
      proxy.plan = () => 'pass';
    }
    const posts = proxy.seen.filter((s) => s.method === 'POST');
    assert.equal(posts.length, 2);
    assert.ok(posts[0]!.key && posts[0]!.key === posts[1]!.key, 'one idempotency key for both');
    assert.equal(posts[1]!.replayed, true, 'the retry got the stored answer');
    const endpoints = await client().webhookEndpoints.list();
    assert.equal(endpoints.filter((e) => e.description === description).length, 1);
  });

  it('retries a read after 503 with Retry-After, and does not retry a 404', async () => {
    let failures = 1;
    proxy.seen.length = 0;
    proxy.plan = (method) =>
      method === 'GET' && failures-- > 0
        ? { status: 503, headers: { 'retry-after': '0' }, body: { error: 'down' } }
        : 'pass';
    try {
      assert.ok(Array.isArray(await client().webhookEndpoints.list()));
      assert.equal(proxy.seen.length, 2);
      proxy.seen.length = 0;
      await assert.rejects(client().webhookEndpoints.get('we_doesnotexist00'), (error) =>
        isTesseraError(error, 'not_found'),
      );
      assert.equal(proxy.seen.length, 1);
    } finally {
      proxy.plan = () => 'pass';
    }
  });
});

describe('the event id of a mutation', () => {
  it("is the webhook-id of the delivery the change caused, and a retry's answer keeps it", async () => {
    const tessera = client();
    const endpoint = await tessera.webhookEndpoints.create({
      url: `${hooks.url}/event-id`,
      event_types: ['account.updated'],
      description: 'event id',
    });
    const externalId = `event-id-${Date.now()}`;
    const fields = {
      legal_name: 'Join Ltd',
      billing_email: `${externalId}@join.example`,
      billing_address: {
        line1: '1 Long Lane',
        city: 'Leeds',
        postal_code: 'LS1 1AA',
        country: 'GB',
      },
      currency: 'GBP',
    };
    await tessera.accounts.upsert(externalId, fields);
    const key = `event-id-${Date.now()}`;
    const updated = await tessera.accounts.upsert(
      externalId,
      { ...fields, legal_name: 'Join Group Ltd' },
      { idempotencyKey: key },
    );
    assert.match(updated.eventId ?? '', /^evt_/);

    await hooks.until((received) => received.some((m) => m.id === updated.eventId));
    const delivery = hooks.received.find((m) => m.id === updated.eventId)!;
    assert.equal(delivery.path, new URL(endpoint.url).pathname);
    const verified = tessera.webhooks.verify(delivery.body, delivery.headers, {
      secret: endpoint.secret,
    });
    assert.equal(verified.id, updated.eventId);
    assert.equal(verified.type, 'account.updated');
    assert.equal(verified.data.legal_name, 'Join Group Ltd');

    const replayed = await tessera.accounts.upsert(
      externalId,
      { ...fields, legal_name: 'Join Group Ltd' },
      { idempotencyKey: key },
    );
    assert.equal(replayed.eventId, updated.eventId, 'the stored answer names the same event');
    await tessera.webhookEndpoints.delete(endpoint.id);
  });
});

describe('webhooks.verify', () => {
  it('accepts a real delivery and refuses a tampered body, a wrong secret and an old timestamp', async () => {
    const tessera = client();
    const endpoint = await tessera.webhookEndpoints.create({
      url: hooks.url,
      event_types: ['quote.accepted'],
      description: 'verify',
    });
    const { event_id } = await tessera.webhookEndpoints.test(endpoint.id);
    await hooks.until((received) => received.some((m) => m.id === event_id));
    const delivery = hooks.received.find((m) => m.id === event_id)!;

    const verified = tessera.webhooks.verify(delivery.body, delivery.headers, {
      secret: endpoint.secret,
    });
    assert.equal(verified.id, event_id);
    assert.equal(verified.type, 'webhook.test');

    const reason = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        assert.ok(error instanceof WebhookVerificationError, String(error));
        return error.reason;
      }
      return 'accepted';
    };
    const secret = endpoint.secret;
    assert.equal(
      reason(() =>
        tessera.webhooks.verify(
          delivery.body.replace('webhook.test', 'quote.accepted'),
          delivery.headers,
          { secret },
        ),
      ),
      'signature',
    );
    const wrong = `whsec_${Buffer.from('another endpoint secret!').toString('base64')}`;
    assert.equal(
      reason(() => tessera.webhooks.verify(delivery.body, delivery.headers, { secret: wrong })),
      'signature',
    );
    const old = String(Math.floor(Date.now() / 1000) - 600);
    assert.equal(
      reason(() =>
        tessera.webhooks.verify(
          delivery.body,
          { ...delivery.headers, 'webhook-timestamp': old },
          { secret },
        ),
      ),
      'timestamp',
    );
    const unsigned: Record<string, string> = { ...delivery.headers };
    delete unsigned['webhook-signature'];
    assert.equal(
      reason(() => tessera.webhooks.verify(delivery.body, unsigned, { secret })),
      'headers',
    );
    const odd = signWebhook({ secret, payload: { type: 'no.such.type', data: {} } });
    assert.equal(
      reason(() => tessera.webhooks.verify(odd.body, odd.headers, { secret })),
      'format',
    );
  });
});
