import * as z from 'zod/mini';
import { AccountId, CurrencyCode, MinorUnits, Timestamp, Version, prefixedId } from './common.ts';

export const QuoteId = prefixedId('qt');
export const QUOTE_STATUSES = ['draft', 'open', 'accepted', 'declined', 'expired'] as const;
export const QuoteStatus = z.enum(QUOTE_STATUSES);
export type QuoteStatus = z.infer<typeof QuoteStatus>;

export const LineItem = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  description: z.string().check(z.minLength(1), z.maxLength(500)),
  quantity: z.int().check(z.minimum(1)),
  unit_amount: MinorUnits,
  amount: MinorUnits,
});
export type LineItem = z.infer<typeof LineItem>;

export const Quote = z.object({
  id: QuoteId,
  number: z.string().check(z.minLength(1), z.maxLength(40)),
  account_id: AccountId,
  status: QuoteStatus,
  currency: CurrencyCode,
  line_items: z.array(LineItem),
  subtotal: MinorUnits,
  tax: MinorUnits,
  total: MinorUnits,
  valid_until: Timestamp,
  accepted_at: z.optional(Timestamp),
  accepted_by: z.optional(z.object({ name: z.string(), email: z.email() })),
  declined_at: z.optional(Timestamp),
  decline_reason: z.optional(z.string().check(z.maxLength(1000))),
  version: Version,
});
export type Quote = z.infer<typeof Quote>;

export const QuoteAccept = z.strictObject({
  signer_name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  signer_email: z.email(),
  accept_terms: z.literal(true),
});
export type QuoteAccept = z.infer<typeof QuoteAccept>;

export const QuoteDecline = z.strictObject({
  reason: z.optional(z.string().check(z.maxLength(1000))),
});
export type QuoteDecline = z.infer<typeof QuoteDecline>;
