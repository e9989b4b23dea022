import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toE164 } from '../../../widgets/core/phone.ts';

describe('toE164: phone numbers as the contract stores them', () => {
  it('drops formatting and reads 00 as +', () => {
    assert.equal(toE164('+49 (30) 123-456.78', undefined), '+493012345678');
    assert.equal(toE164('0049 30 12345678', undefined), '+493012345678');
  });

  it('drops a bracketed trunk zero after the country code', () => {
    assert.equal(toE164('+44 (0)20 7946 0958', undefined), '+442079460958');
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

  it('answers nothing for what it cannot read, rather than guessing', () => {
    assert.equal(toE164(' call me ', 'DE'), undefined);
    assert.equal(toE164('030 12345678', undefined), undefined, 'no country, no calling code');
    assert.equal(toE164('030 12345678', 'ZZ'), undefined);
    assert.equal(toE164('+49 30 x', 'DE'), undefined);
  });
});
