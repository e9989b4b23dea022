/**
 * Tax ids by country format: the contracts' one table, which the core API checks with too, so a
 * typo shows at the field before any request and the widget never refuses an id the API would
 * take. Imported from its own module, not the contracts' index, to keep the bundle to the table.
 */
export {
  isValidTaxId,
  normaliseTaxId,
  taxIdFormat,
  type TaxIdFormat,
} from '../../contracts/v1/tax-ids.ts';
