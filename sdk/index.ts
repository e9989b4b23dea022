/**
 * `@tessera/node`: Tessera for a partner's Node backend. `new Tessera({ secretKey, partnerId,
 * tokenServiceUrl, apiUrl })` mints widget tokens, calls the partner API with a cached partner
 * token, retrying mutations only under their idempotency key, pages through the event feed with
 * checkpoints, and verifies webhooks. `@tessera/node/testing` fakes the services in memory.
 */
export {
  Tessera,
  type EventListOptions,
  type ListOptions,
  type MutationOptions,
  type MutationResult,
  type TesseraOptions,
  type UpdateOptions,
  type WidgetTokenCreate,
} from './client.ts';
export {
  TesseraApiError,
  WebhookVerificationError,
  isTesseraError,
  type TesseraErrorCode,
  type WebhookVerificationReason,
} from './errors.ts';
export { PageIterable, type Page } from './pages.ts';
export type { FetchLike } from './transport.ts';
export {
  MAX_TOLERANCE_SEC,
  type RawBody,
  type VerifiedWebhook,
  type VerifyOptions,
  type WebhookHeaders,
} from './webhooks.ts';
export type {
  DomainEvent,
  DomainEventType,
  PartnerAccount,
  PartnerAccountUpsert,
  PartnerQuoteCreate,
  Quote,
  TokenResponse,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '../contracts/index.ts';
