/**
 * Hostile input against the token verifier the core API runs on every request: random strings,
 * real tokens with characters changed, hand-made headers, validly signed tokens whose claims are
 * hostile, hostile request headers, and DPoP proofs of every shape. Each case resolves only to
 * claims that meet the contract, or refuses with a catalogued 401/403 code: never
 * `internal_error`, never an exception of another kind.
 */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ERROR_CATALOGUE,
  TesseraError,
  TokenClaims,
  type ErrorCode,
} from '../../contracts/index.ts';
import { toLowS } from '../../verify/ecdsa.ts';
import type { VerifiedToken } from '../../verify/index.ts';
import {
  ath,
  claims,
  fixture,
  makeDpopKey,
  randomId,
  request,
  type DpopKey,
  type Fixture,
} from '../verify/helpers.ts';
import {
  byteDamage,
  damage,
  hostileHeaderValue,
  hostileJson,
  hostileKey,
  hostileString,
  mutate,
  mutation,
  pathsOf,
} from './support/arbitraries.ts';
import { assertPrototypesClean, holds } from './support/oracle.ts';

const URL_ = 'https://api.tessera.test/v1/quotes/qt_12345678';

let f: Fixture;
let holder: DpopKey;
before(async () => {
  f = await fixture();
  holder = await makeDpopKey();
});
after(() => f.close());

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** A compact JWS over exactly these header and payload bytes, signed with ES256. */
async function signRaw(
  privateKey: CryptoKey,
  header: Uint8Array | string,
  payload: Uint8Array | string,
): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = await webcrypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    Buffer.from(input),
  );
  // Low-S, as the token service signs: the verifier refuses the other half.
  return `${input}.${b64(toLowS(new Uint8Array(signature)))}`;
}

/**
 * Awaits a verification: a refusal must be a TesseraError with a 401/403 catalogue code; a
 * success is returned for the caller to judge. Anything else fails the property.
 */
async function outcome(
  verification: Promise<VerifiedToken>,
  what: string,
): Promise<{ verified: VerifiedToken } | { code: ErrorCode }> {
  try {
    return { verified: await verification };
  } catch (error) {
    assert.ok(error instanceof TesseraError, `${what}: threw ${String(error)}`);
    assert.ok(Object.hasOwn(ERROR_CATALOGUE, error.code), `${what}: ${error.code} uncatalogued`);
    assert.ok(
      error.status === 401 || error.status === 403,
      `${what}: ${error.code} (${error.status}) — ${error.message}`,
    );
    return { code: error.code };
  }
}

async function refused(verification: Promise<VerifiedToken>, what: string): Promise<ErrorCode> {
  const result = await outcome(verification, what);
  assert.ok('code' in result, `${what}: accepted`);
  return result.code;
}

/** Claims that were accepted must be claims the contract allows, exactly as signed. */
function assertContractClaims(verified: VerifiedToken, signedPayload: Uint8Array, what: string) {
  assert.ok(TokenClaims.safeParse(verified.claims).success, `${what}: accepted bad claims`);
  // Decoded as a verifier decodes it: a UTF-8 byte-order mark is not part of the JSON.
  const signed = JSON.parse(new TextDecoder().decode(signedPayload)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(verified.claims))
    assert.deepEqual(signed[name], value, `${what}: claim ${name} differs from what was signed`);
}

describe('verifyToken: strings that are not our tokens', () => {
  const segment = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'ABCabc012-_=+/.'.split('')), maxLength: 40 }),
    hostileString,
  );

  it('any string, or dot-joined segments of anything, is refused with a catalogued 401', async (t) => {
    await holds(
      t,
      fc.oneof(
        hostileString,
        fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('.')),
      ),
      async (token) => {
        await refused(f.verifier.verifyToken(token, { origin: 'https://shop.example' }), 'random');
      },
    );
    assertPrototypesClean('verifyToken random');
  });

  it('a real token with a character changed, cut, doubled or re-encoded is refused unless it decodes to the same bytes', async (t) => {
    const real = await f.token();
    const decoded = (token: string) =>
      token.split('.').map((part) => Buffer.from(part, 'base64url'));
    await holds(
      t,
      fc.record({
        at: fc.nat(),
        how: fc.constantFrom('flip', 'cut', 'insert', 'swap', 'pad', 'case'),
        char: fc.constantFrom(...'Aa0-_.=+/ \u0000é'.split('')),
      }),
      async ({ at, how, char }) => {
        const i = at % real.length;
        const [h = '', p = '', s = ''] = real.split('.');
        const token = {
          flip: real.slice(0, i) + char + real.slice(i + 1),
          cut: real.slice(0, i),
          insert: real.slice(0, i) + char + real.slice(i),
          swap: [p, h, s].join('.'),
          pad: `${h}=.${p}.${s}`,
          case: real.slice(0, i) + real.charAt(i).toUpperCase() + real.slice(i + 1),
        }[how];
        const result = await outcome(f.verifier.verifyToken(token), how);
        if ('verified' in result)
          assert.deepEqual(decoded(token), decoded(real), `a changed token was accepted: ${token}`);
      },
    );
  });
});

