import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK, JWTHeaderParameters, JWTPayload } from 'jose';
import { toLowS } from '../../verify/ecdsa.ts';
import { createVerifier } from '../../verify/index.ts';
import type { Verifier, VerifierOptions } from '../../verify/index.ts';

export const AUDIENCE = 'https://api.tessera.test';
export const ORIGIN = 'https://shop.example';
export const SUBJECT = 'acct_a1b2c3d4e5';
export const CLIENT_ID = 'ptn_f6g7h8i9j0';
/** A fixed start keeps time-dependent tests deterministic; the clock only moves when told. */
export const START_MS = 1_750_000_000_000;

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'EdDSA' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** As published in the JWKS. */
  jwk: JWK;
}

export async function makeSigningKey(alg: SigningKey['alg'] = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, privateKey, publicJwk, jwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Clock {
  now: () => number;
  advance: (ms: number) => void;
  sec: () => number;
}

export function clock(start = START_MS): Clock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    sec: () => Math.floor(t / 1000),
  };
}

/** The claims the token service mints (RFC 9068 + `origin`); `undefined` in overrides deletes a claim. */
export function claims(
  issuer: string,
  nowSec: number,
  overrides: Record<string, unknown> = {},
): JWTPayload {
  const base: Record<string, unknown> = {
    iss: issuer,
    aud: AUDIENCE,
    sub: SUBJECT,
    client_id: CLIENT_ID,
    scope: 'quote:read account:read',
    origin: ORIGIN,
    iat: nowSec,
    exp: nowSec + 300,
    jti: randomId(),
    ...overrides,
  };
  for (const [name, value] of Object.entries(base)) if (value === undefined) delete base[name];
  return base;
}

export async function sign(
  key: Pick<SigningKey, 'kid' | 'alg' | 'privateKey'>,
  payload: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  const token = await new SignJWT(payload)
    .setProtectedHeader({
      alg: key.alg,
      typ: 'at+jwt',
      kid: key.kid,
      ...header,
    })
    .sign(key.privateKey);
  return (header.alg ?? key.alg) === 'ES256' ? lowS(token) : token;
}

/** The token with its ES256 signature in low-S form, as the token service signs (jose does not). */
export function lowS(token: string): string {
  const dot = token.lastIndexOf('.');
  return `${token.slice(0, dot + 1)}${toLowS(Buffer.from(token.slice(dot + 1), 'base64url')).toString('base64url')}`;
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS assembled by hand, for tokens jose refuses to produce. */
export function craft(header: unknown, payload: unknown, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

export interface AuthServer {
  issuer: string;
  jwksUrl: string;
  revocationsUrl: string;
  jwks: { keys: JWK[] };
  jwksStatus: number;
  jwksCacheControl: string | undefined;
  revocations: { partners: { client_id: string; not_before: number }[] };
  revocationsStatus: number;
  jwksHits: number;
  revocationHits: number;
  /** Stops listening and drops open connections: later fetches are refused at the TCP level. */
  goDown(): Promise<void>;
  close(): Promise<void>;
}

/** A real token-service stand-in on 127.0.0.1: JWKS and revocations feed, both mutable by tests. */
export async function startAuthServer(keys: JWK[] = []): Promise<AuthServer> {
  const state = {
    jwks: { keys },
    jwksStatus: 200,
    jwksCacheControl: undefined as string | undefined,
    revocations: { partners: [] as { client_id: string; not_before: number }[] },
    revocationsStatus: 200,
    jwksHits: 0,
    revocationHits: 0,
  };
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      state.jwksHits += 1;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (state.jwksCacheControl) headers['cache-control'] = state.jwksCacheControl;
      res
        .writeHead(state.jwksStatus, headers)
        .end(state.jwksStatus === 200 ? JSON.stringify(state.jwks) : '{"error":"boom"}');
      return;
    }
    if (req.url === '/v1/revocations') {
      state.revocationHits += 1;
      res
        .writeHead(state.revocationsStatus, { 'content-type': 'application/json' })
        .end(
          state.revocationsStatus === 200 ? JSON.stringify(state.revocations) : '{"error":"boom"}',
        );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  let down = false;
  const stop = async () => {
    if (down) return;
    down = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(state, {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    revocationsUrl: `${issuer}/v1/revocations`,
    goDown: stop,
    close: stop,
  });
}

export interface Fixture {
  server: AuthServer;
  key: SigningKey;
  clock: Clock;
  verifier: Verifier;
  /** A token the verifier accepts, with claim overrides. */
  token: (
    overrides?: Record<string, unknown>,
    header?: Partial<JWTHeaderParameters>,
  ) => Promise<string>;
  close: () => Promise<void>;
}

export async function fixture(options: Partial<VerifierOptions> = {}): Promise<Fixture> {
  const key = await makeSigningKey();
  const server = await startAuthServer([key.jwk]);
  const time = clock();
  const verifier = createVerifier({
    issuer: server.issuer,
    audience: AUDIENCE,
    jwksUrl: server.jwksUrl,
    now: time.now,
    ...options,
  });
  return {
    server,
    key,
    clock: time,
    verifier,
    token: (overrides, header) => sign(key, claims(server.issuer, time.sec(), overrides), header),
    close: async () => {
      verifier.close();
      await server.close();
    },
  };
}

/** A request as the core API would hand it to `verify`. */
export function request(
  token: string | undefined,
  extra: Record<string, string> = {},
  init: { method?: string; url?: string; scheme?: string } = {},
) {
  const headers: Record<string, string> = { ...extra };
  if (token !== undefined) headers.authorization = `${init.scheme ?? 'Bearer'} ${token}`;
  return {
    method: init.method ?? 'GET',
    url: init.url ?? 'https://api.tessera.test/v1/quotes/qt_12345678',
    headers,
  };
}

export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

export async function makeDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

/** base64url(SHA-256(token)), the proof's `ath`. */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** An RFC 9449 proof; `payload`/`header` override or (with undefined) remove members. */
export async function dpopProof(
  key: DpopKey,
  init: {
    token: string;
    htm?: string;
    htu?: string;
    iatSec: number;
    payload?: Record<string, unknown>;
    header?: Record<string, unknown>;
  },
): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: init.htm ?? 'GET',
    htu: init.htu ?? 'https://api.tessera.test/v1/quotes/qt_12345678',
    iat: init.iatSec,
    jti: randomId(),
    ath: ath(init.token),
    ...init.payload,
  };
  for (const [name, value] of Object.entries(payload))
    if (value === undefined) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({
      alg: 'ES256',
      typ: 'dpop+jwt',
      jwk: key.publicJwk,
      ...init.header,
    })
    .sign(key.privateKey);
}
