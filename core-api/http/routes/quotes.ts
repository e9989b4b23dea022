import { Quote, QuoteAccept, QuoteDecline } from '../../../contracts/index.ts';
import { readJson } from '../../../service-kit/http/body.ts';
import { acceptQuote, declineQuote, ownQuote, presentQuote } from '../../domain/quotes.ts';
import { id, send, type RouteHandler, type RouteKit } from '../context.ts';
import { ifMatch } from '../preconditions.ts';

export function quoteRoutes({ deps, actorOf, mutate }: RouteKit) {
  return {
    getQuote: async (c) => {
      const who = actorOf(c);
      return send(c, Quote, presentQuote(await ownQuote(deps.store, who, id(c)), who.now));
    },
    acceptQuote: async (c) => {
      const body = await readJson(c, QuoteAccept);
      const version = ifMatch(c, false);
      return mutate(c, async (repo, who) => ({
        status: 200,
        schema: Quote,
        body: await acceptQuote(repo, who, id(c), body, version),
      }));
    },
    declineQuote: async (c) => {
      const body = await readJson(c, QuoteDecline);
      const version = ifMatch(c, false);
      return mutate(c, async (repo, who) => ({
        status: 200,
        schema: Quote,
        body: await declineQuote(repo, who, id(c), body, version),
      }));
    },
  } satisfies Record<string, RouteHandler>;
}