describe('verifyToken: hand-made headers and validly signed hostile claims', () => {
  const headerMember = fc.oneof(
    fc.record({
      name: fc.constant('alg'),
      value: fc.oneof(
        fc.constantFrom('ES256', 'none', 'HS256', 'RS256', 'EdDSA', 'es256'),
        hostileJson,
      ),
    }),
    fc.record({
      name: fc.constant('typ'),
      value: fc.oneof(
        fc.constantFrom('at+jwt', 'AT+JWT', 'application/at+jwt', 'JWT', 'dpop+jwt'),
        hostileJson,
      ),
    }),
    fc.record({ name: fc.constant('kid'), value: hostileJson }),
    fc.record({
      name: fc.constantFrom('jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64', 'zip', 'cty'),
      value: hostileJson,
    }),
    fc.record({ name: hostileKey, value: hostileJson }),
  );

  it('a token whose header has hostile members (alg none, forbidden jku/jwk/crit, prototype keys, odd kids) is refused with a catalogued 401', async (t) => {
    await holds(
      t,
      fc.tuple(fc.array(headerMember, { minLength: 1, maxLength: 4 }), fc.boolean()),
      async ([members, signed]) => {
        const header: Record<string, unknown> = { alg: 'ES256', typ: 'at+jwt', kid: f.key.kid };
        for (const { name, value } of members)
          Object.defineProperty(header, name, {
            value,
            enumerable: true,
            configurable: true,
            writable: true,
          });
        const payload = JSON.stringify(claims(f.server.issuer, f.clock.sec()));
        const token = signed
          ? await signRaw(f.key.privateKey, JSON.stringify(header), payload)
          : `${b64(JSON.stringify(header))}.${b64(payload)}.${b64('not a signature')}`;
        const result = await outcome(f.verifier.verifyToken(token), 'hostile header');
        // Accepted only when the members changed nothing that matters and the signature is ours.
        if ('verified' in result) {
          assert.ok(signed, 'an unsigned token was accepted');
          assertContractClaims(result.verified, Buffer.from(payload), 'hostile header');
        }
      },
    );
    assertPrototypesClean('hostile headers');
  });

  it('a token signed with the real key whose claims are hostile (wrong types, huge, nested, prototype keys, 1e400, duplicate keys) is refused with a catalogued 401, or accepted with contract claims exactly as signed', async (t) => {
    const base = claims(f.server.issuer, f.clock.sec()) as Record<string, unknown>;
    await holds(
      t,
      fc.oneof(
        fc
          .array(mutation(pathsOf(base)), { minLength: 1, maxLength: 3 })
          .map((changes) => JSON.stringify(mutate({ ...base, jti: randomId() }, changes))),
        byteDamage.map((change) => damage(JSON.stringify(base), change).toString('latin1')),
        fc.constantFrom(
          JSON.stringify(base).replace('"sub":', '"sub":"acct_other00000","sub":'),
          JSON.stringify(base).replace(/"exp":\d+/, '"exp":1e400'),
          JSON.stringify(base).replace(/"iat":\d+/, '"iat":-1e400'),
          JSON.stringify(base).replace(/"exp":\d+/, '"exp":9007199254740993'),
          JSON.stringify(base).replace(/"iat":\d+/, '"iat":1.5'),
          JSON.stringify({ ...base, cnf: { jkt: null } }),
          JSON.stringify({ ...base, cnf: '__proto__' }),
          JSON.stringify({ ...base, scope: 'quote:read '.repeat(500) }),
        ),
      ),
      async (payload) => {
        const token = await signRaw(
          f.key.privateKey,
          JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: f.key.kid }),
          Buffer.from(payload, 'latin1'),
        );
        const result = await outcome(
          f.verifier.verifyToken(token, { origin: 'https://shop.example' }),
          'signed hostile claims',
        );
        if ('verified' in result)
          assertContractClaims(result.verified, Buffer.from(payload, 'latin1'), 'claims');
      },
    );
    assertPrototypesClean('hostile claims');
  });
});

