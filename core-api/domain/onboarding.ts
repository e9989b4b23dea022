import * as z from 'zod/mini';
import {
  Account,
  BillingStep,
  CompanyStep,
  ContactStep,
  ONBOARDING_STEPS,
  OnboardingApplication,
  ReviewStep,
  TesseraError,
  checkInput,
  fieldIssues,
  type FieldIssue,
  type OnboardingDraft,
  type OnboardingPatch,
  type OnboardingStep,
} from '../../contracts/index.ts';
import { randomAlnum } from '../../service-kit/ids.ts';
import type { CoreRepo } from '../store/types.ts';
import { ownAccount, invalid } from './accounts.ts';
import { checkVersion, type Actor } from './actor.ts';
import { addressIssues, currencyIssues, taxIdIssues } from '../../contracts/v1/reference-data.ts';

const STEP_SCHEMAS = {
  company: CompanyStep,
  contact: ContactStep,
  billing: BillingStep,
  review: ReviewStep,
} as const;
/** What a draft save accepts per step: any subset of the step's fields, no others. */
const DRAFT_SCHEMAS = {
  company: z.partial(z.strictObject(CompanyStep.shape)),
  contact: z.partial(z.strictObject(ContactStep.shape)),
  billing: z.partial(z.strictObject(BillingStep.shape)),
  review: z.partial(z.strictObject(ReviewStep.shape)),
} as const;

/**
 * The country the company's tax id is checked against: the billing step's, where the account's
 * tax id belongs (`taxIdIssues`); until a billing country is saved, the company's, which the
 * billing step starts from.
 */
function taxCountry(draft: OnboardingDraft, company: { country?: string }): string | undefined {
  return draft.billing?.address?.country ?? company.country;
}

/**
 * Cross-field and reference-data rules of one step, on whatever values it has so far; `draft` is
 * the whole application, for the rules that span steps.
 */
function stepRuleIssues(
  step: OnboardingStep,
  values: Record<string, unknown>,
  prefix: string,
  draft: OnboardingDraft,
): FieldIssue[] {
  if (step === 'company') {
    const { country, region, tax_id } = values as {
      country?: string;
      region?: string;
      tax_id?: string;
    };
    return [
      ...addressIssues({ country, region }, prefix),
      ...taxIdIssues(taxCountry(draft, { country }), tax_id, `${prefix}.tax_id`),
    ];
  }
  if (step === 'billing') {
    const { address, currency } = values as {
      address?: { country?: string; region?: string };
      currency?: string;
    };
    return [
      ...addressIssues(address, `${prefix}.address`),
      ...currencyIssues(currency, `${prefix}.currency`),
    ];
  }
  return [];
}

function stepIssues(
  step: OnboardingStep,
  values: Record<string, unknown> | undefined,
  draft: OnboardingDraft,
): FieldIssue[] {
  const parsed = STEP_SCHEMAS[step].safeParse(values ?? {});
  const schemaIssues = parsed.success
    ? []
    : fieldIssues(parsed.error.issues).map((issue) => ({
        ...issue,
        path: issue.path ? `${step}.${issue.path}` : step,
      }));
  return [...schemaIssues, ...stepRuleIssues(step, values ?? {}, step, draft)];
}

function withSteps(application: Omit<OnboardingApplication, 'steps'>): OnboardingApplication {
  return OnboardingApplication.parse({
    ...application,
    steps: ONBOARDING_STEPS.map((id) => ({
      id,
      complete: stepIssues(id, application.values[id], application.values).length === 0,
    })),
  });
}

export async function ownApplication(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  forUpdate = false,
): Promise<OnboardingApplication> {
  const application = await repo.getOnboarding(id, { forUpdate, accountId: actor.accountId });
  if (!application) throw new TesseraError('not_found', `No onboarding application ${id}.`);
  return application;
}

/**
 * Starts an application for the token's account, or resumes the one in progress. Onboarding
 * happens once: an account onboarded by a submitted application gets that application back, read
 * only, and is changed from then on through the account itself (`account:write`, `If-Match`).
 */
