import * as z from 'zod/mini';
import { EventPage, TesseraError } from '../../../contracts/index.ts';
import { send, type RouteHandler, type RouteKit } from '../context.ts';

const EventsQuery = z.strictObject({
  after: z.optional(
    z.string().check(z.regex(/^\d{1,15}$/, 'must be a cursor from this feed (a whole number)')),
  ),
  limit: z.optional(z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be 1–100'))),
});

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
      const events = await deps.store.listEvents(who.partnerId, after, limit + 1, who.accountId);
      const page = events.slice(0, limit);
      return send(c, EventPage, {
        data: page,
        next_cursor: page.at(-1)?.cursor ?? after,
        has_more: events.length > limit,
      });
    },
  } satisfies Record<string, RouteHandler>;
}
