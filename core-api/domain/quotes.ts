import { Quote, TesseraError, type QuoteAccept, type QuoteDecline } from '../../contracts/index.ts';
import type { CoreRepo } from '../store/types.ts';
import { checkVersion, type Actor } from './actor.ts';

/** A quote as the API shows it: an open quote past `valid_until` is expired, stored or not. */
export function presentQuote(quote: Quote, now: Date): Quote {
  return quote.status === 'open' && new Date(quote.valid_until) <= now
    ? { ...quote, status: 'expired' }
    : quote;
}

/** The actor's own quote, or 404 whether it does not exist or belongs to someone else. */
export async function ownQuote(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  forUpdate = false,
): Promise<Quote> {
  // Filtered by account in the query: another account's quote and an unknown id miss alike.
  const quote = await repo.getQuote(id, { forUpdate, accountId: actor.accountId });
  if (!quote) throw new TesseraError('not_found', `No quote ${id}.`);
  return quote;
}

async function decide(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  ifMatch: number | undefined,
  change: (quote: Quote) => Quote,
): Promise<Quote> {
  const stored = await ownQuote(repo, actor, id, true);
  checkVersion(stored.version, ifMatch);
  const current = presentQuote(stored, actor.now);
  if (current.status === 'expired')
    throw new TesseraError(
      'quote_expired',
      `Quote ${stored.number} expired on ${stored.valid_until}.`,
      { status: 'expired', valid_until: stored.valid_until },
    );
  if (current.status !== 'open')
    throw new TesseraError('quote_not_open', `Quote ${stored.number} is ${current.status}.`, {
      status: current.status,
    });
  const next = Quote.parse({ ...change(stored), version: stored.version + 1 });
  await repo.updateQuote(next);
  return next;
}

export async function acceptQuote(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  input: QuoteAccept,
  ifMatch?: number,
): Promise<Quote> {
  const quote = await decide(repo, actor, id, ifMatch, (q) => ({
    ...q,
    status: 'accepted',
    accepted_at: actor.now.toISOString(),
    accepted_by: { name: input.signer_name, email: input.signer_email },
  }));
  await repo.appendEvent(actor.event('quote.accepted', quote));
  return quote;
}

export async function declineQuote(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  input: QuoteDecline,
  ifMatch?: number,
): Promise<Quote> {
  const quote = await decide(repo, actor, id, ifMatch, (q) => ({
    ...q,
    status: 'declined',
    declined_at: actor.now.toISOString(),
    ...(input.reason ? { decline_reason: input.reason } : {}),
  }));
  await repo.appendEvent(actor.event('quote.declined', quote));
  return quote;
}
