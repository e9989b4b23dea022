import type { HttpHandler } from 'msw';
import * as z from 'zod/mini';
import {
  BillingStep,
  CompanyStep,
  ContactStep,
  fieldIssues,
  ONBOARDING_STEPS,
  OnboardingApplication,
  OnboardingPatch,
  ReviewStep,
  type OnboardingStep,
} from '../../contracts/index.ts';
import { addressIssues, currencyIssues, taxIdIssues } from '../../contracts/v1/reference-data.ts';
import { conflict, failure, respond, Sandbox, validationFailed, type Override } from './answers.ts';
import { ifMatch, readBody, route, type Handle } from './routes.ts';

export interface OnboardingOverrides {
  start?: Override<OnboardingApplication>;
  load?: Override<OnboardingApplication>;
  save?: Override<OnboardingApplication>;
  submit?: Override<OnboardingApplication>;
}

const STEP_SCHEMAS = {
  company: CompanyStep,
  contact: ContactStep,
  billing: BillingStep,
  review: ReviewStep,
} as const;
/** A draft save accepts any subset of the step's fields, and no others. */
const DRAFT_SCHEMAS = {
  company: z.partial(z.strictObject(CompanyStep.shape)),
  contact: z.partial(z.strictObject(ContactStep.shape)),
  billing: z.partial(z.strictObject(BillingStep.shape)),
  review: z.partial(z.strictObject(ReviewStep.shape)),
} as const;

/** The cross-field rules of one step, as the reference core API checks them. */
function stepRuleIssues(step: OnboardingStep, values: Record<string, unknown>, prefix: string) {
  if (step === 'company') {
    const { country, region, tax_id } = values as Record<string, string | undefined>;
    return [
      ...addressIssues({ country, region }, prefix),
      ...taxIdIssues(country, tax_id, `${prefix}.tax_id`),
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

function stepIssues(step: OnboardingStep, values: Record<string, unknown> | undefined) {
  const parsed = STEP_SCHEMAS[step].safeParse(values ?? {});
  const schema = parsed.success
    ? []
    : fieldIssues(parsed.error.issues).map((issue) => ({
        ...issue,
        path: issue.path ? `${step}.${issue.path}` : step,
      }));
  return [...schema, ...stepRuleIssues(step, values ?? {}, step)];
}

/** The application with each step marked complete when it passes its full schema and rules. */
export function withSteps(application: OnboardingApplication): OnboardingApplication {
  return OnboardingApplication.parse({
    ...application,
    steps: ONBOARDING_STEPS.map((id) => ({
      id,
      complete: stepIssues(id, application.values[id]).length === 0,
    })),
  });
}

/**
 * One onboarding application as the reference core API keeps it (core-api/domain/onboarding.ts):
 * started or resumed, each step saved as a draft (`If-Match`; only the fields sent are checked,
 * merged into what was saved), submitted once every step is complete. Reset before every story.
 */
export function onboardingApi(
  initial: OnboardingApplication,
  overrides: OnboardingOverrides = {},
): HttpHandler[] {
  const sandbox = new Sandbox(withSteps(initial));
  const path = '/v1/onboarding/:id';
  const known = (params: Record<string, string>) => params.id === sandbox.value.id;
  const editable = () =>
    sandbox.value.status === 'submitted'
      ? failure('onboarding_submitted', {
          message: `Application ${sandbox.value.id} was submitted; it is read-only.`,
        })
      : undefined;

  const save: Handle = async (request, params) => {
    if (!known(params)) return failure('not_found');
    const application = sandbox.value;
    const version = ifMatch(request);
    if (version === undefined) return failure('precondition_required');
    const refused = editable();
    if (refused) return refused;
    if (version !== application.version) return conflict(application.version);
    const patch = OnboardingPatch.safeParse(await readBody(request));
    if (!patch.success) return validationFailed(fieldIssues(patch.error.issues));
    const { step, values, current_step } = patch.data;
    const draft = DRAFT_SCHEMAS[step].safeParse(values);
    if (!draft.success) {
      return validationFailed(
        fieldIssues(draft.error.issues).map((issue) => ({
          ...issue,
          path: issue.path ? `values.${issue.path}` : 'values',
        })),
      );
    }
    const merged = { ...application.values[step], ...draft.data } as Record<string, unknown>;
    const rules = stepRuleIssues(step, merged, 'values').filter((issue) =>
      Object.keys(draft.data).some((field) => issue.path.startsWith(`values.${field}`)),
    );
    if (rules.length > 0) return validationFailed(rules);
    sandbox.value = withSteps({
      ...application,
      values: { ...application.values, [step]: merged },
      current_step: current_step ?? application.current_step,
      version: application.version + 1,
      updated_at: new Date().toISOString(),
    });
    return respond(OnboardingApplication, sandbox.value);
  };

  const submit: Handle = (request, params) => {
    if (!known(params)) return failure('not_found');
    const application = sandbox.value;
    const refused = editable();
    if (refused) return refused;
    const version = ifMatch(request);
    if (version !== undefined && version !== application.version) {
      return conflict(application.version);
    }
    const issues = ONBOARDING_STEPS.flatMap((step) => stepIssues(step, application.values[step]));
    if (issues.length > 0) {
      return failure('onboarding_incomplete', {
        message: `Complete ${[...new Set(issues.map((i) => i.path.split('.')[0]))].join(', ')} before submitting.`,
        details: { fields: issues },
      });
    }
    const now = new Date().toISOString();
    sandbox.value = withSteps({
      ...application,
      status: 'submitted',
      current_step: 'review',
      submitted_at: now,
      version: application.version + 1,
      updated_at: now,
    });
    return respond(OnboardingApplication, sandbox.value);
  };

  return [
    route('post', '/v1/onboarding', () => respond(OnboardingApplication, sandbox.value), {
      answer: overrides.start,
      sandbox,
    }),
    route(
      'get',
      path,
      (_request, params) =>
        known(params) ? respond(OnboardingApplication, sandbox.value) : failure('not_found'),
      { answer: overrides.load, sandbox },
    ),
    route('patch', path, save, { answer: overrides.save, sandbox }),
    route('post', `${path}/submit`, submit, { answer: overrides.submit, sandbox }),
  ];
}
