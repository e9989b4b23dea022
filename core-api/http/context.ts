import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod/mini';
import { TesseraError, type RateLimit } from '../../contracts/index.ts';
import type { CommonVariables, HttpMetrics } from '../../service-kit/http/instrument.ts';
import { pathId } from '../../service-kit/http/params.ts';
import type { Logger } from '../../service-kit/log.ts';
import type { PartnerRateLimiter } from '../../service-kit/rate-limit.ts';
import type {
  PartnerTokenVariables,
  PartnerVerifier,
  TokenVariables,
  Verifier,
} from '../../verify/index.ts';
import type { Actor } from '../domain/actor.ts';
import type { CoreStore } from '../store/types.ts';
import type { WebhookDeps } from '../webhooks/endpoints.ts';
import type { Mutate } from './idempotency.ts';
import { etag } from './preconditions.ts';

export interface CoreAppDeps {
  store: CoreStore;
  verifier: Verifier;
  /** Partner tokens (`POST /oauth/token`) for the partner API; shares the widget verifier's keys. */
  partnerVerifier: PartnerVerifier;
  limiter: PartnerRateLimiter;
  /** Per partner and end customer: one customer's widget cannot starve the partner's others. */
  subjectRateLimit: RateLimit;
  /** Per partner, for its backend's calls to the partner API. */
  partnerRateLimit: RateLimit;
  metrics: HttpMetrics;
  log: Logger;
  now?: () => Date;
  /** How long `Tessera-Simulate: slow` waits. */
  slowMs?: number;
  /**
   * The store and the key-encryption key that seals signing secrets, for the webhook-endpoint
   * routes; without it those routes fail (an app built for a test that never calls them).
   */
  webhooks?: WebhookDeps;
}

export type CoreEnv = {
  Variables: CommonVariables & TokenVariables & PartnerTokenVariables & { linked?: boolean };
};
export type CoreContext = Context<CoreEnv>;
export type RouteHandler = (c: CoreContext) => Response | Promise<Response>;

/** What every route module gets: the dependencies and the request helpers they share. */
export interface RouteKit {
  deps: CoreAppDeps;
  /**
   * Who acts: the verified token's partner and account, the request's ids, the clock. Behind a
   * partner token `accountId` is empty: the partner acts for each of its linked accounts, and
   * the partner API's domain functions name the account they act on.
   */
  actorOf: (c: CoreContext) => Actor;
  mutate: Mutate<CoreContext>;
}

/** The `:id` path parameter; one that cannot be an id of ours is as absent as an unknown one. */
export const id = (c: Context): string =>
  pathId(c, () => new TesseraError('not_found', 'Nothing here for this token.'));

/** Validates an answer against its contracts schema: a bug here must not reach a widget as data. */
export function send<S extends z.ZodMiniType>(
  c: Context,
  schema: S,
  body: z.infer<S>,
  status: ContentfulStatusCode = 200,
): Response {
  const checked = schema.safeParse(body);
  if (!checked.success)
    throw new Error(
      `response does not match its contract: ${JSON.stringify(checked.error.issues).slice(0, 500)}`,
    );
  const version = (checked.data as { version?: unknown }).version;
  if (typeof version === 'number') c.header('ETag', etag(version));
  return c.json(checked.data as object, status);
}
