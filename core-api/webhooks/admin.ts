import type { Hono } from 'hono';
import * as z from 'zod/mini';
import {
  TesseraError,
  WebhookDeliveriesQuery,
  WebhookEndpoint,
  WebhookEndpointId,
  WebhookReplay,
  type WebhookDeliveryPage,
  type WebhookReplayQueued,
} from '../../contracts/index.ts';
import { readJson } from '../../service-kit/http/body.ts';
import type { CommonVariables } from '../../service-kit/http/instrument.ts';
import type { CoreStore, WebhookEndpointRow } from '../store/types.ts';
import {
  listWebhookDeliveries,
  replayWebhookEvents,
  toWebhookEndpoint,
  updateWebhookEndpoint,
  type WebhookPartner,
} from './endpoints.ts';

/**
 * What the deployment's operators do to any partner's endpoints (`tessera webhooks …`): the
 * same domain functions the partner API calls, acting as the endpoint's own partner. Reached
 * directly on the store, or through the running core API's admin routes when it holds the
 * embedded database.
 */

/** One line of `tessera webhooks list`: the endpoint, its partner, and how far behind it is. */
export const OperatorWebhookEndpoint = z.extend(WebhookEndpoint, {
  mode: z.enum(['test', 'live']),
  /** Age of the oldest event not yet delivered, in seconds; null when nothing waits. */
  lag_seconds: z.nullable(z.number().check(z.minimum(0))),
  /** Events queued and not yet delivered (or given up). */
  pending: z.int().check(z.minimum(0)),
});
export type OperatorWebhookEndpoint = z.infer<typeof OperatorWebhookEndpoint>;
export const OperatorWebhookEndpointList = z.object({ data: z.array(OperatorWebhookEndpoint) });
export type OperatorWebhookEndpointList = z.infer<typeof OperatorWebhookEndpointList>;

export interface OperatorDeps {
  store: CoreStore;
}

async function endpointOf(deps: OperatorDeps, id: string): Promise<WebhookEndpointRow> {
  const row = WebhookEndpointId.safeParse(id).success
    ? await deps.store.findWebhookEndpoint(id)
    : null;
  if (!row)
    throw new TesseraError('not_found', `No webhook endpoint ${id} on this deployment.`, { id });
  return row;
}

const actingFor = (row: WebhookEndpointRow): WebhookPartner => ({
  partnerId: row.partner_id,
  mode: row.mode,
});

export async function operatorListEndpoints(
  deps: OperatorDeps,
): Promise<OperatorWebhookEndpointList> {
  const overview = await deps.store.webhookEndpointOverview();
  return OperatorWebhookEndpointList.parse({
    data: overview.map(({ endpoint, lag_seconds, pending }) => ({
      ...toWebhookEndpoint(endpoint),
      mode: endpoint.mode,
      lag_seconds,
      pending,
    })),
  });
}

export async function operatorDeliveries(
  deps: OperatorDeps,
  id: string,
  opts: { limit?: number; after?: number } = {},
): Promise<WebhookDeliveryPage> {
  const row = await endpointOf(deps, id);
  return listWebhookDeliveries(deps, actingFor(row), row.id, opts);
}

export async function operatorReplay(
  deps: OperatorDeps,
  id: string,
  after: string,
): Promise<WebhookReplayQueued> {
  const row = await endpointOf(deps, id);
  return replayWebhookEvents(deps, actingFor(row), row.id, { after });
}

/** Pause holds deliveries (events keep queueing); resume sends what was held. */
export async function operatorSetStatus(
  deps: OperatorDeps,
  id: string,
  status: 'paused' | 'enabled',
): Promise<WebhookEndpoint> {
  const row = await endpointOf(deps, id);
  return updateWebhookEndpoint(deps, actingFor(row), row.id, { status });
}

/**
 * `/webhooks…` on the core API's admin app (mounted at `/admin/v1`), behind the deployment's
 * admin credential; registered on that app so its error handling answers the refusals.
 */
export function webhookAdminRoutes(
  admin: Hono<{ Variables: CommonVariables }>,
  deps: OperatorDeps,
): void {
  admin.get('/webhooks', async (c) => c.json(await operatorListEndpoints(deps)));
  admin.get('/webhooks/:id/deliveries', async (c) => {
    const query = WebhookDeliveriesQuery.safeParse(c.req.query());
    if (!query.success)
      throw new TesseraError('validation_failed', 'Invalid query parameters: after, limit.');
    const { after, limit } = query.data;
    return c.json(
      await operatorDeliveries(deps, c.req.param('id'), {
        after: after === undefined ? undefined : Number(after),
        limit: limit === undefined ? undefined : Number(limit),
      }),
    );
  });
  admin.post('/webhooks/:id/replay', async (c) => {
    const { after } = await readJson(c, WebhookReplay);
    return c.json(await operatorReplay(deps, c.req.param('id'), after));
  });
  admin.post('/webhooks/:id/pause', async (c) =>
    c.json(await operatorSetStatus(deps, c.req.param('id'), 'paused')),
  );
  admin.post('/webhooks/:id/resume', async (c) =>
    c.json(await operatorSetStatus(deps, c.req.param('id'), 'enabled')),
  );
}
