import {
  ErrorEnvelope,
  TesseraError,
  type IssuedPartnerKey,
  type Partner,
  type PartnerCreate,
  type PartnerKey,
  type PartnerUpdate,
  type SigningKey,
} from '../../contracts/index.ts';
import { readLiveAdvert } from '../../service-kit/lock.ts';
import type { Logger } from '../../service-kit/log.ts';
import { readAdminToken } from '../../service-kit/stack.ts';
import type { TokenServiceConfig } from '../config.ts';
import { advertPath, openTokenServiceState, type TokenServiceState } from '../state.ts';

/** Everything an operator can do; the CLI holds one of these, local or remote, and cannot tell which. */
export interface AdminOps {
  createPartner(input: PartnerCreate): Promise<{ partner: Partner; key: IssuedPartnerKey }>;
  listPartners(): Promise<Partner[]>;
  showPartner(id: string): Promise<{ partner: Partner; keys: PartnerKey[] }>;
  updatePartner(id: string, patch: PartnerUpdate): Promise<Partner>;
  suspendPartner(id: string): Promise<Partner>;
  resumePartner(id: string): Promise<Partner>;
  issueKey(partnerId: string): Promise<IssuedPartnerKey>;
  revokeKey(keyId: string): Promise<PartnerKey>;
  listKeys(): Promise<SigningKey[]>;
  rotateKeys(force: boolean): Promise<{ rotated: boolean; reason?: string; data: SigningKey[] }>;
  close(): Promise<void>;
}

/** Straight on the store: for PostgreSQL, or an embedded database no service holds. */
class LocalAdminOps implements AdminOps {
  constructor(private readonly state: TokenServiceState) {}
  createPartner(input: PartnerCreate) {
    return this.state.partners.create({
      mode: 'test',
      max_ttl_seconds: 600,
      require_dpop: false,
      ...input,
    });
  }
  listPartners() {
    return this.state.partners.list();
  }
  showPartner(id: string) {
    return this.state.partners.show(id);
  }
  updatePartner(id: string, patch: PartnerUpdate) {
    return this.state.partners.update(id, patch);
  }
  suspendPartner(id: string) {
    return this.state.partners.suspend(id);
  }
  resumePartner(id: string) {
    return this.state.partners.resume(id);
  }
  issueKey(partnerId: string) {
    return this.state.partners.issueKey(partnerId);
  }
  revokeKey(keyId: string) {
    return this.state.partners.revokeKey(keyId);
  }
  listKeys() {
    return Promise.resolve(this.state.keys.list());
  }
  async rotateKeys(force: boolean) {
    const result = await this.state.keys.rotate({ force });
    return { ...result, data: this.state.keys.list() };
  }
  close() {
    return this.state.close();
  }
}

/** Through a running service's admin API: the embedded database belongs to that process. */
class RemoteAdminOps implements AdminOps {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/admin/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new TesseraError(
        'service_unavailable',
        `The token service at ${this.base} did not answer: ${(error as Error).message}`,
      );
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const envelope = ErrorEnvelope.safeParse(json);
      if (envelope.success)
        throw new TesseraError(
          envelope.data.error.code,
          envelope.data.error.message,
          envelope.data.error.details,
        );
      throw new TesseraError('internal_error', `The token service answered ${response.status}.`);
    }
    return json as T;
  }

  createPartner(input: PartnerCreate) {
    return this.#call<{ partner: Partner; key: IssuedPartnerKey }>('POST', '/partners', input);
  }
  async listPartners() {
    return (await this.#call<{ data: Partner[] }>('GET', '/partners')).data;
  }
  showPartner(id: string) {
    return this.#call<{ partner: Partner; keys: PartnerKey[] }>(
      'GET',
      `/partners/${encodeURIComponent(id)}`,
    );
  }
  updatePartner(id: string, patch: PartnerUpdate) {
    return this.#call<Partner>('PATCH', `/partners/${encodeURIComponent(id)}`, patch);
  }
  suspendPartner(id: string) {
    return this.#call<Partner>('POST', `/partners/${encodeURIComponent(id)}/suspend`);
  }
  resumePartner(id: string) {
    return this.#call<Partner>('POST', `/partners/${encodeURIComponent(id)}/resume`);
  }
  issueKey(partnerId: string) {
    return this.#call<IssuedPartnerKey>('POST', `/partners/${encodeURIComponent(partnerId)}/keys`);
  }
  revokeKey(keyId: string) {
    return this.#call<PartnerKey>('POST', `/partner-keys/${encodeURIComponent(keyId)}/revoke`);
  }
  async listKeys() {
    return (await this.#call<{ data: SigningKey[] }>('GET', '/keys')).data;
  }
  rotateKeys(force: boolean) {
    return this.#call<{ rotated: boolean; reason?: string; data: SigningKey[] }>(
      'POST',
      '/keys/rotate',
      { force },
    );
  }
  close() {
    return Promise.resolve();
  }
}

/**
 * Admin operations for a data dir: through the running service's admin API when one holds the
 * embedded database, on the database directly otherwise (and always on PostgreSQL).
 */
export async function openAdminOps(
  config: TokenServiceConfig,
  log: Logger,
): Promise<AdminOps & { via: 'local' | 'remote' }> {
  if (!config.databaseUrl) {
    const advert = await readLiveAdvert(advertPath(config.dataDir));
    if (advert) {
      return Object.assign(new RemoteAdminOps(advert.url, await readAdminToken(config)), {
        via: 'remote' as const,
      });
    }
  }
  // Opening the state takes the lock: if a service holds it without an advert, this fails with
  // data_dir_locked.
  return Object.assign(new LocalAdminOps(await openTokenServiceState(config, log)), {
    via: 'local' as const,
  });
}
