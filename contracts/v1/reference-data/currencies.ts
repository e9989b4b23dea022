import * as z from 'zod/mini';
import { Currency } from '../reference.ts';

/**
 * The currencies served by `GET /v1/reference/currencies` and used to validate amounts and
 * accounts. Parsed with the contracts' schema at module load, like the countries.
 */

/** ISO 4217 minor units: the digits after the decimal point that amounts are counted in. */
export const CURRENCIES: readonly Currency[] = z.array(Currency).parse([
  { code: 'AUD', name: 'Australian Dollar', minor_units: 2 },
  { code: 'BHD', name: 'Bahraini Dinar', minor_units: 3 },
  { code: 'BRL', name: 'Brazilian Real', minor_units: 2 },
  { code: 'CAD', name: 'Canadian Dollar', minor_units: 2 },
  { code: 'CHF', name: 'Swiss Franc', minor_units: 2 },
  { code: 'DKK', name: 'Danish Krone', minor_units: 2 },
  { code: 'EUR', name: 'Euro', minor_units: 2 },
  { code: 'GBP', name: 'Pound Sterling', minor_units: 2 },
  { code: 'INR', name: 'Indian Rupee', minor_units: 2 },
  { code: 'JPY', name: 'Japanese Yen', minor_units: 0 },
  { code: 'KWD', name: 'Kuwaiti Dinar', minor_units: 3 },
  { code: 'MXN', name: 'Mexican Peso', minor_units: 2 },
  { code: 'NOK', name: 'Norwegian Krone', minor_units: 2 },
  { code: 'NZD', name: 'New Zealand Dollar', minor_units: 2 },
  { code: 'PLN', name: 'Polish Złoty', minor_units: 2 },
  { code: 'SEK', name: 'Swedish Krona', minor_units: 2 },
  { code: 'SGD', name: 'Singapore Dollar', minor_units: 2 },
  { code: 'USD', name: 'US Dollar', minor_units: 2 },
]);

const currencyIndex = new Map(CURRENCIES.map((c) => [c.code, c]));

export function currencyByCode(code: string): Currency | undefined {
  return currencyIndex.get(code);
}
