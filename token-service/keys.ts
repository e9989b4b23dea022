import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningKey } from '../contracts/index.ts';
import { toLowS } from '../verify/ecdsa.ts';
import type { Kek } from './kek.ts';
import type { SigningKeyRow, TokenStore } from './store/types.ts';

export type SigningAlg = 'ES256' | 'EdDSA';

const UNIQUE_VIOLATION = '23505';

export interface KeyRingOptions {
  alg: SigningAlg;
  /** A new key is published this long before it may sign: longer than any verifier's JWKS cache. */
  publishWindowSec: number;
  /** The longest a token may live: a retiring key stays published this long (plus skew) after its last use. */
  maxTokenLifetimeSec: number;
  clockSkewSec: number;
}

interface Signer {
  kid: string;
  alg: SigningAlg;
  key: KeyObject;
  /** base64url of the JOSE header, computed once per key. */
  header: string;
}

/**
 * The signing keys: one active (signs), one next (published, waiting), retiring ones (published
 * until every token they signed has expired). The store is the truth; this is the in-process view,
 * reloaded periodically so that a rotation made by another instance or the CLI is picked up.
 */
export class KeyRing {
  #rows: SigningKeyRow[] = [];
  #verificationKeys = new Map<string, { key: KeyObject; alg: SigningAlg }>();
  #signer: Signer | null = null;
  #jwks = '{"keys":[]}';
  readonly #store: TokenStore;
  readonly #kek: Kek;
  readonly options: KeyRingOptions;

  constructor(store: TokenStore, kek: Kek, options: KeyRingOptions) {
    this.#store = store;
    this.#kek = kek;
    this.options = options;
  }

  /** Loads the keys, creating an active and a next key on first start. */
  async init(now = new Date()): Promise<void> {
    await this.reload();
    if (!this.#rows.some((row) => row.state === 'active')) {
      await this.#insertFirst({
        ...(await this.#generate(now)),
        state: 'active',
        activated_at: now,
      });
    }
    if (!this.#rows.some((row) => row.state === 'next')) {
      await this.#insertFirst(await this.#generate(now));
    }
    await this.reload();
  }

  /**
   * Instances starting together on an empty database race to create the first keys; the unique
   * index on the state lets one win, and the others use its keys rather than fail to start.
   */
  async #insertFirst(row: SigningKeyRow): Promise<void> {
    try {
      await this.#store.insertSigningKey(row);
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    }
  }

  async reload(): Promise<void> {
    this.#rows = await this.#store.listSigningKeys();
    const active = this.#rows.find((row) => row.state === 'active');
    if (active && active.kid !== this.#signer?.kid) {
      const jwk = JSON.parse(this.#kek.decrypt(active.private_jwk_encrypted, active.kid)) as JWK;
      const header = Buffer.from(
        JSON.stringify({ alg: active.alg, kid: active.kid, typ: 'at+jwt' }),
      ).toString('base64url');
      this.#signer = {
        kid: active.kid,
        alg: active.alg,
        key: createPrivateKey({ key: jwk as never, format: 'jwk' }),
        header,
      };
    }
    // A retiring key leaves the JWKS once every token it signed has expired, rotation or not.
    const now = Date.now();
    const published = this.#rows.filter(
      (row) =>
        row.state !== 'retired' &&
        !(row.state === 'retiring' && row.remove_after && row.remove_after.getTime() < now),
    );
    const previous = this.#verificationKeys;
    this.#verificationKeys = new Map(
      published.map((row) => [
        row.kid,
        {
          key:
            previous.get(row.kid)?.key ??
            createPublicKey({ key: row.public_jwk as never, format: 'jwk' }),
          alg: row.alg,
        },
      ]),
    );
    this.#jwks = JSON.stringify({
      keys: published.map((row) => ({ ...row.public_jwk, kid: row.kid, alg: row.alg, use: 'sig' })),
    });
  }

  /** Signs a JWT with the active key: header.payload.signature, ES256 signatures in JOSE (r||s) form. */
  sign(claims: object): { token: string; kid: string } {
    const signer = this.#signer;
    if (!signer) throw new Error('no active signing key');
    const input = `${signer.header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature =
      signer.alg === 'ES256'
        ? // Low-S only: verifiers refuse the malleable high-S twin of a signature.
          toLowS(sign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' }))
        : sign(null, Buffer.from(input), signer.key);
    return { token: `${input}.${signature.toString('base64url')}`, kid: signer.kid };
  }

  get ready(): boolean {
    return this.#signer !== null;
  }

  /** The public key of a published key, for introspection; its own `alg`, whatever signs now. */
  verificationKey(kid: string): { key: KeyObject; alg: SigningAlg } | undefined {
    return this.#verificationKeys.get(kid);
  }

  /** The JWKS document, pre-serialised: it is served often and changes rarely. */
  get jwksJson(): string {
    return this.#jwks;
  }

  list(): SigningKey[] {
    return this.#rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      state: row.state,
      created_at: row.created_at.toISOString(),
      activated_at: row.activated_at?.toISOString() ?? null,
      retired_at: row.retired_at?.toISOString() ?? null,
      remove_after: row.remove_after?.toISOString() ?? null,
    }));
  }

  /**
   * Promotes the next key to active. Refused while the next key has been published for less than
   * the publish window (verifiers may not have it yet) unless `force`. Returns the new list.
   */
  async rotate(
    opts: { force?: boolean; now?: Date } = {},
  ): Promise<{ rotated: boolean; reason?: string }> {
    const now = opts.now ?? new Date();
    await this.reload();
    const next = this.#rows.find((row) => row.state === 'next');
    if (!next) throw new Error('no next signing key');
    const publishedFor = (now.getTime() - next.created_at.getTime()) / 1000;
    if (!opts.force && publishedFor < this.options.publishWindowSec) {
      return {
        rotated: false,
        reason: `the next key has been published for ${Math.floor(publishedFor)} s, less than the ${this.options.publishWindowSec} s publish window; verifiers may not know it yet (use --force to rotate anyway)`,
      };
    }
    const removeAfter = new Date(
      now.getTime() + (this.options.maxTokenLifetimeSec + this.options.clockSkewSec) * 1000,
    );
    const rotated = await this.#store.rotateSigningKeys({
      expectedNextKid: next.kid,
      newNext: await this.#generate(now),
      now,
      removeAfter,
    });
    await this.reload();
    return rotated
      ? { rotated: true }
      : { rotated: false, reason: 'another instance rotated at the same time' };
  }

  /** The automatic schedule: rotate once the active key is older than `intervalSec` and the next one is ready. */
  async rotateIfDue(intervalSec: number, now = new Date()): Promise<boolean> {
    const active = this.#rows.find((row) => row.state === 'active');
    const since = active?.activated_at ?? active?.created_at;
    if (!since || (now.getTime() - since.getTime()) / 1000 < intervalSec) return false;
    return (await this.rotate({ now })).rotated;
  }

  async #generate(now: Date): Promise<SigningKeyRow> {
    const { publicKey, privateKey } = await generateKeyPair(this.options.alg, {
      extractable: true,
      crv: this.options.alg === 'EdDSA' ? 'Ed25519' : undefined,
    });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg: this.options.alg,
      state: 'next',
      public_jwk: { ...publicJwk },
      private_jwk_encrypted: this.#kek.encrypt(JSON.stringify(privateJwk), kid),
      created_at: now,
      activated_at: null,
      retired_at: null,
      remove_after: null,
    };
  }
}
