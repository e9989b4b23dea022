/**
 * Money, numbers and dates as each locale writes them, with formatters reused between calls: a
 * locale or currency used in between must not change how another is written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDate, formatMoney, formatNumber } from '../../../widgets/core/format.ts';

describe('format', () => {
  it("writes money in the currency's own minor units, in each locale's way, in any order", () => {
    const nbsp = /[\u00a0\u202f]/g;
    for (let round = 0; round < 2; round++) {
      assert.equal(formatMoney('en-US', 'EUR', 123456), '€1,234.56');
      assert.equal(formatMoney('de-DE', 'EUR', 123456).replace(nbsp, ' '), '1.234,56 €');
      assert.equal(formatMoney('en-US', 'JPY', 123456), '¥123,456');
      assert.equal(formatMoney('en-US', 'USD', 5), '$0.05');
    }
  });

  it('writes numbers and dates per locale, in any order', () => {
    for (let round = 0; round < 2; round++) {
      assert.equal(formatNumber('en-US', 1234.5), '1,234.5');
      assert.equal(formatNumber('de-DE', 1234.5), '1.234,5');
      assert.equal(formatDate('en-US', '2026-03-01T12:00:00Z'), 'March 1, 2026');
      assert.equal(formatDate('de-DE', '2026-03-01T12:00:00Z'), '1. März 2026');
    }
  });

  it('refuses a malformed locale as Intl does, every time', () => {
    for (let round = 0; round < 2; round++) {
      assert.throws(() => formatNumber('not a locale', 1), RangeError);
    }
  });
});
