import { randomInt } from 'node:crypto';
import {
  Account,
  CompanyStep,
  ExternalId,
  normaliseBillingEmail,
  OnboardingApplication,
  PartnerId,
  Quote,
  TesseraError,
} from '../contracts/index.ts';
import { demo } from '../contracts/fixtures/demo.ts';
import { randomAlnum } from '../service-kit/ids.ts';
import { currencyByCode, regionBelongsTo, validateTaxId } from './reference-data.ts';
import type { CoreStore } from './store/types.ts';

export interface SeedOptions {
  /** The partner the demo account is linked to: its tokens may reach the account. */
  partnerId: string;
  /** The clock the demo's dates are relative to; defaults to the current time. */
  now?: Date;
  /**
   * The partner's own id for the demo customer: the account is then linked under it as
   * `PUT /v1/partner/accounts/{external_id}` links one, so the partner's backend finds it there.
   */
  externalId?: string;
}

export interface SeedResult {
  account_id: string;
  quotes: { open: string; expired: string; accepted: string };
  onboarding_id: string;
}

function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`seed data is inconsistent: ${message}`);
}

/** Parses with the contract, and checks what the schema cannot: sums, tax ids, regions. */
function checkedQuote(quote: Quote): Quote {
  const parsed = Quote.parse(quote);
  for (const item of parsed.line_items) {
    invariant(item.amount === item.quantity * item.unit_amount, `${item.id} amount`);
  }
  const sum = parsed.line_items.reduce((total, item) => total + item.amount, 0);
  invariant(parsed.subtotal === sum, `${parsed.id} subtotal is not the sum of its line items`);
  invariant(parsed.total === parsed.subtotal + parsed.tax, `${parsed.id} total`);
  invariant(currencyByCode(parsed.currency) !== undefined, `${parsed.currency} is not known`);
  return parsed;
}

function checkedAccount(account: Account): Account {
  const parsed = Account.parse(account);
  const { country, region } = parsed.billing_address;
  invariant(region === undefined || regionBelongsTo(region, country), `region ${region}`);
  invariant(parsed.tax_id === undefined || validateTaxId(country, parsed.tax_id), 'tax id');
  invariant(currencyByCode(parsed.currency) !== undefined, `${parsed.currency} is not known`);
  return parsed;
}

function checkedOnboarding(application: OnboardingApplication): OnboardingApplication {
  const parsed = OnboardingApplication.parse(application);
  // The company step is marked complete, so it must pass the full step schema, not only the draft.
  const company = CompanyStep.parse(parsed.values.company);
  invariant(validateTaxId(company.country, company.tax_id), 'company tax id');
  invariant(
    company.region === undefined || regionBelongsTo(company.region, company.country),
    'company region',
  );
  return parsed;
}

/**
 * Creates, in one transaction, a demo account linked to `partnerId` with an open, an expired and
 * an accepted quote and an onboarding application in progress. Every call creates a new account:
 * running it twice gives two independent demos.
 */
export async function seedDemo(
  store: Pick<CoreStore, 'transaction'>,
  { partnerId, now = new Date(), externalId }: SeedOptions,
): Promise<SeedResult> {
  if (!PartnerId.safeParse(partnerId).success) {
    throw new TesseraError('validation_failed', `partner must look like ptn_…, got ${partnerId}`);
  }
  if (externalId !== undefined && !ExternalId.safeParse(externalId).success) {
    throw new TesseraError('validation_failed', `external id ${externalId} is not one`);
  }
  const accountId = `acct_${randomAlnum(16)}`;
  const { account, quotes, onboarding } = demo({
    ids: {
      account: accountId,
      quotes: {
        expired: `qt_${randomAlnum(16)}`,
        accepted: `qt_${randomAlnum(16)}`,
        open: `qt_${randomAlnum(16)}`,
      },
      onboarding: `onb_${randomAlnum(16)}`,
    },
    now,
    firstQuote: randomInt(1000, 90000),
  });
  checkedAccount(account);
  const { expired, accepted, open } = quotes;
  for (const quote of [expired, accepted, open]) checkedQuote(quote);
  checkedOnboarding(onboarding);

  await store.transaction(async (repo) => {
    await repo.insertAccount(account);
    await repo.linkAccount(accountId, partnerId);
    if (externalId !== undefined)
      await repo.insertPartnerAccount({
        partner_id: partnerId,
        external_id: externalId,
        account_id: accountId,
        billing_email_normalised: normaliseBillingEmail(account.billing_email),
        created_at: now.toISOString(),
      });
    for (const quote of [expired, accepted, open]) await repo.insertQuote(quote);
    await repo.insertOnboarding(onboarding);
  });

  return {
    account_id: accountId,
    quotes: { open: open.id, expired: expired.id, accepted: accepted.id },
    onboarding_id: onboarding.id,
  };
}
