import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { expect, fn, userEvent } from 'storybook/test';
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
  first,
  hang,
  malformed,
  networkError,
  onboardingApi,
  reference,
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
  argTypesFor,
  cssVariables,
  customTheme,
  docsFor,
  LIVE,
  liveStack,
  noStack,
  unstyled,
  type LiveStack,
} from './render.ts';

interface OnboardingArgs {
  applicationId: string;
  locale?: string;
  appearance?: 'light' | 'dark';
  unstyled?: boolean;
  terms: string;
  footer: string;
  onTesseraReady: (event: Event) => void;
  onTesseraChange: (event: Event) => void;
  onTesseraSuccess: (event: Event) => void;
  onTesseraError: (event: Event) => void;
  [cssProperty: `--${string}`]: string;
}

type Story = StoryObj<OnboardingArgs>;

const FULL = ['onboarding:read', 'onboarding:write'] as const;
const CONTACT = { name: 'Lena Schäfer', email: 'lena@nordlicht.example', phone: '030 1234567' };

function render(args: OnboardingArgs, context: StoryContext<OnboardingArgs>) {
  return html`<tessera-onboarding
    application-id=${args.applicationId || nothing}
    locale=${args.locale || nothing}
    appearance=${args.appearance || nothing}
    ?unstyled=${args.unstyled || unstyled(context)}
    style=${cssVariables(args) || nothing}
    @tessera-ready=${args.onTesseraReady}
    @tessera-change=${args.onTesseraChange}
    @tessera-success=${args.onTesseraSuccess}
    @tessera-error=${args.onTesseraError}
  >
    ${args.terms ? html`<p slot="terms">${args.terms}</p>` : nothing}
    ${args.footer ? html`<p slot="footer">${args.footer}</p>` : nothing}
  </tessera-onboarding>`;
}

const meta: Meta<OnboardingArgs> = {
  title: 'Widgets/Onboarding',
  component: 'tessera-onboarding',
  render,
  args: {
    applicationId: '',
    terms: '',
    footer: '',
    onTesseraReady: fn(),
    onTesseraChange: fn(),
    onTesseraSuccess: fn(),
    onTesseraError: fn(),
  },
  argTypes: argTypesFor('tessera-onboarding', 'applicationId'),
  parameters: {
    docs: docsFor('tessera-onboarding'),
    msw: {
      handlers: {
        token: tokenEndpoint({ scopes: FULL }),
        reference: reference(),
        onboarding: onboardingApi(seedApplication),
      },
    },
  },
};
export default meta;

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

/** Starting or resuming the application takes a while. */
export const Loading: Story = {
  parameters: {
    msw: { handlers: { onboarding: onboardingApi(seedApplication, { start: always(hang) }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await onboardingIn(canvasElement);
    await until(
      () => requests('POST', '/v1/onboarding').length === 1,
      () => 'never started',
    );
    await el.updateComplete;
    await expect(el.state.status).toBe('loading');
    await expect(
      view(el).getByRole('heading', { name: 'Loading your application…' }),
    ).toBeVisible();
    await expect(view(el).getByRole('status')).toHaveTextContent('Loading your application…');
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
  parameters: {
    msw: { handlers: { onboarding: onboardingApi(seedApplication, { save: jonas }) } },
  },
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
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, {
          save: elsewhere((current) =>
            withSteps({ ...submittedApplication, id: current.id, version: current.version + 1 }),
          ),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await settled(el, 'submitted');
    await expect(view(el).getByRole('heading', { name: 'Application submitted' })).toBeVisible();
  },
};

const SAVE_PATH = `/v1/onboarding/${seedApplication.id}`;

/** The network drops during a save: nothing typed is lost, and Try again saves it once. */
export const NetworkErrorOnSave: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, { save: first(3, networkError) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await expect(el.state.status).toBe('error');
    const alert = view(el).getByRole('alert');
    await expect(alert).toHaveTextContent('Nothing is lost');
    await expect(alert).toHaveTextContent(errorText('network_error'));
    await expect(focused(el)).toBe(alert);
    await expect(view(el).getByLabelText('Full name')).toHaveValue(CONTACT.name);
    await press(el, 'Try again');
    await expect(heading(el)).toBe('Step 3 of 4: Billing');
    const keys = new Set(requests('PATCH', SAVE_PATH).map((r) => r.idempotencyKey));
    await expect(keys.size).toBe(1);
  },
};

/** 500 on save: the API's message and request id, the values kept, Try again saves. */
export const ServerErrorOnSave: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, {
          save: first(3, () => failure('internal_error', { message: 'The database is down.' })),
        }),
      },
    },
  },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    const alert = view(el).getByRole('alert');
    await expect(alert).toHaveTextContent(errorText('internal_error'));
    await expect(alert).toHaveTextContent(/Reference: req_story_\d+/);
    await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
    await press(el, 'Try again');
    await expect(heading(el)).toBe('Step 3 of 4: Billing');
  },
};

/** 429 on every attempt, with Retry-After: the widget waits as told, then offers Try again. */
export const RateLimitedOnSave: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, {
          save: always(() =>
            failure('rate_limited', {
              message: 'Rate limit of 10/s per customer exceeded.',
              headers: { 'retry-after': '1' },
            }),
          ),
        }),
      },
    },
  },
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
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, {
          save: always(() => failure('insufficient_scope')),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await expect(el.state.status).toBe('forbidden');
    await expect(shown(el, 'You can view this application but not change it.')).toBeVisible();
  },
};

/** 404: an application id that is not this customer's. */
export const NotFound: Story = {
  args: { applicationId: 'onb_DoesNotExist0001' },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'error');
    await expect(errorCode(el)).toBe('not_found');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('not_found'));
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

