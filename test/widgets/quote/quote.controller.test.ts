import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../../contracts/index.ts';
import { seedDemo } from '../../../core-api/seed.ts';
import { createApiClient } from '../../../widgets/core/api-client.ts';
import { createSessionId } from '../../../widgets/core/session.ts';
import { TokenManager } from '../../../widgets/core/token-manager.ts';
import {
  QuoteController,
  type QuoteEvent,
  type QuoteStatus,
} from '../../../widgets/quote/quote.controller.ts';
import { startTestStack, type TestStack } from '../../core-api/helpers.ts';

const SIGNER = { signerName: 'Ada Lovelace', signerEmail: 'ada@example.com', acceptTerms: true };
const BOTH: Scope[] = ['quote:read', 'quote:accept'];

describe('QuoteController against the real core API', () => {
  let stack: TestStack;
  const disposers: (() => void)[] = [];

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    for (const dispose of disposers) dispose();
    await stack.close();
  });

  /** A fresh demo account, and a controller for one of its quotes with a recording fetch. */
  async function setup(
    opts: {
      quote?: 'open' | 'expired' | 'accepted' | 'unknown';
      scopes?: Scope[];
      rewrite?: (request: Request) => Request;
    } = {},
  ) {
    const seed = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const quoteId =
      opts.quote === 'unknown' ? 'qt_unknown000000000' : seed.quotes[opts.quote ?? 'open'];
    const requests: Request[] = [];
    const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = (opts.rewrite ?? ((r: Request) => r))(new Request(input, init));
      requests.push(request.clone());
      return fetch(request);
    };
    const sessionId = createSessionId();
    const tokens = new TokenManager({
      sessionId,
      fetchToken: async () => ({
        token: await stack.token(opts.scopes ?? BOTH, { subject: seed.account_id }),
        expires_in: 300,
      }),
    });
    disposers.push(() => tokens.dispose());
    const api = createApiClient({
      apiBase: stack.api.url,
      tokens,
      sessionId,
      fetch: fetchImpl,
    });
    const events: QuoteEvent[] = [];
    const controller = new QuoteController({ quoteId, api, onEvent: (e) => events.push(e) });
    const statuses: QuoteStatus[] = [];
    controller.subscribe((state) => statuses.push(state.status));
    const posts = () => requests.filter((r) => r.method === 'POST');
    const feed = async () => {
      const token = await stack.token(BOTH, { subject: seed.account_id });
      const page = await stack.call('GET', '/v1/events?after=0', { token });
      return page.body.data as { type: string; request_id: string; session_id: string }[];
    };
    return { seed, controller, events, statuses, requests, posts, feed, sessionId };
  }

  it('loads an open quote into ready and says so', async () => {
    const { controller, events, seed } = await setup();
    assert.equal(controller.getState().status, 'loading');
    const state = await controller.load();
    assert.equal(state.status, 'ready');
    assert.equal(state.status === 'ready' && state.quote.id, seed.quotes.open);
    assert.deepEqual(
      events.map((e) => e.type),
      ['change', 'ready'],
    );
  });

  it('loads an already accepted quote straight into accepted', async () => {
    const { controller } = await setup({ quote: 'accepted' });
    assert.equal((await controller.load()).status, 'accepted');
  });

  it('loads the seeded expired quote as expired, and accept() then sends nothing', async () => {
    const { controller, posts } = await setup({ quote: 'expired' });
    assert.equal((await controller.load()).status, 'expired');
    assert.equal((await controller.accept(SIGNER)).status, 'expired');
    assert.equal(posts().length, 0);
  });

  it('refuses invalid accept input with field errors, sending no request', async () => {
    const { controller, requests } = await setup();
    await controller.load();
    const before = requests.length;
    const state = await controller.accept({
      signerName: '  ',
      signerEmail: 'nope',
      acceptTerms: false,
    });
    assert.equal(state.status, 'ready');
    assert.deepEqual(state.status === 'ready' && state.fieldErrors, {
      signerName: {
        code: 'required',
        message: state.status === 'ready' && state.fieldErrors?.signerName?.message,
      },
      signerEmail: {
        code: 'invalid_email',
        message: state.status === 'ready' && state.fieldErrors?.signerEmail?.message,
      },
      acceptTerms: {
        code: 'required',
        message: state.status === 'ready' && state.fieldErrors?.acceptTerms?.message,
      },
    });
    assert.equal(requests.length, before);
  });

  it('accepts: accepting, then accepted, with a success event carrying the quote', async () => {
    const { controller, events, statuses } = await setup();
    await controller.load();
    const state = await controller.accept(SIGNER);
    assert.equal(state.status, 'accepted');
    assert.deepEqual(statuses.slice(-2), ['accepting', 'accepted']);
    const success = events.find((e) => e.type === 'success');
    assert.equal(success?.type === 'success' && success.detail.action, 'accept');
    assert.equal(
      success?.type === 'success' && success.detail.quote.accepted_by?.name,
      'Ada Lovelace',
    );
  });

  it('sends one acceptance for a double click', async () => {
    const { controller, posts } = await setup();
    await controller.load();
    const [first, second] = await Promise.all([
      controller.accept(SIGNER),
      controller.accept(SIGNER),
    ]);
    assert.equal(first.status, 'accepted');
    assert.equal(second.status, 'accepting'); // the second click saw the first in flight
    assert.equal(posts().length, 1);
  });

  it('declines with a reason: declining, then declined', async () => {
    const { controller, statuses, events } = await setup();
    await controller.load();
    const state = await controller.decline({ reason: 'Over budget' });
    assert.equal(state.status, 'declined');
    assert.equal(state.status === 'declined' && state.quote.decline_reason, 'Over budget');
    assert.deepEqual(statuses.slice(-2), ['declining', 'declined']);
    assert.ok(events.some((e) => e.type === 'success' && e.detail.action === 'decline'));
  });

  /** Moves the quote's valid_until into the past, as if the customer had read it for too long. */
  async function expire(quoteId: string) {
    await stack.api.store.transaction(async (repo) => {
      const quote = await repo.getQuote(quoteId, { forUpdate: true });
      assert.ok(quote);
      const past = new Date(Date.now() - 60_000).toISOString();
      await repo.updateQuote({ ...quote, valid_until: past, version: quote.version + 1 });
    });
  }

  it('shows expired when the quote ran out while the customer read it', async () => {
    const { controller, seed } = await setup();
    await controller.load();
    await expire(seed.quotes.open);
    // The stale If-Match makes this a version conflict; the reload shows the quote expired.
    assert.equal((await controller.accept(SIGNER)).status, 'expired');
  });

  it('maps 409 quote_expired to expired, with an error event', async () => {
    const { controller, seed, events } = await setup({
      rewrite: (request) => {
        const headers = new Headers(request.headers);
        headers.delete('if-match');
        return new Request(request, { headers });
      },
    });
    await controller.load();
    await expire(seed.quotes.open);
    const state = await controller.accept(SIGNER);
    assert.equal(state.status, 'expired');
    assert.equal(state.status === 'expired' && state.quote.status, 'expired');
    const error = events.find((e) => e.type === 'error');
    assert.equal(error?.type === 'error' && error.detail.code, 'quote_expired');
  });

  it('shows the real status when the quote was accepted elsewhere meanwhile', async () => {
    const { controller, seed } = await setup();
    await controller.load();
    const token = await stack.token(BOTH, { subject: seed.account_id });
    const elsewhere = await stack.call('POST', `/v1/quotes/${seed.quotes.open}/accept`, {
      token,
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { signer_name: 'Grace Hopper', signer_email: 'grace@example.com', accept_terms: true },
    });
    assert.equal(elsewhere.status, 200);
    const state = await controller.accept(SIGNER);
    assert.equal(state.status, 'accepted');
    assert.equal(state.status === 'accepted' && state.quote.accepted_by?.name, 'Grace Hopper');
  });

  it('a quote changed meanwhile but still open comes back ready, marked changed, to decide again', async () => {
    const { controller, events, seed } = await setup();
    await controller.load();
    const stored = await stack.api.store.getQuote(seed.quotes.open);
    assert.ok(stored);
    await stack.api.store.updateQuote({ ...stored, version: stored.version + 1 });
    const state = await controller.accept(SIGNER);
    assert.equal(state.status, 'ready');
    assert.equal(state.status === 'ready' && state.changed, true);
    assert.equal(state.status === 'ready' && state.quote.version, stored.version + 1);
    const error = events.filter((e) => e.type === 'error').at(-1);
    assert.equal(error?.type === 'error' && error.detail.code, 'version_conflict');
    assert.equal(
      (await controller.accept(SIGNER)).status,
      'accepted',
      'the second try, on the new version',
    );
  });

  it('a token without quote:accept loads a read-only view and accept() sends nothing', async () => {
    const { controller, events } = await setup({ scopes: ['quote:read'] });
    const loaded = await controller.load();
    assert.equal(loaded.status, 'forbidden');
    assert.ok(loaded.status === 'forbidden' && loaded.quote, 'the quote is shown');
    const ready = events.find((e) => e.type === 'ready');
    assert.equal(ready?.type === 'ready' && ready.detail.status, 'forbidden');
    assert.equal(
      events.some((e) => e.type === 'error'),
      false,
      'a read-only token is a configuration, not an error',
    );
    assert.equal((await controller.accept(SIGNER)).status, 'forbidden');
    assert.equal(events.filter((e) => e.type === 'change').length, 1, 'nothing was attempted');
  });

  it('a token without quote:read is forbidden on load', async () => {
    const { controller } = await setup({ scopes: ['account:read'] });
    assert.equal((await controller.load()).status, 'forbidden');
  });

  it('an unknown quote ends in error not_found, with request and session ids', async () => {
    const { controller, events, sessionId } = await setup({ quote: 'unknown' });
    const state = await controller.load();
    assert.equal(state.status, 'error');
    assert.equal(state.status === 'error' && state.error.code, 'not_found');
    const error = events.find((e) => e.type === 'error');
    assert.equal(error?.type === 'error' && error.detail.retryable, false);
    assert.ok(error?.type === 'error' && error.detail.requestId);
    assert.equal(error?.type === 'error' && error.detail.sessionId, sessionId);
  });

  it('retry() after a server error repeats the acceptance under the same key, done once', async () => {
    let failing = true;
    const { controller, posts, feed, events } = await setup({
      rewrite: (request) => {
        if (!failing || request.method !== 'POST') return request;
        const headers = new Headers(request.headers);
        headers.set('tessera-simulate', 'server_error');
        return new Request(request, { headers });
      },
    });
    await controller.load();
    const failed = await controller.accept(SIGNER);
    assert.equal(failed.status, 'error');
    assert.equal(failed.status === 'error' && failed.error.code, 'internal_error');
    assert.equal(failed.status === 'error' && failed.error.retryable, true);
    assert.ok(failed.status === 'error' && failed.quote, 'the quote stays visible');

    failing = false;
    const retried = await controller.retry();
    assert.equal(retried.status, 'accepted');
    const keys = new Set(posts().map((r) => r.headers.get('idempotency-key')));
    assert.equal(keys.size, 1);
    assert.ok(posts().length >= 2);
    const accepted = (await feed()).filter((e) => e.type === 'quote.accepted');
    assert.equal(accepted.length, 1);
    assert.equal(events.filter((e) => e.type === 'success').length, 1);
  });

  it('retry() after a failed load loads again', async () => {
    let failing = true;
    const { controller } = await setup({
      rewrite: (request) => {
        if (!failing) return request;
        const headers = new Headers(request.headers);
        headers.set('tessera-simulate', 'server_error');
        return new Request(request, { headers });
      },
    });
    assert.equal((await controller.load()).status, 'error');
    failing = false;
    assert.equal((await controller.retry()).status, 'ready');
  });

  it('a malformed quote id is configuration_invalid and sends nothing', async () => {
    const { requests } = await setup();
    const api = createApiClient({
      apiBase: stack.api.url,
      tokens: { getToken: () => Promise.resolve('unused'), invalidate: () => undefined },
      sessionId: 'ws_x',
    });
    const controller = new QuoteController({ quoteId: '../accounts/me', api });
    const state = await controller.load();
    assert.equal(state.status === 'error' && state.error.code, 'configuration_invalid');
    assert.equal(requests.length, 0);
  });
});
