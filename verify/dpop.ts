import { calculateJwkThumbprint, errors, importJWK, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { TesseraError } from '../contracts/v1/errors.ts';

/** Proof `iat` may lie this far either side of our clock (RFC 9449 leaves the window to us). */
export const DPOP_IAT_WINDOW_SEC = 60;
/** Widgets sign proofs with WebCrypto ECDSA P-256; nothing else is accepted for proofs. */
export const DPOP_ALGORITHMS = ['ES256'] as const;

const MAX_PROOF_LENGTH = 4096;
const MAX_JTI_LENGTH = 256;
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

export interface DpopCheck {
  /** The `DPoP` request header. */
  proof: string;
  /** base64url(SHA-256(access token)), as the proof's `ath` must carry it. */
  tokenHash: string;
  method: string;
  url: string;
  /** The token's `cnf.jkt`. */
  jkt: string;
}

export interface DpopVerifierOptions {
  now: () => number;
  /** Bound on remembered proof ids; beyond it the least recently seen are forgotten first. */
  maxSeenProofs?: number;
}

function invalid(message: string): TesseraError {
  return new TesseraError('dpop_proof_invalid', message);
}

/** `htu` comparison per RFC 9449 §4.3: scheme, host, port and path, without query and fragment. */
export function normaliseHtu(value: string): string | undefined {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Checks RFC 9449 proofs and remembers their ids. The replay memory is in-process: behind a load
 * balancer a proof replayed to another instance is caught only by that instance's own memory,
 * which is why proofs are also short-lived (±60 s) and bound to one method, URL and token.
 */
export class DpopVerifier {
  readonly #now: () => number;
  readonly #seen: LRUCache<string, true>;

  constructor(options: DpopVerifierOptions) {
    this.#now = options.now;
    this.#seen = new LRUCache<string, true>({
      max: options.maxSeenProofs ?? 100_000,
      // A proof stays acceptable while its iat is within the window either side of now.
      ttl: 2 * DPOP_IAT_WINDOW_SEC * 1000 + 1000,
      perf: { now: options.now },
    });
  }

  /**
   * Throws `dpop_proof_invalid`, `dpop_key_mismatch` or `dpop_proof_replayed`. The key check comes
   * after the signature check, so "another key" is only reported for a genuinely signed proof.
   */
  async verify(check: DpopCheck): Promise<void> {
    const { proof } = check;
    if (proof.length > MAX_PROOF_LENGTH) throw invalid('The DPoP proof is too long.');
    const header = decodeHeader(proof);
    if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') {
      throw invalid("The DPoP proof's `typ` is not `dpop+jwt`.");
    }
    if (!(DPOP_ALGORITHMS as readonly unknown[]).includes(header.alg)) {
      throw invalid("The DPoP proof's `alg` is not ES256.");
    }
    const jwk = publicProofJwk(header.jwk);

    let key: CryptoKey | Uint8Array;
    try {
      key = await importJWK(jwk, 'ES256');
    } catch {
      throw invalid("The DPoP proof's `jwk` is not a usable P-256 public key.");
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(proof, key, {
        algorithms: [...DPOP_ALGORITHMS],
        typ: 'dpop+jwt',
        currentDate: new Date(this.#now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        throw invalid("The DPoP proof's signature does not verify under its own `jwk`.");
      }
      throw invalid('The DPoP proof is not a valid JWT.');
    }

    if ((await calculateJwkThumbprint(jwk)) !== check.jkt) {
      throw new TesseraError('dpop_key_mismatch');
    }

    if (payload.htm !== check.method)
      throw invalid("The DPoP proof's `htm` is not this request's method.");
    const htu = typeof payload.htu === 'string' ? normaliseHtu(payload.htu) : undefined;
    if (htu === undefined || htu !== normaliseHtu(check.url)) {
      throw invalid("The DPoP proof's `htu` is not this request's URL.");
    }
    const nowSec = Math.floor(this.#now() / 1000);
    if (
      typeof payload.iat !== 'number' ||
      !Number.isFinite(payload.iat) ||
      Math.abs(nowSec - payload.iat) > DPOP_IAT_WINDOW_SEC
    ) {
      throw invalid("The DPoP proof's `iat` is missing or not within 60 seconds of now.");
    }
    if (
      typeof payload.jti !== 'string' ||
      payload.jti.length === 0 ||
      payload.jti.length > MAX_JTI_LENGTH
    ) {
      throw invalid('The DPoP proof has no usable `jti`.');
    }
    if (payload.ath !== check.tokenHash) {
      throw invalid("The DPoP proof's `ath` is not the hash of this access token.");
    }

    // Keyed by key and jti, so nobody can burn someone else's jti with a proof of their own key.
    const seenKey = `${check.jkt}:${payload.jti}`;
    if (this.#seen.has(seenKey)) throw new TesseraError('dpop_proof_replayed');
    this.#seen.set(seenKey, true);
  }

  clear(): void {
    this.#seen.clear();
  }
}

function decodeHeader(proof: string): Record<string, unknown> {
  const segments = proof.split('.');
  const encoded = segments[0];
  if (segments.length !== 3 || encoded === undefined || !/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw invalid('The DPoP proof is not a compact JWS.');
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // fall through to the same answer as a non-object header
  }
  throw invalid("The DPoP proof's header is not a JSON object.");
}

function publicProofJwk(value: unknown): { kty: string; crv: string; x: string; y: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('The DPoP proof has no `jwk` header.');
  }
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
    throw invalid("The DPoP proof's `jwk` holds private key material.");
  }
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw invalid("The DPoP proof's `jwk` is not a P-256 public key.");
  }
  return { kty, crv, x, y };
}
