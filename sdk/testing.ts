/**
 * `@tessera/node/testing`: the token service and the partner API in memory, as a `fetch` to hand
 * to `new Tessera({ fetch })`, and a webhook signer, so a partner's backend is unit-tested with no
 * network. The fake checks requests and answers against the same v1 contracts as the services
 * and refuses with the same envelopes and codes; the SDK's own suite runs one scenario against
 * both, so the fake cannot drift from the real API.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type {
  DomainEvent,
  DomainEventType,
  PartnerAccount,
  Quote,
  WebhookEndpoint,
} from '../contracts/index.ts';
import { FakeServices, type FakeOptions } from './fake.ts';
import type { FetchLike } from './transport.ts';

export type { FakeOptions };

export interface FakeTessera {
  /** Pass to `new Tessera({ fetch })`; or spread `fake.options`. */
  readonly fetch: FetchLike;
  readonly partnerId: string;
  readonly secretKey: string;
  readonly tokenServiceUrl: string;
  readonly apiUrl: string;
  /** `{ secretKey, partnerId, tokenServiceUrl, apiUrl, fetch }` for `new Tessera(…)`. */
  readonly options: {
    secretKey: string;
    partnerId: string;
    tokenServiceUrl: string;
    apiUrl: string;
    fetch: FetchLike;
  };
  /** The partner's accounts, oldest first. */
  readonly accounts: PartnerAccount[];
  readonly quotes: Quote[];
  /** The partner-wide feed, oldest first. */
  readonly events: DomainEvent[];
  /** With each endpoint's current secret, to sign test deliveries with `signWebhook`. */
  readonly webhookEndpoints: (WebhookEndpoint & { secret: string })[];
  /** Every request the fake answered, in order: count token fetches, check retries. */
  readonly requests: { method: string; url: string; status: number }[];
  /** Appends an event to the feed, as a customer acting in a widget would cause. */
  emit(
    type: DomainEventType,
    data: Record<string, unknown>,
    options?: { accountId?: string },
  ): DomainEvent;
  /** Expires every partner token issued so far: the next partner-API call is `401 token_expired`. */
  expirePartnerTokens(): void;
}

export function createFakeTessera(options: FakeOptions = {}): FakeTessera {
  const services = new FakeServices(options);
  return {
    fetch: services.fetch,
    partnerId: services.partnerId,
    secretKey: services.secretKey,
    tokenServiceUrl: services.tokenServiceUrl,
    apiUrl: services.apiUrl,
    options: {
      secretKey: services.secretKey,
      partnerId: services.partnerId,
      tokenServiceUrl: services.tokenServiceUrl,
      apiUrl: services.apiUrl,
      fetch: services.fetch,
    },
    get accounts() {
      return services.accounts;
    },
    get quotes() {
      return services.quotes;
    },
    get events() {
      return services.events;
    },
    get webhookEndpoints() {
      return services.webhookEndpoints;
    },
    requests: services.requests,
    emit: (type, data, opts) => services.emit(type, data, opts),
    expirePartnerTokens: () => services.expirePartnerTokens(),
  };
}

export interface SignWebhookInput {
  /** The endpoint's `whsec_…` secret. */
  secret: string;
  /** The event id (`webhook-id`); generated when absent. */
  id?: string;
  /** When it was sent; now by default. Pass an old date to test the receiver's tolerance. */
  timestamp?: Date;
  /** The body: `{ type, timestamp, data }`, as Tessera sends it. */
  payload: { type: string; timestamp?: string; data: Record<string, unknown> };
}

/**
 * A delivery as Tessera sends it, signed by the official `standardwebhooks` library:
 * `{ body, headers }` to post to a receiver, or to pass to `tessera.webhooks.verify`.
 */
export function signWebhook(input: SignWebhookInput): {
  body: string;
  headers: Record<
    'webhook-id' | 'webhook-timestamp' | 'webhook-signature' | 'content-type',
    string
  >;
} {
  const id = input.id ?? `evt_${randomUUID().replace(/-/g, '')}`;
  const timestamp = input.timestamp ?? new Date();
  const body = JSON.stringify({
    type: input.payload.type,
    timestamp: input.payload.timestamp ?? timestamp.toISOString(),
    data: input.payload.data,
  });
  const signature = new Webhook(input.secret).sign(id, timestamp, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}
