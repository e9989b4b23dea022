import {
  EventPage,
  EventsQuery,
  TesseraError,
  readableEventTypes,
} from '../../../contracts/index.ts';
import { send, type RouteHandler, type RouteKit } from '../context.ts';

export function eventRoutes({ deps, actorOf }: RouteKit) {
  return {
    listEvents: async (c) => {
      const query = EventsQuery.safeParse(c.req.query());
      if (!query.success)
        throw new TesseraError('validation_failed', 'Invalid query parameters.', {
          fields: query.error.issues.map((issue) => ({
            path: issue.path.join('.'),
            code: issue.code,
            message: issue.message,
          })),
        });
      const after = Number(query.data.after ?? 0);
      const limit = Number(query.data.limit ?? 50);
      const who = actorOf(c);
      // An event carries its whole resource: only the types the token's scopes can read.
      const types = readableEventTypes(c.get('token').scopes);
      const events = await deps.store.listEvents(
        who.partnerId,
        after,
        limit + 1,
        who.accountId,
        types,
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
