/** The partner backend's token endpoint, minting unsigned JWTs with the claims of real ones. */
import { http, HttpResponse } from 'msw';
import { TokenClaims, TokenResponse, type Scope } from '../../contracts/index.ts';
import { ACCOUNT_ID } from '../fixtures.ts';
import { API_BASE, onReset, record, TOKEN_URL } from './log.ts';

const base64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * An unsigned JWT with the claims the token service puts in one, checked with `TokenClaims`. The
 * widgets read `scope` and the lifetime from it without verifying (only the API verifies).
 */
export function fakeJwt(scopes: readonly Scope[], ttlSeconds: number, serial: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const claims = TokenClaims.parse({
    iss: 'https://tokens.tessera.test',
    aud: API_BASE,
    sub: ACCOUNT_ID,
    client_id: 'ptn_StoryDemoShop01',
    scope: scopes.join(' '),
    origin: location.origin,
    iat,
    exp: iat + ttlSeconds,
    jti: `jti_story_${String(serial).padStart(8, '0')}`,
    tessera_mode: 'test',
  });
  return `${base64url({ alg: 'ES256', typ: 'at+jwt', kid: 'story-key' })}.${base64url(claims)}.c2lnbmF0dXJl`;
}

export interface TokenEndpointOptions {
  scopes: readonly Scope[];
  /** Lifetime of each token minted in a story, in order; the last repeats. Default 300 s. */
  ttlSeconds?: readonly number[];
  /** The partner backend fails with this status instead of minting… */
  fail?: number;
  /** …from this call on (1, the first, by default): it can mint a few tokens, then go down. */
  failFrom?: number;
}

/**
 * The partner backend's `POST /api/widget-token`: asks the (mocked) token service and answers
 * `{ token, expires_at }` from its `TokenResponse`, as the demo shop's backend does.
 */
export function tokenEndpoint({
  scopes,
  ttlSeconds = [300],
  fail,
  failFrom = 1,
}: TokenEndpointOptions) {
  let minted = 0;
  let calls = 0;
  onReset(() => {
    minted = 0;
    calls = 0;
  });
  return http.post(TOKEN_URL, ({ request }) => {
    calls += 1;
    if (fail !== undefined && calls >= failFrom) {
      record(request).status = fail;
      return HttpResponse.json({ error: 'backend unavailable' }, { status: fail });
    }
    const ttl = ttlSeconds[Math.min(minted, ttlSeconds.length - 1)] ?? 300;
    minted += 1;
    const token = fakeJwt(scopes, ttl, minted);
    const answer = TokenResponse.parse({
      token,
      token_type: 'Bearer',
      expires_in: ttl,
      expires_at: new Date(Date.now() + ttl * 1000).toISOString(),
      scopes,
    });
    const entry = record(request, answer.token);
    entry.status = 200;
    return HttpResponse.json({ token: answer.token, expires_at: answer.expires_at });
  });
}
