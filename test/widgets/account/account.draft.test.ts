import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Account } from '../../../contracts/v1/account.ts';
import {
  changedFields,
  conflictsOf,
  draftOf,
  rebase,
  validate,
  type AccountDraft,
} from '../../../widgets/account/account.draft.ts';

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
