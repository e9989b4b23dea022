import type { HttpHandler } from 'msw';
import { CountryList, CurrencyList } from '../../contracts/index.ts';
import { COUNTRIES, CURRENCIES } from '../../core-api/reference-data.ts';
import { failure, respond } from './answers.ts';
import { route } from './routes.ts';

/**
 * `GET /v1/reference/countries|currencies`: the reference core API's own data; with `down`, both
 * answer `503 service_unavailable` every time.
 */
export const reference = ({ down = false } = {}): HttpHandler[] => [
  route('get', '/v1/reference/countries', () =>
    down ? failure('service_unavailable') : respond(CountryList, { data: [...COUNTRIES] }),
  ),
  route('get', '/v1/reference/currencies', () =>
    down ? failure('service_unavailable') : respond(CurrencyList, { data: [...CURRENCIES] }),
  ),
];
