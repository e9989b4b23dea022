import type { HttpHandler } from 'msw';
import { fieldIssues, Quote, QuoteAccept, QuoteDecline } from '../../contracts/index.ts';
import { conflict, failure, respond, Sandbox, validationFailed, type Override } from './answers.ts';
import { ifMatch, readBody, route, type Handle } from './routes.ts';

export interface QuoteOverrides {
  load?: Override<Quote>;
  accept?: Override<Quote>;
  decline?: Override<Quote>;
}

/**
 * One quote as the reference core API keeps it (core-api/domain/quotes.ts): loaded, accepted or
 * declined once, versions and ETags, the same refusals; any other id is `404`.
 */
export function quoteApi(initial: Quote, overrides: QuoteOverrides = {}): HttpHandler[] {
  const sandbox = new Sandbox(initial);
  const path = '/v1/quotes/:id';
  const known = (params: Record<string, string>) => params.id === sandbox.value.id;

  const decide =
    (kind: 'accept' | 'decline'): Handle =>
    async (request, params) => {
      if (!known(params)) return failure('not_found');
      const quote = sandbox.value;
      const body = await readBody(request);
      const parsed =
        kind === 'accept' ? QuoteAccept.safeParse(body) : QuoteDecline.safeParse(body ?? {});
      if (!parsed.success) return validationFailed(fieldIssues(parsed.error.issues));
      const version = ifMatch(request);
      if (version !== undefined && version !== quote.version) return conflict(quote.version);
      if (quote.status === 'expired') return failure('quote_expired');
      if (quote.status !== 'open') return failure('quote_not_open');
      const now = new Date().toISOString();
      if (kind === 'accept') {
        const { signer_name, signer_email } = parsed.data as QuoteAccept;
        sandbox.value = {
          ...quote,
          status: 'accepted',
          accepted_at: now,
          accepted_by: { name: signer_name, email: signer_email },
          version: quote.version + 1,
        };
      } else {
        const { reason } = parsed.data as QuoteDecline;
        sandbox.value = {
          ...quote,
          status: 'declined',
          declined_at: now,
          ...(reason ? { decline_reason: reason } : {}),
          version: quote.version + 1,
        };
      }
      return respond(Quote, sandbox.value);
    };

  return [
    route(
      'get',
      path,
      (_request, params) => (known(params) ? respond(Quote, sandbox.value) : failure('not_found')),
      { answer: overrides.load, sandbox },
    ),
    route('post', `${path}/accept`, decide('accept'), { answer: overrides.accept, sandbox }),
    route('post', `${path}/decline`, decide('decline'), { answer: overrides.decline, sandbox }),
  ];
}
