/**
 * The reference data: countries with their regions, currencies, and the rules that need them.
 * Not part of the contracts' index, so a browser bundle that imports the schemas never carries
 * the tables: import it from `@tessera/contracts/v1/reference-data`. The core API serves and
 * validates with it; the SDK's fake validates with the same tables.
 */
export { COUNTRIES, countryByCode, regionBelongsTo } from './reference-data/countries.ts';
export { CURRENCIES, currencyByCode } from './reference-data/currencies.ts';
export { addressIssues, currencyIssues, taxIdIssues } from './reference-rules.ts';
