import {
  TesseraError,
  WebhookDeliveriesQuery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointList,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookReplay,
  WebhookReplayQueued,
  WebhookTestSent,
} from '../../../contracts/index.ts';
import { readJson } from '../../../service-kit/http/body.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  replayWebhookEvents,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
  type WebhookDeps,
  type WebhookPartner,
} from '../../webhooks/endpoints.ts';
import { id, send, type CoreContext, type RouteHandler, type RouteKit } from '../context.ts';
import { ifMatch } from '../preconditions.ts';
import { readOptionalEmptyBody } from './onboarding.ts';

/**
 * The partner's webhook endpoints (`partner:webhooks`): the routes only read the request and
 * answer; core-api/webhooks/endpoints.ts decides. Mutations run inside the transaction their
 * `Idempotency-Key` commits with.
 */
export function webhookEndpointRoutes({ deps, mutate }: RouteKit) {
  const webhooks = (): WebhookDeps => {
    if (!deps.webhooks)
      throw new Error('the core API was started without its webhook dependencies');
    return deps.webhooks;
  };
  // The mode rides in the partner's token; a token without one is treated as live, the stricter.
  const partnerOf = (c: CoreContext): WebhookPartner => {
    const { partnerId, claims } = c.get('partnerToken');
    return { partnerId, mode: claims.tessera_mode === 'test' ? 'test' : 'live' };
  };

  return {
    createWebhookEndpoint: async (c) => {
      const body = await readJson(c, WebhookEndpointCreate);
      return mutate(c, async (repo) => ({
        status: 201,
        schema: WebhookEndpointWithSecret,
        body: await createWebhookEndpoint({ ...webhooks(), repo }, partnerOf(c), body),
      }));
    },
    listWebhookEndpoints: async (c) =>
      send(c, WebhookEndpointList, { data: await listWebhookEndpoints(webhooks(), partnerOf(c)) }),
    getWebhookEndpoint: async (c) =>
      send(c, WebhookEndpoint, await getWebhookEndpoint(webhooks(), partnerOf(c), id(c))),
    updateWebhookEndpoint: async (c) => {
      const version = ifMatch(c, true)!;
      const body = await readJson(c, WebhookEndpointUpdate);
      return mutate(c, async (repo) => ({
        status: 200,
        schema: WebhookEndpoint,
        body: await updateWebhookEndpoint(
          { ...webhooks(), repo },
          partnerOf(c),
          id(c),
          body,
          version,
        ),
      }));
    },
    deleteWebhookEndpoint: async (c) => {
      const version = ifMatch(c, false);
      return mutate(c, async (repo) => ({
        status: 200,
        schema: WebhookEndpoint,
        body: await deleteWebhookEndpoint({ ...webhooks(), repo }, partnerOf(c), id(c), version),
      }));
    },
    rotateWebhookSecret: async (c) => {
      await readOptionalEmptyBody(c);
      return mutate(c, async (repo) => ({
        status: 200,
        schema: WebhookEndpointWithSecret,
        body: await rotateWebhookSecret({ ...webhooks(), repo }, partnerOf(c), id(c)),
      }));
    },
    testWebhookEndpoint: async (c) => {
      await readOptionalEmptyBody(c);
      return mutate(c, async (repo) => ({
        status: 200,
        schema: WebhookTestSent,
        body: await sendTestWebhook({ ...webhooks(), repo }, partnerOf(c), id(c)),
      }));
    },
    replayWebhookEvents: async (c) => {
      const body = await readJson(c, WebhookReplay);
      return mutate(c, async (repo) => ({
        status: 200,
        schema: WebhookReplayQueued,
        body: await replayWebhookEvents({ ...webhooks(), repo }, partnerOf(c), id(c), body),
      }));
    },
    listWebhookDeliveries: async (c) => {
      const query = WebhookDeliveriesQuery.safeParse(c.req.query());
      if (!query.success)
        throw new TesseraError('validation_failed', 'Invalid query parameters.', {
          fields: query.error.issues.map((issue) => ({
            path: issue.path.join('.'),
            code: issue.code,
            message: issue.message,
          })),
        });
      const page = await listWebhookDeliveries(webhooks(), partnerOf(c), id(c), {
        limit: query.data.limit === undefined ? undefined : Number(query.data.limit),
        after: query.data.after === undefined ? undefined : Number(query.data.after),
      });
      return send(c, WebhookDeliveryPage, page);
    },
  } satisfies Record<string, RouteHandler>;
}
