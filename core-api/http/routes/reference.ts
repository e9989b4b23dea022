import { CountryList, CurrencyList } from '../../../contracts/index.ts';
import { COUNTRIES, CURRENCIES } from '../../reference-data.ts';
import { send, type RouteHandler } from '../context.ts';

export function referenceRoutes() {
  return {
    // Their Cache-Control comes from the route table, with the rest of what they answer.
    listCountries: (c) => send(c, CountryList, { data: [...COUNTRIES] }),
    listCurrencies: (c) => send(c, CurrencyList, { data: [...CURRENCIES] }),
  } satisfies Record<string, RouteHandler>;
}
