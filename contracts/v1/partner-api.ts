import * as z from 'zod/mini';
import { Account, Address, PhoneE164 } from './account.ts';
import { AccountId, CurrencyCode, MinorUnits, Timestamp } from './common.ts';
import { DOMAIN_EVENT_TYPES } from './events.ts';
import { LineItem } from './quote.ts';

/**
 * The partner API's bodies and answers: what a partner's backend (a partner token from
 * `POST /oauth/token`) sends and reads. Routes, in contracts/v1/routes.ts:
 *
 * - `PUT  /v1/partner/accounts/:external_id`  `upsertPartnerAccount`  partner:accounts
 * - `GET  /v1/partner/accounts/:external_id`  `getPartnerAccount`     partner:accounts
 * - `GET  /v1/partner/accounts`               `listPartnerAccounts`   partner:accounts
 * - `POST /v1/partner/quotes`                 `createPartnerQuote`    partner:quotes
 * - `GET  /v1/partner/quotes/:id`             `getPartnerQuote`       partner:quotes
 * - `POST /v1/partner/quotes/:id/void`        `voidPartnerQuote`      partner:quotes
 * - `GET  /v1/partner/events`                 `listPartnerEvents`     partner:events
 */

/** The partner's own id for an account: 1–100 of `A–Z a–z 0–9 . _ : -`, unique per partner. */
export const ExternalId = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9._:-]{1,100}$/,
      'must be 1–100 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-"',
    ),
  );

/**
 * The form of a billing email the dedupe rule compares: surrounding white space removed, then
 * lower-cased as a whole (local part included). Nothing else: dots and `+tags` are kept.
 */
export function normaliseBillingEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** `PUT /v1/partner/accounts/:external_id`'s body: the account's editable fields, whole. */
export const PartnerAccountUpsert = z.strictObject({
  legal_name: Account.shape.legal_name,
  billing_email: Account.shape.billing_email,
  phone: z.optional(PhoneE164),
  billing_address: Address,
  tax_id: z.optional(z.string().check(z.minLength(2), z.maxLength(32))),
  currency: CurrencyCode,
});
export type PartnerAccountUpsert = z.infer<typeof PartnerAccountUpsert>;

/** An account as its partner sees it: the account and the partner's id for it. */
export const PartnerAccount = z.extend(Account, { external_id: ExternalId });
export type PartnerAccount = z.infer<typeof PartnerAccount>;

/** Feed-style cursors: a whole number; 0 (the default) is the beginning. */
const Cursor = z.optional(
  z.string().check(z.regex(/^\d{1,15}$/, 'must be a cursor from this list (a whole number)')),
);
const Limit = z.optional(z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be 1–100')));

/** `GET /v1/partner/accounts`' query, strings as they arrive. */
export const PartnerAccountsQuery = z.strictObject({ after: Cursor, limit: Limit });
export type PartnerAccountsQuery = z.infer<typeof PartnerAccountsQuery>;

/** A page of the partner's accounts, oldest link first; ask again with `after=next_cursor`. */
export const PartnerAccountPage = z.object({
  data: z.array(PartnerAccount),
  /** The cursor of the last account on the page, or `after` when the page is empty. */
  next_cursor: z.int().check(z.minimum(0)),
  has_more: z.boolean(),
});
export type PartnerAccountPage = z.infer<typeof PartnerAccountPage>;

/** A quote line as the partner sends it: `id` is generated when absent, `amount` checked when given. */
export const PartnerLineItem = z.strictObject({
  id: z.optional(LineItem.shape.id),
  description: LineItem.shape.description,
  quantity: z.int().check(z.minimum(1), z.maximum(1_000_000)),
  unit_amount: MinorUnits,
  /** `quantity × unit_amount`; when sent, it must be that. */
  amount: z.optional(MinorUnits),
});
export type PartnerLineItem = z.infer<typeof PartnerLineItem>;

export const MAX_QUOTE_LINE_ITEMS = 200;

/**
 * `POST /v1/partner/quotes`' body. The account by `account_id` or by the partner's
 * `external_id`, exactly one. Amounts in the currency's minor unit. `subtotal` and `total`, when
 * sent, must equal what the server computes (the sum of the lines; that plus `tax`).
 * `valid_until` must lie in the future, at most a year ahead (checked when the request arrives).
 */
export const PartnerQuoteCreate = z
  .strictObject({
    account_id: z.optional(AccountId),
    external_id: z.optional(ExternalId),
    /** Unique among the partner's quotes; generated (`Q-000001`, …) when absent. */
    number: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,39}$/,
            'must be 1–40 characters of A–Z, a–z, 0–9, ".", "_", ":", "/", "#" or "-", starting with a letter or digit',
          ),
        ),
    ),
    currency: CurrencyCode,
    line_items: z.array(PartnerLineItem).check(
      z.minLength(1),
      z.maxLength(MAX_QUOTE_LINE_ITEMS),
      z.refine((items) => {
        const ids = items.flatMap((item) => (item.id === undefined ? [] : [item.id]));
        return new Set(ids).size === ids.length;
      }, 'line item ids must not repeat'),
    ),
    tax: MinorUnits,
    subtotal: z.optional(MinorUnits),
    total: z.optional(MinorUnits),
    valid_until: Timestamp,
  })
  .check(
    z.refine((body) => (body.account_id === undefined) !== (body.external_id === undefined), {
      message: 'give exactly one of account_id and external_id',
      path: ['account_id'],
    }),
  );
export type PartnerQuoteCreate = z.infer<typeof PartnerQuoteCreate>;

/** `types`: a comma-separated list of domain event types, none repeated. */
const EventTypesList = z.optional(
  z.string().check(
    z.maxLength(200),
    z.refine(
      (value) =>
        value.split(',').every((type) => (DOMAIN_EVENT_TYPES as readonly string[]).includes(type)),
      `must be a comma-separated list of ${DOMAIN_EVENT_TYPES.join(', ')}`,
    ),
  ),
);

/** `GET /v1/partner/events`' query, strings as they arrive. */
export const PartnerEventsQuery = z.strictObject({
  after: z.optional(
    z.string().check(z.regex(/^\d{1,15}$/, 'must be a cursor from this feed (a whole number)')),
  ),
  limit: Limit,
  types: EventTypesList,
});
export type PartnerEventsQuery = z.infer<typeof PartnerEventsQuery>;

/** The event types a `types` query names, in the order given; all of them when absent. */
export function parseEventTypes(types: string | undefined): (typeof DOMAIN_EVENT_TYPES)[number][] {
  if (types === undefined) return [...DOMAIN_EVENT_TYPES];
  return [...new Set(types.split(','))].filter(
    (type): type is (typeof DOMAIN_EVENT_TYPES)[number] =>
      (DOMAIN_EVENT_TYPES as readonly string[]).includes(type),
  );
}
