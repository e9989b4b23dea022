import type * as z from 'zod/mini';
import {
  EventPage,
  ExternalId,
  PartnerAccount,
  PartnerAccountPage,
  PartnerAccountsQuery,
  PartnerAccountUpsert,
  PartnerEventsQuery,
  PartnerQuoteCreate,
  Quote,
  TesseraError,
  checkInput,
  parseEventTypes,
} from '../../../contracts/index.ts';
import { readJson } from '../../../service-kit/http/body.ts';
import {
  getPartnerAccount,
  listPartnerAccounts,
  upsertPartnerAccount,
} from '../../domain/partner-accounts.ts';
import {
  createPartnerQuote,
  getPartnerQuote,
  voidPartnerQuote,
} from '../../domain/partner-quotes.ts';
import { id, send, type CoreContext, type RouteHandler, type RouteKit } from '../context.ts';
import { ifMatch } from '../preconditions.ts';
import { readOptionalEmptyBody } from './onboarding.ts';

/**
 * The `:external_id` path parameter. The partner chose it, so a malformed one is a mistake to
 * name (`400`), not an id of ours whose existence a `404` must hide.
 */
function externalId(c: CoreContext): string {
  const value = c.req.param('external_id') ?? '';
  const checked = ExternalId.safeParse(value);
  if (!checked.success)
    throw new TesseraError('validation_failed', 'Invalid path parameter: external_id.', {
      fields: [
        { path: 'external_id', code: 'invalid_format', message: checked.error.issues[0]!.message },
      ],
    });
  return value;
}

function query<S extends z.ZodMiniType>(c: CoreContext, schema: S): z.infer<S> {
  const parsed = checkInput(schema, c.req.query());
  if (!parsed.success)
    throw new TesseraError('validation_failed', 'Invalid query parameters.', {
      fields: parsed.fields,
    });
  return parsed.data;
}

export function partnerRoutes({ deps, actorOf, mutate }: RouteKit) {
  return {
    upsertPartnerAccount: async (c) => {
      const key = externalId(c);
      const body = await readJson(c, PartnerAccountUpsert);
      const version = ifMatch(c, false);
      return mutate(c, async (repo, who) => {
        const { created, account } = await upsertPartnerAccount(repo, who, key, body, version);
        return { status: created ? 201 : 200, schema: PartnerAccount, body: account };
      });
    },
    getPartnerAccount: async (c) =>
      send(
        c,
        PartnerAccount,
        await getPartnerAccount(deps.store, actorOf(c).partnerId, externalId(c)),
      ),
    listPartnerAccounts: async (c) => {
      const { after, limit } = query(c, PartnerAccountsQuery);
      return send(
        c,
        PartnerAccountPage,
        await listPartnerAccounts(
          deps.store,
          actorOf(c).partnerId,
          Number(after ?? 0),
          Number(limit ?? 50),
        ),
      );
    },
    createPartnerQuote: async (c) => {
      const body = await readJson(c, PartnerQuoteCreate);
      return mutate(c, async (repo, who) => ({
        status: 201,
        schema: Quote,
        body: await createPartnerQuote(repo, who, body),
      }));
    },
    getPartnerQuote: async (c) =>
      send(c, Quote, await getPartnerQuote(deps.store, actorOf(c), id(c))),
    voidPartnerQuote: async (c) => {
      await readOptionalEmptyBody(c);
      const version = ifMatch(c, false);
      return mutate(c, async (repo, who) => ({
        status: 200,
        schema: Quote,
        body: await voidPartnerQuote(repo, who, id(c), version),
      }));
    },
    listPartnerEvents: async (c) => {
      const parsed = query(c, PartnerEventsQuery);
      const after = Number(parsed.after ?? 0);
      const limit = Number(parsed.limit ?? 50);
      const events = await deps.store.listEvents(
        actorOf(c).partnerId,
        after,
        limit + 1,
        undefined,
        parseEventTypes(parsed.types),
      );
      const page = events.slice(0, limit);
      return send(c, EventPage, {
        data: page,
        next_cursor: page.at(-1)?.cursor ?? after,
        has_more: events.length > limit,
      });
    },
  } satisfies Record<string, RouteHandler>;
}
