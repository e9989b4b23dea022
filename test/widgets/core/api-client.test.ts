import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventPage, Quote, SCOPES, type Scope } from '../../../contracts/index.ts';
import { createApiClient, type ApiClient } from '../../../widgets/core/api-client.ts';
import { WidgetError } from '../../../widgets/core/errors.ts';
import { createSessionId } from '../../../widgets/core/session.ts';
import { TokenManager } from '../../../widgets/core/token-manager.ts';
import { startTestStack, type TestStack } from '../../core-api/helpers.ts';
import { closedPort, startFaultStub, type FaultStub } from './fault-stub.ts';

/** A fetch that records what it sent and lets a test rewrite a request or fail after it. */
function recordingFetch(
  rewrite: (request: Request, index: number) => Request = (request) => request,
  afterSend: (response: Response, index: number) => Response = (response) => response,
) {
  const sent: Request[] = [];
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit) => {
    const index = sent.length;
    const request = rewrite(new Request(input, init), index);
    sent.push(request.clone());
    return afterSend(await fetch(request), index);
  };
  return { fetch: wrapped, sent };
}

function withHeader(request: Request, name: string, value: string): Request {
  const headers = new Headers(request.headers);
  headers.set(name, value);
  return new Request(request, { headers });
}

const QUOTE: Quote = {
  id: 'qt_0123456789abcdef',
  number: 'Q-2026-0001',
  account_id: 'acct_0123456789abcdef',
  status: 'open',
  currency: 'EUR',
  line_items: [{ id: 'li_1', description: 'Seats', quantity: 2, unit_amount: 1000, amount: 2000 }],
  subtotal: 2000,
  tax: 380,
  total: 2380,
  valid_until: '2030-01-01T00:00:00.000Z',
  version: 1,
};

const staticTokens = { getToken: () => Promise.resolve('tok_static'), invalidate: () => undefined };

