import * as z from 'zod/mini';
import { CountryCode, CurrencyCode, RegionCode } from './common.ts';

export const Region = z.object({ code: RegionCode, name: z.string() });
export type Region = z.infer<typeof Region>;

export const Country = z.object({
  code: CountryCode,
  name: z.string(),
  regions: z.array(Region),
  default_currency: CurrencyCode,
});
export type Country = z.infer<typeof Country>;

export const Currency = z.object({
  code: CurrencyCode,
  name: z.string(),
  /** Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD. */
  minor_units: z.int().check(z.minimum(0), z.maximum(4)),
});
export type Currency = z.infer<typeof Currency>;

export const CountryList = z.object({ data: z.array(Country) });
export const CurrencyList = z.object({ data: z.array(Currency) });
