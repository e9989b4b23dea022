import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TAX_ID_RULES,
  isValidTaxId,
  normaliseTaxId,
  taxIdFormat,
  validateTaxId,
} from '../../contracts/index.ts';
import * as core from '../../core-api/reference-data.ts';
import * as widget from '../../widgets/onboarding/tax-id.ts';

describe('the one tax-id table', () => {
  it('is what the onboarding widget and the core API both check with', () => {
    assert.equal(widget.taxIdFormat, taxIdFormat);
    assert.equal(widget.normaliseTaxId, normaliseTaxId);
    assert.equal(widget.isValidTaxId, isValidTaxId);
    assert.equal(core.taxIdFormat, taxIdFormat);
    assert.equal(core.validateTaxId, validateTaxId);
  });

  it('names the Nordic numbers as their owners know them', () => {
    assert.deepEqual(taxIdFormat('DK'), { name: 'CVR number', example: 'DK12345678' });
    assert.deepEqual(taxIdFormat('FI'), { name: 'Y-tunnus / ALV-numero', example: 'FI12345678' });
    assert.deepEqual(taxIdFormat('SE'), {
      name: 'momsregistreringsnummer',
      example: 'SE123456789001',
    });
    assert.ok(TAX_ID_RULES.SE?.otherNames?.includes('organisationsnummer'));
  });

  it('turns a local number into its VAT form', () => {
    const cases: [country: string, typed: string, stored: string][] = [
      ['FI', '1234567-8', 'FI12345678'],
      ['DK', '12 34 56 78', 'DK12345678'],
      ['SE', '556123-4567', 'SE556123456701'],
      ['SE', 'se 556123 4567', 'SE556123456701'],
      ['SE', '556123456701', 'SE556123456701'],
      ['US', '123456789', '12-3456789'],
    ];
    for (const [country, typed, stored] of cases) {
      assert.equal(normaliseTaxId(country, typed), stored, `${country} ${typed}`);
      assert.ok(isValidTaxId(country, stored) && validateTaxId(country, stored), stored);
    }
    assert.equal(isValidTaxId('SE', normaliseTaxId('SE', '55612345')), false);
  });

  it('gives every rule an example its own pattern accepts, in stored form', () => {
    for (const [country, rule] of Object.entries(TAX_ID_RULES)) {
      assert.match(rule.example, rule.pattern, country);
      assert.equal(normaliseTaxId(country, rule.example), rule.example, country);
    }
  });
});