describe('api client against the real core API', () => {
  let stack: TestStack;
  let fetchTokenCalls = 0;
  let sessionId: string;

  function client(opts: { fetch?: typeof fetch; scopes?: Scope[] } = {}): ApiClient {
    const tokens = new TokenManager({
      sessionId,
      fetchToken: async () => {
        fetchTokenCalls += 1;
        return { token: await stack.token(opts.scopes ?? [...SCOPES]), expires_in: 300 };
      },
    });
    after(() => tokens.dispose());
    return createApiClient({
      apiBase: stack.api.url,
      tokens,
      sessionId,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  before(async () => {
    stack = await startTestStack();
    sessionId = createSessionId();
  });
  after(() => stack.close());

  it('GETs a quote and parses it with the contract, with its ETag and request id', async () => {
    const { fetch, sent } = recordingFetch();
    const answer = await client({ fetch }).get(`v1/quotes/${stack.seed.quotes.open}`, Quote);
    assert.equal(answer.data.id, stack.seed.quotes.open);
    assert.equal(answer.data.status, 'open');
    assert.equal(answer.etag, `"${answer.data.version}"`);
    assert.equal(answer.requestId, sent[0]?.headers.get('x-request-id'));
  });

  it('sends a fresh X-Request-Id per request, the session id, and a bearer token', async () => {
    const { fetch, sent } = recordingFetch();
    const api = client({ fetch });
    await api.get(`v1/quotes/${stack.seed.quotes.open}`, Quote);
    await api.get(`v1/quotes/${stack.seed.quotes.open}`, Quote);
    const [first, second] = sent;
    assert.match(first?.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(first?.headers.get('x-request-id'), second?.headers.get('x-request-id'));
    assert.equal(first?.headers.get('x-tessera-session'), sessionId);
    assert.match(first?.headers.get('authorization') ?? '', /^Bearer ey/);
  });

  it('writes the request id and session id into the event a mutation causes', async () => {
    const seed = await freshSeed(stack);
    const tokens = new TokenManager({
      sessionId,
      fetchToken: async () => ({
        token: await stack.token(['quote:read', 'quote:accept'], { subject: seed.account_id }),
        expires_in: 300,
      }),
    });
    const api = createApiClient({ apiBase: stack.api.url, tokens, sessionId });
    const accepted = await api.post(
      `v1/quotes/${seed.quotes.open}/accept`,
      { signer_name: 'Ada Lovelace', signer_email: 'ada@example.com', accept_terms: true },
      Quote,
      { idempotencyKey: crypto.randomUUID() },
    );
    const events = await api.get('v1/events?after=0', EventPage);
    tokens.dispose();
    const event = events.data.data.find((e) => e.type === 'quote.accepted');
    assert.equal(event?.caller_request_id, accepted.requestId);
    assert.equal(event?.session_id, sessionId);
  });

  it('on 401 token_expired fetches a new token once and retries once', async () => {
    fetchTokenCalls = 0;
    const { fetch, sent } = recordingFetch((request, index) =>
      index === 0 ? withHeader(request, 'tessera-simulate', 'token_expired') : request,
    );
    const answer = await client({ fetch }).get(`v1/quotes/${stack.seed.quotes.open}`, Quote);
    assert.equal(answer.data.id, stack.seed.quotes.open);
    assert.equal(fetchTokenCalls, 2);
    assert.equal(sent.length, 2);
    assert.notEqual(sent[0]?.headers.get('authorization'), sent[1]?.headers.get('authorization'));
  });

  it('reports a second token_expired instead of refreshing again', async () => {
    fetchTokenCalls = 0;
    const api = client();
    await assert.rejects(
      api.get(`v1/quotes/${stack.seed.quotes.open}`, Quote, {
        headers: { 'tessera-simulate': 'token_expired' },
      }),
      (error: unknown) => {
        assert.ok(error instanceof WidgetError);
        assert.equal(error.code, 'token_expired');
        assert.equal(error.status, 401);
        assert.equal(error.sessionId, sessionId);
        assert.ok(error.requestId);
        return true;
      },
    );
    assert.equal(fetchTokenCalls, 2);
  });

  it('maps the error envelope: code, message, request id', async () => {
    const { fetch, sent } = recordingFetch();
    await assert.rejects(
      client({ fetch }).get('v1/quotes/qt_doesnotexist0000', Quote),
      (error: unknown) => {
        assert.ok(error instanceof WidgetError);
        assert.equal(error.code, 'not_found');
        assert.equal(error.retryable, false);
        assert.equal(error.requestId, sent.at(-1)?.headers.get('x-request-id'));
        return true;
      },
    );
  });

  it('a POST whose answer is lost is sent again under the same key and done once', async () => {
    const seed = await freshSeed(stack);
    const { fetch, sent } = recordingFetch(undefined, (response, index) => {
      if (index === 0) throw new TypeError('fetch failed'); // the server did it; the answer is lost
      return response;
    });
    const tokens = new TokenManager({
      sessionId,
      fetchToken: async () => ({
        token: await stack.token(['quote:read', 'quote:accept'], { subject: seed.account_id }),
        expires_in: 300,
      }),
    });
    const api = createApiClient({ apiBase: stack.api.url, tokens, sessionId, fetch });
    const accepted = await api.post(
      `v1/quotes/${seed.quotes.open}/accept`,
      { signer_name: 'Ada Lovelace', signer_email: 'ada@example.com', accept_terms: true },
      Quote,
      { idempotencyKey: crypto.randomUUID() },
    );
    assert.equal(accepted.data.status, 'accepted');
    assert.equal(sent.length, 2);
    assert.equal(sent[0]?.headers.get('idempotency-key'), sent[1]?.headers.get('idempotency-key'));
    const events = await api.get('v1/events?after=0', EventPage);
    tokens.dispose();
    assert.equal(events.data.data.filter((e) => e.type === 'quote.accepted').length, 1);
  });
});

async function freshSeed(stack: TestStack) {
  const { seedDemo } = await import('../../../core-api/seed.ts');
  return seedDemo(stack.api.store, { partnerId: stack.partner.id });
}

describe('api client against a fault-injecting stub', () => {
  let stub: FaultStub | undefined;
  after(() => stub?.close());

  async function stubbed(script: Parameters<typeof startFaultStub>[0], timeoutMs?: number) {
    await stub?.close();
    stub = await startFaultStub(script);
    return createApiClient({
      apiBase: stub.url,
      tokens: staticTokens,
      sessionId: 'ws_stub',
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }

  it('network down: a GET fails with network_error after its retries', async () => {
    const api = createApiClient({
      apiBase: await closedPort(),
      tokens: staticTokens,
      sessionId: 'ws_stub',
    });
    await assert.rejects(api.get('v1/quotes/x', Quote), (error: unknown) => {
      assert.ok(error instanceof WidgetError);
      assert.equal(error.code, 'network_error');
      assert.equal(error.retryable, true);
      assert.equal(error.sessionId, 'ws_stub');
      assert.ok(error.requestId);
      return true;
    });
  });

  it('a GET answered 500 then 200 is retried and succeeds', async () => {
    const api = await stubbed([{ status: 500 }, { status: 200, body: QUOTE }]);
    const answer = await api.get('v1/quotes/x', Quote);
    assert.deepEqual(answer.data, QUOTE);
    assert.equal(stub?.received.length, 2);
    const [first, second] = stub?.received ?? [];
    assert.notEqual(first?.headers['x-request-id'], second?.headers['x-request-id']);
  });

  it('a GET answered 429 with Retry-After waits and retries', async () => {
    const api = await stubbed([
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200, body: QUOTE },
    ]);
    const answer = await api.get('v1/quotes/x', Quote);
    assert.equal(answer.data.id, QUOTE.id);
    assert.equal(stub?.received.length, 2);
  });

  it('a GET is retried at most twice', async () => {
    const api = await stubbed([{ status: 503 }]);
    await assert.rejects(api.get('v1/quotes/x', Quote), { code: 'service_unavailable' });
    assert.equal(stub?.received.length, 3);
  });

  it('a POST answered 500 is retried with the same Idempotency-Key', async () => {
    const api = await stubbed([{ status: 500 }, { status: 500 }, { status: 200, body: QUOTE }]);
    const key = crypto.randomUUID();
    await api.post('v1/quotes/x/accept', { a: 1 }, Quote, { idempotencyKey: key });
    const received = stub?.received ?? [];
    assert.equal(received.length, 3);
    assert.deepEqual(
      received.map((r) => r.headers['idempotency-key']),
      [key, key, key],
    );
    assert.deepEqual(
      received.map((r) => r.body),
      ['{"a":1}', '{"a":1}', '{"a":1}'],
    );
  });

  it('a POST without an idempotency key is refused before anything is sent', async () => {
    const api = await stubbed([{ status: 200, body: QUOTE }]);
    await assert.rejects(api.post('v1/quotes/x/accept', {}, Quote, { idempotencyKey: '' }), {
      code: 'configuration_invalid',
    });
    assert.equal(stub?.received.length, 0);
  });

  it('a response slower than the timeout fails with timeout', async () => {
    const api = await stubbed([{ status: 200, body: QUOTE, delayMs: 5_000 }], 100);
    await assert.rejects(api.get('v1/quotes/x', Quote), (error: unknown) => {
      assert.ok(error instanceof WidgetError);
      assert.equal(error.code, 'timeout');
      assert.equal(error.retryable, true);
      return true;
    });
  });

  it('a 200 whose body does not match the schema fails with schema_mismatch', async () => {
    const api = await stubbed([
      { status: 200, headers: { 'x-request-id': 'req_stub_1' }, body: { ...QUOTE, total: -1 } },
    ]);
    await assert.rejects(api.get('v1/quotes/x', Quote), (error: unknown) => {
      assert.ok(error instanceof WidgetError);
      assert.equal(error.code, 'schema_mismatch');
      assert.equal(error.retryable, false);
      assert.equal(error.requestId, 'req_stub_1');
      return true;
    });
  });

  it('an error answer that is not the envelope is mapped by its status', async () => {
    const api = await stubbed([{ status: 404, body: '<html>nope</html>' }]);
    await assert.rejects(api.get('v1/quotes/x', Quote), { code: 'not_found', status: 404 });
  });

  it('refuses to start without a usable apiBase', () => {
    assert.throws(
      () => createApiClient({ apiBase: '', tokens: staticTokens, sessionId: 'ws_stub' }),
      { code: 'configuration_invalid' },
    );
  });

  it('a failing token fetch is token_fetch_failed and sends nothing', async () => {
    const api = await stubbed([{ status: 200, body: QUOTE }]);
    const failing = createApiClient({
      apiBase: stub?.url ?? '',
      tokens: new TokenManager({
        sessionId: 'ws_stub',
        fetchToken: () => Promise.reject(new Error('partner backend down')),
      }),
      sessionId: 'ws_stub',
    });
    void api;
    await assert.rejects(failing.get('v1/quotes/x', Quote), {
      code: 'token_fetch_failed',
      retryable: true,
    });
    assert.equal(stub?.received.length, 0);
  });
});
