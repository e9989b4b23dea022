import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../../contracts/index.ts';
import { seedDemo } from '../../../core-api/seed.ts';
import { createApiClient } from '../../../widgets/core/api-client.ts';
import { createSessionId } from '../../../widgets/core/session.ts';
import { TokenManager, type FetchToken } from '../../../widgets/core/token-manager.ts';
import {
  OnboardingController,
  type OnboardingEvent,
  type OnboardingState,
} from '../../../widgets/onboarding/onboarding.controller.ts';
import type { TextField } from '../../../widgets/onboarding/onboarding.fields.ts';
import { startTestStack, type TestStack } from '../../core-api/helpers.ts';

const BOTH: Scope[] = ['onboarding:read', 'onboarding:write', 'account:read'];

const COMPANY = {
  legalName: 'Fjord Freight Ltd',
  registrationNumber: '09876543',
  country: 'GB',
  region: 'GB-SCT',
  taxId: 'gb 123 4567 89',
} satisfies Partial<Record<TextField, string>>;
const CONTACT = {
  contactName: 'Ada Lovelace',
  contactEmail: 'ada@fjord.example',
  phone: '020 7946 0958',
} satisfies Partial<Record<TextField, string>>;
const BILLING = {
  line1: '1 Harbour Street',
  city: 'Aberdeen',
  postalCode: 'AB11 5BN',
} satisfies Partial<Record<TextField, string>>;

function fill(controller: OnboardingController, values: Partial<Record<TextField, string>>) {
  for (const [field, value] of Object.entries(values))
    controller.setField(field as TextField, value);
}

function form(state: OnboardingState) {
  assert.ok(state.form, `no form in ${state.status}`);
  return state.form;
}

/** Adds a header to the requests `when` picks, as long as `active()` says so. */
function simulate(header: string, when: (request: Request) => boolean, active: () => boolean) {
  return (request: Request) => {
    if (!active() || !when(request)) return request;
    const headers = new Headers(request.headers);
    headers.set('tessera-simulate', header);
    return new Request(request, { headers });
  };
}

