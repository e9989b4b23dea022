import type * as z from 'zod/mini';
import type { DomainEvent } from '../contracts/index.ts';
import {
  EventPage,
  PartnerAccount,
  PartnerAccountPage,
  Quote,
  TokenRequest,
  TokenResponse,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
  WebhookReplayQueued,
  WebhookTestSent,
  type DomainEventType,
  type PartnerAccountUpsert,
  type PartnerQuoteCreate,
  type PartnerScope,
  type Scope,
  type SubscribableEventType,
  type WebhookEndpointCreate,
  versionEtag,
  type WebhookEndpointUpdate,
} from '../contracts/index.ts';
import { TesseraApiError } from './errors.ts';
import { PageIterable } from './pages.ts';
import { PartnerTokenSource } from './partner-token.ts';
import { Transport, type FetchLike, type Method, type RetryMode } from './transport.ts';
import {
  verifyWebhook,
  type RawBody,
  type VerifiedWebhook,
  type VerifyOptions,
  type WebhookHeaders,
} from './webhooks.ts';

export interface TesseraOptions {
  /** The partner's secret key (`tsk_test_…`, `tsk_live_…`): server-side only, never in a page. */
  secretKey: string;
  /**
   * The partner id (`ptn_…`), the OAuth `client_id` of the partner API. A secret key does not
   * contain it, so the partner API needs it; minting widget tokens does not.
   */
  partnerId?: string | undefined;
  /** The token service's base URL. */
  tokenServiceUrl: string;
  /** The core API's base URL. */
  apiUrl: string;
  /** The endpoint's `whsec_…` secret for `webhooks.verify`, when not given per call. */
  webhookSecret?: string | undefined;
  /** The partner scopes asked for with the partner token; every partner scope by default. */
  scopes?: readonly PartnerScope[] | undefined;
  /** A Fetch API function: `globalThis.fetch` by default; the test kit's fake in unit tests. */
  fetch?: FetchLike | undefined;
  /** Further attempts after a failed one that may be repeated (default 3). */
  maxRetries?: number | undefined;
  /** Per attempt, in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
}

export interface WidgetTokenCreate {
  /** The account (`acct_…`) the token acts for. */
  subject: string;
  scopes: Scope[];
  /** The page's origin, exactly as the browser sends `Origin`. */
  origin: string;
  /** The widget's DPoP key thumbprint, when the widget asked for a sender-constrained token. */
  dpopJkt?: string | undefined;
  ttlSeconds?: number | undefined;
  /** The widget's session id, recorded with the token for correlation. */
  sessionId?: string | undefined;
}

export interface MutationOptions {
  /** One per logical operation; generated when absent. Retries always resend the same key. */
  idempotencyKey?: string | undefined;
}

export interface UpdateOptions extends MutationOptions {
  /** The `ETag` (or version) read before, to refuse the change if someone changed it since. */
  ifMatch?: string | number | undefined;
}

export interface ListOptions {
  after?: number | undefined;
  limit?: number | undefined;
}

export interface EventListOptions extends ListOptions {
  types?: readonly DomainEventType[] | undefined;
  /** Called with each event's cursor once the loop has handled it: persist it to resume there. */
  onCheckpoint?: ((cursor: number) => void | Promise<void>) | undefined;
}

const etagOf = (value: string | number) => (typeof value === 'number' ? versionEtag(value) : value);

/** The response header that names the event a mutation wrote to the feed. */
const EVENT_ID_HEADER = 'tessera-event-id';

/**
 * What a mutation answers: the resource (or answer) the API sent, and `eventId`, the id of the
 * event the change wrote to the feed (`account.updated` for an upsert that changed the account),
 * the same id the webhook's `webhook-id` and the feed's `event.id` carry. `undefined` when the
 * call wrote no event: a create, a quote, an upsert that changed nothing, endpoint management.
 *
 * `eventId` is not enumerable, so the object still serialises, spreads and compares as the
 * contract's resource: `res.json(account)` sends no `eventId`, and `{ ...account }` drops it.
 */
export type MutationResult<T> = T & { readonly eventId: string | undefined };

