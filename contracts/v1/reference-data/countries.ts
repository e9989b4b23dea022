import * as z from 'zod/mini';
import { RegionCode } from '../common.ts';
import { Country } from '../reference.ts';
import {
  AT_STATES,
  AU_STATES,
  BE_REGIONS,
  BR_STATES,
  CA_PROVINCES,
  CH_CANTONS,
  DE_LAENDER,
  DK_REGIONS,
  ES_COMMUNITIES,
  FR_REGIONS,
  GB_NATIONS,
  IN_STATES,
  IT_REGIONS,
  JP_PREFECTURES,
  MX_STATES,
  NL_PROVINCES,
  US_STATES,
  type RegionList,
} from './regions.ts';

/**
 * The countries served by `GET /v1/reference/countries` and used to validate addresses. Static: it
 * changes with a release, not at run time. Parsed with the contracts' schema at module load, so a
 * typo fails every test rather than one request.
 */

function country(
  code: string,
  name: string,
  defaultCurrency: string,
  regions: RegionList = [],
): Country {
  return {
    code,
    name,
    default_currency: defaultCurrency,
    regions: regions.map(([suffix, regionName]) => ({
      code: `${code}-${suffix}`,
      name: regionName,
    })),
  };
}

export const COUNTRIES: readonly Country[] = z.array(Country).parse([
  country('AU', 'Australia', 'AUD', AU_STATES),
  country('AT', 'Austria', 'EUR', AT_STATES),
  // KW and BH: countries whose currency has three minor-unit digits, for rehearsing that case.
  country('BH', 'Bahrain', 'BHD'),
  country('BE', 'Belgium', 'EUR', BE_REGIONS),
  country('BR', 'Brazil', 'BRL', BR_STATES),
  country('CA', 'Canada', 'CAD', CA_PROVINCES),
  country('DK', 'Denmark', 'DKK', DK_REGIONS),
  country('FI', 'Finland', 'EUR'),
  country('FR', 'France', 'EUR', FR_REGIONS),
  country('DE', 'Germany', 'EUR', DE_LAENDER),
  country('IN', 'India', 'INR', IN_STATES),
  country('IE', 'Ireland', 'EUR'),
  country('IT', 'Italy', 'EUR', IT_REGIONS),
  country('JP', 'Japan', 'JPY', JP_PREFECTURES),
  country('KW', 'Kuwait', 'KWD'),
  country('MX', 'Mexico', 'MXN', MX_STATES),
  country('NL', 'Netherlands', 'EUR', NL_PROVINCES),
  country('NZ', 'New Zealand', 'NZD'),
  country('NO', 'Norway', 'NOK'),
  country('PL', 'Poland', 'PLN'),
  country('PT', 'Portugal', 'EUR'),
  country('SG', 'Singapore', 'SGD'),
  country('ES', 'Spain', 'EUR', ES_COMMUNITIES),
  country('SE', 'Sweden', 'SEK'),
  country('CH', 'Switzerland', 'CHF', CH_CANTONS),
  country('GB', 'United Kingdom', 'GBP', GB_NATIONS),
  country('US', 'United States', 'USD', US_STATES),
]);

/**
 * Countries whose region list is every first-level subdivision. For the others (none or only a
 * few listed) a region is accepted when it is well formed and has the country's prefix: refusing
 * a real address because our list is short would be worse than accepting an odd code.
 */
const REGIONS_COMPLETE = new Set([
  'AT',
  'AU',
  'BE',
  'CA',
  'CH',
  'DE',
  'DK',
  'ES',
  'GB',
  'IT',
  'JP',
  'NL',
  'US',
]);

const countryIndex = new Map(COUNTRIES.map((c) => [c.code, c]));

export function countryByCode(code: string): Country | undefined {
  return countryIndex.get(code);
}

/** Whether `regionCode` (ISO 3166-2) is a subdivision of `countryCode`; false for unknown countries. */
export function regionBelongsTo(regionCode: string, countryCode: string): boolean {
  const found = countryIndex.get(countryCode);
  if (!found) return false;
  if (REGIONS_COMPLETE.has(countryCode)) return found.regions.some((r) => r.code === regionCode);
  return RegionCode.safeParse(regionCode).success && regionCode.startsWith(`${countryCode}-`);
}
