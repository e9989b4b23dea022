import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CountryList, CurrencyList } from '../../contracts/index.ts';
import {
  COUNTRIES,
  CURRENCIES,
  countryByCode,
  currencyByCode,
  regionBelongsTo,
  taxIdCountries,
  taxIdFormat,
  validateTaxId,
} from '../../core-api/reference-data.ts';

describe('reference data', () => {
  it('parses as the list responses the API answers', () => {
    CountryList.parse({ data: COUNTRIES });
    CurrencyList.parse({ data: CURRENCIES });
  });

  it('has no duplicate codes, and lists countries by English name', () => {
    const countryCodes = COUNTRIES.map((c) => c.code);
    assert.equal(new Set(countryCodes).size, countryCodes.length);
    const currencyCodes = CURRENCIES.map((c) => c.code);
    assert.equal(new Set(currencyCodes).size, currencyCodes.length);
    const names = COUNTRIES.map((c) => c.name);
    assert.deepEqual(
      names,
      names.toSorted((a, b) => a.localeCompare(b, 'en')),
    );
    for (const c of COUNTRIES) {
      const regionCodes = c.regions.map((r) => r.code);
      assert.equal(new Set(regionCodes).size, regionCodes.length, c.code);
      for (const code of regionCodes) assert.ok(code.startsWith(`${c.code}-`), code);
    }
  });

  it('has every country the widgets and docs rely on', () => {
    const required =
      'US CA GB DE FR ES IE NL BE AT IT PT CH SE NO DK FI PL JP AU NZ SG IN BR MX'.split(' ');
    for (const code of required) assert.ok(countryByCode(code), code);
  });

  it('has the full first-level subdivisions where promised', () => {
    const count = (code: string) => countryByCode(code)?.regions.length;
    assert.equal(count('US'), 51);
    assert.ok(countryByCode('US')?.regions.some((r) => r.code === 'US-DC'));
    assert.equal(count('CA'), 13);
    assert.deepEqual(
      countryByCode('GB')
        ?.regions.map((r) => r.code)
        .toSorted(),
      ['GB-ENG', 'GB-NIR', 'GB-SCT', 'GB-WLS'],
    );
    assert.equal(count('DE'), 16);
    assert.equal(count('ES'), 19);
    assert.equal(count('AU'), 8);
    assert.equal(count('JP'), 47);
    assert.equal(countryByCode('JP')?.regions.find((r) => r.code === 'JP-13')?.name, 'Tokyo');
    assert.equal(count('CH'), 26);
  });

  it('has a currency for every default currency, with ISO 4217 minor units', () => {
    for (const c of COUNTRIES) assert.ok(currencyByCode(c.default_currency), c.default_currency);
    const units = Object.fromEntries(CURRENCIES.map((c) => [c.code, c.minor_units]));
    assert.deepEqual(
      {
        USD: units.USD,
        EUR: units.EUR,
        GBP: units.GBP,
        JPY: units.JPY,
        CHF: units.CHF,
        KWD: units.KWD,
        BHD: units.BHD,
      },
      { USD: 2, EUR: 2, GBP: 2, JPY: 0, CHF: 2, KWD: 3, BHD: 3 },
    );
    assert.equal(countryByCode('DE')?.default_currency, 'EUR');
    assert.equal(countryByCode('JP')?.default_currency, 'JPY');
  });

  it('answers undefined for unknown codes', () => {
    assert.equal(countryByCode('ZZ'), undefined);
    assert.equal(countryByCode('us'), undefined);
    assert.equal(currencyByCode('XXX'), undefined);
  });

  it('knows which region belongs to which country', () => {
    assert.equal(regionBelongsTo('US-CA', 'US'), true);
    assert.equal(regionBelongsTo('US-DC', 'US'), true);
    assert.equal(regionBelongsTo('CA-QC', 'CA'), true);
    assert.equal(regionBelongsTo('GB-SCT', 'GB'), true);
    assert.equal(regionBelongsTo('DE-BY', 'DE'), true);
    // Listed everywhere: a complete list refuses what it does not have.
    assert.equal(regionBelongsTo('US-XX', 'US'), false);
    assert.equal(regionBelongsTo('DE-BY', 'US'), false);
    assert.equal(regionBelongsTo('CA-ON', 'US'), false);
    assert.equal(regionBelongsTo('GB-LND', 'GB'), false);
    // Partial lists accept any well-formed code of the country.
    assert.equal(regionBelongsTo('BR-SP', 'BR'), true);
    assert.equal(regionBelongsTo('BR-AM', 'BR'), true);
    assert.equal(regionBelongsTo('IE-D', 'IE'), true);
    assert.equal(regionBelongsTo('MX-SP', 'BR'), false);
    assert.equal(regionBelongsTo('BR-toolong', 'BR'), false);
    assert.equal(regionBelongsTo('ZZ-AA', 'ZZ'), false);
  });
});