describe('verify(request): hostile request headers', () => {
  it('hostile Authorization, Origin and DPoP values, and header records with prototype keys, are refused with a catalogued 401/403 or accepted for the real token only', async (t) => {
    const real = await f.token();
    const text = (value: Buffer) => value.toString('latin1');
    await holds(
      t,
      fc.record({
        scheme: fc.constantFrom('Bearer', 'bearer', 'DPoP', 'Basic', '', 'Bearer  ', 'Bearer\t'),
        token: fc.oneof(
          fc.constant(real),
          hostileHeaderValue.map(text),
          fc.constant(`${real} ${real}`),
        ),
        origin: fc.option(
          fc.oneof(fc.constant('https://shop.example'), hostileHeaderValue.map(text)),
          { nil: undefined },
        ),
        dpop: fc.option(hostileHeaderValue.map(text), { nil: undefined }),
        extra: fc.dictionary(hostileKey, hostileString, { maxKeys: 3, noNullPrototype: true }),
        asHeaders: fc.boolean(),
      }),
      async ({ scheme, token, origin, dpop, extra, asHeaders }) => {
        const record: Record<string, string> = { ...extra };
        for (const [name, value] of Object.entries({
          authorization: `${scheme} ${token}`,
          origin,
          dpop,
        }))
          if (value !== undefined)
            Object.defineProperty(record, name, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
        let headers: Headers | Record<string, string> = record;
        if (asHeaders) {
          try {
            headers = new Headers(Object.entries(record));
          } catch {
            return; // not a header a client can send at all
          }
        }
        const result = await outcome(
          f.verifier.verify({ method: 'GET', url: URL_, headers }, { scopes: ['quote:read'] }),
          'hostile request headers',
        );
        if ('verified' in result)
          assert.equal(result.verified.token, real, 'accepted another token');
      },
    );
    assertPrototypesClean('hostile request headers');
  });
});

describe('DPoP proofs', () => {
  let bound: string;
  before(async () => {
    bound = await f.token({ cnf: { jkt: holder.jkt } });
  });
  const send = (proof: string | undefined, method = 'GET') =>
    f.verifier.verify(
      request(bound, proof === undefined ? {} : { dpop: proof }, {
        scheme: 'DPoP',
        url: URL_,
        method,
      }),
    );
  const DPOP_CODES = new Set<ErrorCode>([
    'dpop_proof_missing',
    'dpop_proof_invalid',
    'dpop_key_mismatch',
    'dpop_proof_replayed',
  ]);

  it('a proof that is a random string, or a hand-made header with a hostile jwk (private members, prototype keys, other curves), is refused with a DPoP code', async (t) => {
    const jwkMember = fc.record({
      name: fc.oneof(fc.constantFrom('kty', 'crv', 'x', 'y', 'd', 'k', 'alg', 'use'), hostileKey),
      value: hostileJson,
    });
    await holds(
      t,
      fc.oneof(
        hostileString.map((proof) => ({ proof })),
        fc.record({
          jwk: fc.array(jwkMember, { maxLength: 4 }),
          typ: fc.oneof(fc.constant('dpop+jwt'), hostileJson),
          alg: fc.oneof(fc.constant('ES256'), hostileJson),
        }),
      ),
      async (input) => {
        let proof: string;
        if ('proof' in input) proof = input.proof;
        else {
          const jwk: Record<string, unknown> = { ...holder.publicJwk };
          for (const { name, value } of input.jwk)
            Object.defineProperty(jwk, name, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          proof = await signRaw(
            holder.privateKey,
            JSON.stringify({ alg: input.alg, typ: input.typ, jwk }),
            JSON.stringify({
              htm: 'GET',
              htu: URL_,
              iat: f.clock.sec(),
              jti: randomId(),
              ath: ath(bound),
            }),
          );
        }
        const result = await outcome(send(proof), 'hostile proof');
        if ('code' in result) assert.ok(DPOP_CODES.has(result.code), `answered ${result.code}`);
      },
    );
    assertPrototypesClean('hostile proofs');
  });

  it("a proof signed by the holder's key whose claims are hostile (htm, htu, iat, jti, ath of any type) is refused with a DPoP code, or accepted once when its claims are the request's", async (t) => {
    const valid = () => ({
      htm: 'GET',
      htu: URL_,
      iat: f.clock.sec(),
      jti: randomId(),
      ath: ath(bound),
    });
    await holds(
      t,
      fc.oneof(
        fc.array(mutation(pathsOf(valid())), { minLength: 1, maxLength: 3 }),
        fc
          .record({
            path: fc.constantFrom(['htm'], ['htu'], ['iat'], ['jti'], ['ath']),
            value: hostileString,
          })
          .map(({ path, value }) => [{ kind: 'set' as const, path, value }]),
      ),
      async (changes) => {
        const payload = JSON.stringify(mutate(valid(), changes));
        const proof = await signRaw(
          holder.privateKey,
          JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: holder.publicJwk }),
          payload,
        );
        const result = await outcome(send(proof), 'hostile proof claims');
        if ('code' in result) {
          assert.ok(DPOP_CODES.has(result.code), `answered ${result.code}`);
          return;
        }
        // Accepted: it must be a proof for this very request, and it must not work twice.
        const claimsOf = JSON.parse(payload) as Record<string, unknown>;
        assert.equal(claimsOf.htm, 'GET');
        assert.equal(claimsOf.ath, ath(bound));
        assert.equal(await refused(send(proof), 'replay'), 'dpop_proof_replayed');
      },
    );
    assertPrototypesClean('hostile proof claims');
  });
});
