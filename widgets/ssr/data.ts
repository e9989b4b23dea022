/**
 * Where the renderer's data comes from, and the one place it is checked against the contracts:
 * what the partner passes (read with `@tessera/node`, the partner API) and what the renderer
 * reads itself from the core API's widget routes with the widget token. The widgets are given
 * only what their own routes answer, in that shape.
 */
import type * as z from 'zod/mini';
import { Account } from '../../contracts/v1/account.ts';
import { versionEtag } from '../../contracts/v1/etag.ts';
import { OnboardingApplication } from '../../contracts/v1/onboarding.ts';
import { Quote } from '../../contracts/v1/quote.ts';
import {
  CountryList,
  CurrencyList,
  type Country,
  type Currency,
} from '../../contracts/v1/reference.ts';
import { createApiClient, type ApiClient } from '../core/api-client.ts';
import { WidgetError } from '../core/errors.ts';
import { createSessionId } from '../core/session.ts';
import { jwtClaims } from './claims.ts';

export interface SourceOptions {
  /** The widget token minted for this customer and page. */
  token: string;
  /** The core API's base URL: where the renderer reads what it was not given. */
  apiBase?: string | undefined;
  /** The page's origin, sent as `Origin`; by default the token's `origin` claim. */
  origin?: string | undefined;
  /** The `fetch` to read with (a proxy, a test's); the global one by default. */
  fetch?: typeof fetch | undefined;
}

/** A resource as a widget route answers it, with the `ETag` a change must send as `If-Match`. */
export interface Read<T> {
  value: T;
  etag: string;
}

/** The reference data as its routes answer it. */
export interface Reference {
  countries: { data: Country[] };
  currencies: { data: Currency[] };
}

/** A core API client reading as the widget will, with the token handed over and the page's origin. */
export function widgetApi(options: SourceOptions): { api: ApiClient; origin: string } {
  if (!options.apiBase) {
    throw new WidgetError(
      'configuration_invalid',
      'Give apiBase, or the data the widget shows, to render it on the server.',
    );
  }
  const origin = options.origin ?? jwtClaims(options.token).origin;
  if (!origin) {
    throw new WidgetError('configuration_invalid', 'The token names no origin: give origin.');
  }
  const token = options.token;
  const api = createApiClient({
    apiBase: options.apiBase,
    sessionId: createSessionId(),
    // The token the page is rendered with is the only one the server has: no refresh here.
    tokens: { getToken: () => Promise.resolve(token), invalidate: () => undefined },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { api, origin };
}

/** What the partner handed over, as the contract's `schema`, or `schema_mismatch` naming each issue. */
function contractual<S extends z.ZodMiniType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new WidgetError('schema_mismatch', `The ${what} does not match the contract.`, {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  }
  return parsed.data;
}

/**
 * A quote for `<tessera-quote>`. One the partner read with `@tessera/node` has the widget route's
 * shape (the contract's `Quote`), but the partner API also shows drafts, which the widget route
 * does not, and any of the partner's accounts: it must be the token's customer's.
 */
export function quoteFromPartner(input: unknown, token: string): Read<Quote> {
  const quote = contractual(Quote, input, 'quote');
  if (quote.status === 'draft' || quote.account_id !== jwtClaims(token).sub) {
    // As the widget route answers: no hint that the quote exists.
    throw new WidgetError('not_found', `No quote ${quote.id} for this token's customer.`);
  }
  return { value: quote, etag: versionEtag(quote.version) };
}

/** `GET /v1/quotes/:id` with the widget token, as the widget would. */
export async function fetchQuote(options: SourceOptions, quoteId: string): Promise<Read<Quote>> {
  const { api, origin } = widgetApi(options);
  const { data, etag } = await api.get(`v1/quotes/${encodeURIComponent(quoteId)}`, Quote, {
    headers: { origin },
  });
  return { value: data, etag: etag ?? versionEtag(data.version) };
}

/**
 * An account for `<tessera-account>`. The partner API's (`@tessera/node`'s `accounts.get`) adds
 * the partner's `external_id`, which the widget neither shows nor should carry into the page.
 */
export function accountFromPartner(input: unknown, token: string): Read<Account> {
  const account = contractual(Account, input, 'account');
  if (account.id !== jwtClaims(token).sub) {
    throw new WidgetError('not_found', `No account ${account.id} for this token's customer.`);
  }
  return { value: account, etag: versionEtag(account.version) };
}

/** `GET /v1/accounts/:id` with the widget token, as the widget would. */
export async function fetchAccount(
  options: SourceOptions,
  accountId: string,
): Promise<Read<Account>> {
  const { api, origin } = widgetApi(options);
  const { data, etag } = await api.get(`v1/accounts/${encodeURIComponent(accountId)}`, Account, {
    headers: { origin },
  });
  return { value: data, etag: etag ?? versionEtag(data.version) };
}

/** The core API's reference data, which the account and onboarding forms name countries from. */
export async function fetchReference(options: SourceOptions): Promise<Reference> {
  const { api, origin } = widgetApi(options);
  const [countries, currencies] = await Promise.all([
    api.get('v1/reference/countries', CountryList, { headers: { origin } }),
    api.get('v1/reference/currencies', CurrencyList, { headers: { origin } }),
  ]);
  return { countries: countries.data, currencies: currencies.data };
}

/**
 * The customer's onboarding application as the widget opens it: the given one
 * (`GET /v1/onboarding/:id`), else the token's open one, started or resumed
 * (`POST /v1/onboarding`, which the partner API has no counterpart of).
 */
export async function openOnboarding(
  options: SourceOptions,
  applicationId: string | undefined,
): Promise<Read<OnboardingApplication>> {
  const { api, origin } = widgetApi(options);
  const { data, etag } = applicationId
    ? await api.get(`v1/onboarding/${encodeURIComponent(applicationId)}`, OnboardingApplication, {
        headers: { origin },
      })
    : await api.post('v1/onboarding', undefined, OnboardingApplication, {
        idempotencyKey: crypto.randomUUID(),
        headers: { origin },
      });
  return { value: data, etag: etag ?? versionEtag(data.version) };
}
