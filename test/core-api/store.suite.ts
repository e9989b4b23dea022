import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Account, OnboardingApplication, Quote, TesseraError } from '../../contracts/index.ts';
import type {
  ClaimedDelivery,
  CoreRepo,
  CoreStore,
  NewDomainEvent,
  WebhookEndpointRow,
} from '../../core-api/store/types.ts';
import { DEMO_COMPANY, demoAccount, openQuote } from '../../contracts/fixtures/demo.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function alnum(length: number): string {
  return Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');
}
const accountId = () => `acct_${alnum(16)}`;
const partnerId = () => `ptn_${alnum(16)}`;
const quoteId = () => `qt_${alnum(16)}`;
const onboardingId = () => `onb_${alnum(16)}`;
const eventId = () => `evt_${alnum(16)}`;

/** Millisecond instants in `toISOString()` form: what a timestamptz gives back unchanged. */
const T0 = Date.parse('2031-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000 + 123).toISOString();

/** The demo customer's account, dated at `T0`, under a fresh id. */
function account(overrides: Partial<Account> = {}): Account {
  return Account.parse({ ...demoAccount(accountId(), new Date(T0 + 123)), ...overrides });
}

/** Only the required fields: every optional one absent. */
function minimalAccount(): Account {
  return Account.parse({
    id: accountId(),
    legal_name: 'Plain Co',
    billing_email: 'ap@plain.example',
    billing_address: { line1: '1 Main St', city: 'Dublin', postal_code: 'D02 X285', country: 'IE' },
    currency: 'EUR',
    version: 1,
    created_at: at(1),
    updated_at: at(1),
  });
}

/** The demo's open quote, for `forAccount`, under a fresh id. */
function quote(forAccount: string, overrides: Partial<Quote> = {}): Quote {
  const open = openQuote(
    { id: quoteId(), accountId: forAccount, number: 'Q-2031-00042' },
    new Date(T0 + 123),
  );
  return Quote.parse({ ...open, ...overrides });
}

function onboarding(
  forAccount: string,
  overrides: Partial<OnboardingApplication> = {},
): OnboardingApplication {
  return OnboardingApplication.parse({
    id: onboardingId(),
    account_id: forAccount,
    status: 'in_progress',
    current_step: 'contact',
    steps: [
      { id: 'company', complete: true },
      { id: 'contact', complete: false },
      { id: 'billing', complete: false },
      { id: 'review', complete: false },
    ],
    values: {
      company: DEMO_COMPANY,
      contact: { name: 'Lena' },
    },
    version: 1,
    updated_at: at(2),
    ...overrides,
  });
}

function event(
  forPartner: string,
  forAccount: string,
  overrides: Partial<NewDomainEvent> = {},
): NewDomainEvent {
  return {
    id: eventId(),
    partner_id: forPartner,
    account_id: forAccount,
    type: 'quote.accepted',
    data: { id: quoteId(), status: 'accepted', nested: { list: [1, 'two', null] } },
    request_id: `req_${alnum(16)}`,
    session_id: `ses_${alnum(16)}`,
    ...overrides,
  };
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** SQLSTATE of a database error, whichever driver raised it. */
function sqlState(err: unknown): unknown {
  return (err as { code?: unknown }).code;
}

function tesseraCode(code: string) {
  return (err: unknown) => err instanceof TesseraError && err.code === code;
}

/**
 * The behaviour every CoreStore must have. `open` returns a store on the same database each time
 * (same directory, same schema), so the last test can check what survives a reopen. Tests run in
 * order and build on each other's rows.
 */
export function coreStoreSuite(name: string, open: () => Promise<CoreStore>): void {
  describe(`CoreStore on ${name}`, () => {
    let store: CoreStore;

    const full = account();
    const minimal = minimalAccount();
    const p1 = partnerId();
    const p2 = partnerId();

    before(async () => {
      store = await open();
    });

    after(async () => {
      await store?.close();
    });

    it('answers ping', async () => {
      await store.ping();
    });

    it('runs migrations again, one after the other and at once, without harm', async () => {
      await store.migrate();
      await store.migrate();
      await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
    });

    describe('accounts', () => {
      it('round-trips an account with every field, in its v1 shape', async () => {
        await store.insertAccount(full);
        const got = await store.getAccount(full.id);
        assert.deepEqual(got, full);
        assert.deepEqual(Account.parse(got), full);
        assert.equal(typeof got?.version, 'number');
        assert.match(got?.created_at ?? '', ISO_UTC);
        // Serialised as the contract orders it, not as jsonb happens to store it.
        assert.equal(JSON.stringify(got), JSON.stringify(full));
      });

      it('leaves empty optional fields absent, not null', async () => {
        await store.insertAccount(minimal);
        const got = await store.getAccount(minimal.id);
        assert.deepEqual(got, minimal);
        assert.ok(got && !('phone' in got) && !('tax_id' in got));
        assert.ok(got && !('line2' in got.billing_address) && !('region' in got.billing_address));
        Account.parse(got);
      });

      it('gives timestamps back as UTC ISO strings, whatever offset they came with', async () => {
        const offset = account({ created_at: '2031-03-01T12:00:00+02:00' });
        await store.insertAccount(offset);
        const got = await store.getAccount(offset.id);
        assert.equal(got?.created_at, '2031-03-01T10:00:00.000Z');
      });

      it('answers null for an unknown account', async () => {
        assert.equal(await store.getAccount(accountId()), null);
      });

      it('refuses a duplicate id', async () => {
        await assert.rejects(store.insertAccount(full), (err) => sqlState(err) === '23505');
      });

      it('replaces the row on update, dropping cleared optional fields, keeping created_at', async () => {
        const updated: Account = {
          ...full,
          legal_name: 'Nordlicht Analytics SE',
          billing_address: { ...full.billing_address, city: 'Potsdam', region: 'DE-BB' },
          version: 2,
          created_at: at(999),
          updated_at: at(10),
        };
        delete updated.phone;
        delete updated.tax_id;
        await store.updateAccount(updated);
        const got = await store.getAccount(full.id);
        assert.deepEqual(got, { ...updated, created_at: full.created_at });
        Object.assign(full, { ...updated, created_at: full.created_at });
        delete full.phone;
        delete full.tax_id;
        Account.parse(got);
      });

      it('refuses a stale update with version_conflict and the current version', async () => {
        await assert.rejects(
          store.updateAccount({ ...full, legal_name: 'Lost update', version: 2 }),
          (err) =>
            err instanceof TesseraError &&
            err.code === 'version_conflict' &&
            err.details?.current_version === 2,
        );
        assert.deepEqual(await store.getAccount(full.id), full);
      });

      it('refuses to update an unknown account with not_found', async () => {
        await assert.rejects(
          store.updateAccount({ ...minimal, id: accountId(), version: 2 }),
          tesseraCode('not_found'),
        );
      });
    });

    describe('partner links', () => {
      it('links an account to a partner, idempotently, and to that partner only', async () => {
        assert.equal(await store.isLinked(full.id, p1), false);
        await store.linkAccount(full.id, p1);
        await store.linkAccount(full.id, p1);
        assert.equal(await store.isLinked(full.id, p1), true);
        assert.equal(await store.isLinked(full.id, p2), false);
        assert.equal(await store.isLinked(minimal.id, p1), false);
      });

      it('links one account to several partners', async () => {
        await store.linkAccount(full.id, p2);
        assert.equal(await store.isLinked(full.id, p2), true);
        assert.equal(await store.isLinked(full.id, p1), true);
      });

      it('refuses a link to an unknown account', async () => {
        await assert.rejects(
          store.linkAccount(accountId(), p1),
          (err) => sqlState(err) === '23503',
        );
      });
    });

    describe('quotes', () => {
      const open = quote(full.id);
      const big = quote(full.id, {
        currency: 'KWD',
        line_items: [
          {
            id: 'li_1',
            description: 'Fleet',
            quantity: 3,
            unit_amount: 3_000_000_000_000,
            amount: 9_000_000_000_000,
          },
        ],
        subtotal: 9_000_000_000_000,
        tax: 0,
        total: 9_000_000_000_000,
      });

      it('round-trips an open quote, with its line items, in its v1 shape', async () => {
        await store.insertQuote(open);
        const got = await store.getQuote(open.id);
        assert.deepEqual(got, open);
        assert.deepEqual(Quote.parse(got), open);
        assert.ok(got && !('accepted_at' in got) && !('accepted_by' in got));
        assert.ok(got && !('declined_at' in got) && !('decline_reason' in got));
        assert.equal(JSON.stringify(got), JSON.stringify(open));
      });

      it('keeps amounts beyond 32 bits as exact numbers', async () => {
        await store.insertQuote(big);
        const got = await store.getQuote(big.id);
        assert.deepEqual(got, big);
        assert.equal(typeof got?.total, 'number');
      });

      it('updates to accepted, with who accepted and when', async () => {
        const accepted: Quote = {
          ...open,
          status: 'accepted',
          accepted_at: at(100),
          accepted_by: { name: 'Lena Schäfer', email: 'lena@nordlicht.example' },
          version: 2,
        };
        await store.updateQuote(accepted);
        const got = await store.getQuote(open.id);
        assert.deepEqual(got, accepted);
        Quote.parse(got);
      });

      it('round-trips a declined quote with its reason', async () => {
        const declined = quote(full.id, {
          status: 'declined',
          declined_at: at(200),
          decline_reason: 'Budget moved to next year.',
        });
        await store.insertQuote(declined);
        assert.deepEqual(await store.getQuote(declined.id), declined);
      });

      it('refuses a stale update, an unknown quote, and an unknown status', async () => {
        await assert.rejects(
          store.updateQuote({ ...open, status: 'declined', version: 2 }),
          tesseraCode('version_conflict'),
        );
        await assert.rejects(
          store.updateQuote({ ...open, id: quoteId(), version: 2 }),
          tesseraCode('not_found'),
        );
        await assert.rejects(
          store.insertQuote({ ...quote(full.id), status: 'void' } as unknown as Quote),
          (err) => sqlState(err) === '23514',
        );
      });

      it('refuses a quote for an unknown account, and answers null for an unknown id', async () => {
        await assert.rejects(
          store.insertQuote(quote(accountId())),
          (err) => sqlState(err) === '23503',
        );
        assert.equal(await store.getQuote(quoteId()), null);
      });

      it('answers a quote asked for with its account, and null for another account as for an unknown id', async () => {
        assert.deepEqual(
          await store.getQuote(big.id, { accountId: full.id }),
          await store.getQuote(big.id),
        );
        assert.equal(await store.getQuote(big.id, { accountId: minimal.id }), null);
        assert.equal(await store.getQuote(quoteId(), { accountId: full.id }), null);
        await store.transaction(async (repo) => {
          assert.equal(
            await repo.getQuote(big.id, { accountId: minimal.id, forUpdate: true }),
            null,
          );
        });
      });
    });

    describe('onboarding', () => {
      const application = onboarding(minimal.id);

      it('round-trips an application in progress, drafts and all', async () => {
        assert.equal(await store.findOpenOnboarding(minimal.id), null);
        await store.insertOnboarding(application);
        const got = await store.getOnboarding(application.id);
        assert.deepEqual(got, application);
        assert.deepEqual(OnboardingApplication.parse(got), application);
        assert.ok(got && !('submitted_at' in got));
        assert.equal(JSON.stringify(got), JSON.stringify(application));
      });

      it('finds the account’s open application, and only that account’s', async () => {
        assert.deepEqual(await store.findOpenOnboarding(minimal.id), application);
        assert.equal(await store.findOpenOnboarding(full.id), null);
      });

      it('answers an application asked for with its account, and null for another account', async () => {
        assert.deepEqual(
          await store.getOnboarding(application.id, { accountId: minimal.id }),
          application,
        );
        assert.equal(await store.getOnboarding(application.id, { accountId: full.id }), null);
      });

      it('refuses a second application in progress for the same account', async () => {
        await assert.rejects(
          store.insertOnboarding(onboarding(minimal.id)),
          (err) => sqlState(err) === '23505',
        );
      });

      it('submits: no longer open, submitted_at kept', async () => {
        const submitted: OnboardingApplication = {
          ...application,
          status: 'submitted',
          current_step: 'review',
          steps: application.steps.map((s) => ({ ...s, complete: true })),
          submitted_at: at(300),
          version: 2,
          updated_at: at(300),
        };
        await store.updateOnboarding(submitted);
        const got = await store.getOnboarding(application.id);
        assert.deepEqual(got, submitted);
        OnboardingApplication.parse(got);
        assert.equal(await store.findOpenOnboarding(minimal.id), null);
      });

      it('allows a new application once the previous one is submitted', async () => {
        const next = onboarding(minimal.id, { current_step: 'company', values: {} });
        await store.insertOnboarding(next);
        assert.deepEqual(await store.findOpenOnboarding(minimal.id), next);
      });

      it('finds the account’s submitted application apart from the open one, and only that account’s', async () => {
        const submitted = await store.getOnboarding(application.id);
        assert.deepEqual(await store.findSubmittedOnboarding(minimal.id), submitted);
        assert.equal(await store.findSubmittedOnboarding(full.id), null);
      });

      it('refuses a stale update and an unknown application; null for an unknown id', async () => {
        await assert.rejects(
          store.updateOnboarding({ ...application, version: 2 }),
          tesseraCode('version_conflict'),
        );
        await assert.rejects(
          store.updateOnboarding({ ...application, id: onboardingId(), version: 5 }),
          tesseraCode('not_found'),
        );
        assert.equal(await store.getOnboarding(onboardingId()), null);
      });
    });

    describe('transactions', () => {
      it('gives back what the function returns, and commits its writes', async () => {
        const a = account();
        const result = await store.transaction(async (repo) => {
          await repo.insertAccount(a);
          await repo.linkAccount(a.id, p1);
          return 'done';
        });
        assert.equal(result, 'done');
        assert.deepEqual(await store.getAccount(a.id), a);
        assert.equal(await store.isLinked(a.id, p1), true);
      });

      it('reads its own writes, and each forUpdate read gives the row', async () => {
        await store.transaction(async (repo) => {
          const a = account();
          await repo.insertAccount(a);
          assert.deepEqual(await repo.getAccount(a.id, { forUpdate: true }), a);
          const q = quote(a.id);
          await repo.insertQuote(q);
          assert.deepEqual(await repo.getQuote(q.id, { forUpdate: true }), q);
          const o = onboarding(a.id);
          await repo.insertOnboarding(o);
          assert.deepEqual(await repo.getOnboarding(o.id, { forUpdate: true }), o);
          assert.deepEqual(await repo.findOpenOnboarding(a.id), o);
          assert.equal(await repo.getAccount(accountId(), { forUpdate: true }), null);
        });
      });

      it('leaves nothing behind when the function throws', async () => {
        const a = account();
        const q = quote(a.id);
        const o = onboarding(a.id);
        const partner = partnerId();
        const e = event(partner, a.id);
        const boom = new Error('boom');
        await assert.rejects(
          store.transaction(async (repo) => {
            await repo.insertAccount(a);
            await repo.linkAccount(a.id, partner);
            await repo.insertQuote(q);
            await repo.insertOnboarding(o);
            await repo.updateAccount({ ...full, legal_name: 'Rolled back', version: 3 });
            await repo.appendEvent(e);
            assert.equal(
              await repo.putIdempotency({
                partner_id: partner,
                key: 'k-rollback',
                fingerprint: 'f',
                status: 200,
                body: {},
                headers: {},
                created_at: at(0),
              }),
              true,
            );
            throw boom;
          }),
          (err) => err === boom,
        );
        assert.equal(await store.getAccount(a.id), null);
        assert.equal(await store.isLinked(a.id, partner), false);
        assert.equal(await store.getQuote(q.id), null);
        assert.equal(await store.getOnboarding(o.id), null);
        assert.deepEqual(await store.getAccount(full.id), full);
        assert.deepEqual(await store.listEvents(partner, 0, 100), []);
        assert.equal(await store.getIdempotency(partner, 'k-rollback'), null);
      });

      it('leaves nothing behind when a statement fails mid-way', async () => {
        const a = account();
        await assert.rejects(
          store.transaction(async (repo) => {
            await repo.insertAccount(a);
            await repo.insertAccount(full);
          }),
          (err) => sqlState(err) === '23505',
        );
        assert.equal(await store.getAccount(a.id), null);
      });

      it('serialises read-modify-write through forUpdate: no lost update', async () => {
        const a = account();
        await store.insertAccount(a);
        let firstHasLock: () => void = () => undefined;
        const locked = new Promise<void>((resolve) => (firstHasLock = resolve));

        const bump = (repo: CoreRepo, name: string, hold: number) =>
          repo.getAccount(a.id, { forUpdate: true }).then(async (current) => {
            assert.ok(current);
            if (hold > 0) {
              firstHasLock();
              await sleep(hold);
            }
            await repo.updateAccount({
              ...current,
              legal_name: `${current.legal_name} + ${name}`,
              version: current.version + 1,
            });
          });

        const first = store.transaction((repo) => bump(repo, 'first', 150));
        await locked;
        // Starts while the first holds the row: it must wait, then read version 2.
        const second = store.transaction((repo) => bump(repo, 'second', 0));
        await Promise.all([first, second]);
        const got = await store.getAccount(a.id);
        assert.equal(got?.version, 3);
        assert.equal(got?.legal_name, `${a.legal_name} + first + second`);
      });
    });

    describe('events', () => {
      const mine = partnerId();
      const theirs = partnerId();
      const appended: Awaited<ReturnType<CoreStore['appendEvent']>>[] = [];

      it('appends and gives back the stored event, with its cursor and created_at', async () => {
        const e = event(mine, full.id);
        const stored = await store.appendEvent(e);
        assert.deepEqual(
          { ...stored, cursor: 0, created_at: '' },
          { ...e, cursor: 0, created_at: '' },
        );
        assert.ok(Number.isSafeInteger(stored.cursor) && stored.cursor > 0);
        assert.match(stored.created_at, ISO_UTC);
        assert.ok(Math.abs(Date.parse(stored.created_at) - Date.now()) < 60_000);
        appended.push(stored);
      });

      it('keeps a null session id, and appends inside a transaction', async () => {
        const stored = await store.transaction((repo) =>
          repo.appendEvent(event(mine, full.id, { type: 'account.updated', session_id: null })),
        );
        assert.equal(stored.session_id, null);
        appended.push(stored);
        appended.push(await store.appendEvent(event(theirs, minimal.id)));
        for (const type of ['quote.declined', 'onboarding.submitted'] as const) {
          appended.push(await store.appendEvent(event(mine, full.id, { type })));
        }
      });

      it('lists a partner’s events in cursor order, none of another partner’s', async () => {
        const expected = appended.filter((e) => e.partner_id === mine);
        const listed = await store.listEvents(mine, 0, 100);
        assert.deepEqual(listed, expected);
        const cursors = listed.map((e) => e.cursor);
        assert.deepEqual(
          cursors,
          cursors.toSorted((x, y) => x - y),
        );
        assert.deepEqual(
          await store.listEvents(theirs, 0, 100),
          appended.filter((e) => e.partner_id === theirs),
        );
        assert.deepEqual(await store.listEvents(partnerId(), 0, 100), []);
      });

      it('keeps the data exactly as given, key order included', async () => {
        const data = { zeta: 1, id: 'qt_x', alpha: { b: 2, a: 1 }, list: [3, 1, 2] };
        const stored = await store.appendEvent(event(mine, minimal.id, { data }));
        assert.equal(JSON.stringify(stored.data), JSON.stringify(data));
        const listed = await store.listEvents(mine, stored.cursor - 1, 1);
        assert.equal(JSON.stringify(listed[0]?.data), JSON.stringify(data));
        appended.push(stored);
      });

      it('lists only one account’s events when asked', async () => {
        const forMinimal = await store.listEvents(mine, 0, 100, minimal.id);
        assert.deepEqual(
          forMinimal,
          appended.filter((e) => e.partner_id === mine && e.account_id === minimal.id),
        );
        assert.equal(forMinimal.length, 1);
        assert.deepEqual(
          await store.listEvents(mine, 0, 100, full.id),
          appended.filter((e) => e.partner_id === mine && e.account_id === full.id),
        );
        // Another partner's event about the same account stays out of the partner's feed.
        assert.deepEqual(await store.listEvents(theirs, 0, 100, full.id), []);
        assert.deepEqual(await store.listEvents(mine, 0, 100, accountId()), []);
      });

      it('pages with after and limit', async () => {
        const all = await store.listEvents(mine, 0, 100);
        assert.equal(all.length, 5);
        const page1 = await store.listEvents(mine, 0, 2);
        assert.deepEqual(page1, all.slice(0, 2));
        const page2 = await store.listEvents(mine, page1[1]!.cursor, 2);
        assert.deepEqual(page2, all.slice(2, 4));
        assert.deepEqual(await store.listEvents(mine, all[3]!.cursor, 2), all.slice(4));
        assert.deepEqual(await store.listEvents(mine, all[4]!.cursor, 2), []);
        assert.deepEqual(await store.listEvents(mine, 0, 0), []);
      });

      it('refuses a duplicate event id and an unknown type', async () => {
        await assert.rejects(
          store.appendEvent({ ...event(mine, full.id), id: appended[0]!.id }),
          (err) => sqlState(err) === '23505',
        );
        await assert.rejects(
          store.appendEvent(
            event(mine, full.id, { type: 'quote.stolen' as unknown as NewDomainEvent['type'] }),
          ),
          (err) => sqlState(err) === '23514',
        );
      });

      it('never shows a later cursor before an earlier one has committed', async () => {
        const partner = partnerId();
        let firstAppended: () => void = () => undefined;
        const appendedOnce = new Promise<void>((resolve) => (firstAppended = resolve));
        const first = store.transaction(async (repo) => {
          const e = await repo.appendEvent(event(partner, full.id));
          firstAppended();
          await sleep(200);
          return e;
        });
        await appendedOnce;
        const second = store.transaction((repo) => repo.appendEvent(event(partner, full.id)));
        await sleep(50);
        // A reader polling now must not see the second event without the first.
        const seen = await store.listEvents(partner, 0, 10);
        const [e1, e2] = await Promise.all([first, second]);
        assert.ok(e1.cursor < e2.cursor);
        const seenIds = seen.map((e) => e.id);
        assert.ok(!seenIds.includes(e2.id) || seenIds.includes(e1.id), 'cursor gap seen');
        assert.deepEqual(
          (await store.listEvents(partner, 0, 10)).map((e) => e.id),
          [e1.id, e2.id],
        );
      });
    });

    describe('webhooks', () => {
      const p3 = partnerId();
      const endpointRow = (overrides: Partial<WebhookEndpointRow> = {}): WebhookEndpointRow => ({
        id: `we_${alnum(24)}`,
        partner_id: p3,
        mode: 'test',
        url: 'http://127.0.0.1:9/hooks',
        event_types: ['quote.accepted', 'account.updated'],
        description: 'receiver',
        status: 'enabled',
        secret_sealed: 'sealed-current',
        previous_secret_sealed: null,
        previous_secret_expires_at: null,
        failing_since: null,
        version: 1,
        created_at: at(10),
        updated_at: at(10),
        ...overrides,
      });
      const mine = (claimed: ClaimedDelivery[], endpointId: string) =>
        claimed.filter((d) => d.endpoint.id === endpointId);

      it('round-trips an endpoint, lists the partner’s oldest first, and hides it from other partners', async () => {
        const first = endpointRow();
        const second = endpointRow({
          created_at: at(11),
          updated_at: at(11),
          previous_secret_sealed: 'sealed-old',
          previous_secret_expires_at: at(99),
          failing_since: at(12),
        });
        await store.insertWebhookEndpoint(second);
        await store.insertWebhookEndpoint(first);
        assert.deepEqual(await store.getWebhookEndpoint(p3, first.id), first);
        assert.deepEqual(await store.getWebhookEndpoint(p3, second.id), second);
        assert.equal(await store.getWebhookEndpoint(p1, first.id), null);
        assert.deepEqual((await store.listWebhookEndpoints(p3)).map((e) => e.id).slice(0, 2), [
          first.id,
          second.id,
        ]);
        const changed = { ...first, url: 'https://hooks.example/x', status: 'paused' as const };
        await store.updateWebhookEndpoint(changed);
        assert.deepEqual(await store.getWebhookEndpoint(p3, first.id), changed);
        assert.equal(await store.deleteWebhookEndpoint(p1, second.id), false);
        assert.equal(await store.deleteWebhookEndpoint(p3, second.id), true);
        assert.equal(await store.getWebhookEndpoint(p3, second.id), null);
      });

      it('queues an appended event for each subscribed endpoint that is not disabled, at commit only', async () => {
        const partner = partnerId();
        const enabled = endpointRow({ partner_id: partner });
        const paused = endpointRow({ partner_id: partner, status: 'paused' });
        const disabled = endpointRow({ partner_id: partner, status: 'disabled' });
        const otherType = endpointRow({ partner_id: partner, event_types: ['quote.declined'] });
        for (const row of [enabled, paused, disabled, otherType])
          await store.insertWebhookEndpoint(row);
        let woken = 0;
        const unsubscribe = store.onWebhookWork(() => (woken += 1));
        await assert.rejects(
          store.transaction(async (repo) => {
            await repo.appendEvent(event(partner, full.id));
            throw new Error('roll back');
          }),
        );
        const appended = await store.transaction((repo) =>
          repo.appendEvent(event(partner, full.id)),
        );
        unsubscribe();
        assert.ok(woken >= 1);
        const claimed = await store.claimWebhookDeliveries(100, 60_000);
        assert.deepEqual(
          claimed.filter((d) => d.endpoint.partner_id === partner).map((d) => d.event_id),
          [appended.id],
          'one delivery: the enabled endpoint’s (paused holds it, disabled and other types get none)',
        );
        const [delivery] = mine(claimed, enabled.id);
        assert.ok(delivery);
        assert.equal(delivery.attempt, 1);
        assert.deepEqual(delivery.data, appended.data);
        assert.equal(delivery.event_created_at, appended.created_at);
        // Leased: nobody else takes it while the lease lasts.
        assert.deepEqual(mine(await store.claimWebhookDeliveries(100, 60_000), enabled.id), []);
        // The paused endpoint's delivery is there, and goes once it is enabled.
        await store.updateWebhookEndpoint({ ...paused, status: 'enabled' });
        assert.equal(mine(await store.claimWebhookDeliveries(100, 60_000), paused.id).length, 1);
      });

      it('never hands one delivery to two concurrent claims', async () => {
        const partner = partnerId();
        const row = endpointRow({ partner_id: partner });
        await store.insertWebhookEndpoint(row);
        for (let i = 0; i < 30; i += 1) await store.appendEvent(event(partner, full.id));
        const claims = await Promise.all(
          Array.from({ length: 6 }, () => store.claimWebhookDeliveries(10, 60_000)),
        );
        const ids = claims.flatMap((c) => mine(c, row.id).map((d) => d.id));
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(ids.length, 30);
      });

      it('settles an attempt, records it, and lets a replay start the delivery over', async () => {
        const partner = partnerId();
        const row = endpointRow({ partner_id: partner });
        await store.insertWebhookEndpoint(row);
        const first = await store.appendEvent(event(partner, full.id));
        const second = await store.appendEvent(event(partner, full.id));
        assert.deepEqual(await store.getEvent(partner, first.id), first);
        assert.equal(await store.getEvent(p1, first.id), null);
        const claimed = mine(await store.claimWebhookDeliveries(100, 60_000), row.id);
        assert.equal(claimed.length, 2);
        const [a, b] = claimed as [ClaimedDelivery, ClaimedDelivery];
        const next = await store.settleWebhookDelivery(
          { ...a, endpoint_id: row.id },
          {
            statusCode: 500,
            latencyMs: 12,
            error: 'HTTP 500',
            retryInMs: 3_600_000,
            delivered: false,
            disableEndpoint: false,
          },
        );
        assert.match(next ?? '', ISO_UTC);
        // A replay from the first event: the second starts over; its attempt in flight settles nothing.
        assert.equal(await store.replayWebhookEvents(row.id, first.cursor), 1);
        assert.equal(
          await store.settleWebhookDelivery(
            { ...b, endpoint_id: row.id },
            {
              statusCode: 200,
              latencyMs: 3,
              error: null,
              retryInMs: null,
              delivered: true,
              disableEndpoint: false,
            },
          ),
          null,
        );
        const again = mine(await store.claimWebhookDeliveries(100, 60_000), row.id);
        assert.deepEqual(
          again.map((d) => [d.event_id, d.attempt]),
          [[second.id, 1]],
        );
        const attempts = await store.listWebhookAttempts(row.id, 10);
        assert.deepEqual(
          attempts.map((x) => [x.event_id, x.attempt, x.status_code, x.latency_ms]),
          [
            [b.event_id, b.attempt, 200, 3],
            [a.event_id, 1, 500, 12],
          ],
        );
        assert.equal(attempts[1]?.next_attempt_at, next);
        assert.ok(
          (await store.webhookLag()).some((l) => l.endpoint_id === row.id && l.seconds >= 0),
        );
        await store.enqueueWebhookEvent(row.id, {
          id: eventId(),
          type: 'webhook.test',
          data: { hello: 'world' },
          created_at: at(20),
        });
        const test = mine(await store.claimWebhookDeliveries(100, 60_000), row.id);
        assert.deepEqual(
          test.map((d) => [d.event_type, d.data]),
          [['webhook.test', { hello: 'world' }]],
        );
      });

      it('disables an endpoint on a 410 and marks it failing when a delivery gives up', async () => {
        const partner = partnerId();
        const gone = endpointRow({ partner_id: partner });
        const failing = endpointRow({ partner_id: partner });
        await store.insertWebhookEndpoint(gone);
        await store.insertWebhookEndpoint(failing);
        await store.appendEvent(event(partner, full.id));
        const claimed = await store.claimWebhookDeliveries(100, 60_000);
        const outcome = { latencyMs: 1, retryInMs: null, delivered: false };
        const [g] = mine(claimed, gone.id);
        const [f] = mine(claimed, failing.id);
        assert.ok(g && f);
        const before = await store.countFailingWebhookEndpoints();
        await store.settleWebhookDelivery(
          { ...g, endpoint_id: gone.id },
          { ...outcome, statusCode: 410, error: 'HTTP 410', disableEndpoint: true },
        );
        await store.settleWebhookDelivery(
          { ...f, endpoint_id: failing.id },
          { ...outcome, statusCode: 500, error: 'HTTP 500', disableEndpoint: false },
        );
        assert.equal((await store.getWebhookEndpoint(partner, gone.id))?.status, 'disabled');
        assert.match(
          (await store.getWebhookEndpoint(partner, failing.id))?.failing_since ?? '',
          ISO_UTC,
        );
        assert.equal(await store.countFailingWebhookEndpoints(), before + 1);
      });
    });

    describe('idempotency', () => {
      const record = {
        partner_id: p1,
        key: `key-${randomBytes(8).toString('hex')}`,
        fingerprint: randomBytes(32).toString('hex'),
        status: 201,
        body: {
          zeta: 'last first',
          id: quoteId(),
          amounts: [3, 1, 2],
          nested: { ok: true, none: null },
        },
        headers: { etag: '"2"', 'content-type': 'application/json' },
        created_at: at(0),
      };

      it('stores a response and gives it back', async () => {
        assert.equal(await store.putIdempotency(record), true);
        const got = await store.getIdempotency(p1, record.key);
        assert.deepEqual(got, record);
        // A replay answers the first response byte for byte.
        assert.equal(JSON.stringify(got?.body), JSON.stringify(record.body));
        assert.equal(JSON.stringify(got?.headers), JSON.stringify(record.headers));
      });

      it('answers false on a second insert with the same key, keeping the first', async () => {
        assert.equal(
          await store.putIdempotency({ ...record, fingerprint: 'other', status: 500 }),
          false,
        );
        assert.deepEqual(await store.getIdempotency(p1, record.key), record);
      });

      it('keeps keys per partner', async () => {
        const other = { ...record, partner_id: p2, body: null, status: 204 };
        assert.equal(await store.putIdempotency(other), true);
        assert.deepEqual(await store.getIdempotency(p2, record.key), other);
        assert.equal(await store.getIdempotency(partnerId(), record.key), null);
        assert.equal(await store.getIdempotency(p1, 'no-such-key'), null);
      });

      it('lets exactly one of two simultaneous inserts win', async () => {
        const twin = { ...record, key: `twin-${randomBytes(8).toString('hex')}` };
        const results = await Promise.all([
          store.transaction((repo) => repo.putIdempotency({ ...twin, fingerprint: 'a' })),
          store.transaction((repo) => repo.putIdempotency({ ...twin, fingerprint: 'b' })),
        ]);
        assert.deepEqual(results.toSorted(), [false, true]);
      });

      it('prunes records created before the cut-off, and says how many', async () => {
        const old1 = { ...record, key: 'old-1', created_at: at(-90_000) };
        const old2 = { ...record, partner_id: p2, key: 'old-2', created_at: at(-86_401) };
        const fresh = { ...record, key: 'fresh', created_at: at(-86_399) };
        for (const r of [old1, old2, fresh]) assert.equal(await store.putIdempotency(r), true);
        const cutoff = at(-86_400);
        // Everything else this suite wrote is at or after at(0), so exactly two go.
        assert.equal(await store.pruneIdempotency(cutoff), 2);
        assert.equal(await store.getIdempotency(p1, 'old-1'), null);
        assert.equal(await store.getIdempotency(p2, 'old-2'), null);
        assert.deepEqual(await store.getIdempotency(p1, 'fresh'), fresh);
        assert.deepEqual(await store.getIdempotency(p1, record.key), record);
        assert.equal(await store.pruneIdempotency(cutoff), 0);
      });
    });

    it('fails with service_unavailable once closed, and keeps every row across a reopen', async () => {
      const events = await store.listEvents(p1, 0, 1000);
      await store.close();
      await store.close();
      await assert.rejects(store.ping(), tesseraCode('service_unavailable'));
      await assert.rejects(store.getAccount(full.id), tesseraCode('service_unavailable'));

      store = await open();
      await store.ping();
      assert.deepEqual(await store.getAccount(full.id), full);
      assert.deepEqual(await store.getAccount(minimal.id), minimal);
      assert.equal(await store.isLinked(full.id, p1), true);
      assert.deepEqual(await store.listEvents(p1, 0, 1000), events);
    });
  });
}
