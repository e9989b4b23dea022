import { CountryList, CurrencyList } from '../../../contracts/index.ts';
import { COUNTRIES, CURRENCIES } from '../../reference-data.ts';
import { send, type RouteHandler } from '../context.ts';

export function referenceRoutes() {
  return {
    listCountries: (c) => {
      c.header('Cache-Control', 'private, max-age=3600');
      return send(c, CountryList, { data: [...COUNTRIES] });
    },
    listCurrencies: (c) => {
      c.header('Cache-Control', 'private, max-age=3600');
      return send(c, CurrencyList, { data: [...CURRENCIES] });
    },
  } satisfies Record<string, RouteHandler>;
}
