/**
 * The core API's reference data: countries with their regions, currencies, and the tax-id formats
 * (one table, in the contracts, shared with the widgets).
 */
export { COUNTRIES, countryByCode, regionBelongsTo } from './reference-data/countries.ts';
export { CURRENCIES, currencyByCode } from './reference-data/currencies.ts';
export {
  TAX_ID_RULES,
  taxIdCountries,
  taxIdFormat,
  validateTaxId,
  type TaxIdFormat,
} from '../contracts/index.ts';
