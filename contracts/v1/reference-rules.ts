import type { FieldIssue } from './errors.ts';
import { countryByCode, regionBelongsTo } from './reference-data/countries.ts';
import { currencyByCode } from './reference-data/currencies.ts';
import { validateTaxId } from './tax-ids.ts';

/**
 * Rules the schemas cannot express alone because they span fields or need reference data:
 * the country exists, the region is one of its regions, the tax id fits the country's format,
 * the currency is known. Each returns field issues with dotted paths under `prefix`.
 */
export function addressIssues(
  address: { country?: string; region?: string } | undefined,
  prefix: string,
): FieldIssue[] {
  if (!address) return [];
  const issues: FieldIssue[] = [];
  if (address.country !== undefined && !countryByCode(address.country)) {
    issues.push({
      path: `${prefix}.country`,
      code: 'unknown_country',
      message: `${address.country} is not a supported country`,
    });
  } else if (
    address.country !== undefined &&
    address.region !== undefined &&
    !regionBelongsTo(address.region, address.country)
  ) {
    issues.push({
      path: `${prefix}.region`,
      code: 'unknown_region',
      message: `${address.region} is not a region of ${address.country}`,
    });
  }
  return issues;
}

/**
 * The one rule for an account's tax id: it belongs to the country the account is billed in. The
 * account keeps no other country, and its invoices carry the tax id beside the billing address,
 * so the two must agree whichever path sets them: an account update, an onboarding submission (the
 * company's tax id against the billing step's country) or a draft of the company step.
 */
export function taxIdIssues(
  billingCountry: string | undefined,
  taxId: string | undefined,
  path: string,
): FieldIssue[] {
  if (billingCountry === undefined || taxId === undefined || !countryByCode(billingCountry))
    return [];
  return validateTaxId(billingCountry, taxId)
    ? []
    : [
        {
          path,
          code: 'invalid_tax_id',
          message: `not a valid tax id for ${billingCountry}, the billing country`,
        },
      ];
}

export function currencyIssues(currency: string | undefined, path: string): FieldIssue[] {
  if (currency === undefined || currencyByCode(currency)) return [];
  return [{ path, code: 'unknown_currency', message: `${currency} is not a supported currency` }];
}
