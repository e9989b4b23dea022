import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import {
  TesseraError,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookReplay,
  checkInput,
} from '../../contracts/index.ts';
import type { Kek } from '../../service-kit/kek.ts';
import { randomAlnum } from '../../service-kit/ids.ts';
import { checkVersion } from '../domain/actor.ts';
import type { CoreRepo, CoreStore, WebhookEndpointRow } from '../store/types.ts';
import { urlRefusal } from './address-guard.ts';
import { currentAsPrevious, sealSecret } from './secrets.ts';
import { newWebhookSecret } from './signing.ts';

/**
 * The webhook endpoints a partner manages: what the partner API's routes call, each with the
 * partner the token names and its mode. Inputs are checked against the contracts here too, so
 * any caller (routes, CLI) gets the same catalogued refusals.
 */

export interface WebhookDeps {
  store: CoreStore;
  kek: Kek;
  /**
   * A transaction the caller holds: every read and write joins it instead of opening its own.
   * The partner API's mutations pass the one their idempotency key commits with, so the change
   * and the stored answer are one.
   */
  repo?: CoreRepo;
}

export interface WebhookPartner {
  partnerId: string;
  /** From the partner's token: live endpoints must be public https. */
  mode: 'test' | 'live';
  now?: Date;
}

/** How long the old secret keeps signing beside the new one after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;
export const MAX_DELIVERIES_PAGE = 100;

function within<T>(deps: WebhookDeps, fn: (repo: CoreRepo) => Promise<T>): Promise<T> {
  return deps.repo ? fn(deps.repo) : deps.store.transaction(fn);
}

function parse<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const parsed = checkInput(schema, input);
  if (parsed.success) return parsed.data;
  const names = parsed.fields.map((field) => field.path || '(body)').join(', ');
  throw new TesseraError(
    'validation_failed',
    `Invalid field${parsed.fields.length > 1 ? 's' : ''}: ${names}.`,
    { fields: parsed.fields },
  );
}

function checkUrl(url: string, mode: 'test' | 'live'): void {
  const refusal = urlRefusal(new URL(url), mode);
  if (refusal)
    throw new TesseraError('validation_failed', `Invalid field: url (${refusal}).`, {
      fields: [{ path: 'url', code: 'url_not_allowed', message: refusal }],
    });
}

/** The public shape: mode and sealed secrets stay inside. */
export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return WebhookEndpoint.parse({
    id: row.id,
    partner_id: row.partner_id,
    url: row.url,
    event_types: row.event_types,
    description: row.description,
    status: row.status,
    failing_since: row.failing_since,
    previous_secret_expires_at: row.previous_secret_expires_at,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

async function owned(
  repo: CoreRepo,
  who: WebhookPartner,
  id: string,
  forUpdate = false,
): Promise<WebhookEndpointRow> {
  const row = await repo.getWebhookEndpoint(who.partnerId, id, { forUpdate });
  // Another partner's endpoint reads exactly like one that does not exist.
  if (!row) throw new TesseraError('not_found', `No webhook endpoint ${id}.`);
  return row;
}

/** Creates the endpoint; the answer carries its signing secret, shown this once. */
export async function createWebhookEndpoint(
  deps: WebhookDeps,
  who: WebhookPartner,
  input: WebhookEndpointCreate,
): Promise<WebhookEndpointWithSecret> {
  const body = parse(WebhookEndpointCreate, input);
  checkUrl(body.url, who.mode);
  const now = (who.now ?? new Date()).toISOString();
  const id = `we_${randomAlnum(24)}`;
  const secret = newWebhookSecret();
  const row: WebhookEndpointRow = {
    id,
    partner_id: who.partnerId,
    mode: who.mode,
    url: body.url,
    event_types: body.event_types,
    description: body.description,
    status: 'enabled',
    secret_sealed: sealSecret(deps.kek, id, 'current', secret),
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    failing_since: null,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await within(deps, (repo) => repo.insertWebhookEndpoint(row));
  return WebhookEndpointWithSecret.parse({ ...toWebhookEndpoint(row), secret });
}

export async function listWebhookEndpoints(
  deps: WebhookDeps,
  who: WebhookPartner,
): Promise<WebhookEndpoint[]> {
  return (await (deps.repo ?? deps.store).listWebhookEndpoints(who.partnerId)).map(
    toWebhookEndpoint,
  );
}

export async function getWebhookEndpoint(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
): Promise<WebhookEndpoint> {
  return toWebhookEndpoint(await owned(deps.repo ?? deps.store, who, id));
}

/**
 * `status: enabled` also re-enables an endpoint a 410 disabled, and clears nothing else.
 * `ifMatch`: the version the caller read; another one is `412 version_conflict`.
 */
export async function updateWebhookEndpoint(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
  input: WebhookEndpointUpdate,
  ifMatch?: number,
): Promise<WebhookEndpoint> {
  const patch = parse(WebhookEndpointUpdate, input);
  if (patch.url !== undefined) checkUrl(patch.url, who.mode);
  return within(deps, async (repo) => {
    const row = await owned(repo, who, id, true);
    checkVersion(row.version, ifMatch);
    const next: WebhookEndpointRow = {
      ...row,
      url: patch.url ?? row.url,
      event_types: patch.event_types ?? row.event_types,
      description: patch.description ?? row.description,
      status: patch.status ?? row.status,
      version: row.version + 1,
      updated_at: (who.now ?? new Date()).toISOString(),
    };
    await repo.updateWebhookEndpoint(next);
    return toWebhookEndpoint(next);
  });
}

/** Removes the endpoint with its queue and history; answers it as it was. */
export async function deleteWebhookEndpoint(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
  ifMatch?: number,
): Promise<WebhookEndpoint> {
  return within(deps, async (repo) => {
    const row = await owned(repo, who, id, true);
    checkVersion(row.version, ifMatch);
    await repo.deleteWebhookEndpoint(who.partnerId, id);
    return toWebhookEndpoint(row);
  });
}

/**
 * A new secret, answered once. The old one keeps signing beside it for 24 hours (two `v1,`
 * signatures in one header), so receivers can switch without losing a delivery. Rotating again
 * within the overlap retires the older secret at once: only the last two ever sign.
 */
export async function rotateWebhookSecret(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
): Promise<WebhookEndpointWithSecret> {
  const now = who.now ?? new Date();
  const secret = newWebhookSecret();
  return within(deps, async (repo) => {
    const row = await owned(repo, who, id, true);
    const next: WebhookEndpointRow = {
      ...row,
      version: row.version + 1,
      previous_secret_sealed: currentAsPrevious(deps.kek, row),
      previous_secret_expires_at: new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString(),
      secret_sealed: sealSecret(deps.kek, row.id, 'current', secret),
      updated_at: now.toISOString(),
    };
    await repo.updateWebhookEndpoint(next);
    return WebhookEndpointWithSecret.parse({ ...toWebhookEndpoint(next), secret });
  });
}

/** Queues a `webhook.test` event for this endpoint alone; it is not in the event feed. */
export async function sendTestWebhook(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
): Promise<{ event_id: string }> {
  return within(deps, async (repo) => {
    const row = await owned(repo, who, id);
    const event = {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    type: 'webhook.test' as const,
    data: {
      endpoint_id: row.id,
      message: 'A test event: your endpoint receives Tessera webhooks.',
    },
    created_at: (who.now ?? new Date()).toISOString(),
    };
    await repo.enqueueWebhookEvent(row.id, event);
    return { event_id: event.id };
  });
}

/**
 * Sends again every event of the endpoint's types after `after`: an event id from a delivery
 * or the feed, or a feed cursor (`"0"`: from the beginning). Events delivered before are sent
 * again under the same `webhook-id`, so a receiver that deduplicates ignores what it has.
 */
export async function replayWebhookEvents(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
  input: { after: string },
): Promise<{ queued: number }> {
  const { after } = parse(WebhookReplay, input);
  return within(deps, async (repo) => {
    const row = await owned(repo, who, id);
    let cursor: number;
    if (/^\d{1,15}$/.test(after)) cursor = Number(after);
    else {
      const event = await repo.getEvent(who.partnerId, after);
      if (!event) throw new TesseraError('not_found', `No event ${after}.`);
      cursor = event.cursor;
    }
    return { queued: await repo.replayWebhookEvents(row.id, cursor) };
  });
}

/** Every attempt, newest first; `after` (a page's `next_cursor`) pages on to older ones. */
export async function listWebhookDeliveries(
  deps: WebhookDeps,
  who: WebhookPartner,
  id: string,
  opts: { limit?: number; after?: number } = {},
): Promise<WebhookDeliveryPage> {
  const store = deps.repo ?? deps.store;
  const row = await owned(store, who, id);
  const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? 50)), MAX_DELIVERIES_PAGE);
  const attempts = await store.listWebhookAttempts(row.id, limit + 1, opts.after);
  const page = attempts.slice(0, limit);
  return WebhookDeliveryPage.parse({
    data: page.map(({ seq, ...attempt }) => ({ cursor: seq, ...attempt })),
    next_cursor: page.at(-1)?.seq ?? null,
    has_more: attempts.length > limit,
  });
}
