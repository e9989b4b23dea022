import {
  DEMO_ADDRESS,
  DEMO_BILLING,
  DEMO_COMPANY,
  DEMO_CONTACT,
} from '../contracts/fixtures/demo.ts';
import {
  Tessera,
  WebhookVerificationError,
  isTesseraError,
  type PartnerAccountUpsert,
  type PartnerQuoteCreate,
  type WebhookEndpointWithSecret,
} from '../sdk/index.ts';

/**
 * The demo shop's backend as a partner writes it on `@tessera/node`: on its first start it upserts
 * its customer by its own id, creates the quote the page shows and registers a webhook endpoint at
 * its own receiver; the receiver verifies each delivery with `tessera.webhooks.verify`. The SDK is
 * imported by path, as the repository's other code imports a workspace: its package exports point
 * at a build a checkout does not have.
 */

export interface PartnerApiOptions {
  tokenServiceUrl: string;
  coreApiUrl: string;
  partnerId: string;
  secretKey: string;
}

/** What the shop's backend set up on its first start, kept beside the demo's other state. */
export interface ShopBackendState {
  /** The shop's own id for its customer: the partner API's `external_id`. */
  customer_external_id: string;
  account_id: string;
  /** The quote the shop made its customer: the one the page shows. */
  quote_id: string;
  /** Registered once the receiver listens; absent only if a first start stopped before that. */
  webhook?: ShopWebhook;
}

export interface ShopWebhook {
  endpoint_id: string;
  /** The endpoint's `whsec_…` secret: shown once by the API, kept only here. */
  secret: string;
  /** Where the endpoint delivers: the receiver's URL when it was registered or last moved. */
  url: string;
}

/** One delivery the receiver took in, as the page's panel shows it. */
export interface HeardDelivery {
  webhook_id: string;
  type: string;
  verified: boolean;
  /** Why verification failed, when it did (`signature`, `timestamp`, `format`, `headers`). */
  reason?: string;
  received_at: string;
  /** What arrived, byte for byte, so that anyone can check the signature again. */
  raw: { body: string; headers: Record<string, string> };
}

/** The shop's id for its one signed-in customer (a real shop has its own customer table). */
export const SHOP_CUSTOMER_ID = 'shop-customer-1001';

/** The events the shop's backend acts on. */
const EVENT_TYPES: WebhookEndpointWithSecret['event_types'] = [
  'quote.accepted',
  'quote.declined',
  'onboarding.submitted',
  'account.updated',
];

/**
 * The customer as the shop keeps it: the sandbox's demo company, so that the seeded account the
 * stack links under the shop's id is found unchanged (an upsert that changes nothing writes no
 * `account.updated`).
 */
export function shopCustomer(): PartnerAccountUpsert {
  return {
    legal_name: DEMO_COMPANY.legal_name,
    billing_email: DEMO_BILLING.billing_email,
    phone: DEMO_CONTACT.phone,
    billing_address: { ...DEMO_ADDRESS },
    tax_id: DEMO_COMPANY.tax_id,
    currency: DEMO_BILLING.currency,
  };
}

/** The quote the shop makes its customer: two lines with tax, valid for 30 days from now. */
export function shopQuote(): PartnerQuoteCreate {
  return {
    external_id: SHOP_CUSTOMER_ID,
    currency: 'EUR',
    line_items: [
      { description: 'Analytics platform, annual licence', quantity: 1, unit_amount: 1_200_000 },
      { description: 'Onboarding workshop (days)', quantity: 2, unit_amount: 150_000 },
    ],
    tax: 285_000,
    valid_until: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
  };
}

/** One client for the backend's life: it caches the partner token. */
export function shopTessera(options: PartnerApiOptions): Tessera {
  return new Tessera({
    secretKey: options.secretKey,
    partnerId: options.partnerId,
    tokenServiceUrl: options.tokenServiceUrl,
    apiUrl: options.coreApiUrl,
    scopes: ['partner:accounts', 'partner:quotes', 'partner:webhooks'],
  });
}

/** The shop's first start: its customer by the shop's own id, and a quote for it. */
export async function setUpShop(tessera: Tessera): Promise<ShopBackendState> {
  const account = await tessera.accounts.upsert(SHOP_CUSTOMER_ID, shopCustomer());
  const quote = await tessera.quotes.create(shopQuote());
  return { customer_external_id: SHOP_CUSTOMER_ID, account_id: account.id, quote_id: quote.id };
}

/**
 * The webhook endpoint at the shop's receiver (a test-mode partner may use loopback `http`):
 * registered on the first start; on later ones the same endpoint and secret, moved when the
 * receiver listens elsewhere now (another port). Only an endpoint deleted meanwhile is
 * registered anew, since its secret went with it.
 */
export async function connectWebhook(
  tessera: Tessera,
  known: ShopWebhook | undefined,
  receiverUrl: string,
): Promise<ShopWebhook> {
  if (known) {
    try {
      const endpoint = await tessera.webhookEndpoints.get(known.endpoint_id);
      if (endpoint.url === receiverUrl) return known;
      const moved = await tessera.webhookEndpoints.update(endpoint.id, { url: receiverUrl });
      return { ...known, url: moved.url };
    } catch (error) {
      if (!isTesseraError(error, 'not_found')) throw error;
    }
  }
  const endpoint = await tessera.webhookEndpoints.create({
    url: receiverUrl,
    event_types: EVENT_TYPES,
    description: 'Demo shop backend',
  });
  return { endpoint_id: endpoint.id, secret: endpoint.secret, url: endpoint.url };
}

/** How many deliveries the panel keeps: a demo, not an archive. */
const KEEP = 50;

/**
 * The receiver: verifies each delivery over its raw body with `tessera.webhooks.verify` (the
 * official `standardwebhooks` library underneath), notes it once per `webhook-id` (delivery is
 * at least once), newest first.
 */
export class WebhookReceiver {
  readonly #tessera: Tessera;
  readonly #secret: string;
  readonly #heard: HeardDelivery[] = [];

  constructor(tessera: Tessera, secret: string) {
    this.#tessera = tessera;
    this.#secret = secret;
  }

  /** Answers the status the receiver should send: 204 taken in (or a repeat), 400 refused. */
  receive(rawBody: string, headers: Record<string, string>): number {
    const webhookId = headers['webhook-id'] ?? '';
    const received_at = new Date().toISOString();
    const raw = { body: rawBody, headers: { ...headers } };
    let type: string;
    try {
      type = this.#tessera.webhooks.verify(rawBody, headers, { secret: this.#secret }).type;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      this.#note({
        webhook_id: webhookId,
        type: typeOf(rawBody),
        verified: false,
        reason: error.reason,
        received_at,
        raw,
      });
      return 400;
    }
    if (!this.#heard.some((d) => d.verified && d.webhook_id === webhookId))
      this.#note({ webhook_id: webhookId, type, verified: true, received_at, raw });
    return 204;
  }

  /** Newest first. */
  heard(): readonly HeardDelivery[] {
    return this.#heard;
  }

  #note(delivery: HeardDelivery): void {
    this.#heard.unshift(delivery);
    this.#heard.length = Math.min(this.#heard.length, KEEP);
  }
}

/** The type a refused delivery claims, for the panel only: nothing acts on it. */
function typeOf(rawBody: string): string {
  try {
    const type = (JSON.parse(rawBody) as { type?: unknown }).type;
    return typeof type === 'string' ? type : 'unknown';
  } catch {
    return 'unknown';
  }
}
