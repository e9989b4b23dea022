import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COUNTRIES, CURRENCIES, validateTaxId } from '../../../core-api/reference-data.ts';
import { LANGUAGES } from '../../../widgets/core/i18n.ts';
import {
  EMPTY_VALUES,
  normalise,
  validateStep,
  valuesFromDraft,
  withChange,
  withDefaults,
  type OnboardingValues,
} from '../../../widgets/onboarding/onboarding.fields.ts';
import { onboarding as en } from '../../../widgets/onboarding/locales/en.ts';
import { messages } from '../../../widgets/onboarding/onboarding.messages.ts';
import { toE164 } from '../../../widgets/core/phone.ts';
import { isValidTaxId, normaliseTaxId, taxIdFormat } from '../../../widgets/onboarding/tax-id.ts';

const reference = { countries: COUNTRIES, currencies: CURRENCIES };

function values(overrides: Partial<OnboardingValues>): OnboardingValues {
  return { ...EMPTY_VALUES, ...overrides };
}

describe('tax ids by country format', () => {
  const cases: [country: string, typed: string, stored: string][] = [
    ['US', '123456789', '12-3456789'],
    ['US', '12-3456789', '12-3456789'],
    ['GB', 'gb 123 4567 89', 'GB123456789'],
    ['GB', '123456789', 'GB123456789'],
    ['GB', 'GB123456789012', 'GB123456789012'],
    ['GB', 'GBGD123', 'GBGD123'],
    ['DE', 'de 123.456.789', 'DE123456789'],
    ['DE', '123456789', 'DE123456789'],
    ['FR', 'FR 12 345678901', 'FR12345678901'],
    ['FR', 'fr ab 345678901', 'FRAB345678901'],
    ['ES', 'es-b12345678', 'ESB12345678'],
    ['ES', 'X1234567L', 'ESX1234567L'],
  ];
  for (const [country, typed, stored] of cases) {
    it(`${country}: "${typed}" is stored as ${stored} and accepted`, () => {
      const normalised = normaliseTaxId(country, typed);
      assert.equal(normalised, stored);
      assert.equal(isValidTaxId(country, normalised), true);
    });
  }

  const wrong: [country: string, typed: string][] = [
    ['US', '12345678'],
    ['US', '12-34567890'],
    ['GB', 'GB12345678'],
    ['DE', 'DE12345678'],
    ['DE', 'AT123456789'],
    ['FR', 'FR1234567890'],
    ['ES', 'ES12345678'],
    ['ES', 'ESB1234567'],
  ];
  for (const [country, typed] of wrong) {
    it(`${country}: "${typed}" is refused`, () => {
      assert.equal(isValidTaxId(country, normaliseTaxId(country, typed)), false);
    });
  }

  it('names the local format for the error message', () => {
    assert.deepEqual(taxIdFormat('DE'), { name: 'USt-IdNr.', example: 'DE123456789' });
    assert.deepEqual(taxIdFormat('US'), { name: 'EIN', example: '12-3456789' });
    assert.equal(taxIdFormat('CH'), undefined, 'Switzerland takes any plausible id');
  });

  it("agrees with the core API's rules for every country, on what a customer might type", () => {
    const samples = [
      '12-3456789',
      'GB123456789',
      'GBHA123',
      'DE123456789',
      'FR12345678901',
      'ESB12345678',
      'ATU12345678',
      'BE0123456789',
      'NL123456789B01',
      'IT12345678901',
      'PT123456789',
      'IE1234567WA',
      'DK12345678',
      'FI12345678',
      'SE123456789001',
      'PL1234567890',
      '123456789RT0001',
      'CHE-123.456.789 MWST',
      'ABN 51 824 753 556',
      'X',
      'lower-case',
      'A'.repeat(33),
    ];
    for (const country of COUNTRIES.map((c) => c.code)) {
      for (const sample of samples) {
        const stored = normaliseTaxId(country, sample);
        assert.equal(
          isValidTaxId(country, stored),
          validateTaxId(country, stored),
          `${country} ${sample} → ${stored}`,
        );
      }
    }
  });
});

