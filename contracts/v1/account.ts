import * as z from 'zod/mini';
import { AccountId, CountryCode, CurrencyCode, RegionCode, Timestamp, Version } from './common.ts';

export const Address = z.object({
  line1: z.string().check(z.minLength(1), z.maxLength(200)),
  line2: z.optional(z.string().check(z.maxLength(200))),
  city: z.string().check(z.minLength(1), z.maxLength(100)),
  region: z.optional(RegionCode),
  postal_code: z.string().check(z.minLength(1), z.maxLength(20)),
  country: CountryCode,
});
export type Address = z.infer<typeof Address>;

/** E.164: a plus, a country code, at most 15 digits in all. */
export const PhoneE164 = z
  .string()
  .check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550123'));

export const Account = z.object({
  id: AccountId,
  legal_name: z.string().check(z.minLength(1), z.maxLength(200)),
  billing_email: z.email(),
  phone: z.optional(PhoneE164),
  billing_address: Address,
  tax_id: z.optional(z.string().check(z.minLength(2), z.maxLength(32))),
  currency: CurrencyCode,
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Account = z.infer<typeof Account>;

/** What `PATCH /v1/accounts/:id` accepts: the editable fields, each optional. */
export const AccountUpdate = z.strictObject({
  legal_name: z.optional(Account.shape.legal_name),
  billing_email: z.optional(Account.shape.billing_email),
  phone: z.optional(PhoneE164),
  billing_address: z.optional(Address),
  tax_id: z.optional(z.string().check(z.minLength(2), z.maxLength(32))),
  currency: z.optional(CurrencyCode),
});
export type AccountUpdate = z.infer<typeof AccountUpdate>;
