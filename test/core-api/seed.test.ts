import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Account,
  CompanyStep,
  OnboardingApplication,
  Quote,
  TesseraError,
} from '../../contracts/index.ts';
import { regionBelongsTo, validateTaxId } from '../../core-api/reference-data.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import type { CoreStore } from '../../core-api/store/types.ts';

const PARTNER = 'ptn_SeedTestPartner01';
const NOW = new Date('2031-03-01T10:00:00.000Z');
const DAY = 86_400_000;

describe('seedDemo', () => {
  let store: CoreStore;

  before(async () => {
    store = await openCoreStore({ dataDir: null });
  });

  after(async () => {
    await store?.close();
  });

  it('answers ids with the contracts’ prefixes', async () => {
    const seeded = await seedDemo(store, { partnerId: PARTNER, now: NOW });
    assert.deepEqual(Object.keys(seeded).toSorted(), ['account_id', 'onboarding_id', 'quotes']);
    assert.deepEqual(Object.keys(seeded.quotes).toSorted(), ['accepted', 'expired', 'open']);
    assert.match(seeded.account_id, /^acct_[A-Za-z0-9]{16}$/);
    assert.match(seeded.onboarding_id, /^onb_[A-Za-z0-9]{16}$/);
    for (const id of Object.values(seeded.quotes)) assert.match(id, /^qt_[A-Za-z0-9]{16}$/);
    assert.equal(new Set(Object.values(seeded.quotes)).size, 3);
  });

  it('writes objects that parse, linked to the partner and to no other', async () => {
    const seeded = await seedDemo(store, { partnerId: PARTNER, now: NOW });
    assert.equal(await store.isLinked(seeded.account_id, PARTNER), true);
    assert.equal(await store.isLinked(seeded.account_id, 'ptn_SomeoneElse0001'), false);

    const account = Account.parse(await store.getAccount(seeded.account_id));
    const { country, region } = account.billing_address;
    assert.ok(['DE', 'US'].includes(country));
    assert.ok(region && regionBelongsTo(region, country));
    assert.ok(account.tax_id && validateTaxId(country, account.tax_id));
    assert.ok(account.phone);

    for (const id of Object.values(seeded.quotes)) {
      const quote = Quote.parse(await store.getQuote(id));
      assert.equal(quote.account_id, seeded.account_id);
      assert.equal(quote.currency, account.currency);
    }

    const application = OnboardingApplication.parse(
      await store.getOnboarding(seeded.onboarding_id),
    );
    assert.equal(application.account_id, seeded.account_id);
    assert.equal(application.status, 'in_progress');
    assert.equal(application.current_step, 'contact');
    assert.deepEqual(
      application.steps.find((s) => s.id === 'company'),
      { id: 'company', complete: true },
    );
    CompanyStep.parse(application.values.company);
    assert.deepEqual(await store.findOpenOnboarding(seeded.account_id), application);
  });

  it('gives each quote its state, relative to now', async () => {
    const seeded = await seedDemo(store, { partnerId: PARTNER, now: NOW });
    const open = await store.getQuote(seeded.quotes.open);
    const expired = await store.getQuote(seeded.quotes.expired);
    const accepted = await store.getQuote(seeded.quotes.accepted);
    assert.ok(open && expired && accepted);

    assert.equal(open.status, 'open');
    assert.equal(Date.parse(open.valid_until), NOW.getTime() + 30 * DAY);

    assert.equal(expired.status, 'expired');
    assert.ok(Date.parse(expired.valid_until) < NOW.getTime());

    assert.equal(accepted.status, 'accepted');
    assert.ok(accepted.accepted_at && accepted.accepted_by);
    assert.ok(Date.parse(accepted.accepted_at) < NOW.getTime());
    assert.ok(Date.parse(accepted.accepted_at) <= Date.parse(accepted.valid_until));
    assert.ok(accepted.accepted_by.name.length > 0);
  });

  it('adds up: amount = quantity × unit, subtotal = Σ amounts, total = subtotal + tax', async () => {
    const seeded = await seedDemo(store, { partnerId: PARTNER, now: NOW });
    for (const id of Object.values(seeded.quotes)) {
      const quote = await store.getQuote(id);
      assert.ok(quote);
      assert.ok(quote.line_items.length > 0);
      for (const item of quote.line_items) {
        assert.equal(item.amount, item.quantity * item.unit_amount);
      }
      assert.equal(
        quote.subtotal,
        quote.line_items.reduce((sum, item) => sum + item.amount, 0),
      );
      assert.ok(quote.tax > 0);
      assert.equal(quote.total, quote.subtotal + quote.tax);
    }
  });

  it('creates a new, independent demo on every call', async () => {
    const a = await seedDemo(store, { partnerId: PARTNER });
    const b = await seedDemo(store, { partnerId: 'ptn_AnotherPartner01' });
    assert.notEqual(a.account_id, b.account_id);
    assert.equal(await store.isLinked(b.account_id, PARTNER), false);
    assert.equal(await store.isLinked(b.account_id, 'ptn_AnotherPartner01'), true);
  });

  it('refuses a malformed partner id', async () => {
    await assert.rejects(
      seedDemo(store, { partnerId: 'not-a-partner' }),
      (err) => err instanceof TesseraError && err.code === 'validation_failed',
    );
  });
});
