import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Account } from '../../contracts/v1/account.ts';
import {
  changedFields,
  conflictsOf,
  draftOf,
  rebase,
  validate,
  type AccountDraft,
} from '../../widgets/account/account.draft.ts';
import { toE164 } from '../../widgets/account/phone.ts';

const ACCOUNT: Account = {
  id: 'acct_0123456789abcdef',
  legal_name: 'Nordlicht Analytics GmbH',
  billing_email: 'billing@nordlicht-analytics.example',
  phone: '+493012345678',
  billing_address: {
    line1: 'Friedrichstraße 123',
    city: 'Berlin',
    region: 'DE-BE',
    postal_code: '10117',
    country: 'DE',
  },
  tax_id: 'DE123456789',
  currency: 'EUR',
  version: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};
const BASE = draftOf(ACCOUNT);
const draft = (changes: Partial<AccountDraft>): AccountDraft => ({ ...BASE, ...changes });

describe('toE164: phone numbers as the contract stores them', () => {
  it('drops formatting and reads 00 as +', () => {
    assert.equal(toE164('+49 (30) 123-456.78'), '+493012345678');
    assert.equal(toE164('0049 30 12345678'), '+493012345678');
  });

  it('drops a bracketed trunk zero after the country code', () => {
    assert.equal(toE164('+44 (0)20 7946 0958'), '+442079460958');
  });

  it('gives a national number the calling code of the billing country', () => {
    assert.equal(toE164('030 12345678', 'DE'), '+493012345678');
    assert.equal(toE164('01 23 45 67 89', 'FR'), '+33123456789');
    assert.equal(toE164('(415) 555-0123', 'US'), '+14155550123');
    assert.equal(toE164('1 415 555 0123', 'US'), '+14155550123');
  });

  it('keeps the leading zero where the country dials it (Italy)', () => {
    assert.equal(toE164('06 1234 5678', 'IT'), '+390612345678');
  });

  it('leaves what it cannot read for the schema to refuse, rather than guessing', () => {
    assert.equal(toE164(' call me '), 'call me');
    assert.equal(toE164('030 12345678'), '030 12345678', 'no country, no calling code');
    assert.equal(toE164('030 12345678', 'ZZ'), '030 12345678');
    assert.equal(toE164('+49 30 x'), '+49 30 x');
    assert.equal(toE164('   '), '');
  });
});

describe('validate: the draft against the contract, and the PATCH body', () => {
  it('sends only what changed; an address change sends the whole address', () => {
    const result = validate(draft({ city: ' Potsdam ', region: 'de-bb' }), BASE);
    assert.ok(result.ok);
    assert.deepEqual(result.changed, ['city', 'region']);
    assert.deepEqual(result.body, {
      billing_address: {
        line1: 'Friedrichstraße 123',
        city: 'Potsdam',
        region: 'DE-BB',
        postal_code: '10117',
        country: 'DE',
      },
    });
  });

  it('an emptied optional address line is left out, which clears it', () => {
    const withLine2 = draftOf({
      ...ACCOUNT,
      billing_address: { ...ACCOUNT.billing_address, line2: '4. OG' },
    });
    const result = validate({ ...withLine2, line2: '' }, withLine2);
    assert.ok(result.ok);
    assert.equal('line2' in (result.body.billing_address ?? {}), false);
  });

  it('checks unchanged fields too, and region against the country when the countries are known', () => {
    const countries = [
      { code: 'DE', name: 'Germany', default_currency: 'EUR', regions: [] },
      { code: 'US', name: 'United States', default_currency: 'USD', regions: [] },
    ];
    const result = validate(draft({ country: 'XX', billingEmail: '' }), BASE, countries);
    assert.equal(result.ok, false);
    assert.deepEqual(
      !result.ok &&
        Object.fromEntries(Object.entries(result.fieldErrors).map(([f, e]) => [f, e.code])),
      { billingEmail: 'required', country: 'invalid_country' },
    );
  });
});

describe('conflicts and rebase: three drafts, base, mine and theirs', () => {
  it('a field both sides set alike is no conflict', () => {
    const mine = draft({ city: 'Hamburg' });
    const theirs = draft({ city: 'Hamburg' });
    assert.deepEqual(conflictsOf(BASE, mine, theirs), []);
  });

  it('lists fields changed elsewhere, saying which the customer edited', () => {
    const mine = draft({ city: 'Hamburg', phone: '+4940111111' });
    const theirs = draft({ city: 'München', legalName: 'Nordlicht AG' });
    assert.deepEqual(conflictsOf(BASE, mine, theirs), [
      { field: 'legalName', theirs: 'Nordlicht AG', mine: BASE.legalName, edited: false },
      { field: 'city', theirs: 'München', mine: 'Hamburg', edited: true },
    ]);
  });

  it("rebase 'mine' keeps the customer's edits and takes the rest from theirs", () => {
    const mine = draft({ city: 'Hamburg', phone: '+4940111111' });
    const theirs = draft({ city: 'München', legalName: 'Nordlicht AG' });
    const merged = rebase(BASE, mine, theirs, 'mine');
    assert.deepEqual(changedFields(merged, theirs), ['phone', 'city']);
    assert.equal(merged.legalName, 'Nordlicht AG');
  });

  it("rebase 'theirs' takes theirs where they collide, keeping the customer's other edits", () => {
    const mine = draft({ city: 'Hamburg', phone: '+4940111111' });
    const theirs = draft({ city: 'München', legalName: 'Nordlicht AG' });
    const merged = rebase(BASE, mine, theirs, 'theirs');
    assert.deepEqual(changedFields(merged, theirs), ['phone']);
    assert.equal(merged.city, 'München');
  });
});