/**
 * A partner backend's client: widget tokens with the secret key, the partner API with a cached
 * partner token, webhook verification. One instance per process is enough: it holds the token.
 */
export class Tessera {
  readonly widgetTokens: WidgetTokens;
  readonly accounts: Accounts;
  readonly quotes: Quotes;
  readonly events: Events;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly webhooks: Webhooks;

  constructor(options: TesseraOptions) {
    if (!options?.secretKey || !options.tokenServiceUrl || !options.apiUrl) {
      throw new TesseraApiError({
        code: 'configuration_invalid',
        message: 'new Tessera({ secretKey, tokenServiceUrl, apiUrl }) needs all three.',
      });
    }
    const transport = new Transport({
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      maxRetries: options.maxRetries ?? 3,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    const partnerId = options.partnerId;
    const token = partnerId
      ? new PartnerTokenSource({
          transport,
          tokenServiceUrl: options.tokenServiceUrl,
          partnerId,
          secretKey: options.secretKey,
          scopes: options.scopes,
        })
      : undefined;
    // One implementation behind both of `Api.call`'s signatures (reads, and mutations).
    const call = async (
      method: Method,
      path: string,
      init: CallInit<z.ZodMiniType | undefined>,
    ): Promise<unknown> => {
      if (!token) {
        throw new TesseraApiError({
          code: 'configuration_invalid',
          message: 'The partner API needs the partner id: new Tessera({ partnerId: "ptn_…", … }).',
        });
      }
      const headers: Record<string, string> = {};
      let retry: RetryMode = 'read';
      if (method !== 'GET') {
        retry = 'keyed';
        headers['idempotency-key'] = init.idempotencyKey ?? Transport.newIdempotencyKey();
      }
      if (init.ifMatch !== undefined) headers['if-match'] = etagOf(init.ifMatch);
      const url = new URL(path, options.apiUrl);
      for (const [name, value] of Object.entries(init.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, String(value));
      }
      const response = await transport.send({
        method,
        url: url.href,
        retry,
        headers,
        body: init.body,
        auth: token,
        schema: init.schema,
      });
      if (method === 'GET') return response.body;
      // A replayed answer (same idempotency key) carries the event id of the first one.
      return Object.defineProperty(response.body as object, 'eventId', {
        value: response.headers.get(EVENT_ID_HEADER) ?? undefined,
        enumerable: false,
      });
    };
    const api = { call } as Api;
    this.widgetTokens = new WidgetTokens(transport, options.tokenServiceUrl, options.secretKey);
    this.accounts = new Accounts(api);
    this.quotes = new Quotes(api);
    this.events = new Events(api);
    this.webhookEndpoints = new WebhookEndpoints(api);
    this.webhooks = new Webhooks(options.webhookSecret);
  }
}

interface CallInit<S extends z.ZodMiniType | undefined> {
  schema: S;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  idempotencyKey?: string | undefined;
  ifMatch?: string | number | undefined;
}

type Answer<S> = S extends z.ZodMiniType ? z.infer<S> : unknown;

interface Api {
  call<S extends z.ZodMiniType | undefined>(
    method: 'GET',
    path: string,
    init: CallInit<S>,
  ): Promise<Answer<S>>;
  call<S extends z.ZodMiniType>(
    method: Exclude<Method, 'GET'>,
    path: string,
    init: CallInit<S>,
  ): Promise<MutationResult<z.infer<S>>>;
}

const segment = (value: string) => encodeURIComponent(value);

export class WidgetTokens {
  readonly #transport: Transport;
  readonly #url: string;
  readonly #secretKey: string;

  constructor(transport: Transport, tokenServiceUrl: string, secretKey: string) {
    this.#transport = transport;
    this.#url = new URL('/v1/tokens', tokenServiceUrl).href;
    this.#secretKey = secretKey;
  }

  /** A widget token for one customer, one origin, a few scopes: hand the answer to the page. */
  async create(input: WidgetTokenCreate): Promise<TokenResponse> {
    const body = TokenRequest.safeParse({
      subject: input.subject,
      scopes: input.scopes,
      origin: input.origin,
      ttl_seconds: input.ttlSeconds,
      dpop_jkt: input.dpopJkt,
      correlation_id: input.sessionId,
    });
    if (!body.success) {
      throw new TesseraApiError({
        code: 'validation_failed',
        message: `widgetTokens.create: ${body.error.issues
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ')}`,
      });
    }
    const auth = { header: () => Promise.resolve(`Bearer ${this.#secretKey}`), expired() {} };
    const { body: answer } = await this.#transport.send({
      method: 'POST',
      url: this.#url,
      // Minting twice mints two tokens, each harmless: no key needed to repeat it.
      retry: 'harmless',
      body: body.data,
      auth,
      schema: TokenResponse,
    });
    return answer;
  }
}

