import { TesseraError } from '../contracts/v1/errors.ts';
import { MAX_TOKEN_LENGTH } from './token-format.ts';

export type AuthScheme = 'Bearer' | 'DPoP';

/** A request's headers as a `Headers` object or a plain record (Node's, lower-cased or not). */
export type RequestHeaders = Headers | Record<string, string | undefined>;

export function header(headers: RequestHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** Splits `Authorization` into scheme and token; auth schemes are case-insensitive (RFC 9110 §11.1). */
export function parseAuthorization(value: string | undefined): {
  scheme: AuthScheme;
  token: string;
} {
  const trimmed = value?.trim();
  if (!trimmed) throw new TesseraError('token_missing');
  const space = trimmed.search(/\s/);
  const rawScheme = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const scheme: AuthScheme | undefined =
    rawScheme === 'bearer' ? 'Bearer' : rawScheme === 'dpop' ? 'DPoP' : undefined;
  if (!scheme) throw new TesseraError('token_missing');
  const token = space === -1 ? '' : trimmed.slice(space).trim();
  if (!token) throw new TesseraError('token_missing');
  if (token.length > MAX_TOKEN_LENGTH) throw new TesseraError('token_too_large');
  if (/\s/.test(token))
    throw new TesseraError(
      'token_malformed',
      'The authorization header holds more than one token.',
    );
  return { scheme, token };
}
