import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../../contracts/index.ts';
import type { Account } from '../../../contracts/v1/account.ts';
import { seedDemo } from '../../../core-api/seed.ts';
import {
  AccountController,
  type AccountEvent,
  type AccountState,
  type AccountStatus,
} from '../../../widgets/account/account.controller.ts';
import { createApiClient } from '../../../widgets/core/api-client.ts';
import { createSessionId } from '../../../widgets/core/session.ts';
import { TokenManager } from '../../../widgets/core/token-manager.ts';
import { startTestStack, type TestStack } from '../../core-api/helpers.ts';
import { FakeClock } from '../core/fake-clock.ts';

const BOTH: Scope[] = ['account:read', 'account:write'];

function expectStatus<S extends AccountStatus>(
  state: AccountState,
  status: S,
): asserts state is Extract<AccountState, { status: S }> {
  assert.equal(state.status, status, `expected ${status}, got ${JSON.stringify(state)}`);
}

describe('AccountController against the real core API', () => {
  let stack: TestStack;
  const disposers: (() => void)[] = [];

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    for (const dispose of disposers) dispose();
    await stack.close();
  });

  /** A fresh demo account and a controller for it, with a recording, fault-injecting fetch. */
  async function setup(
    opts: {
      scopes?: Scope[];
      accountId?: string;
      /** Changes a request before it is sent (e.g. a `Tessera-Simulate` header). */
      rewrite?: (request: Request) => Request;
      /** Throws a network error after the server answered: the answer is lost on the way back. */
      lose?: (request: Request) => boolean;
      /** Makes the partner's token backend fail. */
      tokenBackendDown?: () => boolean;
      clock?: FakeClock;
    } = {},
  ) {
    const seed = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const requests: Request[] = [];
    const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = (opts.rewrite ?? ((r: Request) => r))(new Request(input, init));
      requests.push(request.clone());
      const response = await fetch(request);
      if (opts.lose?.(request)) throw new TypeError('fetch failed');
      return response;
    };
    const sessionId = createSessionId();
    let tokensFetched = 0;
    const tokens = new TokenManager({
      sessionId,
      ...(opts.clock ? { clock: opts.clock } : {}),
      fetchToken: async () => {
        tokensFetched += 1;
        if (opts.tokenBackendDown?.()) throw new Error('The token URL answered 503.');
        return {
          token: await stack.token(opts.scopes ?? BOTH, { subject: seed.account_id }),
          expires_in: 300,
        };
      },
    });
    disposers.push(() => tokens.dispose());
    const api = createApiClient({ apiBase: stack.api.url, tokens, sessionId, fetch: fetchImpl });
    const events: AccountEvent[] = [];
    const controller = new AccountController({
      accountId: opts.accountId ?? seed.account_id,
      api,
      onEvent: (e) => events.push(e),
    });
    const statuses: AccountStatus[] = [];
    controller.subscribe((state) => statuses.push(state.status));
    const patches = () => requests.filter((r) => r.method === 'PATCH');
    const token = () => stack.token(BOTH, { subject: seed.account_id });
    /** The account as the core API has it now, read with its own token. */
    const stored = async () =>
      (await stack.call('GET', `/v1/accounts/${seed.account_id}`, { token: await token() }))
        .body as Account;
    /** Someone else saves a change: another tab, the partner's back office. */
    const elsewhere = async (body: unknown, version = 1) => {
      const answer = await stack.call('PATCH', `/v1/accounts/${seed.account_id}`, {
        token: await token(),
        headers: { 'idempotency-key': crypto.randomUUID(), 'if-match': `"${version}"` },
        body,
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    };
    const updates = async () => {
      const page = await stack.call('GET', '/v1/events?after=0', { token: await token() });
      return (page.body.data as { type: string }[]).filter((e) => e.type === 'account.updated');
    };
    return {
      seed,
      controller,
      events,
      statuses,
      requests,
      patches,
      stored,
      elsewhere,
      updates,
      sessionId,
      tokensFetched: () => tokensFetched,
    };
  }

  /** A controller with the account loaded and a draft open. */
  async function editing(opts: Parameters<typeof setup>[0] = {}) {
    const context = await setup(opts);
    expectStatus(await context.controller.load(), 'viewing');
    expectStatus(context.controller.edit(), 'editing');
    return context;
  }

  it('loads the account into viewing with the reference countries, and says ready', async () => {
    const { controller, events, seed } = await setup();
    assert.equal(controller.getState().status, 'loading');
    const state = await controller.load();
    expectStatus(state, 'viewing');
    assert.equal(state.account.id, seed.account_id);
    assert.equal(state.readOnly, false);
    assert.ok(controller.countries?.some((c) => c.code === 'DE' && c.regions.length > 0));
    assert.deepEqual(
      events.map((e) => e.type),
      ['change', 'ready'],
    );
    const ready = events.find((e) => e.type === 'ready');
    assert.equal(ready?.type === 'ready' && ready.detail.widget, 'account');
  });

  it('a token without account:write loads a read-only view; edit() and save() send nothing', async () => {
    const { controller, events, patches } = await setup({ scopes: ['account:read'] });
    const loaded = await controller.load();
    expectStatus(loaded, 'viewing');
    assert.equal(loaded.readOnly, true);
    const ready = events.find((e) => e.type === 'ready');
    assert.equal(ready?.type === 'ready' && ready.detail.readOnly, true);
    assert.equal(controller.edit().status, 'viewing');
    assert.equal((await controller.save()).status, 'viewing');
    assert.equal(patches().length, 0);
    assert.equal(
      events.some((e) => e.type === 'error'),
      false,
      'a read-only token is a configuration, not an error',
    );
  });

  it('a token without account:read ends in error insufficient_scope', async () => {
    const { controller } = await setup({ scopes: ['quote:read'] });
    const state = await controller.load();
    expectStatus(state, 'error');
    assert.equal(state.error.code, 'insufficient_scope');
    assert.equal(state.error.retryable, false);
  });

  it("another customer's account is not_found, with request and session ids", async () => {
    const other = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const { controller, events, sessionId } = await setup({ accountId: other.account_id });
    const state = await controller.load();
    expectStatus(state, 'error');
    assert.equal(state.error.code, 'not_found');
    const error = events.find((e) => e.type === 'error');
    assert.ok(error?.type === 'error' && error.detail.requestId);
    assert.equal(error?.type === 'error' && error.detail.sessionId, sessionId);
  });

  it('a malformed account id is configuration_invalid and sends nothing', async () => {
    const { controller, requests } = await setup({ accountId: '../quotes/x' });
    const state = await controller.load();
    expectStatus(state, 'error');
    assert.equal(state.error.code, 'configuration_invalid');
    assert.equal(requests.length, 0);
  });

  it('edit() opens a clean draft; setField marks it dirty; cancel() drops it and sends nothing', async () => {
    const { controller, patches } = await editing();
    let state = controller.getState();
    expectStatus(state, 'editing');
    assert.equal(state.dirty, false);
    assert.equal(state.draft.billingEmail, 'billing@nordlicht-analytics.example');
    state = controller.setField('city', 'Hamburg');
    expectStatus(state, 'editing');
    assert.equal(state.dirty, true);
    // Back to the stored value (give or take spaces): nothing to save, nothing to guard.
    state = controller.setField('city', ' Berlin ');
    expectStatus(state, 'editing');
    assert.equal(state.dirty, false);
    controller.setField('city', 'Hamburg');
    state = controller.cancel();
    expectStatus(state, 'viewing');
    assert.equal(state.account.billing_address.city, 'Berlin');
    assert.equal(patches().length, 0);
    assert.equal(controller.edit().status, 'editing');
    const reopened = controller.getState();
    assert.equal(reopened.status === 'editing' && reopened.draft.city, 'Berlin');
  });

  it('a new country drops a region that is not one of its regions', async () => {
    const { controller } = await editing();
    let state = controller.setField('country', 'US');
    expectStatus(state, 'editing');
    assert.equal(state.draft.region, '', 'DE-BE is no US state');
    controller.setField('region', 'US-CA');
    state = controller.setField('country', 'us');
    assert.equal(state.status === 'editing' && state.draft.region, 'US-CA');
  });

  it('refuses invalid input with field errors from the contract, sending no request', async () => {
    const { controller, patches, statuses } = await editing();
    controller.setField('legalName', 'x'.repeat(201));
    controller.setField('billingEmail', 'nope');
    controller.setField('phone', 'call me maybe');
    controller.setField('line1', '   ');
    controller.setField('region', 'FR-IDF');
    const state = await controller.save();
    expectStatus(state, 'editing');
    assert.deepEqual(
      Object.fromEntries(Object.entries(state.fieldErrors ?? {}).map(([f, e]) => [f, e.code])),
      {
        legalName: 'too_long',
        billingEmail: 'invalid_email',
        phone: 'invalid_phone',
        line1: 'required',
        region: 'invalid_region',
      },
    );
    assert.equal(patches().length, 0);
    assert.equal(statuses.includes('saving'), false);
    // Correcting a field clears its error only.
    const corrected = controller.setField('billingEmail', 'ap@nordlicht-analytics.example');
    assert.equal(corrected.status === 'editing' && corrected.fieldErrors?.billingEmail, undefined);
    assert.ok(corrected.status === 'editing' && corrected.fieldErrors?.phone);
  });

  it('refuses clearing the phone or the tax id, which PATCH cannot remove', async () => {
    const { controller, patches } = await editing();
    controller.setField('phone', ' ');
    controller.setField('taxId', '');
    const state = await controller.save();
    expectStatus(state, 'editing');
    assert.equal(state.fieldErrors?.phone?.code, 'cannot_remove');
    assert.equal(state.fieldErrors?.taxId?.code, 'cannot_remove');
    assert.equal(patches().length, 0);
  });

  it('saves only the changed fields, the phone as E.164, with If-Match and an Idempotency-Key', async () => {
    const { controller, patches, statuses, events, stored } = await editing();
    controller.setField('phone', '030 / 9876-5432');
    controller.setField('billingEmail', ' ap@nordlicht-analytics.example ');
    const state = await controller.save();
    expectStatus(state, 'saved');
    assert.deepEqual(statuses.slice(-2), ['saving', 'saved']);
    assert.equal(state.account.phone, '+493098765432');
    assert.equal(state.account.version, 2);
    const [patch] = patches();
    assert.ok(patch);
    assert.equal(patch.headers.get('if-match'), '"1"');
    assert.match(patch.headers.get('idempotency-key') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(await patch.json(), {
      billing_email: 'ap@nordlicht-analytics.example',
      phone: '+493098765432',
    });
    const success = events.find((e) => e.type === 'success');
    assert.ok(success?.type === 'success');
    assert.deepEqual(success.detail.changed, ['billingEmail', 'phone']);
    assert.equal(success.detail.account.billing_email, 'ap@nordlicht-analytics.example');
    assert.equal((await stored()).phone, '+493098765432');
    // Editing again starts from the saved version: its ETag is the next If-Match.
    controller.edit();
    controller.setField('city', 'Potsdam');
    controller.setField('region', 'DE-BB');
    expectStatus(await controller.save(), 'saved');
    assert.equal(patches()[1]?.headers.get('if-match'), '"2"');
    assert.deepEqual(Object.keys((await patches()[1]?.json()) as object), ['billing_address']);
  });

  it('save() without changes closes the editor and sends nothing', async () => {
    const { controller, patches, events } = await editing();
    controller.setField('legalName', 'Nordlicht Analytics GmbH ');
    expectStatus(await controller.save(), 'viewing');
    assert.equal(patches().length, 0);
    assert.equal(
      events.some((e) => e.type === 'success'),
      false,
    );
  });

  it('a double click on save sends one PATCH', async () => {
    const { controller, patches } = await editing();
    controller.setField('city', 'Hamburg');
    controller.setField('region', 'DE-HH');
    const [first, second] = await Promise.all([controller.save(), controller.save()]);
    assert.equal(first.status, 'saved');
    assert.equal(second.status, 'saving', 'the second click saw the first in flight');
    assert.equal(patches().length, 1);
  });

  it('the core API refusing the tax id for the country becomes a field error', async () => {
    const { controller, events } = await editing();
    controller.setField('taxId', 'GB123456789');
    const state = await controller.save();
    expectStatus(state, 'editing');
    assert.equal(state.fieldErrors?.taxId?.code, 'invalid_tax_id');
    assert.equal(state.draft.taxId, 'GB123456789', 'the input stays as typed');
    assert.equal(
      events.some((e) => e.type === 'error'),
      false,
    );
  });

  it('a 412 shows the fields changed elsewhere, and overwrites nothing', async () => {
    const { controller, elsewhere, stored, patches, events } = await editing();
    controller.setField('billingEmail', 'mine@nordlicht-analytics.example');
    controller.setField('phone', '+4930111111');
    await elsewhere({
      billing_email: 'theirs@nordlicht-analytics.example',
      billing_address: {
        line1: 'Friedrichstraße 123',
        line2: '4. OG',
        city: 'Berlin-Mitte',
        region: 'DE-BE',
        postal_code: '10117',
        country: 'DE',
      },
    });
    const state = await controller.save();
    expectStatus(state, 'conflict');
    assert.deepEqual(state.conflicts, [
      {
        field: 'billingEmail',
        theirs: 'theirs@nordlicht-analytics.example',
        mine: 'mine@nordlicht-analytics.example',
        edited: true,
      },
      { field: 'city', theirs: 'Berlin-Mitte', mine: 'Berlin', edited: false },
    ]);
    assert.equal(state.account.version, 2, 'the conflict shows the newer version');
    assert.equal(state.base.version, 1);
    assert.equal(state.draft.phone, '+4930111111', 'the draft is kept');
    assert.equal(patches().length, 1);
    const now = await stored();
    assert.equal(now.billing_email, 'theirs@nordlicht-analytics.example');
    assert.equal(now.version, 2);
    const error = events.find((e) => e.type === 'error');
    assert.equal(error?.type === 'error' && error.detail.code, 'version_conflict');
  });

  it("keepMine() saves the customer's edits over the new version and keeps the other changes", async () => {
    const { controller, elsewhere, stored, patches } = await editing();
    controller.setField('billingEmail', 'mine@nordlicht-analytics.example');
    await elsewhere({ billing_email: 'theirs@nordlicht-analytics.example', phone: '+4930222222' });
    expectStatus(await controller.save(), 'conflict');
    const state = await controller.keepMine();
    expectStatus(state, 'saved');
    assert.equal(state.account.billing_email, 'mine@nordlicht-analytics.example');
    assert.equal(state.account.phone, '+4930222222', 'their other change stays');
    assert.equal(state.account.version, 3);
    assert.equal(patches().at(-1)?.headers.get('if-match'), '"2"');
    assert.deepEqual(await patches().at(-1)?.json(), {
      billing_email: 'mine@nordlicht-analytics.example',
    });
    assert.equal((await stored()).billing_email, 'mine@nordlicht-analytics.example');
  });

  it("takeTheirs() takes the new values and leaves the customer's other edits to review", async () => {
    const { controller, elsewhere, stored, patches } = await editing();
    controller.setField('billingEmail', 'mine@nordlicht-analytics.example');
    controller.setField('legalName', 'Nordlicht Analytics AG');
    await elsewhere({ billing_email: 'theirs@nordlicht-analytics.example' });
    expectStatus(await controller.save(), 'conflict');
    const state = controller.takeTheirs();
    expectStatus(state, 'editing');
    assert.equal(state.draft.billingEmail, 'theirs@nordlicht-analytics.example');
    assert.equal(state.draft.legalName, 'Nordlicht Analytics AG');
    assert.equal(state.dirty, true);
    assert.equal(state.account.version, 2);
    assert.equal(patches().length, 1, 'nothing is sent until the customer saves');
    const saved = await controller.save();
    expectStatus(saved, 'saved');
    assert.equal(patches().at(-1)?.headers.get('if-match'), '"2"');
    const now = await stored();
    assert.equal(now.billing_email, 'theirs@nordlicht-analytics.example');
    assert.equal(now.legal_name, 'Nordlicht Analytics AG');
  });

  it('takeTheirs() with no other edits shows the account as it is now', async () => {
    const { controller, elsewhere } = await editing();
    controller.setField('billingEmail', 'mine@nordlicht-analytics.example');
    await elsewhere({ billing_email: 'theirs@nordlicht-analytics.example' });
    expectStatus(await controller.save(), 'conflict');
    const state = controller.takeTheirs();
    expectStatus(state, 'viewing');
    assert.equal(state.account.billing_email, 'theirs@nordlicht-analytics.example');
  });

  it('cancel() during a conflict drops the draft and shows the newer version', async () => {
    const { controller, elsewhere } = await editing();
    controller.setField('billingEmail', 'mine@nordlicht-analytics.example');
    await elsewhere({ billing_email: 'theirs@nordlicht-analytics.example' });
    expectStatus(await controller.save(), 'conflict');
    const state = controller.cancel();
    expectStatus(state, 'viewing');
    assert.equal(state.account.version, 2);
  });

  it('a change elsewhere to a field the customer did not touch is shown too; keepMine() keeps it', async () => {
    const { controller, elsewhere, stored } = await editing();
    controller.setField('phone', '+4930333333');
    await elsewhere({ legal_name: 'Nordlicht Analytics SE' });
    const conflict = await controller.save();
    expectStatus(conflict, 'conflict');
    assert.deepEqual(conflict.conflicts, [
      {
        field: 'legalName',
        theirs: 'Nordlicht Analytics SE',
        mine: 'Nordlicht Analytics GmbH',
        edited: false,
      },
    ]);
    const state = await controller.keepMine();
    expectStatus(state, 'saved');
    assert.equal(state.account.legal_name, 'Nordlicht Analytics SE', 'not reverted');
    assert.equal(state.account.phone, '+4930333333');
    const now = await stored();
    assert.equal(now.legal_name, 'Nordlicht Analytics SE');
    assert.equal(now.version, 3);
  });

  it('a 412 for a version that already holds every value of the draft ends saved, without asking', async () => {
    const { controller, elsewhere, statuses, patches } = await editing();
    controller.setField('billingEmail', 'same@nordlicht-analytics.example');
    await elsewhere({ billing_email: 'same@nordlicht-analytics.example' });
    const state = await controller.save();
    expectStatus(state, 'saved');
    assert.equal(statuses.includes('conflict'), false);
    assert.equal(state.account.version, 2);
    assert.equal(patches().length, 1);
  });

  it('retry() after a server error resends under the same Idempotency-Key; saved once', async () => {
    let failing = true;
    const { controller, patches, updates, events } = await editing({
      rewrite: (request) => {
        if (!failing || request.method !== 'PATCH') return request;
        const headers = new Headers(request.headers);
        headers.set('tessera-simulate', 'server_error');
        return new Request(request, { headers });
      },
    });
    controller.setField('city', 'Hamburg');
    controller.setField('region', 'DE-HH');
    const failed = await controller.save();
    expectStatus(failed, 'editing');
    assert.equal(failed.error?.code, 'internal_error');
    assert.equal(failed.error?.retryable, true);
    assert.equal(failed.draft.city, 'Hamburg', 'what the customer typed stays');
    assert.equal(failed.dirty, true);
    assert.ok(events.some((e) => e.type === 'error' && e.detail.code === 'internal_error'));

    failing = false;
    expectStatus(await controller.retry(), 'saved');
    const keys = new Set(patches().map((r) => r.headers.get('idempotency-key')));
    assert.equal(keys.size, 1);
    assert.ok(patches().length >= 2);
    assert.equal((await updates()).length, 1);
  });

  it('an answer lost after the server saved: Save again replays the same key, applied once', async () => {
    let down = true;
    const { controller, patches, updates, stored } = await editing({
      lose: (request) => down && request.method === 'PATCH',
    });
    controller.setField('billingEmail', 'ap@nordlicht-analytics.example');
    const failed = await controller.save();
    expectStatus(failed, 'editing');
    assert.equal(failed.error?.code, 'network_error');
    assert.equal(failed.draft.billingEmail, 'ap@nordlicht-analytics.example');
    assert.equal((await stored()).version, 2, 'the server did save it');

    down = false;
    const state = await controller.save();
    expectStatus(state, 'saved');
    assert.equal(state.account.billing_email, 'ap@nordlicht-analytics.example');
    assert.equal(new Set(patches().map((r) => r.headers.get('idempotency-key'))).size, 1);
    assert.equal((await updates()).length, 1);
    assert.equal((await stored()).version, 2);
  });

  it('an answer lost, then a further edit: the new save merges onto the saved version', async () => {
    let down = true;
    const { controller, patches, stored } = await editing({
      lose: (request) => down && request.method === 'PATCH',
    });
    controller.setField('billingEmail', 'ap@nordlicht-analytics.example');
    expectStatus(await controller.save(), 'editing');
    down = false;
    controller.setField('phone', '+4930444444');
    const state = await controller.save();
    expectStatus(state, 'saved');
    assert.equal(state.account.billing_email, 'ap@nordlicht-analytics.example');
    assert.equal(state.account.phone, '+4930444444');
    const keys = patches().map((r) => r.headers.get('idempotency-key'));
    assert.ok(new Set(keys).size >= 2, 'a changed draft is a new request');
    assert.equal((await stored()).version, 3);
  });

  it('a token the API calls expired is refreshed once and the save goes through', async () => {
    let expireNext = true;
    const context = await editing({
      rewrite: (request) => {
        if (!expireNext || request.method !== 'PATCH') return request;
        expireNext = false;
        const headers = new Headers(request.headers);
        headers.set('tessera-simulate', 'token_expired');
        return new Request(request, { headers });
      },
    });
    const before = context.tokensFetched();
    context.controller.setField('city', 'Köln');
    context.controller.setField('region', 'DE-NW');
    expectStatus(await context.controller.save(), 'saved');
    assert.equal(context.tokensFetched(), before + 1);
    assert.equal(new Set(context.patches().map((r) => r.headers.get('idempotency-key'))).size, 1);
  });

  it('the token expired while the customer typed and no new one came: the draft stays, retry saves it', async () => {
    const clock = new FakeClock(Date.now());
    let backendDown = false;
    const { controller, patches, stored } = await editing({
      clock,
      tokenBackendDown: () => backendDown,
    });
    controller.setField('legalName', 'Nordlicht Analytics KG');
    backendDown = true;
    await clock.advance(20 * 60_000); // a long coffee break: the 5-minute token is long gone
    const failed = await controller.save();
    expectStatus(failed, 'editing');
    assert.equal(failed.error?.code, 'token_fetch_failed');
    assert.equal(failed.error?.retryable, true);
    assert.equal(failed.draft.legalName, 'Nordlicht Analytics KG');
    assert.equal(patches().length, 0, 'nothing was sent with an expired token');

    backendDown = false;
    expectStatus(await controller.retry(), 'saved');
    assert.equal((await stored()).legal_name, 'Nordlicht Analytics KG');
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
    expectStatus(await controller.load(), 'error');
    failing = false;
    expectStatus(await controller.retry(), 'viewing');
  });

  it('load() is ignored while a draft is open, so the draft is never dropped by a reload', async () => {
    const { controller, requests } = await editing();
    controller.setField('city', 'Hamburg');
    const before = requests.length;
    const state = await controller.load();
    expectStatus(state, 'editing');
    assert.equal(state.draft.city, 'Hamburg');
    assert.equal(requests.length, before);
  });
});