export class Accounts {
  constructor(readonly api: Api) {}

  /**
   * Creates or updates the account the partner knows as `externalId`. Refused with
   * `account_duplicate` (details `{ account_id, external_id }`) when another external id of the
   * partner has the same billing email.
   */
  upsert(
    externalId: string,
    fields: PartnerAccountUpsert,
    options: UpdateOptions = {},
  ): Promise<MutationResult<PartnerAccount>> {
    return this.api.call('PUT', `/v1/partner/accounts/${segment(externalId)}`, {
      schema: PartnerAccount,
      body: fields,
      ...options,
    });
  }

  get(externalId: string): Promise<PartnerAccount> {
    return this.api.call('GET', `/v1/partner/accounts/${segment(externalId)}`, {
      schema: PartnerAccount,
    });
  }

  /** Await for one page, or `for await` over every account, oldest link first. */
  list(options: ListOptions = {}): PageIterable<PartnerAccount> {
    return new PageIterable({
      after: options.after,
      fetchPage: (after) =>
        this.api.call('GET', '/v1/partner/accounts', {
          schema: PartnerAccountPage,
          query: { after, limit: options.limit },
        }),
      cursorOf: (_account, page, index) =>
        index === page.data.length - 1 ? page.next_cursor : undefined,
    });
  }
}

export class Quotes {
  constructor(readonly api: Api) {}

  /** An open quote; totals are computed by the API (and checked, when sent). */
  create(input: PartnerQuoteCreate, options: MutationOptions = {}): Promise<MutationResult<Quote>> {
    return this.api.call('POST', '/v1/partner/quotes', { schema: Quote, body: input, ...options });
  }

  get(id: string): Promise<Quote> {
    return this.api.call('GET', `/v1/partner/quotes/${segment(id)}`, { schema: Quote });
  }

  /** Withdraws an open quote (it becomes `expired`). */
  void(id: string, options: UpdateOptions = {}): Promise<MutationResult<Quote>> {
    return this.api.call('POST', `/v1/partner/quotes/${segment(id)}/void`, {
      schema: Quote,
      ...options,
    });
  }
}

export class Events {
  constructor(readonly api: Api) {}

  /**
   * The partner-wide feed after `after`, oldest first: await it for one page, or `for await`
   * over every event until the feed is caught up. Each event carries its `cursor`; the returned
   * object's `checkpoint` (and `onCheckpoint`) give the cursor to resume from.
   */
  list(options: EventListOptions = {}): PageIterable<DomainEvent> {
    const types = options.types?.length ? options.types.join(',') : undefined;
    return new PageIterable({
      after: options.after,
      onCheckpoint: options.onCheckpoint,
      fetchPage: (after) =>
        this.api.call('GET', '/v1/partner/events', {
          schema: EventPage,
          query: { after, limit: options.limit, types },
        }),
      cursorOf: (event) => event.cursor,
    });
  }
}

export class WebhookEndpoints {
  constructor(readonly api: Api) {}

  /** The endpoint with its `whsec_…` secret: the only answer that shows it; store it then. */
  create(
    input: WebhookEndpointCreate,
    options: MutationOptions = {},
  ): Promise<MutationResult<WebhookEndpointWithSecret>> {
    return this.api.call('POST', '/v1/partner/webhook-endpoints', {
      schema: WebhookEndpointWithSecret,
      body: input,
      ...options,
    });
  }

