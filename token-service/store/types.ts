import type { PartnerMode, PartnerScope, RateLimit, Scope } from '../../contracts/index.ts';

/**
 * Rows as the store keeps them. Timestamps are `Date`; the HTTP layer turns them into ISO strings.
 * Both implementations (embedded PGlite, PostgreSQL) pass test/token-service/store.suite.ts.
 */
export interface PartnerRow {
  id: string;
  name: string;
  mode: PartnerMode;
  origins: string[];
  scopes: Scope[];
  max_ttl_seconds: number;
  rate_limit: RateLimit;
  require_dpop: boolean;
  status: 'active' | 'suspended';
  /** Tokens issued before this instant fail verification. Set when the partner is suspended. */
  not_before: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type PartnerPatch = Partial<
  Pick<
    PartnerRow,
    | 'name'
    | 'origins'
    | 'scopes'
    | 'max_ttl_seconds'
    | 'rate_limit'
    | 'require_dpop'
    | 'status'
    | 'not_before'
  >
>;

export interface PartnerKeyRow {
  id: string;
  partner_id: string;
  /** First characters of the secret (`tsk_test_ab12…`), to recognise a key in a list. */
  prefix: string;
  /** SHA-256 of the whole secret, hex. The secret itself is never stored. */
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

export type SigningKeyState = 'next' | 'active' | 'retiring' | 'retired';

export interface SigningKeyRow {
  kid: string;
  alg: 'ES256' | 'EdDSA';
  state: SigningKeyState;
  /** Public JWK (JSON). */
  public_jwk: Record<string, unknown>;
  /** Private JWK encrypted with AES-256-GCM under the key-encryption key: base64url(iv | ciphertext | tag). */
  private_jwk_encrypted: string;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
  remove_after: Date | null;
}

/** One record per token issued. */
export interface IssuanceRecord {
  jti: string;
  partner_id: string;
  key_id: string;
  subject: string;
  /** Widget scopes, or partner scopes for a partner token (whose subject is the partner, origin ''). */
  scopes: (Scope | PartnerScope)[];
  origin: string;
  kid: string;
  issued_at: Date;
  expires_at: Date;
  request_id: string;
  correlation_id: string | null;
  dpop_jkt: string | null;
}

export interface TokenStore {
  /** Applies pending migrations (versioned, idempotent, safe when several instances start at once). */
  migrate(): Promise<void>;
  /** Throws when the database does not answer; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createPartner(row: PartnerRow): Promise<void>;
  getPartner(id: string): Promise<PartnerRow | null>;
  listPartners(): Promise<PartnerRow[]>;
  /** Applies the patch and bumps `updated_at`; null when no such partner. */
  updatePartner(id: string, patch: PartnerPatch, now: Date): Promise<PartnerRow | null>;

  insertPartnerKey(row: PartnerKeyRow): Promise<void>;
  listPartnerKeys(partnerId: string): Promise<PartnerKeyRow[]>;
  /** The key with this secret hash, revoked or not, with its partner. */
  findPartnerKeyByHash(
    secretHash: string,
  ): Promise<{ key: PartnerKeyRow; partner: PartnerRow } | null>;
  /** Sets `revoked_at` if unset; null when no such key. */
  revokePartnerKey(id: string, at: Date): Promise<PartnerKeyRow | null>;

  listSigningKeys(): Promise<SigningKeyRow[]>;
  insertSigningKey(row: SigningKeyRow): Promise<void>;
  /**
   * In one transaction: the active key becomes retiring (retired_at = now, remove_after as
   * given), the next key becomes active (activated_at = now), `newNext` is inserted as next, and
   * retiring keys whose remove_after has passed become retired. Returns false (and changes
   * nothing) when the current next key is not `expectedNextKid` — another instance rotated first.
   */
  rotateSigningKeys(args: {
    expectedNextKid: string;
    newNext: SigningKeyRow;
    now: Date;
    removeAfter: Date;
  }): Promise<boolean>;

  /**
   * Calls `listener` whenever partners or partner keys change: through this store at once, and
   * on PostgreSQL through any other process (LISTEN/NOTIFY). Returns the unsubscribe function.
   */
  onPartnersChanged(listener: () => void): () => void;
  /** Whether every change is sure to reach `onPartnersChanged` (false while a LISTEN connection is down). */
  readonly partnerChangesLive: boolean;

  recordIssuances(records: IssuanceRecord[]): Promise<void>;
  listIssuances(filter: { partnerId?: string; limit?: number }): Promise<IssuanceRecord[]>;
  findIssuance(jti: string): Promise<IssuanceRecord | null>;
}
