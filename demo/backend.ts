import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * The demo shop's backend as a partner writes it: what it asks of Tessera's partner API, and the
 * webhook receiver that hears what its customers did. Written over plain `fetch` behind these few
 * functions, so moving it onto `@tessera/node` (`tessera.accounts.upsert`, `tessera.quotes.create`,
 * `tessera.webhookEndpoints.create`, `tessera.webhooks.verify`) changes this file alone.
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
  quote_id: string;
  webhook_endpoint_id: string;
  /** The endpoint's `whsec_…` secret: shown once by the API, kept only here. */
  webhook_secret: string;
}

/** One delivery the receiver took in, as the page's panel shows it. */
export interface HeardDelivery {
  webhook_id: string;
  type: string;
  verified: boolean;
  /** Why verification failed, when it did. */
  reason?: string;
  received_at: string;
}

async function partnerToken(options: PartnerApiOptions): Promise<string> {
  const response = await fetch(new URL('/oauth/token', options.tokenServiceUrl), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${options.partnerId}:${options.secretKey}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'partner:accounts partner:quotes partner:webhooks',
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token)
    throw new Error(`/oauth/token answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

async function call<T>(
  options: PartnerApiOptions,
  token: string,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(new URL(path, options.coreApiUrl), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * The shop's first start: its customer by the shop's own id, a quote for it, and a webhook
 * endpoint pointing at this backend's receiver (a test-mode partner may use loopback `http`).
 */
export async function setUpShop(
  options: PartnerApiOptions,
  receiverUrl: string,
): Promise<ShopBackendState> {
  const token = await partnerToken(options);
  const customer = 'shop-customer-1001';
  const account = await call<{ id: string }>(
    options,
    token,
    'PUT',
    `/v1/partner/accounts/${customer}`,
    {
      legal_name: 'Nordlicht Analytics GmbH',
      billing_email: 'billing@nordlicht-analytics.example',
      billing_address: {
        line1: 'Friedrichstraße 123',
        city: 'Berlin',
        postal_code: '10117',
        country: 'DE',
      },
      currency: 'EUR',
    },
  );
  const validUntil = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
  const quote = await call<{ id: string }>(options, token, 'POST', '/v1/partner/quotes', {
    external_id: customer,
    currency: 'EUR',
    line_items: [
      { description: 'Analytics platform, annual licence', quantity: 1, unit_amount: 1_200_000 },
      { description: 'Onboarding workshop (days)', quantity: 2, unit_amount: 150_000 },
    ],
    tax: 285_000,
    valid_until: validUntil,
  });
  const endpoint = await call<{ id: string; secret: string }>(
    options,
    token,
    'POST',
    '/v1/partner/webhook-endpoints',
    {
      url: receiverUrl,
      event_types: ['quote.accepted', 'quote.declined', 'onboarding.submitted', 'account.updated'],
      description: 'Demo shop backend',
    },
  );
  return {
    customer_external_id: customer,
    account_id: account.id,
    quote_id: quote.id,
    webhook_endpoint_id: endpoint.id,
    webhook_secret: endpoint.secret,
  };
}

/** How many deliveries the panel keeps: a demo, not an archive. */
const KEEP = 50;

/**
 * The receiver: verifies each delivery over its raw body with the official `standardwebhooks`
 * library, notes it once per `webhook-id` (delivery is at least once), newest first.
 */
export class WebhookReceiver {
  readonly #webhook: Webhook;
  readonly #heard: HeardDelivery[] = [];

  constructor(secret: string) {
    this.#webhook = new Webhook(secret);
  }

  /** Answers the status the receiver should send: 204 taken in (or a repeat), 400 refused. */
  receive(rawBody: string, headers: Record<string, string>): number {
    const webhookId = headers['webhook-id'] ?? '';
    let type = 'unknown';
    try {
      type = (this.#webhook.verify(rawBody, headers) as { type: string }).type;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      this.#note({
        webhook_id: webhookId,
        type,
        verified: false,
        reason: error.message,
        received_at: new Date().toISOString(),
      });
      return 400;
    }
    if (!this.#heard.some((d) => d.verified && d.webhook_id === webhookId))
      this.#note({
        webhook_id: webhookId,
        type,
        verified: true,
        received_at: new Date().toISOString(),
      });
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
