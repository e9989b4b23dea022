import {
  Quote,
  TesseraError,
  priceQuote,
  quoteValidityIssues,
  type PartnerQuoteCreate,
} from '../../contracts/index.ts';
import { randomAlnum } from '../../service-kit/ids.ts';
import type { CoreRepo } from '../store/types.ts';
import { invalid } from './accounts.ts';
import { checkVersion, type Actor } from './actor.ts';
import { presentQuote } from './quotes.ts';
import { currencyIssues } from '../../contracts/v1/reference-data.ts';

/** The account a quote is for: one linked to the partner, by our id or the partner's. */
async function quotedAccount(
  repo: CoreRepo,
  partnerId: string,
  input: PartnerQuoteCreate,
): Promise<string> {
  if (input.external_id !== undefined) {
    const link = await repo.findPartnerAccount(partnerId, { externalId: input.external_id });
    if (!link)
      throw new TesseraError(
        'not_found',
        `You have no account with external_id ${input.external_id}.`,
      );
    return link.account_id;
  }
  const accountId = input.account_id!;
  if (!(await repo.isLinked(accountId, partnerId)))
    throw new TesseraError('not_found', `You have no account ${accountId}.`);
  return accountId;
}

/**
 * An open quote for one of the partner's accounts, version 1. Totals are the server's: sent ones
 * must agree. The number is the partner's, or the next of its `Q-000001` series free.
 */
export async function createPartnerQuote(
  repo: CoreRepo,
  actor: Actor,
  input: PartnerQuoteCreate,
): Promise<Quote> {
  const { lines, subtotal, total, issues } = priceQuote(input);
  issues.push(
    ...currencyIssues(input.currency, 'currency'),
    ...quoteValidityIssues(input.valid_until, actor.now),
  );
  if (issues.length > 0) throw invalid(issues);
  const accountId = await quotedAccount(repo, actor.partnerId, input);
  const id = `qt_${randomAlnum(16)}`;
  let number = input.number;
  if (number !== undefined) {
    if (!(await repo.claimQuoteNumber(actor.partnerId, number, id)))
      throw invalid([
        { path: 'number', code: 'already_used', message: 'another of your quotes has this number' },
      ]);
  } else {
    // A number the partner chose may sit in the series already: skip it.
    do number = `Q-${String(await repo.nextQuoteNumber(actor.partnerId)).padStart(6, '0')}`;
    while (!(await repo.claimQuoteNumber(actor.partnerId, number, id)));
  }
  const quote = Quote.parse({
    id,
    number,
    account_id: accountId,
    status: 'open',
    currency: input.currency,
    line_items: lines,
    subtotal,
    tax: input.tax,
    total,
    valid_until: new Date(input.valid_until).toISOString(),
    version: 1,
  });
  await repo.insertQuote(quote);
  return quote;
}

/** One of the partner's quotes (its accounts'), as the API shows it. */
export async function getPartnerQuote(repo: CoreRepo, actor: Actor, id: string): Promise<Quote> {
  const quote = await repo.getPartnerQuote(actor.partnerId, id);
  if (!quote) throw new TesseraError('not_found', `No quote ${id}.`);
  return presentQuote(quote, actor.now);
}

/**
 * Voids an open quote: it becomes `expired`, valid until now, so a widget showing it says when
 * it ended. An accepted or declined quote is `409 quote_not_open`; one already expired (voided,
 * or past `valid_until`) is `409 quote_expired`: voiding twice is a mistake the partner hears of,
 * while a retry under the same Idempotency-Key replays the first answer.
 */
export async function voidPartnerQuote(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  ifMatch: number | undefined,
): Promise<Quote> {
  const stored = await repo.getPartnerQuote(actor.partnerId, id, { forUpdate: true });
  if (!stored) throw new TesseraError('not_found', `No quote ${id}.`);
  checkVersion(stored.version, ifMatch);
  const current = presentQuote(stored, actor.now);
  if (current.status === 'expired')
    throw new TesseraError(
      'quote_expired',
      `Quote ${stored.number} expired on ${stored.valid_until}.`,
      {
        status: 'expired',
        valid_until: stored.valid_until,
      },
    );
  if (current.status !== 'open')
    throw new TesseraError('quote_not_open', `Quote ${stored.number} is ${current.status}.`, {
      status: current.status,
    });
  const voided = Quote.parse({
    ...stored,
    status: 'expired',
    valid_until: actor.now.toISOString(),
    version: stored.version + 1,
  });
  await repo.updateQuote(voided);
  return voided;
}
