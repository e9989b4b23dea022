import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  DEFAULT_RATE_LIMIT,
  TesseraError,
  type IssuedPartnerKey,
  type Partner,
  type PartnerCreate,
  type PartnerKey,
  type PartnerUpdate,
} from '../contracts/index.ts';
import { sha256Hex } from '../service-kit/ids.ts';
import { newPartnerId, newPartnerKeyId, newPartnerSecret } from './ids.ts';
import type { PartnerKeyRow, PartnerRow, TokenStore } from './store/types.ts';

export function partnerView(row: PartnerRow): Partner {
  return {
    ...row,
    not_before: row.not_before?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function partnerKeyView(row: PartnerKeyRow): PartnerKey {
  return {
    id: row.id,
    partner_id: row.partner_id,
    prefix: row.prefix,
    created_at: row.created_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

type Authenticated = { key: PartnerKeyRow; partner: PartnerRow };

/** Partner administration: what the CLI and the admin API both do; and who a secret key belongs to. */
export class Partners {
  readonly #store: TokenStore;
  /**
   * Secret-key hash → key and partner: the mint path's only database read, cached (bench:tokens
   * shows the lookup dominating mint latency on the embedded database). Any partner or key change,
   * here or in another instance, clears it; while that change feed is down the cache is bypassed.
   */
  readonly #auth = new LRUCache<string, Authenticated>({ max: 10_000, ttl: 60_000 });
  #generation = 0;

  constructor(store: TokenStore) {
    this.#store = store;
    store.onPartnersChanged(() => {
      this.#generation++;
      this.#auth.clear();
    });
  }

  async create(
    input: PartnerCreate & {
      mode: 'test' | 'live';
      max_ttl_seconds: number;
      require_dpop: boolean;
    },
    now = new Date(),
  ): Promise<{ partner: Partner; key: IssuedPartnerKey }> {
    const row: PartnerRow = {
      id: newPartnerId(),
      name: input.name,
      mode: input.mode,
      origins: [...new Set(input.origins)],
      scopes: [...new Set(input.scopes)],
      max_ttl_seconds: input.max_ttl_seconds,
      rate_limit: input.rate_limit ?? DEFAULT_RATE_LIMIT,
      require_dpop: input.require_dpop,
      status: 'active',
      not_before: null,
      created_at: now,
      updated_at: now,
    };
    await this.#store.createPartner(row);
    const key = await this.issueKey(row.id, now);
    return { partner: partnerView(row), key };
  }

  async list(): Promise<Partner[]> {
    return (await this.#store.listPartners()).map(partnerView);
  }

  async show(id: string): Promise<{ partner: Partner; keys: PartnerKey[] }> {
    const row = await this.#require(id);
    return {
      partner: partnerView(row),
      keys: (await this.#store.listPartnerKeys(id)).map(partnerKeyView),
    };
  }

  async update(id: string, patch: PartnerUpdate, now = new Date()): Promise<Partner> {
    const clean = Object.fromEntries(
      Object.entries(patch).filter(([, value]) => value !== undefined),
    );
    return partnerView(this.#updated(id, await this.#store.updatePartner(id, clean, now)));
  }

  /** Refuses new tokens at once; tokens issued before now stop verifying within the verifiers' revocation window. */
  async suspend(id: string, now = new Date()): Promise<Partner> {
    await this.#require(id);
    return partnerView(
      this.#updated(
        id,
        await this.#store.updatePartner(id, { status: 'suspended', not_before: now }, now),
      ),
    );
  }

  /** Mints again; tokens issued while suspended never existed, those from before stay revoked. */
  async resume(id: string, now = new Date()): Promise<Partner> {
    return partnerView(
      this.#updated(id, await this.#store.updatePartner(id, { status: 'active' }, now)),
    );
  }

  async issueKey(partnerId: string, now = new Date()): Promise<IssuedPartnerKey> {
    const partner = await this.#require(partnerId);
    const secret = newPartnerSecret(partner.mode);
    const row: PartnerKeyRow = {
      id: newPartnerKeyId(),
      partner_id: partnerId,
      prefix: secret.slice(0, 13),
      secret_hash: sha256Hex(secret),
      created_at: now,
      revoked_at: null,
    };
    await this.#store.insertPartnerKey(row);
    return { ...partnerKeyView(row), secret };
  }

  async revokeKey(keyId: string, now = new Date()): Promise<PartnerKey> {
    const row = await this.#store.revokePartnerKey(keyId, now);
    if (!row)
      throw new TesseraError('partner_key_not_found', `No partner key has the id ${keyId}.`);
    return partnerKeyView(row);
  }

  /** The partner behind a secret key, or the catalogued reason it is refused. */
  async authenticate(
    secret: string | undefined,
  ): Promise<{ partner: PartnerRow; key: PartnerKeyRow }> {
    if (!secret) throw new TesseraError('partner_key_missing');
    if (secret.length > 200) throw new TesseraError('partner_key_invalid');
    const hash = sha256Hex(secret);
    const found = await this.#lookup(hash);
    // The lookup is by hash, so timing says nothing about the secret; the compare is belt and braces.
    if (!found || !timingSafeEqual(Buffer.from(found.key.secret_hash), Buffer.from(hash))) {
      throw new TesseraError('partner_key_invalid');
    }
    if (found.key.revoked_at) throw new TesseraError('partner_key_revoked');
    if (found.partner.status === 'suspended') throw new TesseraError('partner_suspended');
    return found;
  }

  /** `{ client_id, not_before }` for every partner that has one: what verifiers poll. */
  async revocations(): Promise<{ client_id: string; not_before: number }[]> {
    return (await this.#store.listPartners())
      .filter((row) => row.not_before)
      .map((row) => ({
        client_id: row.id,
        not_before: Math.ceil(row.not_before!.getTime() / 1000),
      }));
  }

  async #lookup(hash: string): Promise<Authenticated | null> {
    if (!this.#store.partnerChangesLive) return this.#store.findPartnerKeyByHash(hash);
    const cached = this.#auth.get(hash);
    if (cached) return cached;
    const generation = this.#generation;
    const found = await this.#store.findPartnerKeyByHash(hash);
    // A change that landed while we read may have made `found` stale: then do not keep it.
    if (found && generation === this.#generation) this.#auth.set(hash, found);
    return found;
  }

  async #require(id: string): Promise<PartnerRow> {
    const row = await this.#store.getPartner(id);
    if (!row) throw new TesseraError('partner_not_found', `No partner has the id ${id}.`);
    return row;
  }

  #updated(id: string, row: PartnerRow | null): PartnerRow {
    if (!row) throw new TesseraError('partner_not_found', `No partner has the id ${id}.`);
    return row;
  }
}