  async list(): Promise<WebhookEndpoint[]> {
    const page = await this.api.call('GET', '/v1/partner/webhook-endpoints', {
      schema: WebhookEndpointList,
    });
    return page.data;
  }

  get(id: string): Promise<WebhookEndpoint> {
    return this.api.call('GET', `/v1/partner/webhook-endpoints/${segment(id)}`, {
      schema: WebhookEndpoint,
    });
  }

  /**
   * Changes url, event types, description or status (`enabled` | `paused`). Without `ifMatch`
   * the endpoint is read first and its current version sent: the last writer wins.
   */
  async update(
    id: string,
    patch: WebhookEndpointUpdate,
    options: UpdateOptions = {},
  ): Promise<MutationResult<WebhookEndpoint>> {
    const ifMatch = options.ifMatch ?? (await this.#version(id));
    return this.api.call('PATCH', `/v1/partner/webhook-endpoints/${segment(id)}`, {
      schema: WebhookEndpoint,
      body: patch,
      ...options,
      ifMatch,
    });
  }

  /** Deletes the endpoint; answers it as it was. `ifMatch` refuses it if it changed since. */
  delete(id: string, options: UpdateOptions = {}): Promise<MutationResult<WebhookEndpoint>> {
    return this.api.call('DELETE', `/v1/partner/webhook-endpoints/${segment(id)}`, {
      schema: WebhookEndpoint,
      ...options,
    });
  }

  /** A new secret; the old one keeps signing beside it for 24 hours. */
  rotateSecret(
    id: string,
    options: MutationOptions = {},
  ): Promise<MutationResult<WebhookEndpointWithSecret>> {
    return this.api.call('POST', `/v1/partner/webhook-endpoints/${segment(id)}/rotate-secret`, {
      schema: WebhookEndpointWithSecret,
      ...options,
    });
  }

  /** Queues a `webhook.test` delivery to the endpoint. */
  test(id: string, options: MutationOptions = {}): Promise<MutationResult<WebhookTestSent>> {
    return this.api.call('POST', `/v1/partner/webhook-endpoints/${segment(id)}/test`, {
      schema: WebhookTestSent,
      ...options,
    });
  }

  /**
   * Sends again every subscribed event after `after`: an event id, or a feed cursor as a string
   * (`'0'`: from the beginning).
   */
  replay(
    id: string,
    input: { after: string },
    options: MutationOptions = {},
  ): Promise<MutationResult<WebhookReplayQueued>> {
    return this.api.call('POST', `/v1/partner/webhook-endpoints/${segment(id)}/replay`, {
      schema: WebhookReplayQueued,
      body: input,
      ...options,
    });
  }

  /** Every attempt to deliver to the endpoint, newest first; `after: next_cursor` pages back. */
  deliveries(id: string, options: ListOptions = {}): Promise<WebhookDeliveryPage> {
    return this.api.call('GET', `/v1/partner/webhook-endpoints/${segment(id)}/deliveries`, {
      schema: WebhookDeliveryPage,
      query: { after: options.after, limit: options.limit },
    });
  }

  async #version(id: string): Promise<number> {
    return (await this.get(id)).version;
  }
}

export class Webhooks {
  readonly #secret: string | undefined;
  constructor(secret: string | undefined) {
    this.#secret = secret;
  }

  /**
   * The delivery's event, once its signature, timestamp and form check out; otherwise a
   * `WebhookVerificationError` whose `reason` says which check failed.
   */
  verify(rawBody: RawBody, headers: WebhookHeaders, options: VerifyOptions = {}): VerifiedWebhook {
    const secret = options.secret ?? this.#secret;
    if (!secret) {
      throw new TesseraApiError({
        code: 'configuration_invalid',
        message:
          'webhooks.verify needs the endpoint secret: { secret } or new Tessera({ webhookSecret }).',
      });
    }
    return verifyWebhook(rawBody, headers, { ...options, secret });
  }
}

export type { DomainEvent, DomainEventType, SubscribableEventType };
