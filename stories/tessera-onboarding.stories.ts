import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent } from 'storybook/test';
import { OnboardingApplication } from '../contracts/index.ts';
import '../widgets/onboarding/define.ts';
import type { TesseraOnboarding } from '../widgets/onboarding/tessera-onboarding.ts';
import {
  longNamesAccount,
  newApplication,
  reviewApplication,
  seedApplication,
  submittedApplication,
} from './fixtures.ts';
import {
  always,
  elsewhere,
  failure,
  malformed,
  onboardingApi,
  tokenEndpoint,
  withSteps,
} from './mocks/index.ts';
import {
  errorCode,
  errorText,
  focused,
  requests,
  settled,
  shown,
  until,
  view,
  widget,
} from './play.ts';
import {
  RATE_LIMITED,
  answered,
  sharedStories,
  widgetMeta,
  type WidgetArgs,
  type WidgetSpec,
} from './shared/widget-stories.ts';

interface OnboardingArgs extends WidgetArgs {
  applicationId: string;
  terms: string;
}

type Story = StoryObj<OnboardingArgs>;

const FULL = ['onboarding:read', 'onboarding:write'] as const;
const CONTACT = { name: 'Lena Schäfer', email: 'lena@nordlicht.example', phone: '030 1234567' };

const BUSY = new Set(['loading', 'saving', 'submitting']);
const onboardingIn = (canvas: HTMLElement) =>
  widget<TesseraOnboarding>(canvas, 'tessera-onboarding');

/** Waits until the widget is at rest (not loading, saving or submitting). */
async function idle(el: TesseraOnboarding, timeout = 10_000) {
  await until(
    () => !BUSY.has(el.state.status),
    () => `<tessera-onboarding> is still "${el.state.status}"`,
    timeout,
  );
  await el.updateComplete;
  return el;
}

const heading = (el: TesseraOnboarding) =>
  el.shadowRoot?.querySelector('#title')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function fillContact(el: TesseraOnboarding) {
  const v = view(el);
  await userEvent.type(v.getByLabelText('Full name'), CONTACT.name);
  await userEvent.type(v.getByLabelText('Email'), CONTACT.email);
  await userEvent.type(v.getByLabelText('Phone'), CONTACT.phone);
}

async function press(el: TesseraOnboarding, name: string | RegExp) {
  await userEvent.click(view(el).getByRole('button', { name }));
  return idle(el);
}

const SAVE_PATH = `/v1/onboarding/${seedApplication.id}`;
const BILLING_STEP = 'Step 3 of 4: Billing';

const spec: WidgetSpec<OnboardingArgs, TesseraOnboarding, OnboardingApplication> = {
  tag: 'tessera-onboarding',
  id: { arg: 'applicationId', attribute: 'application-id', initial: '' },
  slots: ['terms', 'footer'],
  scopes: FULL,
  api: { onboarding: onboardingApi(seedApplication) },
  ready: 'editing',
  titled: (el, title) =>
    typeof title === 'string' ? heading(el) === title : title.test(heading(el)),
  // Without an application id, the widget starts (or resumes) the customer's application.
  load: {
    method: 'POST',
    path: '/v1/onboarding',
    answering: (start) => ({ onboarding: onboardingApi(seedApplication, { start }) }),
    loadingTitle: 'Loading your application…',
  },
  save: {
    method: 'PATCH',
    path: SAVE_PATH,
    answering: (save) => ({ onboarding: onboardingApi(seedApplication, { save }) }),
    fill: fillContact,
    submit: async (el) => {
      await press(el, 'Save and continue');
    },
    saved: async (el) => {
      await expect(heading(el)).toBe(BILLING_STEP);
    },
    recovery: {
      failed: 'error',
      notSaved: 'Nothing is lost',
      kept: { label: 'Full name', value: CONTACT.name },
      retry: async (el) => {
        await press(el, 'Try again');
      },
    },
  },
  tokenExpiresOn: 'save',
  malformed: () =>
    malformed(OnboardingApplication, { ...seedApplication, current_step: 'payment' }),
  notFound: { args: { applicationId: 'onb_DoesNotExist0001' }, message: errorText('not_found') },
  recovered: async (el) => {
    await expect(heading(el)).toBe('Step 2 of 4: Contact person');
  },
  theme: {
    button: 'Save and continue',
    footer: 'Questions about onboarding? Write to onboarding@shop.example.',
  },
  languages: {
    de: {
      title: /^Schritt 2 von 4: Ansprechperson$/,
      action: 'Speichern und weiter',
      then: async (el) => {
        await expect(view(el).getByLabelText('Vollständiger Name')).toBeVisible();
      },
    },
    fr: { title: /^Étape 2 sur 4\s?: Personne à contacter$/, action: 'Enregistrer et continuer' },
    es: { title: /^Paso 2 de 4: Persona de contacto$/, action: 'Guardar y continuar' },
  },
  rightToLeft: {
    parameters: { msw: { handlers: { onboarding: onboardingApi(reviewApplication) } } },
    check: async (el) => {
      const germany = new Intl.DisplayNames(['ar'], { type: 'region' }).of('DE') ?? 'DE';
      await expect(el.shadowRoot?.querySelector('[part~="review"]')).toHaveTextContent(germany);
    },
  },
  live: { widget: 'onboarding' },
};

