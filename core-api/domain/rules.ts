import type { FieldIssue } from '../../contracts/index.ts';
import {
  countryByCode,
  currencyByCode,
  regionBelongsTo,
  validateTaxId,
} from '../reference-data.ts';

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

export function taxIdIssues(
  country: string | undefined,
  taxId: string | undefined,
  path: string,
): FieldIssue[] {
  if (country === undefined || taxId === undefined || !countryByCode(country)) return [];
  return validateTaxId(country, taxId)
    ? []
    : [{ path, code: 'invalid_tax_id', message: `not a valid tax id for ${country}` }];
}

export function currencyIssues(currency: string | undefined, path: string): FieldIssue[] {
  if (currency === undefined || currencyByCode(currency)) return [];
  return [{ path, code: 'unknown_currency', message: `${currency} is not a supported currency` }];
}