/** The API answers an application that breaks the v1 contract: refused, not shown. */
export const SchemaMismatch: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, {
          start: always(() =>
            malformed(OnboardingApplication, { ...seedApplication, current_step: 'payment' }),
          ),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'error');
    await expect(errorCode(el)).toBe('schema_mismatch');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('schema_mismatch'));
  },
};

// --- tokens --------------------------------------------------------------------------------------

/** 401 token_expired on save: one new token, the save again, and on to billing. */
export const TokenExpiredThenRefreshed: Story = {
  parameters: {
    msw: {
      handlers: {
        onboarding: onboardingApi(seedApplication, {
          save: first(1, () => failure('token_expired')),
        }),
      },
    },
  },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await press(el, 'Save and continue');
    await expect(heading(el)).toBe('Step 3 of 4: Billing');
    const tokens = requests('POST', '/api/widget-token');
    const saves = requests('PATCH', SAVE_PATH);
    await expect(tokens).toHaveLength(2);
    await expect(saves.map((s) => s.status)).toEqual([401, 200]);
    await expect(saves[1]?.token).toBe(tokens[1]?.token);
    await expect(args.onTesseraError).not.toHaveBeenCalled();
  },
};

/** A short-lived token is renewed while the customer types; the save uses the new one. */
export const TokenRefreshedBeforeExpiry: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: FULL, ttlSeconds: [3, 300] }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await fillContact(el);
    await until(
      () => requests('POST', '/api/widget-token').length === 2,
      () => 'the token was not renewed before it expired',
      5_000,
    );
    await press(el, 'Save and continue');
    await expect(heading(el)).toBe('Step 3 of 4: Billing');
    const [, fresh] = requests('POST', '/api/widget-token');
    await expect(requests('PATCH', SAVE_PATH)[0]?.token).toBe(fresh?.token);
  },
};

/** The partner's token endpoint fails: nothing can start; Try again is offered. */
export const TokenEndpointFails: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: FULL, fail: 503 }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'error');
    await expect(errorCode(el)).toBe('token_fetch_failed');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('token_fetch_failed'));
    await expect(view(el).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

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

async function inLanguage(canvas: HTMLElement, title: RegExp, next: string) {
  const el = await settled(await onboardingIn(canvas), 'editing');
  await until(
    () => title.test(heading(el)),
    () => `the heading reads "${heading(el)}"`,
  );
  await expect(view(el).getByRole('button', { name: next })).toBeVisible();
  return el;
}

export const German: Story = {
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const el = await inLanguage(
      canvasElement,
      /^Schritt 2 von 4: Ansprechperson$/,
      'Speichern und weiter',
    );
    await expect(view(el).getByLabelText('Vollständiger Name')).toBeVisible();
  },
};

export const French: Story = {
  globals: { locale: 'fr' },
  play: async ({ canvasElement }) => {
    await inLanguage(
      canvasElement,
      /^Étape 2 sur 4\s?: Personne à contacter$/,
      'Enregistrer et continuer',
    );
  },
};

export const Spanish: Story = {
  globals: { locale: 'es' },
  play: async ({ canvasElement }) => {
    await inLanguage(canvasElement, /^Paso 2 de 4: Persona de contacto$/, 'Guardar y continuar');
  },
};

/** Arabic: right to left; country names from `Intl` in Arabic, the strings in English for now. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  parameters: { msw: { handlers: { onboarding: onboardingApi(reviewApplication) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const base = el.shadowRoot?.querySelector('[part~="base"]');
    await expect(base && getComputedStyle(base).direction).toBe('rtl');
    const germany = new Intl.DisplayNames(['ar'], { type: 'region' }).of('DE') ?? 'DE';
    await expect(el.shadowRoot?.querySelector('[part~="review"]')).toHaveTextContent(germany);
  },
};

export const Dark: Story = {
  globals: { appearance: 'dark' },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await expect(el.shadowRoot?.querySelector('[part~="base"]')).toHaveClass('dark');
  },
};

export const Unstyled: Story = {
  globals: { appearance: 'unstyled' },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    await expect(el).toHaveAttribute('unstyled');
    const base = el.shadowRoot?.querySelector('[part~="base"]');
    await expect(base && getComputedStyle(base).borderStyle).toBe('none');
  },
};

export const CustomTheme: Story = {
  decorators: [(story) => html`${customTheme('tessera-onboarding')}${story()}`],
  args: { footer: 'Questions about onboarding? Write to onboarding@shop.example.' },
  play: async ({ canvasElement }) => {
    const el = await settled(await onboardingIn(canvasElement), 'editing');
    const next = view(el).getByRole('button', { name: 'Save and continue' });
    await expect(getComputedStyle(next).textTransform).toBe('uppercase');
    await expect(getComputedStyle(next).backgroundColor).toBe('rgb(122, 62, 0)');
  },
};

// --- the real stack -------------------------------------------------------------------------------

/** The demo customer's application on a running `npm start` (not run as a test). */
export const Live: StoryObj<OnboardingArgs> = {
  tags: ['!test', '!autodocs', 'live'],
  loaders: [liveStack],
  render: (args, context) => {
    const live = (context.loaded as { live: LiveStack }).live;
    if (!live.ok) return noStack(live.reason);
    return html`<tessera-onboarding
      api-base=${LIVE.apiBase()}
      token-url=${LIVE.tokenUrl('onboarding')}
      ?unstyled=${unstyled(context)}
      @tessera-ready=${args.onTesseraReady}
      @tessera-change=${args.onTesseraChange}
      @tessera-success=${args.onTesseraSuccess}
      @tessera-error=${args.onTesseraError}
    ></tessera-onboarding>`;
  },
};