const meta: Meta<OnboardingArgs> = { title: 'Widgets/Onboarding', ...widgetMeta(spec) };
export default meta;
const shared = sharedStories(spec);

// --- states --------------------------------------------------------------------------------------

/** The seed's application, resumed where it was left: the company step done, contact next. */
export const Resumed: Story = {
  play: async ({ canvasElement, args }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const v = view(el);
    await expect(heading(el)).toBe('Step 2 of 4: Contact person');
    await expect(v.getByRole('navigation', { name: 'Progress' })).toBeVisible();
    const current = el.shadowRoot?.querySelector('[aria-current="step"]');
    await expect(current).toHaveTextContent(/Contact person\s*\(current step\)/);
    await expect(el.shadowRoot?.querySelector('[part~="complete-step"]')).toHaveTextContent(
      /Company\s*\(completed\)/,
    );
    await expect(v.getByRole('status')).toHaveTextContent('Step 2 of 4: Contact person');
    await expect(args.onTesseraReady).toHaveBeenCalledTimes(1);
  },
};

/** A new application starts at the company step, with the countries from the reference data. */
export const NewApplication: Story = {
  parameters: { msw: { handlers: { onboarding: onboardingApi(newApplication) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const v = view(el);
    await expect(heading(el)).toBe('Step 1 of 4: Company');
    await userEvent.type(v.getByLabelText('Legal company name'), 'Nordlicht Analytics GmbH');
    await userEvent.type(v.getByLabelText('Company registration number'), 'HRB 214587 B');
    await userEvent.selectOptions(v.getByLabelText('Country of registration'), 'DE');
    await el.updateComplete;
    await expect(v.getByText(/Your USt-IdNr\., for example DE123456789\./)).toBeVisible();
    await userEvent.type(v.getByLabelText('Tax or VAT number'), 'DE123456789');
    await press(el, 'Save and continue');
    await expect(heading(el)).toBe('Step 2 of 4: Contact person');
    await expect(focused(el)).toBe(el.shadowRoot?.querySelector('#title'));
    const [save] = requests('PATCH');
    await expect(save?.ifMatch).toBe('"1"');
    await expect(save?.status).toBe(200);
  },
};

/** Contact filled in; the billing step comes with country, currency and email filled in from it. */
export const SaveAndContinue: Story = {
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await expect(heading(el)).toBe('Step 3 of 4: Billing');
    const v = view(el);
    await expect(v.getByLabelText('Country')).toHaveValue('DE');
    await expect(v.getByLabelText('Billing currency')).toHaveValue('EUR');
    await expect(v.getByLabelText('Email for invoices')).toHaveValue(CONTACT.email);
  },
};

/** Save draft keeps what is valid without moving on, and says which field is not. */
export const SaveDraft: Story = {
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const v = view(el);
    await userEvent.type(v.getByLabelText('Full name'), CONTACT.name);
    await userEvent.type(v.getByLabelText('Phone'), 'call me');
    await press(el, 'Save draft');
    await expect(heading(el)).toBe('Step 2 of 4: Contact person');
    await expect(v.getByRole('status')).toHaveTextContent('Draft saved.');
    await expect(v.getByLabelText('Phone')).toHaveAccessibleDescription(
      /Enter a phone number, for example \+44 20 7946 0958\./,
    );
    await expect(requests('PATCH').map((r) => r.status)).toEqual([200]);
  },
};

/** The review step reads every answer back; ticking the terms and submitting ends the flow. */
export const ReviewAndSubmit: Story = {
  args: { terms: 'The terms of business of Nordlicht Analytics GmbH apply.' },
  parameters: { msw: { handlers: { onboarding: onboardingApi(reviewApplication) } } },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const v = view(el);
    await expect(heading(el)).toBe('Step 4 of 4: Review and submit');
    const review = el.shadowRoot?.querySelector('[part~="review"]');
    await expect(review).toHaveTextContent('Germany');
    await expect(review).toHaveTextContent('+493012345678');
    await userEvent.click(
      v.getByLabelText('I confirm these details are correct and accept the terms'),
    );
    await press(el, 'Submit application');
    await settled(el, 'submitted');
    const title = v.getByRole('heading', { name: 'Application submitted' });
    await expect(focused(el)).toBe(title);
    await expect(shown(el, /write to lena\.schaefer@nordlicht-analytics\.example/)).toBeVisible();
    await expect(shown(el, `Your reference: ${reviewApplication.id}`)).toBeVisible();
    await expect(args.onTesseraSuccess).toHaveBeenCalledTimes(1);
    await expect(requests('POST', '/submit')).toHaveLength(1);
  },
};

