import * as z from 'zod/mini';

/** Prefixed, URL-safe identifiers: `acct_…`, `ptn_…`, `qt_…`. The prefix says what it names. */
export function prefixedId(prefix: string) {
  return z
    .string()
    .check(z.regex(new RegExp(`^${prefix}_[A-Za-z0-9]{8,40}$`), `must look like ${prefix}_…`));
}

export const AccountId = prefixedId('acct');
export const PartnerId = prefixedId('ptn');

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCode = z
  .string()
  .check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'));
/** ISO 3166-2 subdivision, e.g. `US-CA`. */
export const RegionCode = z
  .string()
  .check(z.regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 code'));
/** ISO 4217, upper case. */
export const CurrencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'));
/** Amounts are integers in the currency's minor unit (cents), never floats. */
export const MinorUnits = z.int().check(z.minimum(0));
export const Timestamp = z.iso.datetime({ offset: true });
/** Optimistic-concurrency counter; echoed as the `ETag`. */
export const Version = z.int().check(z.minimum(1));

/** What a browser sends as `Origin`: scheme, host and port only, no path. */
export const Origin = z.string().check(
  z.maxLength(255),
  z.refine(
    (value) => normaliseOrigin(value) === value,
    'must be an origin such as https://shop.example (scheme, host and optional port; no path, no trailing slash)',
  ),
);

/**
 * The canonical form of an origin, or null when the string is not one.
 * `*.example.com` subdomain patterns are not origins and return null here.
 */
export function normaliseOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/' || value.endsWith('/')) return null;
  return url.origin;
}
