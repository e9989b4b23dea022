/**
 * The headless controllers started from a server render's data (no DOM): the state they open in
 * is the one the server rendered, the first `load()`/`start()` only announces it, and nothing
 * reaches the network until the customer acts — then the real core API answers as usual.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../../contracts/index.ts';
import { CountryList, CurrencyList } from '../../../contracts/v1/reference.ts';
import { seedDemo, type SeedResult } from '../../../core-api/seed.ts';
import { AccountController } from '../../../widgets/account/account.controller.ts';
import { createApiClient, type ApiClient } from '../../../widgets/core/api-client.ts';
import { createSessionId } from '../../../widgets/core/session.ts';
import { TokenManager } from '../../../widgets/core/token-manager.ts';
import { OnboardingController } from '../../../widgets/onboarding/onboarding.controller.ts';
import { STEP_FIELDS } from '../../../widgets/onboarding/onboarding.fields.ts';
import { QuoteController, type QuoteEvent } from '../../../widgets/quote/quote.controller.ts';
import { ORIGIN, startTestStack, type TestStack } from '../../core-api/helpers.ts';

describe('controllers started from server-rendered data', () => {
  let stack: TestStack;
  let seed: SeedResult;
  const disposers: (() => void)[] = [];

  before(async () => {
    stack = await startTestStack();
    seed = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
  });
  after(async () => {
    for (const dispose of disposers) dispose();
    await stack.close();
  });

  /** An API client for a seeded customer whose every request is recorded. */
  function client(
    scopes: Scope[],
    subject = seed.account_id,
  ): { api: ApiClient; requests: string[] } {
    const requests: string[] = [];
    const sessionId = createSessionId();
    const tokens = new TokenManager({
      sessionId,
      fetchToken: async () => ({
        token: await stack.token(scopes, { subject }),
        expires_in: 300,
      }),
    });
    disposers.push(() => tokens.dispose());
    const api = createApiClient({
      apiBase: stack.api.url,
      tokens,
      sessionId,
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        requests.push(`${request.method} ${new URL(request.url).pathname}`);
        // As the browser sends it: the page's origin, which the token names.
        request.headers.set('origin', ORIGIN);
        return fetch(request);
      },
    });
    return { api, requests };
  }

  it('opens a quote ready, announces it without a request, and accepts it', async () => {
    // A customer of its own: the quote ends accepted.
    const own = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const quote = await stack.api.store.getQuote(own.quotes.open);
    assert.ok(quote);
    const { api, requests } = client(['quote:read', 'quote:accept'], own.account_id);
    const events: QuoteEvent[] = [];
    const controller = new QuoteController({
      quoteId: quote.id,
      api,
      onEvent: (event) => events.push(event),
      initial: { quote, etag: `"${quote.version}"`, scopes: ['quote:read', 'quote:accept'] },
    });
    assert.equal(controller.getState().status, 'ready');
    await controller.load();
    assert.deepEqual(
      events.map((e) => e.type),
      ['ready'],
    );
    assert.deepEqual(requests, []);
    const accepted = await controller.accept({
      signerName: 'Ada Lovelace',
      signerEmail: 'ada@example.com',
      acceptTerms: true,
    });
    assert.equal(accepted.status, 'accepted');
    assert.deepEqual(requests, [`POST /v1/quotes/${quote.id}/accept`]);
  });

  it('opens a quote read-only for a token without quote:accept, as the server renders it', async () => {
    const quote = await stack.api.store.getQuote(seed.quotes.open);
    assert.ok(quote);
    const controller = new QuoteController({
      quoteId: quote.id,
      api: client(['quote:read']).api,
      initial: { quote, scopes: ['quote:read'] },
    });
    assert.equal(controller.getState().status, 'forbidden');
  });

  it('loads afresh on a later load(): the server data is used once', async () => {
    const quote = await stack.api.store.getQuote(seed.quotes.expired);
    assert.ok(quote);
    const { api, requests } = client(['quote:read', 'quote:accept']);
    const controller = new QuoteController({ quoteId: quote.id, api, initial: { quote } });
    await controller.load();
    await controller.load();
    assert.deepEqual(requests, [`GET /v1/quotes/${quote.id}`]);
  });

  it('opens an account for viewing, read-only without account:write, with its countries', async () => {
    const account = await stack.api.store.getAccount(seed.account_id);
    assert.ok(account);
    const countries = CountryList.parse(
      await (
        await fetch(`${stack.api.url}/v1/reference/countries`, {
          headers: {
            authorization: `Bearer ${await stack.token(['account:read'])}`,
            origin: ORIGIN,
          },
        })
      ).json(),
    ).data;
    const { api, requests } = client(['account:read']);
    const controller = new AccountController({
      accountId: account.id,
      api,
      initial: { account, countries, scopes: ['account:read'] },
    });
    assert.deepEqual(controller.getState(), { status: 'viewing', account, readOnly: true });
    assert.equal(controller.countries, countries);
    await controller.load();
    assert.deepEqual(requests, []);
  });

  it('opens onboarding at the step it was left, and saves a draft with the ETag it was read with', async () => {
    const { api, requests } = client(['onboarding:read', 'onboarding:write']);
    const token = await stack.token(['onboarding:read', 'onboarding:write']);
    const read = (path: string) =>
      fetch(`${stack.api.url}${path}`, {
        headers: { authorization: `Bearer ${token}`, origin: ORIGIN },
      }).then((r) => r.json() as Promise<unknown>);
    const application = await stack.api.store.getOnboarding(seed.onboarding_id);
    assert.ok(application);
    const controller = new OnboardingController({
      api,
      applicationId: application.id,
      initial: {
        application,
        etag: `"${application.version}"`,
        countries: CountryList.parse(await read('/v1/reference/countries')).data,
        currencies: CurrencyList.parse(await read('/v1/reference/currencies')).data,
        scopes: ['onboarding:read', 'onboarding:write'],
      },
    });
    const opened = controller.getState();
    assert.equal(opened.status, 'editing');
    assert.equal(opened.form?.step, application.current_step);
    await controller.start();
    assert.deepEqual(requests, []);
    // A change on the step it opened at, saved as a draft: the ETag the server read goes along.
    const field = STEP_FIELDS[application.current_step][0];
    assert.ok(field);
    controller.setField(field, 'Changed after hydration');
    await controller.saveDraft();
    assert.deepEqual(requests, [`PATCH /v1/onboarding/${application.id}`]);
    assert.equal(controller.getState().status, 'editing');
  });
});
