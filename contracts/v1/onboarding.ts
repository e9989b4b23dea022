import * as z from 'zod/mini';
import { Address, PhoneE164 } from './account.ts';
import {
  AccountId,
  CountryCode,
  CurrencyCode,
  RegionCode,
  Timestamp,
  Version,
  prefixedId,
} from './common.ts';

export const OnboardingId = prefixedId('onb');
export const ONBOARDING_STEPS = ['company', 'contact', 'billing', 'review'] as const;
export const OnboardingStep = z.enum(ONBOARDING_STEPS);
export type OnboardingStep = z.infer<typeof OnboardingStep>;
export const OnboardingStatus = z.enum(['in_progress', 'submitted']);

export const CompanyStep = z.object({
  legal_name: z.string().check(z.minLength(1), z.maxLength(200)),
  registration_number: z.string().check(z.minLength(1), z.maxLength(40)),
  country: CountryCode,
  region: z.optional(RegionCode),
  tax_id: z.string().check(z.minLength(2), z.maxLength(32)),
});
export const ContactStep = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  email: z.email(),
  phone: PhoneE164,
});
export const BillingStep = z.object({
  address: Address,
  billing_email: z.email(),
  currency: CurrencyCode,
});
export const ReviewStep = z.object({ accept_terms: z.literal(true) });

/** Drafts are partial: any step may be missing, and a saved step may be incomplete. */
export const OnboardingDraft = z.object({
  company: z.optional(z.partial(CompanyStep)),
  contact: z.optional(z.partial(ContactStep)),
  billing: z.optional(z.partial(BillingStep)),
  review: z.optional(z.partial(ReviewStep)),
});
export type OnboardingDraft = z.infer<typeof OnboardingDraft>;

/** What submit requires: every step complete. */
export const OnboardingComplete = z.object({
  company: CompanyStep,
  contact: ContactStep,
  billing: BillingStep,
  review: ReviewStep,
});

export const OnboardingApplication = z.object({
  id: OnboardingId,
  account_id: AccountId,
  status: OnboardingStatus,
  current_step: OnboardingStep,
  steps: z.array(z.object({ id: OnboardingStep, complete: z.boolean() })),
  values: OnboardingDraft,
  submitted_at: z.optional(Timestamp),
  version: Version,
  updated_at: Timestamp,
});
export type OnboardingApplication = z.infer<typeof OnboardingApplication>;

export const OnboardingPatch = z.strictObject({
  step: OnboardingStep,
  values: z.record(z.string(), z.unknown()),
  current_step: z.optional(OnboardingStep),
});
export type OnboardingPatch = z.infer<typeof OnboardingPatch>;
