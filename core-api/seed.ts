import { randomInt } from 'node:crypto';
import {
  Account,
  CompanyStep,
  OnboardingApplication,
  PartnerId,
  Quote,
  TesseraError,
} from '../contracts/index.ts';
import type { LineItem } from '../contracts/index.ts';
import { randomAlnum } from '../service-kit/ids.ts';
import { currencyByCode, regionBelongsTo, validateTaxId } from './reference-data.ts';
import type { CoreStore } from './store/types.ts';

export interface SeedOptions {
  /** The partner the demo account is linked to: its tokens may reach the account. */
  partnerId: string;
  /** The clock the demo's dates are relative to; defaults to the current time. */
  now?: Date;
}

export interface SeedResult {
  account_id: string;
  quotes: { open: string; expired: string; accepted: string };
  onboarding_id: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// German standard VAT: the demo company is in Berlin.
const VAT_PERCENT = 19;

function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`seed data is inconsistent: ${message}`);
}

function lineItem(id: string, description: string, quantity: number, unitAmount: number): LineItem {
  return { id, description, quantity, unit_amount: unitAmount, amount: quantity * unitAmount };
}

/** A quote's amounts from its line items, so the demo's arithmetic is right by construction. */
function priced(lineItems: LineItem[]): Pick<Quote, 'line_items' | 'subtotal' | 'tax' | 'total'> {
  const subtotal = lineItems.reduce((sum, item) => sum + item.amount, 0);
  const tax = Math.round((subtotal * VAT_PERCENT) / 100);
  return { line_items: lineItems, subtotal, tax, total: subtotal + tax };
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
  { partnerId, now = new Date() }: SeedOptions,
): Promise<SeedResult> {
  if (!PartnerId.safeParse(partnerId).success) {
    throw new TesseraError('validation_failed', `partner must look like ptn_…, got ${partnerId}`);
  }
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString();
  const accountId = `acct_${randomAlnum(16)}`;
  const taxId = 'DE123456789';
  const domain = 'nordlicht-analytics.example';

  const account = checkedAccount({
    id: accountId,
    legal_name: 'Nordlicht Analytics GmbH',
    billing_email: `billing@${domain}`,
    phone: '+493012345678',
    billing_address: {
      line1: 'Friedrichstraße 123',
      line2: '4. OG',
      city: 'Berlin',
      region: 'DE-BE',
      postal_code: '10117',
      country: 'DE',
    },
    tax_id: taxId,
    currency: 'EUR',
    version: 1,
    created_at: at(-120),
    updated_at: at(-120),
  });

  // Consecutive numbers in the order the quotes were issued.
  const year = now.getUTCFullYear();
  const first = randomInt(1000, 90000);
  const number = (offset: number) => `Q-${year}-${String(first + offset).padStart(5, '0')}`;

  const expired = checkedQuote({
    id: `qt_${randomAlnum(16)}`,
    number: number(0),
    account_id: accountId,
    status: 'expired',
    currency: 'EUR',
    ...priced([
      lineItem('li_1', 'Analytics Platform — Starter plan (12 months)', 1, 240_000),
      lineItem('li_2', 'Additional user seats (12 months)', 5, 6_000),
    ]),
    valid_until: at(-12),
    version: 2,
  });

  const accepted = checkedQuote({
    id: `qt_${randomAlnum(16)}`,
    number: number(1),
    account_id: accountId,
    status: 'accepted',
    currency: 'EUR',
    ...priced([
      lineItem('li_1', 'Data connector — Salesforce (12 months)', 1, 90_000),
      lineItem('li_2', 'Implementation services (per day)', 3, 120_000),
    ]),
    valid_until: at(14),
    accepted_at: at(-3),
    accepted_by: { name: 'Lena Schäfer', email: `lena.schaefer@${domain}` },
    version: 2,
  });

  const open = checkedQuote({
    id: `qt_${randomAlnum(16)}`,
    number: number(2),
    account_id: accountId,
    status: 'open',
    currency: 'EUR',
    ...priced([
      lineItem('li_1', 'Analytics Platform — Business plan (12 months)', 1, 480_000),
      lineItem('li_2', 'Additional user seats (12 months)', 15, 9_600),
      lineItem('li_3', 'Onboarding workshop (half day, remote)', 1, 75_000),
      lineItem('li_4', 'Premium support (12 months)', 1, 60_000),
    ]),
    valid_until: at(30),
    version: 1,
  });

  const onboarding = checkedOnboarding({
    id: `onb_${randomAlnum(16)}`,
    account_id: accountId,
    status: 'in_progress',
    current_step: 'contact',
    steps: [
      { id: 'company', complete: true },
      { id: 'contact', complete: false },
      { id: 'billing', complete: false },
      { id: 'review', complete: false },
    ],
    values: {
      company: {
        legal_name: 'Nordlicht Analytics GmbH',
        registration_number: 'HRB 214587 B',
        country: 'DE',
        region: 'DE-BE',
        tax_id: taxId,
      },
    },
    // Created, then the company step saved: two writes.
    version: 2,
    updated_at: at(-1 / 24),
  });

  await store.transaction(async (repo) => {
    await repo.insertAccount(account);
    await repo.linkAccount(accountId, partnerId);
    for (const quote of [expired, accepted, open]) await repo.insertQuote(quote);
    await repo.insertOnboarding(onboarding);
  });

  return {
    account_id: accountId,
    quotes: { open: open.id, expired: expired.id, accepted: accepted.id },
    onboarding_id: onboarding.id,
  };
}