/** Terminal: submitted earlier, so there is nothing to fill in. */
export const Submitted: Story = {
  parameters: { msw: { handlers: { onboarding: onboardingApi(submittedApplication) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'submitted');
    await expect(view(el).getByRole('heading', { name: 'Application submitted' })).toBeVisible();
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

/** `onboarding:read` only, for a given application: its answers, read-only. */
export const ReadOnly: Story = {
  args: { applicationId: reviewApplication.id },
  parameters: {
    msw: {
      handlers: {
        token: tokenEndpoint({ scopes: ['onboarding:read'] }),
        onboarding: onboardingApi(reviewApplication),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'forbidden');
    await expect(shown(el, 'You can view this application but not change it.')).toBeVisible();
    await expect(el.shadowRoot?.querySelector('[part~="review"]')).toHaveTextContent(
      'Nordlicht Analytics GmbH',
    );
    await expect(view(el).queryByRole('button')).toBeNull();
    await expect(requests('PATCH')).toHaveLength(0);
  },
};

/** No `onboarding:write` and no application to show: the widget says so and starts nothing. */
export const NoPermission: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: ['onboarding:read'] }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'forbidden');
    await expect(
      shown(el, /You do not have permission to fill in this application\./),
    ).toBeVisible();
    await expect(requests('POST', '/v1/onboarding')).toHaveLength(0);
  },
};

/** An incomplete step: a focused error summary whose links lead to the fields; nothing is sent. */
export const ValidationErrors: Story = {
  play: async ({ canvasElement, step }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await press(el, 'Save and continue');
    const summary = el.shadowRoot?.querySelector<HTMLElement>('[part~="error-summary"]');
    await expect(summary).toHaveTextContent('There is a problem');
    await expect(focused(el)).toBe(summary);
    const links = [...(summary?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'));
    await expect(links).toEqual(['#contact-name', '#contact-email', '#phone']);
    const name = view(el).getByLabelText('Full name');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toHaveAccessibleDescription('This field is required.');
    await step('The summary link leads to the field', async () => {
      await userEvent.click(view(el).getByRole('link', { name: /^Phone:/ }));
      await expect(focused(el)).toBe(view(el).getByLabelText('Phone'));
    });
    await expect(requests('PATCH')).toHaveLength(0);
  },
};

/** The tax number is checked against the country's own format before anything is sent. */
export const TaxIdFormat: Story = {
  parameters: { msw: { handlers: { onboarding: onboardingApi(newApplication) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const v = view(el);
    await userEvent.type(v.getByLabelText('Legal company name'), 'Nordlicht Analytics GmbH');
    await userEvent.type(v.getByLabelText('Company registration number'), 'HRB 214587 B');
    await userEvent.selectOptions(v.getByLabelText('Country of registration'), 'DE');
    await userEvent.type(v.getByLabelText('Tax or VAT number'), '12345');
    await press(el, 'Save and continue');
    await expect(v.getByLabelText('Tax or VAT number')).toHaveAccessibleDescription(
      /Enter a USt-IdNr\. like DE123456789\./,
    );
    await expect(requests('PATCH')).toHaveLength(0);
  },
};

/** Submit refused by the API (422 onboarding_incomplete): the summary links to the field. */
export const SubmitRefused: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(reviewApplication, {
          submit: always(() =>
            failure('onboarding_incomplete', {
              message: 'Complete company before submitting.',
              details: {
                fields: [
                  { path: 'company.tax_id', code: 'invalid_tax_id', message: 'not a valid VAT id' },
                ],
              },
            }),
          ),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await userEvent.click(
      view(el).getByLabelText('I confirm these details are correct and accept the terms'),
    );
    await press(el, 'Submit application');
    await expect(el.state.status).toBe('editing');
    const summary = el.shadowRoot?.querySelector<HTMLElement>('[part~="error-summary"]');
    await expect(summary).toHaveTextContent(/Tax or VAT number/);
    await expect(focused(el)).toBe(summary);
  },
};

// --- conflicts and failures while saving -----------------------------------------------------------

const jonas = elsewhere<OnboardingApplication>((current) =>
  withSteps({
    ...current,
    values: { ...current.values, contact: { name: 'Jonas Weber' } },
    version: current.version + 1,
  }),
);

/** 412: another tab saved the same step; both values are shown and the customer decides. */
export const SaveConflict: Story = {
  parameters: answered(spec.save, jonas),
  play: async ({ canvasElement, step }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await expect(el.state.status).toBe('conflict');
    const panel = el.shadowRoot?.querySelector<HTMLElement>('[part~="conflict"]');
    await expect(focused(el)).toBe(panel);
    const row = panel?.querySelector('tbody tr');
    await expect(row).toHaveTextContent(/Full name\s*Jonas Weber\s*Lena Schäfer/);
    await step('Keep mine: saved over theirs, and on to billing', async () => {
      await press(el, 'Keep mine');
      await expect(heading(el)).toBe('Step 3 of 4: Billing');
    });
    await expect(requests('PATCH').map((r) => r.status)).toEqual([412, 200]);
  },
};

/** A 412 settled with "Use the saved values": theirs in the field, nothing written. */
export const SaveConflictUseTheirs: Story = {
  parameters: SaveConflict.parameters,
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await press(el, 'Use the saved values');
    await expect(heading(el)).toBe('Step 2 of 4: Contact person');
    await expect(view(el).getByLabelText('Full name')).toHaveValue('Jonas Weber');
    await expect(view(el).getByLabelText('Email')).toHaveValue(CONTACT.email);
    await expect(requests('PATCH').map((r) => r.status)).toEqual([412]);
  },
};

/** 409 onboarding_submitted: it was submitted in another tab meanwhile. */
export const SubmittedElsewhere: Story = {
  parameters: answered(
    spec.save,
    elsewhere((current) =>
      withSteps({ ...submittedApplication, id: current.id, version: current.version + 1 }),
    ),
  ),
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await settled(el, 'submitted');
    await expect(view(el).getByRole('heading', { name: 'Application submitted' })).toBeVisible();
  },
};

/** 429 on every attempt, with Retry-After: the widget waits as told, then offers Try again. */
export const RateLimitedOnSave: Story = {
  parameters: answered(spec.save, always(RATE_LIMITED)),
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Save and continue' }));
    await idle(el, 15_000);
    await expect(errorCode(el)).toBe('rate_limited');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('rate_limited'));
    await expect(view(el).getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(requests('PATCH', SAVE_PATH)).toHaveLength(3);
  },
};

/** 403 insufficient_scope on save: the scope was withdrawn; the answers stay, read-only. */
export const ForbiddenOnSave: Story = {
  parameters: answered(
    spec.save,
    always(() => failure('insufficient_scope')),
  ),
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await expect(el.state.status).toBe('forbidden');
    await expect(shown(el, 'You can view this application but not change it.')).toBeVisible();
  },
};