export async function startOnboarding(
  repo: CoreRepo,
  actor: Actor,
): Promise<{ application: OnboardingApplication; created: boolean }> {
  // The account row lock serialises concurrent starts: one application in progress per account.
  await ownAccount(repo, actor, actor.accountId, true);
  const submitted = await repo.findSubmittedOnboarding(actor.accountId);
  if (submitted) return { application: submitted, created: false };
  const open = await repo.findOpenOnboarding(actor.accountId);
  if (open) return { application: open, created: false };
  const application = withSteps({
    id: `onb_${randomAlnum(16)}`,
    account_id: actor.accountId,
    status: 'in_progress',
    current_step: 'company',
    values: {},
    version: 1,
    updated_at: actor.now.toISOString(),
  });
  await repo.insertOnboarding(application);
  return { application, created: true };
}

function assertEditable(application: OnboardingApplication): void {
  if (application.status === 'submitted')
    throw new TesseraError(
      'onboarding_submitted',
      `Application ${application.id} was submitted on ${application.submitted_at}; it is read-only.`,
    );
}

/** Saves a draft of one step: only the fields sent are checked, and merged into what was saved. */
export async function saveDraft(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  patch: OnboardingPatch,
  ifMatch: number,
): Promise<OnboardingApplication> {
  const current = await ownApplication(repo, actor, id, true);
  assertEditable(current);
  checkVersion(current.version, ifMatch);
  const parsed = checkInput(DRAFT_SCHEMAS[patch.step], patch.values);
  if (!parsed.success)
    throw invalid(
      parsed.fields.map((issue) => ({
        ...issue,
        path: issue.path ? `values.${issue.path}` : 'values',
      })),
    );
  const merged = { ...(current.values[patch.step] ?? {}), ...parsed.data } as Record<
    string,
    unknown
  >;
  const ruleIssues = stepRuleIssues(patch.step, merged, 'values', current.values).filter((issue) =>
    Object.keys(parsed.data).some((field) => issue.path.startsWith(`values.${field}`)),
  );
  if (ruleIssues.length > 0) throw invalid(ruleIssues);
  const values: OnboardingDraft = { ...current.values, [patch.step]: merged };
  const next = withSteps({
    ...current,
    values,
    current_step: patch.current_step ?? current.current_step,
    version: current.version + 1,
    updated_at: actor.now.toISOString(),
  });
  await repo.updateOnboarding(next);
  return next;
}

/** Validates every step, submits, and carries the result into the account, in one transaction. */
export async function submitOnboarding(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  ifMatch: number | undefined,
): Promise<OnboardingApplication> {
  const current = await ownApplication(repo, actor, id, true);
  assertEditable(current);
  checkVersion(current.version, ifMatch);
  const account = await ownAccount(repo, actor, current.account_id, true);
  // Only the account's first onboarding writes it: an application left open from before could
  // otherwise overwrite the account without `account:write` or its version.
  const onboarded = await repo.findSubmittedOnboarding(current.account_id);
  if (onboarded)
    throw new TesseraError(
      'onboarding_submitted',
      `Account ${current.account_id} was onboarded by application ${onboarded.id} on ${onboarded.submitted_at}; change it through the account.`,
      { submitted_application: onboarded.id },
    );
  const issues = ONBOARDING_STEPS.flatMap((step) =>
    stepIssues(step, current.values[step], current.values),
  );
  if (issues.length > 0) {
    throw new TesseraError(
      'onboarding_incomplete',
      `Complete ${[...new Set(issues.map((issue) => issue.path.split('.')[0]))].join(', ')} before submitting.`,
      { fields: issues },
    );
  }
  const company = CompanyStep.parse(current.values.company);
  const contact = ContactStep.parse(current.values.contact);
  const billing = BillingStep.parse(current.values.billing);
  const now = actor.now.toISOString();
  const submitted = withSteps({
    ...current,
    status: 'submitted',
    current_step: 'review',
    submitted_at: now,
    version: current.version + 1,
    updated_at: now,
  });
  await repo.updateOnboarding(submitted);

  const updated = Account.parse({
    ...account,
    legal_name: company.legal_name,
    tax_id: company.tax_id,
    phone: contact.phone,
    billing_email: billing.billing_email,
    billing_address: billing.address,
    currency: billing.currency,
    version: account.version + 1,
    updated_at: now,
  });
  await repo.updateAccount(updated);
  await repo.appendEvent(actor.event('onboarding.submitted', submitted));
  await repo.appendEvent(actor.event('account.updated', updated));
  return submitted;
}