describe('OnboardingController against the real core API', () => {
  let stack: TestStack;
  const disposers: (() => void)[] = [];

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    for (const dispose of disposers) dispose();
    await stack.close();
  });

  interface Setup {
    scopes?: Scope[];
    /** Rewrites or fails requests before they leave. */
    rewrite?: (request: Request) => Request;
    /** Wraps the token fetch (counting calls, failing on demand). */
    fetchToken?: (inner: FetchToken) => FetchToken;
    /** The account's seeded application is marked submitted, so start() opens a new one. */
    blank?: boolean;
    applicationId?: boolean;
    accountId?: string;
  }

  /** A demo account (or the given one), a controller with a recording fetch, and the server's view. */
  async function setup(opts: Setup = {}) {
    const seed = opts.accountId
      ? undefined
      : await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    let accountId = opts.accountId ?? seed!.account_id;
    if (seed && opts.blank) {
      // An account that never started onboarding: the demo account's data, without its
      // application (a submitted one would make it onboarded, and start would answer that).
      const blank = `acct_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
      await stack.api.store.transaction(async (repo) => {
        const demo = await repo.getAccount(seed.account_id);
        assert.ok(demo);
        await repo.insertAccount({ ...demo, id: blank });
        await repo.linkAccount(blank, stack.partner.id);
      });
      accountId = blank;
    }
    const requests: Request[] = [];
    const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = (opts.rewrite ?? ((r: Request) => r))(new Request(input, init));
      requests.push(request.clone());
      return fetch(request);
    };
    const sessionId = createSessionId();
    const mint: FetchToken = async () => ({
      token: await stack.token(opts.scopes ?? BOTH, { subject: accountId }),
      expires_in: 300,
    });
    const tokens = new TokenManager({
      sessionId,
      fetchToken: opts.fetchToken ? opts.fetchToken(mint) : mint,
    });
    disposers.push(() => tokens.dispose());
    const api = createApiClient({ apiBase: stack.api.url, tokens, sessionId, fetch: fetchImpl });
    const events: OnboardingEvent[] = [];
    const controller = new OnboardingController({
      api,
      onEvent: (e) => events.push(e),
      ...(opts.applicationId && seed ? { applicationId: seed.onboarding_id } : {}),
    });
    const patches = () => requests.filter((r) => r.method === 'PATCH');
    const mutations = () => requests.filter((r) => r.method !== 'GET');
    /** The application as the core API has it now, read with a token of its own. */
    const server = async (id = form(controller.getState()).application.id) => {
      const token = await stack.token(BOTH, { subject: accountId });
      const answer = await stack.call('GET', `/v1/onboarding/${id}`, { token });
      assert.equal(answer.status, 200);
      return answer.body as {
        version: number;
        current_step: string;
        status: string;
        values: Record<string, Record<string, unknown>>;
      };
    };
    /** Saves a change as another tab of the same customer would. */
    const elsewhere = async (step: string, values: Record<string, unknown>) => {
      const id = form(controller.getState()).application.id;
      const token = await stack.token(BOTH, { subject: accountId });
      const current = await server(id);
      const answer = await stack.call('PATCH', `/v1/onboarding/${id}`, {
        token,
        headers: { 'idempotency-key': crypto.randomUUID(), 'if-match': `"${current.version}"` },
        body: { step, values },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    };
    return { seed, accountId, controller, events, requests, patches, mutations, server, elsewhere };
  }

  /** A blank application filled to the review step through the controller. */
  async function atReview(opts: Setup = {}) {
    const ctx = await setup({ blank: true, ...opts });
    await ctx.controller.start();
    fill(ctx.controller, COMPANY);
    assert.equal((await ctx.controller.next()).form?.step, 'contact');
    fill(ctx.controller, CONTACT);
    assert.equal((await ctx.controller.next()).form?.step, 'billing');
    fill(ctx.controller, BILLING);
    assert.equal((await ctx.controller.next()).form?.step, 'review');
    return ctx;
  }

  it('start resumes the open application at its step, with its values and country defaults', async () => {
    const { controller, events, seed, mutations } = await setup();
    assert.equal(controller.getState().status, 'loading');
    const state = await controller.start();
    assert.equal(state.status, 'editing');
    const f = form(state);
    assert.equal(f.application.id, seed!.onboarding_id);
    assert.equal(f.step, 'contact', 'the seeded application was left at contact');
    assert.equal(f.values.legalName, 'Nordlicht Analytics GmbH');
    assert.equal(f.values.region, 'DE-BE');
    assert.equal(f.values.billingCountry, 'DE', 'billing country defaults to the company country');
    assert.equal(f.values.currency, 'EUR', "currency defaults from the country's reference data");
    assert.ok(
      f.countries.find((c) => c.code === 'DE')?.regions.length,
      'regions come with countries',
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['change', 'ready'],
    );
    const ready = events.at(-1);
    assert.equal(ready?.type === 'ready' && ready.detail.step, 'contact');
    assert.equal(mutations().length, 1, 'one POST /v1/onboarding');
    assert.ok(mutations()[0]!.headers.get('idempotency-key'));
  });

  it('start opens a new application at the company step when none is open', async () => {
    const { controller, seed } = await setup({ blank: true });
    const f = form(await controller.start());
    assert.notEqual(f.application.id, seed!.onboarding_id);
    assert.equal(f.step, 'company');
    assert.equal(f.values.legalName, '');
  });

  it('setField: a new country clears a foreign region, and billing country and currency follow it', async () => {
    const { controller } = await setup();
    await controller.start();
    controller.setField('country', 'US');
    let f = form(controller.getState());
    assert.equal(f.values.region, '', 'DE-BE is not a US state');
    assert.equal(f.values.billingCountry, 'US');
    assert.equal(f.values.currency, 'USD');
    controller.setField('currency', 'EUR');
    controller.setField('country', 'GB');
    f = form(controller.getState());
    assert.equal(f.values.billingCountry, 'GB');
    assert.equal(f.values.currency, 'EUR', 'a currency the customer chose stays');
    controller.setField('billingCountry', 'FR');
    controller.setField('country', 'ES');
    assert.equal(
      form(controller.getState()).values.billingCountry,
      'FR',
      'a chosen billing country stays',
    );
  });

  it('next on an incomplete step shows field errors from the schemas and sends nothing', async () => {
    const { controller, requests } = await setup({ blank: true });
    await controller.start();
    const sent = requests.length;
    controller.setField('country', 'DE');
    controller.setField('taxId', '12345');
    controller.setField('legalName', '   ');
    const state = await controller.next();
    assert.equal(state.status, 'editing');
    const f = form(state);
    assert.equal(f.step, 'company');
    assert.equal(f.summary, true);
    assert.equal(f.fieldErrors.legalName?.code, 'required');
    assert.equal(f.fieldErrors.registrationNumber?.code, 'required');
    assert.equal(f.fieldErrors.taxId?.code, 'invalid_tax_id');
    assert.deepEqual(f.fieldErrors.taxId?.format, { name: 'USt-IdNr.', example: 'DE123456789' });
    assert.equal(f.fieldErrors.region, undefined, 'region is optional');
    assert.equal(requests.length, sent);
  });

  it('an error goes as soon as its field is fixed', async () => {
    const { controller } = await setup({ blank: true });
    await controller.start();
    await controller.next();
    assert.ok(form(controller.getState()).fieldErrors.legalName);
    controller.setField('legalName', 'Fjord Freight Ltd');
    assert.equal(form(controller.getState()).fieldErrors.legalName, undefined);
    assert.ok(form(controller.getState()).fieldErrors.registrationNumber, 'the others stay');
  });

  it('next saves the step with If-Match, normalising the tax id and phone, and moves on', async () => {
    const { controller, patches, server, events } = await setup({ blank: true });
    await controller.start();
    const version = form(controller.getState()).application.version;
    fill(controller, COMPANY);
    const saved = await controller.next();
    assert.equal(saved.status, 'editing');
    assert.equal(form(saved).step, 'contact');
    assert.equal(form(saved).values.taxId, 'GB123456789', 'shown as stored');
    const [patch] = patches();
    assert.equal(patch!.headers.get('if-match'), `"${version}"`);
    assert.ok(patch!.headers.get('idempotency-key'));
    let stored = await server();
    assert.equal(stored.current_step, 'contact');
    assert.deepEqual(stored.values.company, {
      legal_name: 'Fjord Freight Ltd',
      registration_number: '09876543',
      country: 'GB',
      region: 'GB-SCT',
      tax_id: 'GB123456789',
    });
    fill(controller, CONTACT);
    await controller.next();
    stored = await server();
    assert.equal(stored.values.contact?.phone, '+442079460958', 'a national number in E.164');
    assert.equal(form(controller.getState()).values.billingEmail, 'ada@fjord.example');
    const steps = events.flatMap((e) => (e.type === 'change' ? [e.detail.step] : []));
    assert.deepEqual(steps.slice(-4), ['company', 'contact', 'contact', 'billing']);
  });

  it('a double click on next sends one save', async () => {
    const { controller, patches } = await setup({ blank: true });
    await controller.start();
    fill(controller, COMPANY);
    const [first, second] = await Promise.all([controller.next(), controller.next()]);
    assert.equal(form(first).step, 'contact');
    assert.equal(second.status, 'saving', 'the second click saw the first in flight');
    assert.equal(patches().length, 1);
  });

  it('back saves what is valid, keeps the rest locally, and is never blocked', async () => {
    const { controller, server } = await setup();
    await controller.start();
    controller.setField('contactName', 'Lena Schäfer');
    controller.setField('contactEmail', 'not-an-email');
    const state = await controller.back();
    assert.equal(form(state).step, 'company');
    assert.deepEqual(form(state).fieldErrors, {});
    assert.equal(form(state).values.contactEmail, 'not-an-email', 'kept in the form');
    const stored = await server();
    assert.deepEqual(stored.values.contact, { name: 'Lena Schäfer' });
    assert.equal(stored.current_step, 'company');
  });

  it('saveDraft keeps the step, saves the valid fields and reports the invalid ones', async () => {
    const { controller, server } = await setup();
    await controller.start();
    controller.setField('contactName', 'Lena Schäfer');
    controller.setField('phone', '12ab');
    const state = await controller.saveDraft();
    assert.equal(form(state).step, 'contact');
    assert.equal(form(state).fieldErrors.phone?.code, 'invalid_phone');
    assert.equal(form(state).fieldErrors.contactEmail, undefined, 'blank is fine in a draft');
    assert.deepEqual((await server()).values.contact, { name: 'Lena Schäfer' });
  });

  it('goTo goes back freely and forward only past complete steps', async () => {
    const { controller, requests } = await setup({ blank: true });
    await controller.start();
    assert.equal(controller.canGoTo('contact'), true, 'the next step, through validation');
    assert.equal(controller.canGoTo('billing'), false, 'contact is not complete');
    const sent = requests.length;
    assert.equal(form(await controller.goTo('review')).step, 'company');
    assert.equal(requests.length, sent);
    fill(controller, COMPANY);
    await controller.next();
    fill(controller, CONTACT);
    await controller.next();
    assert.equal(form(await controller.goTo('company')).step, 'company');
    assert.equal(controller.canGoTo('billing'), true, 'company and contact are complete');
    assert.equal(form(await controller.goTo('billing')).step, 'billing');
  });

  it('a new controller (reload, new token) resumes at the same step with every value', async () => {
    const first = await setup({ blank: true });
    await first.controller.start();
    fill(first.controller, COMPANY);
    await first.controller.next();
    fill(first.controller, CONTACT);
    await first.controller.next();
    first.controller.setField('line1', '1 Harbour Street');
    await first.controller.saveDraft();
    first.controller.dispose();

    const second = await setup({ accountId: first.accountId });
    const f = form(await second.controller.start());
    assert.equal(f.application.id, form(first.controller.getState()).application.id);
    assert.equal(f.step, 'billing');
    assert.equal(f.values.legalName, COMPANY.legalName);
    assert.equal(f.values.taxId, 'GB123456789');
    assert.equal(f.values.phone, '+442079460958');
    assert.equal(f.values.contactEmail, CONTACT.contactEmail);
    assert.equal(f.values.line1, '', 'an incomplete address is not a draft the API takes');
  });

  it('a 412 shows the fields changed elsewhere; "theirs" takes them and overwrites nothing', async () => {
    const { controller, elsewhere, server, patches } = await setup();
    await controller.start();
    await controller.goTo('company');
    controller.setField('legalName', 'Nordlicht Analytics SE');
    await elsewhere('company', { legal_name: 'Nordlicht Data GmbH' });
    const before = (await server()).version;
    const sent = patches().length;
    const state = await controller.next();
    assert.equal(state.status, 'conflict');
    assert.deepEqual(state.status === 'conflict' && state.conflict, [
      {
        field: 'legalName',
        step: 'company',
        theirs: 'Nordlicht Data GmbH',
        mine: 'Nordlicht Analytics SE',
      },
    ]);
    assert.equal(patches().length, sent + 1, 'the refused save only');
    const resolved = await controller.resolveConflict('theirs');
    assert.equal(resolved.status, 'editing');
    assert.equal(form(resolved).values.legalName, 'Nordlicht Data GmbH');
    assert.equal(form(resolved).step, 'company', 'stays to look');
    const stored = await server();
    assert.equal(stored.version, before, 'nothing was written');
    assert.equal(stored.values.company?.legal_name, 'Nordlicht Data GmbH');
    assert.equal(form(await controller.next()).step, 'contact', 'saves on the new version');
  });

  it('a 412 resolved with "mine" saves mine over the new version and continues', async () => {
    const { controller, elsewhere, server } = await setup();
    await controller.start();
    controller.setField('contactName', 'Lena Schäfer');
    controller.setField('contactEmail', 'lena@nordlicht.example');
    controller.setField('phone', '+49 (0)30 1234567');
    await elsewhere('contact', { name: 'Jonas Weber' });
    await elsewhere('company', { registration_number: 'HRB 999999 B' });
    const state = await controller.next();
    assert.equal(state.status, 'conflict');
    assert.deepEqual(state.status === 'conflict' && state.conflict.map((c) => c.field), [
      'registrationNumber',
      'contactName',
    ]);
    const resolved = await controller.resolveConflict('mine');
    assert.equal(resolved.status, 'editing');
    assert.equal(form(resolved).step, 'billing', 'the interrupted next went on');
    const stored = await server();
    assert.equal(stored.values.contact?.name, 'Lena Schäfer');
    assert.equal(stored.values.contact?.phone, '+49301234567');
    assert.equal(stored.values.company?.registration_number, 'HRB 214587 B', 'mine, as chosen');
  });

  it('a 412 where nothing differs (a save whose answer was lost) continues without asking', async () => {
    const { controller, elsewhere, server } = await setup();
    await controller.start();
    fill(controller, {
      contactName: 'Lena Schäfer',
      contactEmail: 'lena@x.example',
      phone: '+4930123456',
    });
    await elsewhere('contact', { name: 'Lena Schäfer' });
    const state = await controller.next();
    assert.equal(state.status, 'editing');
    assert.equal(form(state).step, 'billing');
    assert.equal((await server()).values.contact?.email, 'lena@x.example');
  });

  it('a 500 on save keeps every value; retry sends the same Idempotency-Key and saves once', async () => {
    let failing = true;
    const { controller, patches, server, events } = await setup({
      rewrite: simulate(
        'server_error',
        (r) => r.method === 'PATCH',
        () => failing,
      ),
    });
    await controller.start();
    const version = (await server()).version;
    fill(controller, {
      contactName: 'Lena Schäfer',
      contactEmail: 'lena@x.example',
      phone: '030 123456',
    });
    const failed = await controller.next();
    assert.equal(failed.status, 'error');
    assert.equal(failed.status === 'error' && failed.error.code, 'internal_error');
    assert.equal(failed.status === 'error' && failed.error.retryable, true);
    assert.equal(form(failed).step, 'contact');
    assert.equal(form(failed).values.contactName, 'Lena Schäfer');
    assert.ok(events.some((e) => e.type === 'error' && e.detail.code === 'internal_error'));
    failing = false;
    const retried = await controller.retry();
    assert.equal(retried.status, 'editing');
    assert.equal(form(retried).step, 'billing');
    assert.equal(new Set(patches().map((r) => r.headers.get('idempotency-key'))).size, 1);
    assert.equal((await server()).version, version + 1, 'saved once');
  });

  it('the network going down mid-save loses nothing; the customer may edit, then retry', async () => {
    let down = true;
    const { controller, server } = await setup({
      rewrite: (request) => {
        if (down && request.method === 'PATCH') throw new TypeError('fetch failed');
        return request;
      },
    });
    await controller.start();
    fill(controller, { contactName: 'Lena', contactEmail: 'lena@x.example', phone: '+4930123456' });
    const failed = await controller.next();
    assert.equal(failed.status, 'error');
    assert.equal(failed.status === 'error' && failed.error.code, 'network_error');
    controller.setField('contactName', 'Lena Schäfer');
    assert.equal(form(controller.getState()).values.contactName, 'Lena Schäfer', 'editable');
    down = false;
    const retried = await controller.retry();
    assert.equal(form(retried).step, 'billing');
    assert.equal((await server()).values.contact?.name, 'Lena Schäfer', 'the newer value');
  });

  it('a token expiring mid-form is refreshed once and the save goes through', async () => {
    let mints = 0;
    let expireNext = false;
    const { controller, server } = await setup({
      fetchToken: (inner) => (request) => {
        mints += 1;
        return inner(request);
      },
      rewrite: simulate(
        'token_expired',
        (r) => r.method === 'PATCH',
        () => {
          const now = expireNext;
          expireNext = false;
          return now;
        },
      ),
    });
    await controller.start();
    assert.equal(mints, 1);
    fill(controller, { contactName: 'Lena', contactEmail: 'lena@x.example', phone: '+4930123456' });
    expireNext = true;
    const state = await controller.next();
    assert.equal(state.status, 'editing');
    assert.equal(form(state).step, 'billing');
    assert.equal(mints, 2, 'one refresh');
    assert.equal((await server()).values.contact?.name, 'Lena');
  });

  it('a token that cannot be renewed keeps the form with a retryable error until it can', async () => {
    let backendDown = false;
    const { controller, server } = await setup({
      fetchToken: (inner) => (request) =>
        backendDown ? Promise.reject(new Error('502 from the partner backend')) : inner(request),
      rewrite: simulate(
        'token_expired',
        (r) => r.method === 'PATCH',
        () => backendDown,
      ),
    });
    await controller.start();
    fill(controller, { contactName: 'Lena', contactEmail: 'lena@x.example', phone: '+4930123456' });
    backendDown = true;
    const failed = await controller.next();
    assert.equal(failed.status, 'error');
    assert.equal(failed.status === 'error' && failed.error.code, 'token_fetch_failed');
    assert.equal(failed.status === 'error' && failed.error.retryable, true);
    assert.equal(form(failed).values.contactName, 'Lena');
    backendDown = false;
    assert.equal(form(await controller.retry()).step, 'billing');
    assert.equal((await server()).values.contact?.name, 'Lena');
  });

  it('submit from review with an incomplete step lists the errors on their steps and sends nothing', async () => {
    const { controller, mutations } = await setup();
    await controller.start();
    fill(controller, CONTACT);
    await controller.next();
    fill(controller, BILLING);
    await controller.next();
    controller.setField('contactEmail', '');
    const sent = mutations().length;
    const state = await controller.submit();
    assert.equal(state.status, 'editing');
    const f = form(state);
    assert.equal(f.step, 'review');
    assert.equal(f.summary, true);
    assert.deepEqual(Object.keys(f.fieldErrors).sort(), ['acceptTerms', 'contactEmail']);
    assert.equal(mutations().length, sent);
  });

  it('submit saves the review step, submits, and fires success with the application id', async () => {
    const { controller, events, server, accountId } = await atReview();
    controller.setField('acceptTerms', true);
    const state = await controller.submit();
    assert.equal(state.status, 'submitted');
    const id = form(state).application.id;
    const success = events.find((e) => e.type === 'success');
    assert.equal(success?.type === 'success' && success.detail.applicationId, id);
    assert.equal(success?.type === 'success' && success.detail.application.status, 'submitted');
    const stored = await server(id);
    assert.equal(stored.status, 'submitted');
    assert.deepEqual(stored.values.review, { accept_terms: true });
    const token = await stack.token(BOTH, { subject: accountId });
    const account = await stack.call('GET', `/v1/accounts/${accountId}`, { token });
    assert.equal(account.body.legal_name, 'Fjord Freight Ltd');
    assert.equal(account.body.currency, 'GBP', 'the default from the United Kingdom');
    assert.equal(account.body.billing_address.region, undefined);
    assert.equal(await controller.next().then((s) => s.status), 'submitted', 'terminal');
  });

  it('a submit that failed with a 500 is retried under its key and submitted once', async () => {
    let failing = true;
    const ctx = await atReview({
      rewrite: simulate(
        'server_error',
        (r) => r.url.endsWith('/submit'),
        () => failing,
      ),
    });
    ctx.controller.setField('acceptTerms', true);
    const failed = await ctx.controller.submit();
    assert.equal(failed.status, 'error');
    failing = false;
    assert.equal((await ctx.controller.retry()).status, 'submitted');
    const submits = ctx.requests.filter((r) => r.url.endsWith('/submit'));
    assert.equal(new Set(submits.map((r) => r.headers.get('idempotency-key'))).size, 1);
    const token = await stack.token(BOTH, { subject: ctx.accountId });
    const page = await stack.call('GET', '/v1/events?after=0', { token });
    const submitted = (page.body.data as { type: string }[]).filter(
      (e) => e.type === 'onboarding.submitted',
    );
    assert.equal(submitted.length, 1);
  });

  it('an application submitted in another tab shows as submitted', async () => {
    const ctx = await atReview();
    const id = form(ctx.controller.getState()).application.id;
    const token = await stack.token(BOTH, { subject: ctx.accountId });
    await ctx.elsewhere('review', { accept_terms: true });
    const done = await stack.call('POST', `/v1/onboarding/${id}/submit`, {
      token,
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    assert.equal(done.status, 200);
    ctx.controller.setField('acceptTerms', true);
    const state = await ctx.controller.submit();
    assert.equal(state.status, 'submitted');
    assert.equal(form(state).application.status, 'submitted');
  });

  it('without onboarding:write: forbidden, and nothing is started', async () => {
    const { controller, events, mutations } = await setup({ scopes: ['onboarding:read'] });
    const state = await controller.start();
    assert.equal(state.status, 'forbidden');
    assert.equal(state.form, undefined);
    assert.equal(mutations().length, 0);
    const ready = events.find((e) => e.type === 'ready');
    assert.equal(ready?.type === 'ready' && ready.detail.status, 'forbidden');
    assert.equal(
      events.some((e) => e.type === 'error'),
      false,
      'a read-only token is not an error',
    );
    assert.equal((await controller.next()).status, 'forbidden');
  });

  it('with onboarding:read and an application id: a read-only view of its values', async () => {
    const { controller, mutations } = await setup({
      scopes: ['onboarding:read'],
      applicationId: true,
    });
    const state = await controller.start();
    assert.equal(state.status, 'forbidden');
    assert.equal(form(state).values.legalName, 'Nordlicht Analytics GmbH');
    controller.setField('legalName', 'changed');
    assert.equal(form(controller.getState()).values.legalName, 'Nordlicht Analytics GmbH');
    assert.equal(mutations().length, 0);
  });

  it('a failed start is an error with retry, and retry starts', async () => {
    let failing = true;
    const { controller } = await setup({
      rewrite: simulate(
        'server_error',
        () => true,
        () => failing,
      ),
    });
    const failed = await controller.start();
    assert.equal(failed.status, 'error');
    assert.equal(failed.form, undefined);
    failing = false;
    assert.equal((await controller.retry()).status, 'editing');
  });

  it('a malformed application id is configuration_invalid and sends nothing', async () => {
    const api = createApiClient({
      apiBase: stack.api.url,
      tokens: { getToken: () => Promise.reject(new Error('unused')), invalidate: () => undefined },
      sessionId: 'ws_x',
    });
    const controller = new OnboardingController({ api, applicationId: '../accounts/me' });
    const state = await controller.start();
    assert.equal(state.status === 'error' && state.error.code, 'configuration_invalid');
  });
});

describe('OnboardingController against a failing API', () => {
  it("places the API's field errors on the step's fields", async () => {
    const { startFaultStub } = await import('../core/fault-stub.ts');
    const application = {
      id: 'onb_stub00000000000000',
      account_id: 'acct_stub0000000000000',
      status: 'in_progress',
      current_step: 'company',
      steps: ['company', 'contact', 'billing', 'review'].map((id) => ({ id, complete: false })),
      values: {},
      version: 1,
      updated_at: '2025-01-01T00:00:00Z',
    };
    const stub = await startFaultStub((request) => {
      if (request.url.endsWith('/countries'))
        return {
          status: 200,
          body: { data: [{ code: 'DE', name: 'Germany', regions: [], default_currency: 'EUR' }] },
        };
      if (request.url.endsWith('/currencies'))
        return { status: 200, body: { data: [{ code: 'EUR', name: 'Euro', minor_units: 2 }] } };
      if (request.method === 'PATCH')
        return {
          status: 400,
          body: {
            error: {
              code: 'validation_failed',
              message: 'Invalid fields: values.tax_id.',
              request_id: 'req_1',
              doc_url: 'https://docs.tessera.dev/errors#validation_failed',
              details: {
                fields: [{ path: 'values.tax_id', code: 'invalid_tax_id', message: 'nope' }],
              },
            },
          },
        };
      return { status: 201, headers: { etag: '"1"' }, body: application };
    });
    try {
      const api = createApiClient({
        apiBase: stub.url,
        tokens: { getToken: () => Promise.resolve('opaque'), invalidate: () => undefined },
        sessionId: 'ws_stub',
      });
      const controller = new OnboardingController({ api });
      await controller.start();
      fill(controller, {
        legalName: 'X GmbH',
        registrationNumber: 'HRB 1',
        country: 'DE',
        taxId: 'DE123456789',
      });
      const state = await controller.next();
      assert.equal(state.status, 'editing', JSON.stringify(state));
      assert.equal(form(state).fieldErrors.taxId?.code, 'invalid_tax_id');
      assert.equal(form(state).summary, true);
      assert.equal(form(state).step, 'company');
    } finally {
      await stub.close();
    }
  });

  it('an answer that does not match the contract is schema_mismatch, retryable through start', async () => {
    const { startFaultStub } = await import('../core/fault-stub.ts');
    const stub = await startFaultStub([{ status: 201, body: { id: 'garbage' } }]);
    try {
      const api = createApiClient({
        apiBase: stub.url,
        tokens: { getToken: () => Promise.resolve('opaque'), invalidate: () => undefined },
        sessionId: 'ws_stub',
      });
      const controller = new OnboardingController({ api });
      const state = await controller.start();
      assert.equal(state.status === 'error' && state.error.code, 'schema_mismatch');
      assert.equal(state.form, undefined, 'nothing rendered from garbage');
    } finally {
      await stub.close();
    }
  });
});