// --- tokens --------------------------------------------------------------------------------------

// --- content, languages, looks -------------------------------------------------------------------

/** The longest names the contract allows, read back on the review step. */
export const LongNames: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi({
          ...reviewApplication,
          values: {
            ...reviewApplication.values,
            company: {
              ...reviewApplication.values.company,
              legal_name: longNamesAccount.legal_name,
            },
            billing: {
              ...reviewApplication.values.billing,
              address: longNamesAccount.billing_address,
              billing_email: longNamesAccount.billing_email,
            },
          },
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await expect(el.shadowRoot?.querySelector('[part~="review"]')).toHaveTextContent(
      longNamesAccount.legal_name,
    );
  },
};

// --- what every widget shows alike (shared/widget-stories.ts) -----------------------------------

export const Loading = shared.Loading;
export const TokenExpiredThenRefreshed = shared.TokenExpiredThenRefreshed;
export const TokenRefreshedBeforeExpiry = shared.TokenRefreshedBeforeExpiry;
export const TokenEndpointFails = shared.TokenEndpointFails;
export const NotFound = shared.NotFound;
export const SchemaMismatch = shared.SchemaMismatch;
export const RateLimited = shared.RateLimited;
export const ServerError = shared.ServerError;
export const NetworkError = shared.NetworkError;
export const NetworkErrorOnSave = shared.NetworkErrorOnSave;
export const ServerErrorOnSave = shared.ServerErrorOnSave;
export const German = shared.German;
export const French = shared.French;
export const Spanish = shared.Spanish;
export const RightToLeft = shared.RightToLeft;
export const Dark = shared.Dark;
export const Narrow = shared.Narrow;
export const DarkBrand = shared.DarkBrand;
export const Unstyled = shared.Unstyled;
export const CustomTheme = shared.CustomTheme;
/** The demo customer's application on a running `npm start` (not run as a test). */
export const Live: Story = { ...shared.Live, tags: ['!test', '!autodocs', 'live'] };