describe('tax id validation', () => {
  const cases: Record<string, { valid: string[]; invalid: string[] }> = {
    US: {
      valid: ['12-3456789', '98-7654321'],
      invalid: ['123456789', '12-345678', '12 3456789', '1-23456789', 'AB-CDEFGHI', 'US12-3456789'],
    },
    GB: {
      valid: ['GB123456789', 'GB 123 4567 89', 'GB123456789012', 'GBGD001', 'GBHA599'],
      invalid: ['123456789', 'GB12345678', 'GB1234567890', 'GBGD0001', 'GBXX123', 'gb123456789'],
    },
    DE: {
      valid: ['DE123456789', 'DE 123 456 789'],
      invalid: ['123456789', 'DE12345678', 'DE1234567890', 'DEA23456789', 'AT123456789'],
    },
    FR: {
      valid: ['FR40303265045', 'FRXA123456789', 'FR 12 345678901'],
      invalid: ['FR123456789', 'FR1234567890', 'FR4030326504A', 'FR-X-123456789'],
    },
    ES: {
      valid: ['ESB12345678', 'ES12345678Z', 'ESX1234567L', 'ESA1234567B'],
      invalid: ['ES1234567', 'ESB1234567', 'ESB123456789', 'B12345678'],
    },
    AT: { valid: ['ATU12345678'], invalid: ['AT12345678', 'ATU1234567'] },
    NL: { valid: ['NL123456789B01'], invalid: ['NL123456789', 'NL123456789C01'] },
    BE: { valid: ['BE0123456789', 'BE1234567890'], invalid: ['BE2234567890', 'BE123456789'] },
    SE: { valid: ['SE123456789001'], invalid: ['SE123456789002'] },
  };

  for (const [country, { valid, invalid }] of Object.entries(cases)) {
    it(`${country}: accepts well-formed numbers and refuses the rest`, () => {
      for (const id of valid) assert.equal(validateTaxId(country, id), true, `${id} valid`);
      for (const id of invalid) assert.equal(validateTaxId(country, id), false, `${id} invalid`);
    });
  }

  it('accepts each rule’s own example', () => {
    for (const country of taxIdCountries()) {
      const format = taxIdFormat(country);
      assert.ok(format, country);
      assert.equal(validateTaxId(country, format.example), true, `${country} ${format.example}`);
    }
  });

  it('documents exactly the countries that have no rule', () => {
    const withoutRule = COUNTRIES.map((c) => c.code)
      .filter((code) => !taxIdCountries().includes(code))
      .toSorted();
    // Keep in step with the comment at the top of contracts/v1/tax-ids.ts.
    assert.deepEqual(withoutRule, [
      'AU',
      'BH',
      'BR',
      'CH',
      'IN',
      'JP',
      'KW',
      'MX',
      'NO',
      'NZ',
      'SG',
    ]);
    assert.equal(taxIdFormat('JP'), undefined);
  });

  it('accepts 2–32 characters of [A-Z0-9 -] where there is no rule', () => {
    for (const id of ['51 824 753 556', 'CHE-123456789 MWST', '12', 'T1234567890123']) {
      assert.equal(validateTaxId('AU', id), true, id);
    }
    assert.equal(validateTaxId('ZZ', 'ABC-123'), true);
    for (const id of ['1', 'A'.repeat(33), 'abc123', '12.345.678/0001-95', 'ÄBC123', '']) {
      assert.equal(validateTaxId('BR', id), false, id);
    }
  });

  it('refuses ids outside 2–32 characters even where a rule would match', () => {
    assert.equal(validateTaxId('GB', `GB${' '.repeat(31)}123456789`), false);
  });
});