describe('phone numbers to E.164', () => {
  const cases: [typed: string, country: string | undefined, e164: string | undefined][] = [
    ['+49 30 1234567', 'DE', '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['+49 (0)30 123-45-67', undefined, '+49301234567'],
    ['0049 30 1234567', 'FR', '+49301234567'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['(415) 555-0123', 'US', '+14155550123'],
    ['1 415 555 0123', 'US', '+14155550123'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['912 345 678', 'ES', '+34912345678'],
    ['06 1234 5678', 'IT', '+390612345678'],
    ['555 0123', 'US', undefined],
    ['030 1234567', undefined, undefined],
    ['call me', 'DE', undefined],
    ['+0 123 4567', undefined, undefined],
    ['+49 1234567890123456', undefined, undefined],
  ];
  for (const [typed, country, e164] of cases) {
    it(`"${typed}" in ${country ?? 'no country'} → ${e164 ?? 'refused'}`, () => {
      assert.equal(toE164(typed, country), e164);
    });
  }
});

describe('onboarding fields', () => {
  it('reports blanks as required and wrong formats by kind, from the contracts schemas', () => {
    const errors = validateStep(
      'contact',
      values({ contactName: ' ', contactEmail: 'lena@', phone: '12ab' }),
      reference,
    );
    assert.deepEqual(
      Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, error.code])),
      { contactName: 'required', contactEmail: 'invalid_email', phone: 'invalid_phone' },
    );
  });

  it('reports each missing part of the billing address by name', () => {
    const errors = validateStep('billing', values({ billingCountry: 'DE' }), reference);
    assert.deepEqual(Object.keys(errors).sort(), [
      'billingEmail',
      'city',
      'currency',
      'line1',
      'postalCode',
    ]);
  });

  it('refuses a region of another country and an unknown currency, from reference data', () => {
    const company = validateStep(
      'company',
      values({
        legalName: 'A',
        registrationNumber: 'B',
        country: 'DE',
        region: 'US-CA',
        taxId: 'DE123456789',
      }),
      reference,
    );
    assert.equal(company.region?.code, 'unknown_region');
    const billing = validateStep(
      'billing',
      values({
        billingCountry: 'FR',
        line1: 'x',
        city: 'y',
        postalCode: 'z',
        billingEmail: 'a@b.example',
        currency: 'XXX',
      }),
      reference,
    );
    assert.equal(billing.currency?.code, 'unknown_currency');
  });

  it('too long is too_long, not required', () => {
    const errors = validateStep('company', values({ legalName: 'x'.repeat(201) }), reference);
    assert.equal(errors.legalName?.code, 'too_long');
  });

  it('normalise stores phone and tax id as the API wants them, leaving the rest alone', () => {
    const normalised = normalise(
      values({ country: 'DE', phone: '030 1234567', taxId: 'de 123456789', city: ' Berlin ' }),
    );
    assert.equal(normalised.phone, '+49301234567');
    assert.equal(normalised.taxId, 'DE123456789');
    assert.equal(normalised.city, ' Berlin ');
  });

  it('a new billing country brings its currency unless the customer chose one', () => {
    let v = withDefaults(values({ country: 'DE' }), reference);
    assert.equal(v.currency, 'EUR');
    v = withChange(v, 'billingCountry', 'GB', reference);
    assert.equal(v.currency, 'GBP');
    v = withChange(v, 'currency', 'USD', reference);
    v = withChange(v, 'billingCountry', 'JP', reference);
    assert.equal(v.currency, 'USD');
  });

  it('reads a saved draft back into the form', () => {
    const v = valuesFromDraft({
      company: { legal_name: 'A', country: 'DE' },
      billing: { address: { line1: 'x', city: 'y', postal_code: 'z', country: 'DE' } },
      review: { accept_terms: true },
    });
    assert.equal(v.legalName, 'A');
    assert.equal(v.line1, 'x');
    assert.equal(v.billingCountry, 'DE');
    assert.equal(v.acceptTerms, true);
    assert.equal(v.phone, '');
  });
});

describe('onboarding messages', () => {
  /** Words some languages write as English does. */
  const SAME = new Set(['onboarding.field.phone', 'onboarding.title', 'onboarding.progress']);

  it('has every string in every shipped language, none left in English', async () => {
    for (const language of LANGUAGES) {
      await messages.load(language);
      assert.equal(messages.has(language), true, language);
    }
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const same = Object.keys(en).filter(
        (id) =>
          !SAME.has(id) &&
          messages.format(language, id as keyof typeof en) ===
            messages.format('en', id as keyof typeof en),
      );
      assert.deepEqual(same, [], `${language} strings identical to English`);
    }
  });

  it('keeps the placeholders of each English string in every language', async () => {
    for (const language of LANGUAGES) {
      await messages.load(language);
      for (const id of Object.keys(en) as (keyof typeof en)[]) {
        const wanted = (en[id].match(/\{\w+\}/g) ?? []).sort();
        const catalogue = messages.format(language, id);
        assert.deepEqual((catalogue.match(/\{\w+\}/g) ?? []).sort(), wanted, `${language} ${id}`);
      }
    }
  });
});
