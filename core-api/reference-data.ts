/**
 * The core API's reference data: countries with their regions, currencies, and the tax-id formats
 * (the tables live in the contracts, shared with the SDK's fake and, for tax ids, the widgets).
 */
export {
  COUNTRIES,
  CURRENCIES,
  countryByCode,
  currencyByCode,
  regionBelongsTo,
} from '../contracts/v1/reference-data.ts';
export {
  TAX_ID_RULES,
  taxIdCountries,
  taxIdFormat,
  validateTaxId,
  type TaxIdFormat,
} from '../contracts/index.ts';
