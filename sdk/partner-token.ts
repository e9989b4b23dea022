import { PartnerTokenResponse, type PartnerScope } from '../contracts/index.ts';
import type { Transport } from './transport.ts';

/** Refresh this long before `expires_in` runs out, or a tenth of the lifetime if that is shorter. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The partner token (`POST /oauth/token`, client credentials, `client_secret_basic`), kept until
 * shortly before it expires. Concurrent callers while none is held share one request, so a burst
 * of partner-API calls costs one token, not one each.
 */
export class PartnerTokenSource {
  readonly #transport: Transport;
  readonly #url: string;
  readonly #basic: string;
  readonly #scopes: readonly PartnerScope[] | undefined;
  readonly #now: () => number;
  #current: { header: string; refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(init: {
    transport: Transport;
    tokenServiceUrl: string;
    partnerId: string;
    secretKey: string;
    scopes?: readonly PartnerScope[] | undefined;
    now?: () => number;
  }) {
    this.#transport = init.transport;
    this.#url = new URL('/oauth/token', init.tokenServiceUrl).href;
    // RFC 6749 §2.3.1: each part form-urlencoded before the Basic encoding.
    const form = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    this.#basic = `Basic ${Buffer.from(`${form(init.partnerId)}:${form(init.secretKey)}`).toString('base64')}`;
    this.#scopes = init.scopes;
    this.#now = init.now ?? Date.now;
  }

  /** `Bearer <partner token>`, from the cache when it is fresh. */
  async header(): Promise<string> {
    if (this.#current && this.#now() < this.#current.refreshAt) return this.#current.header;
    this.#pending ??= this.#fetch().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** The API said this token expired: drop it, unless another caller already replaced it. */
  expired(header: string): void {
    if (this.#current?.header === header) this.#current = undefined;
  }

  async #fetch(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.#scopes) form.set('scope', this.#scopes.join(' '));
    const started = this.#now();
    const { body } = await this.#transport.send({
      method: 'POST',
      url: this.#url,
      retry: 'harmless',
      headers: { authorization: this.#basic },
      body: form,
      schema: PartnerTokenResponse,
    });
    const lifetime = body.expires_in * 1000;
    const header = `Bearer ${body.access_token}`;
    this.#current = {
      header,
      refreshAt: started + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 10),
    };
    return header;
  }
}
